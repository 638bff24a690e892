with source as (
    select * from {{ source('aktuell', 'handlungsfelder') }}
),

renamed as (
    select
        fall_id,
        quelle as ags,
        handlungsfeld,
        ziel_vereinbart_am,
        zielstatus,
        zielstatus_am
    from source
)

select * from renamed
