with source as (
    select * from {{ source('aktuell', 'vermittlungen') }}
),

renamed as (
    select
        vermittlung_id,
        concat_ws('/', quelle, fall_id) as fall_id,
        quelle,
        datum,
        handlungsfeld,
        partner,
        ergebnis
    from source
)

select * from renamed
