-- Indicator 14 per period, area, target group and topic (unprotected).
-- The topic rows themselves are counted; `alle` counts every topic row.
with ziele as (
    select * from {{ ref('int_handlungsfelder') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

zugeordnet as (
    select
        perioden.zeitraum,
        ziele.ags,
        zielgruppen.zielgruppe,
        -- each topic row counts for its own topic and for `alle`
        unnest(['alle', ziele.handlungsfeld]) as handlungsfeld,
        ziele.zielstatus
    from ziele
    inner join perioden on ziele.zielstatus_am between perioden.beginn and perioden.ende
    inner join {{ ref('int_fall_zielgruppen') }} as zielgruppen
        on ziele.ags = zielgruppen.ags and ziele.fall_id = zielgruppen.fall_id
    where ziele.zielstatus <> 'offen'
),

aggregiert as (
    select
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        zielgruppe,
        handlungsfeld,
        count(*) filter (where zielstatus = 'erreicht') as erreicht,
        count(*) as entschieden
    from zugeordnet
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by zeitraum, zielgruppe, handlungsfeld, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
)

select
    'quote_handlungsfeld_ziel_erreicht' as indikator,
    raster.zeitraum,
    raster.gebiet,
    raster.zielgruppe,
    raster.handlungsfeld,
    '' as aufschluesselung,
    100.0 * aggregiert.erreicht / nullif(aggregiert.entschieden, 0) as wert,
    cast(coalesce(aggregiert.entschieden, 0) as bigint) as basis
from {{ ref('int_raster_faelle') }} as raster
left join aggregiert on {{ gleiche_zelle('raster', 'aggregiert') }}
