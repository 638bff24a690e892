-- Indicators 12 and 13 per period, area, target group and topic (unprotected).
-- The topic of a referral is its own handlungsfeld.
with vermittlungen as (
    select * from {{ ref('int_vermittlungen') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

zugeordnet as (
    select
        perioden.zeitraum,
        vermittlungen.ags,
        zielgruppen.zielgruppe,
        -- each referral counts for its own topic and for `alle`
        unnest(['alle', vermittlungen.handlungsfeld]) as handlungsfeld,
        vermittlungen.ergebnis
    from vermittlungen
    inner join perioden on vermittlungen.datum between perioden.beginn and perioden.ende
    inner join {{ ref('int_faelle') }} as faelle
        on vermittlungen.ags = faelle.ags and vermittlungen.fall_id = faelle.fall_id
    inner join {{ ref('int_fall_zielgruppen') }} as zielgruppen
        on vermittlungen.ags = zielgruppen.ags and vermittlungen.fall_id = zielgruppen.fall_id
),

aggregiert as (
    select
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        zielgruppe,
        handlungsfeld,
        count(*) as vermittlungen,
        count(*) filter (where ergebnis = 'angenommen') as angenommen,
        count(*) filter (where ergebnis <> 'offen') as mit_ergebnis
    from zugeordnet
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by zeitraum, zielgruppe, handlungsfeld, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
),

vollstaendig as (
    select
        raster.zeitraum,
        raster.gebiet,
        raster.zielgruppe,
        raster.handlungsfeld,
        coalesce(aggregiert.vermittlungen, 0) as vermittlungen,
        coalesce(aggregiert.angenommen, 0) as angenommen,
        coalesce(aggregiert.mit_ergebnis, 0) as mit_ergebnis
    from {{ ref('int_raster_faelle') }} as raster
    left join aggregiert on {{ gleiche_zelle('raster', 'aggregiert') }}
),

lang as (
    {% set werte = [
        ('vermittlungen', 'vermittlungen', 'null'),
        ('quote_vermittlung_angenommen',
         '100.0 * angenommen / nullif(mit_ergebnis, 0)',
         'mit_ergebnis'),
    ] %}
    {{ lange_form('vollstaendig', werte) }}
)

select * from lang
