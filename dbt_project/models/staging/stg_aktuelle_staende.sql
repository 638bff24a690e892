with source as (
    select * from {{ source('ladeprotokoll', 'aktueller_stand') }}
),

renamed as (
    select
        quelle,
        tabelle,
        stichtag,
        lieferung_id
    from source
)

select * from renamed
