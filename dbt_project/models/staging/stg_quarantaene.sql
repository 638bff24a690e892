with source as (
    select * from {{ source('ladeprotokoll', 'quarantaene') }}
),

renamed as (
    select
        lieferung_id,
        datei,
        zeile,
        spalte,
        -- never the value of a pseudonym column (a duplicate key or a case missing from
        -- faelle quarantines a valid pseudonym): file, line and column find the row
        case when {{ ist_pseudonymspalte('spalte') }} then null else wert end as wert,
        grund
    from source
)

select * from renamed
