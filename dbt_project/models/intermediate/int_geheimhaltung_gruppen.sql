-- Confidentiality groups: which cell is a part or the total of which group.
-- A group is named by its kind (`art`) and the cell attributes its members share; the
-- attribute in which they differ is NULL.
with zaehlungen as (
    select * from {{ ref('int_kennzahlen') }}
    where geheimhaltung = 'anzahl'
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

aufschluesselungen as (
    -- the breakdown dimensions shown for a cell (only there do its values form a group)
    select distinct
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        split_part(aufschluesselung, '=', 1) as dimension
    from zaehlungen
    where aufschluesselung <> '' and aufschluesselung not like 'baustein=%'
),

raenge as (
    select distinct periodenrang from perioden
),

zeitstufen as (
    select
        oben.zeitraum,
        kind.periodenrang as stufe
    from perioden as oben
    inner join raenge as kind
        on oben.periodenrang > kind.periodenrang
),

mitglieder as (
    -- the nine towns and the Kreis
    select
        zelle,
        'gebiete' as art,
        indikator,
        zeitraum,
        null as gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        null::integer as stufe,
        gebiet = '05954' as ist_summe
    from zaehlungen
    union all
    -- breakdown values and the row without breakdown (`aufschluesselung` = the dimension)
    select
        zaehlungen.zelle,
        'aufschluesselung' as art,
        zaehlungen.indikator,
        zaehlungen.zeitraum,
        zaehlungen.gebiet,
        zaehlungen.zielgruppe,
        zaehlungen.handlungsfeld,
        aufschluesselungen.dimension as aufschluesselung,
        null::integer as stufe,
        zaehlungen.aufschluesselung = '' as ist_summe
    from zaehlungen
    inner join aufschluesselungen
        on
            zaehlungen.indikator = aufschluesselungen.indikator
            and zaehlungen.zeitraum = aufschluesselungen.zeitraum
            and zaehlungen.gebiet = aufschluesselungen.gebiet
            and zaehlungen.zielgruppe = aufschluesselungen.zielgruppe
            and zaehlungen.handlungsfeld = aufschluesselungen.handlungsfeld
            and (
                zaehlungen.aufschluesselung = ''
                or split_part(zaehlungen.aufschluesselung, '=', 1) = aufschluesselungen.dimension
            )
    union all
    -- the seven topics and `alle` (only for indicators where every record has one topic)
    select
        zelle,
        'handlungsfelder' as art,
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        null as handlungsfeld,
        aufschluesselung,
        null::integer as stufe,
        handlungsfeld = 'alle' as ist_summe
    from zaehlungen
    where ist_handlungsfelder_summierbar
    union all
    -- shorter periods of one length (`stufe`) within a longer one (`zeitraum`), only for
    -- indicators that add up over time
    select
        zaehlungen.zelle,
        'zeit' as art,
        zaehlungen.indikator,
        oben.zeitraum,
        zaehlungen.gebiet,
        zaehlungen.zielgruppe,
        zaehlungen.handlungsfeld,
        zaehlungen.aufschluesselung,
        kind.periodenrang as stufe,
        false as ist_summe
    from zaehlungen
    inner join perioden as kind on zaehlungen.zeitraum = kind.zeitraum
    inner join perioden as oben
        on
            kind.periodenrang < oben.periodenrang
            and kind.beginn >= oben.beginn
            and kind.ende <= oben.ende
    where zaehlungen.ist_zeitlich_summierbar
    union all
    select
        zaehlungen.zelle,
        'zeit' as art,
        zaehlungen.indikator,
        zaehlungen.zeitraum,
        zaehlungen.gebiet,
        zaehlungen.zielgruppe,
        zaehlungen.handlungsfeld,
        zaehlungen.aufschluesselung,
        zeitstufen.stufe,
        true as ist_summe
    from zaehlungen
    inner join zeitstufen on zaehlungen.zeitraum = zeitstufen.zeitraum
    where zaehlungen.ist_zeitlich_summierbar
),

final as (
    select
        -- one number per group: the secondary suppression joins millions of memberships
        dense_rank() over (
            order by
                art,
                indikator,
                zeitraum,
                gebiet,
                zielgruppe,
                handlungsfeld,
                aufschluesselung,
                stufe
        ) as gruppe,
        art,
        zelle,
        ist_summe
    from mitglieder
)

select * from final
