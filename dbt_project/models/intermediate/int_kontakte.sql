-- The kontakte with the town of their case (a welfare provider's delivery serves several).
with kontakte as (
    select * from {{ ref('stg_kontakte') }}
),

faelle as (
    select
        quelle,
        fall_id,
        ags
    from {{ ref('stg_faelle') }}
),

final as (
    select
        kontakte.kontakt_id,
        kontakte.fall_id,
        kontakte.datum,
        kontakte.art,
        kontakte.dauer_minuten,
        kontakte.dolmetscher,
        faelle.ags
    from kontakte
    inner join faelle
        on
            kontakte.quelle = faelle.quelle
            and kontakte.fall_id = faelle.fall_id
)

select * from final
