with source as (
    select * from {{ source('aktuell', 'ziele') }}
),

renamed as (
    select
        jahr,
        indikator,
        ags,
        zielwert,
        richtung
    from source
)

select * from renamed
