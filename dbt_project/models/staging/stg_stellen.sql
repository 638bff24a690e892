with source as (
    select * from {{ source('aktuell', 'stellen') }}
),

renamed as (
    select
        cast(baustein as integer) as baustein,
        ags,
        funktion,
        vzae_soll,
        vzae_ist,
        gueltig_ab,
        gueltig_bis
    from source
)

select * from renamed
