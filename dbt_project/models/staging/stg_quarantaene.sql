with source as (
    select * from {{ source('ladeprotokoll', 'quarantaene') }}
),

renamed as (
    select
        lieferung_id,
        datei,
        zeile,
        spalte,
        wert,
        grund
    from source
)

select * from renamed
