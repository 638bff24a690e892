-- The vermittlungen with the town of their case (a welfare provider's delivery serves several).
with vermittlungen as (
    select * from {{ ref('stg_vermittlungen') }}
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
        vermittlungen.vermittlung_id,
        vermittlungen.fall_id,
        vermittlungen.datum,
        vermittlungen.handlungsfeld,
        vermittlungen.partner,
        vermittlungen.ergebnis,
        faelle.ags
    from vermittlungen
    inner join faelle
        on
            vermittlungen.quelle = faelle.quelle
            and vermittlungen.fall_id = faelle.fall_id
)

select * from final
