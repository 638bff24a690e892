-- Areas with the official population figures used for rates per 10.000 inhabitants.
with gebiete as (
    select * from {{ ref('int_gebiete') }}
),

gemeinden as (
    select * from {{ ref('stg_gemeinden') }}
),

kreis as (
    -- the Kreis: all towns together; its population from the profile (empty when the chosen
    -- base lacks a figure)
    select
        cast({{ var('kreis_einwohner') or 'null' }} as integer) as einwohner,
        max(einwohner_stand) as einwohner_stand,
        cast(sum(flaeche_km2) as decimal(8, 2)) as flaeche_km2
    from gemeinden
),

final as (
    select
        gebiete.gebiet,
        gebiete.name,
        gebiete.ist_kreis,
        case
            when gebiete.ist_kreis then kreis.einwohner
            else gemeinden.einwohner
        end as einwohner,
        case
            when gebiete.ist_kreis then kreis.einwohner_stand
            else gemeinden.einwohner_stand
        end as einwohner_stand,
        case
            when gebiete.ist_kreis then kreis.flaeche_km2
            else gemeinden.flaeche_km2
        end as flaeche_km2,
        gemeinden.breite,
        gemeinden.laenge
    from gebiete
    left join gemeinden on gebiete.gebiet = gemeinden.ags
    cross join kreis
)

select * from final
