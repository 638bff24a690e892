-- Confidentiality groups: which cell is a part or the total of which group.
with zaehlungen as (
    select * from {{ ref('int_kennzahlen_zellen') }}
    where geheimhaltung = 'anzahl'
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

aufschluesselungen as (
    select distinct
        indikator,
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
        wert,
        'g|' || indikator || '|' || zeitraum || '|' || zielgruppe || '|' || handlungsfeld
        || '|' || aufschluesselung as gruppe,
        case when gebiet = '05954' then 'summe' else 'teil' end as rolle
    from zaehlungen
    union all
    -- breakdown values and the row without breakdown
    select
        zaehlungen.zelle,
        zaehlungen.wert,
        'a|' || zaehlungen.indikator || '|' || zaehlungen.gebiet || '|' || zaehlungen.zeitraum
        || '|' || zaehlungen.zielgruppe || '|' || zaehlungen.handlungsfeld || '|'
        || aufschluesselungen.dimension as gruppe,
        case when zaehlungen.aufschluesselung = '' then 'summe' else 'teil' end as rolle
    from zaehlungen
    inner join aufschluesselungen
        on
            zaehlungen.indikator = aufschluesselungen.indikator
            and (
                zaehlungen.aufschluesselung = ''
                or split_part(zaehlungen.aufschluesselung, '=', 1) = aufschluesselungen.dimension
            )
    union all
    -- the seven topics and `alle` (only for indicators where every record has one topic)
    select
        zelle,
        wert,
        'h|' || indikator || '|' || gebiet || '|' || zeitraum || '|' || zielgruppe || '|'
        || aufschluesselung as gruppe,
        case when handlungsfeld = 'alle' then 'summe' else 'teil' end as rolle
    from zaehlungen
    where ist_handlungsfelder_summierbar
    union all
    -- shorter periods within a longer one (only for indicators that add up over time)
    select
        zaehlungen.zelle,
        zaehlungen.wert,
        'z|' || zaehlungen.indikator || '|' || zaehlungen.gebiet || '|' || zaehlungen.zielgruppe
        || '|' || zaehlungen.handlungsfeld || '|' || zaehlungen.aufschluesselung || '|'
        || oben.zeitraum || '|' || kind.periodenrang as gruppe,
        'teil' as rolle
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
        zaehlungen.wert,
        'z|' || zaehlungen.indikator || '|' || zaehlungen.gebiet || '|' || zaehlungen.zielgruppe
        || '|' || zaehlungen.handlungsfeld || '|' || zaehlungen.aufschluesselung || '|'
        || zeitstufen.zeitraum || '|' || zeitstufen.stufe as gruppe,
        'summe' as rolle
    from zaehlungen
    inner join zeitstufen on zaehlungen.zeitraum = zeitstufen.zeitraum
    where zaehlungen.ist_zeitlich_summierbar
)

select * from mitglieder
