-- All published indicator cells before statistical confidentiality (never published as
-- such), with the catalogue attributes the confidentiality rules need, a number per cell and
-- what suppressing it costs readers. The table design (docs/confidentiality.md) is applied
-- here: only the combinations readers use are published.
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

entworfen as (
    select
        werte.*,
        katalog.geheimhaltung,
        katalog.ist_zeitlich_summierbar,
        katalog.ist_handlungsfelder_summierbar,
        perioden.periodenrang,
        split_part(werte.aufschluesselung, '=', 1) as dimension
    from werte
    left join katalog on werte.indikator = katalog.indikator
    inner join perioden on werte.zeitraum = perioden.zeitraum
    where
        -- target groups and topics only for the indicators the catalogue breaks down so
        (
            katalog.hat_zielgruppen
            or (werte.zielgruppe = 'alle' and werte.handlungsfeld = 'alle')
        )
        -- a target group or a topic from quarters on, both together from half-years on
        and perioden.periodenrang >= 1
        + (werte.zielgruppe <> 'alle')::integer
        + (werte.handlungsfeld <> 'alle')::integer
        -- referrals by partner from quarters on, by topic and partner (flows) from
        -- half-years on; personal characteristics for the Kreis by half-year and year (reports
        -- to the Land); Baustein III by procedure in every period
        and (
            werte.aufschluesselung = ''
            or split_part(werte.aufschluesselung, '=', 1) in ('verfahrensart', 'baustein')
            or (
                werte.aufschluesselung like 'partner=%'
                and perioden.periodenrang >= 2 + (werte.handlungsfeld <> 'alle')::integer
            )
            or (werte.gebiet = '{{ var("kreis_ags") }}' and perioden.periodenrang >= 3)
        )
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
        -- Information loss of suppressing the cell (catalogue §3 rule 6): lower goes first.
        -- Months before years, breakdowns before totals, groups and topics before `alle`,
        -- towns before the Kreis.
        periodenrang
        + 3 * (aufschluesselung = '')::integer
        + 2 * (zielgruppe = 'alle')::integer
        + 2 * (handlungsfeld = 'alle')::integer
        + 6 * (gebiet = '{{ var("kreis_ags") }}')::integer as gewicht
    from entworfen
)

select * from final
