-- Breakdowns of faelle_aktiv and vermittlungen by gender, age group, residence status and
-- (referrals only) partner, for all target groups and topics together; referrals by partner
-- also per topic (a referral's own topic: topic -> partner flows). Unprotected.
with faelle as (
    select * from {{ ref('int_faelle') }}
),

merkmale as (
    select
        ags,
        fall_id,
        'geschlecht=' || coalesce(geschlecht, 'unbekannt') as geschlecht,
        'altersgruppe=' || altersgruppe as altersgruppe,
        'aufenthaltsstatus=' || coalesce(aufenthaltsstatus, 'unbekannt') as aufenthaltsstatus
    from faelle
),

aktiv as (
    select
        'faelle_aktiv' as indikator,
        fall_perioden.zeitraum,
        fall_perioden.ags,
        'alle' as handlungsfeld,
        unnest([merkmale.geschlecht, merkmale.altersgruppe, merkmale.aufenthaltsstatus])
            as aufschluesselung
    from {{ ref('int_fall_perioden') }} as fall_perioden
    inner join merkmale
        on fall_perioden.ags = merkmale.ags and fall_perioden.fall_id = merkmale.fall_id
),

vermittelt as (
    select
        'vermittlungen' as indikator,
        perioden.zeitraum,
        vermittlungen.ags,
        'alle' as handlungsfeld,
        unnest([
            merkmale.geschlecht,
            merkmale.altersgruppe,
            merkmale.aufenthaltsstatus,
            'partner=' || vermittlungen.partner
        ]) as aufschluesselung
    from {{ ref('int_vermittlungen') }} as vermittlungen
    inner join {{ ref('int_perioden') }} as perioden
        on vermittlungen.datum between perioden.beginn and perioden.ende
    inner join merkmale
        on vermittlungen.ags = merkmale.ags and vermittlungen.fall_id = merkmale.fall_id
),

vermittelt_je_handlungsfeld as (
    select
        'vermittlungen' as indikator,
        perioden.zeitraum,
        vermittlungen.ags,
        vermittlungen.handlungsfeld,
        'partner=' || vermittlungen.partner as aufschluesselung
    from {{ ref('int_vermittlungen') }} as vermittlungen
    inner join {{ ref('int_perioden') }} as perioden
        on vermittlungen.datum between perioden.beginn and perioden.ende
),

gezaehlt as (
    select * from aktiv
    union all
    select * from vermittelt
    union all
    select * from vermittelt_je_handlungsfeld
),

aggregiert as (
    select
        indikator,
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        handlungsfeld,
        aufschluesselung,
        count(*) as anzahl
    from gezaehlt
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by indikator, zeitraum, handlungsfeld, aufschluesselung, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
),

indikatoren as (
    select unnest(['faelle_aktiv', 'vermittlungen']) as indikator
),

labels as (
    select unnest({{ aufschluesselung_werte(mit_partner=true) }}) as aufschluesselung
),

handlungsfelder as (
    select unnest({{ var('handlungsfelder') }}) as handlungsfeld
),

raster as (
    select
        indikatoren.indikator,
        perioden.zeitraum,
        gebiete.gebiet,
        handlungsfelder.handlungsfeld,
        labels.aufschluesselung
    from {{ ref('int_perioden') }} as perioden
    cross join {{ ref('int_gebiete') }} as gebiete
    cross join indikatoren
    cross join labels
    cross join handlungsfelder
    where
        (
            handlungsfelder.handlungsfeld = 'alle'
            and (
                indikatoren.indikator = 'vermittlungen'
                or labels.aufschluesselung not like 'partner=%'
            )
        )
        or (
            indikatoren.indikator = 'vermittlungen'
            and labels.aufschluesselung like 'partner=%'
        )
)

select
    raster.indikator,
    raster.zeitraum,
    raster.gebiet,
    'alle' as zielgruppe,
    raster.handlungsfeld,
    raster.aufschluesselung,
    cast(coalesce(aggregiert.anzahl, 0) as double) as wert,
    cast(null as bigint) as basis
from raster
left join aggregiert
    on
        raster.indikator = aggregiert.indikator
        and raster.zeitraum = aggregiert.zeitraum
        and raster.gebiet = aggregiert.gebiet
        and raster.handlungsfeld = aggregiert.handlungsfeld
        and raster.aufschluesselung = aggregiert.aufschluesselung
