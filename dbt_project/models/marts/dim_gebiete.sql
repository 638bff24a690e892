-- Areas with the official population figures used for rates per 10.000 inhabitants.
with gebiete as (
    select * from {{ ref('int_gebiete') }}
),

gemeinden as (
    select * from {{ ref('stg_gemeinden') }}
),

final as (
    select
        gebiete.gebiet,
        gebiete.name,
        gebiete.ist_kreis,
        case
            when gebiete.ist_kreis then (select sum(einwohner) from gemeinden)
            else gemeinden.einwohner
        end as einwohner,
        case
            when gebiete.ist_kreis then (select max(einwohner_stand) from gemeinden)
            else gemeinden.einwohner_stand
        end as einwohner_stand,
        case
            when gebiete.ist_kreis then (select sum(flaeche_km2) from gemeinden)
            else gemeinden.flaeche_km2
        end as flaeche_km2,
        gemeinden.breite,
        gemeinden.laenge
    from gebiete
    left join gemeinden on gebiete.gebiet = gemeinden.ags
)

select * from final
