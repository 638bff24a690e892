-- All published indicator cells before statistical confidentiality (never published as
-- such), with the catalogue attributes the confidentiality rules need, a number per cell and
-- what suppressing it costs readers. The table design (docs/confidentiality.md) is applied
-- here: only the combinations readers use are published. Beside them, the unpublished town
-- counts a reader can still reason about (`ist_veroeffentlicht` false): the attacker check
-- takes them as unknowns, they are never published.
{% set familien = [
    'int_kennzahlen_faelle',
    'int_kennzahlen_aufschluesselungen',
    'int_kennzahlen_kontakte',
    'int_kennzahlen_vermittlungen',
    'int_kennzahlen_handlungsfeldziele',
    'int_kennzahlen_stellen',
    'int_kennzahlen_baustein3',
] %}
with werte as (
    {% for familie in familien %}
        select
            indikator,
            zeitraum,
            gebiet,
            zielgruppe,
            handlungsfeld,
            aufschluesselung,
            wert,
            basis
        from {{ ref(familie) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

katalog as (
    select * from {{ ref('stg_kennzahlen') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

gesichert as (
    -- periods frozen by `kim bereinigen` are published from their frozen values
    -- (fct_indikatoren); their cases are partly deleted, so they are not computed again
    select distinct zeitraum from {{ ref('stg_gesicherte_kennzahlen') }}
),

entworfen as (
    select
        werte.*,
        katalog.geheimhaltung,
        katalog.hat_zielgruppen,
        katalog.ist_zeitlich_summierbar,
        katalog.ist_handlungsfelder_summierbar,
        perioden.periodenrang,
        perioden.ende as periodenende,
        split_part(werte.aufschluesselung, '=', 1) as dimension
    from werte
    left join katalog on werte.indikator = katalog.indikator
    inner join perioden on werte.zeitraum = perioden.zeitraum
    where
        werte.zeitraum not in (select gesichert.zeitraum from gesichert)
        and
        -- target groups and topics only for the indicators the catalogue breaks down so,
        -- and closed cases as the base of the rates and medians that are (see `basiszellen`)
        (
            katalog.hat_zielgruppen
            or (werte.zielgruppe = 'alle' and werte.handlungsfeld = 'alle')
            or werte.indikator = 'faelle_abgeschlossen'
        )
        -- "Seit Beginn" only for the Kreis's new cases and persons reached
        -- (docs/confidentiality.md): the cumulative counts of a town, a group, or the case
        -- identities (active, closed, stock) tie all years together and cost many yearly
        -- values. Unpublished, a town's cumulative new cases are just the sum of its years,
        -- so they tell a reader nothing and are no unknown of the check either.
        and (
            werte.zeitraum <> 'gesamt'
            or (
                werte.gebiet = '{{ var("kreis_ags") }}'
                and werte.indikator in ('faelle_neu', 'personen_erreicht')
                and werte.zielgruppe = 'alle' and werte.handlungsfeld = 'alle'
                and werte.aufschluesselung = ''
            )
        )
),

gestaltet as (
    -- The published grain (docs/confidentiality.md, "Table design"): the first period level
    -- (1 month, 2 quarter, 3 half-year, 4 year, 5 `gesamt`) from which a combination is
    -- published; null for a combination that is not published at all. Every indicator of a
    -- combination shares its grain, so that the case-count identities hold between
    -- published cells.
    select
        *,
        case
            when aufschluesselung = '' and zielgruppe = 'alle' and handlungsfeld = 'alle' then 1
            -- staffing by Baustein (not personal data, never suppressed)
            when dimension = 'baustein' and ist_kreis then 1
            -- Baustein III by nationality: the Kreis's years, as in public reports
            when dimension = 'staatsangehoerigkeit' and ist_kreis then 4
            when dimension in ('verfahrensart', 'baustein') then 2
            when aufschluesselung <> '' and not ist_kreis then null
            when dimension = 'partner' and handlungsfeld = 'alle' then 2
            when dimension = 'partner' then 4
            when aufschluesselung <> '' then 3
            -- closed cases by group and topic together are unknowns of the check for the
            -- rates and medians beside them: costly, and no page shows them
            when
                zielgruppe <> 'alle' and handlungsfeld <> 'alle'
                and indikator in (
                    'faelle_abgeschlossen', 'quote_ziele_erreicht', 'quote_ziele_teilweise',
                    'falldauer_median_tage'
                )
                then null
            when zielgruppe <> 'alle' and handlungsfeld <> 'alle' and ist_kreis then 3
            when zielgruppe <> 'alle' and handlungsfeld <> 'alle' then null
            else 3
        end as ab_periodenrang
    from (
        select
            *,
            gebiet = '{{ var("kreis_ags") }}' as ist_kreis
        from entworfen
    )
),

feinste as (
    select
        *,
        -- the Kreis publishes the finest grain of a combination
        min(ab_periodenrang) over (
            partition by indikator, zielgruppe, handlungsfeld, aufschluesselung
        ) as kreis_ab_periodenrang
    from gestaltet
),

veroeffentlicht as (
    select
        *,
        -- A target group's or topic's closed cases are not published, but the rates and
        -- medians published beside them tell a reader whether they are 0, below the
        -- minimum base or not (docs/confidentiality.md, "Ratios"): unknowns of the check.
        coalesce(periodenrang >= ab_periodenrang, false)
        and (hat_zielgruppen or (zielgruppe = 'alle' and handlungsfeld = 'alle'))
            as ist_veroeffentlicht
    from feinste
    where
        periodenrang >= ab_periodenrang
        -- Unpublished town counts at periods the Kreis publishes (a target group and a
        -- topic together, breakdowns, partners: combinations a town does not show): they
        -- add up to a published Kreis cell and are bounded by published town cells, so a
        -- reader can combine them (docs/confidentiality.md, "Cells that are not published").
        or (
            not ist_kreis
            and geheimhaltung = 'anzahl'
            and indikator <> 'personen_erreicht'
            and periodenrang >= kreis_ab_periodenrang
        )
),

gewichtet as (
    select
        *,
        -- Information loss of suppressing the cell (catalogue §3 rule 6): lower goes first.
        -- Months before years, breakdowns before totals, groups and topics before `alle`,
        -- towns before the Kreis; the Kreis's yearly and cumulative totals only where nothing
        -- else helps.
        periodenrang
        + 3 * (aufschluesselung = '')::integer
        + 2 * (zielgruppe = 'alle')::integer
        + 2 * (handlungsfeld = 'alle')::integer
        + 6 * (gebiet = '{{ var("kreis_ags") }}')::integer
        + {{ var('gewicht_kreis_jahreswert') }} * (
            gebiet = '{{ var("kreis_ags") }}' and periodenrang = 4 and aufschluesselung = ''
        )::integer as eigenes_gewicht
    from veroeffentlicht
),

final as (
    select
        -- Numbered in a fixed order, so that ties in secondary suppression (which cell
        -- of a group to suppress next) are broken the same way in every build.
        row_number() over (
            order by
                indikator,
                zeitraum,
                gebiet,
                zielgruppe,
                handlungsfeld,
                aufschluesselung
        ) as zelle,
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        wert,
        basis,
        geheimhaltung,
        ist_zeitlich_summierbar,
        ist_handlungsfelder_summierbar,
        ist_veroeffentlicht,
        -- The figures readers look at first: totals of a quarter or longer, of every area. A
        -- shielding change lifting several cells together may not suppress one of them
        -- (docs/confidentiality.md).
        aufschluesselung = ''
        and zielgruppe = 'alle'
        and handlungsfeld = 'alle'
        and periodenrang >= 2 as ist_kernzahl,
        -- The stock at the end of a month, quarter, half-year and year ending on the same day
        -- is one number: suppressing one of them suppresses all, so each costs what the
        -- dearest of them costs (the Kreis's yearly stock stays visible where it can).
        case
            when indikator = 'faelle_bestand'
                then coalesce(
                    max(eigenes_gewicht) filter (where ist_veroeffentlicht) over (
                        partition by
                            indikator,
                            gebiet,
                            zielgruppe,
                            handlungsfeld,
                            aufschluesselung,
                            periodenende
                    ),
                    eigenes_gewicht
                )
            else eigenes_gewicht
        end as gewicht
    from gewichtet
)

select * from final
