-- The handlungsfelder with the town of their case (a welfare provider's delivery serves several).
with handlungsfelder as (
    select * from {{ ref('stg_handlungsfelder') }}
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
        handlungsfelder.fall_id,
        handlungsfelder.handlungsfeld,
        handlungsfelder.ziel_vereinbart_am,
        handlungsfelder.zielstatus,
        handlungsfelder.zielstatus_am,
        faelle.ags
    from handlungsfelder
    inner join faelle
        on
            handlungsfelder.quelle = faelle.quelle
            and handlungsfelder.fall_id = faelle.fall_id
)

select * from final
