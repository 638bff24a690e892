-- Row errors of every delivery, for the towns to fix (data-quality page, error download).
with quarantaene as (
    select * from {{ ref('stg_quarantaene') }}
),

lieferungen as (
    select * from {{ ref('stg_lieferungen') }}
),

final as (
    select
        lieferungen.quelle,
        lieferungen.tabelle,
        lieferungen.stichtag,
        lieferungen.lieferung_id,
        quarantaene.datei,
        quarantaene.zeile,
        quarantaene.spalte,
        quarantaene.wert,
        quarantaene.grund,
        lieferungen.verarbeitet_am
    from quarantaene
    inner join lieferungen on quarantaene.lieferung_id = lieferungen.lieferung_id
)

select * from final
