with source as (
    select * from {{ source('aktuell', 'handlungsfelder') }}
),

renamed as (
    select
        concat_ws('/', quelle, fall_id) as fall_id,
        quelle,
        handlungsfeld,
        ziel_vereinbart_am,
        zielstatus,
        zielstatus_am
    from source
)

select * from renamed
