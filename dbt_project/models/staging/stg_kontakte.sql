with source as (
    select * from {{ source('aktuell', 'kontakte') }}
),

renamed as (
    select
        kontakt_id,
        fall_id,
        quelle as ags,
        datum,
        art,
        dauer_minuten,
        dolmetscher
    from source
)

select * from renamed
