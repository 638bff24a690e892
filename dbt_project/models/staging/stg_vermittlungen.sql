with source as (
    select * from {{ source('aktuell', 'vermittlungen') }}
),

renamed as (
    select
        vermittlung_id,
        fall_id,
        quelle as ags,
        datum,
        handlungsfeld,
        partner,
        ergebnis
    from source
)

select * from renamed
