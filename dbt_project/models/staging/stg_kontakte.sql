with source as (
    select * from {{ source('aktuell', 'kontakte') }}
),

renamed as (
    select
        kontakt_id,
        concat_ws('/', quelle, fall_id) as fall_id,
        quelle,
        datum,
        art,
        dauer_minuten,
        dolmetscher
    from source
)

select * from renamed
