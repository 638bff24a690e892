with source as (
    select * from {{ source('referenz', 'gemeinden') }}
),

renamed as (
    select
        ags,
        name,
        cast(nullif(einwohner, '') as integer) as einwohner,
        cast(einwohner_stand as date) as einwohner_stand,
        cast(flaeche_km2 as decimal(8, 2)) as flaeche_km2,
        cast(breite as double) as breite,
        cast(laenge as double) as laenge,
        cast(stellen_case_management as decimal(5, 2)) as stellen_case_management
    from source
)

select * from renamed
