-- Delivery history per source and table: every load-log entry with the change in rows
-- against the previous accepted snapshot of the same source and table.
with lieferungen as (
    select * from {{ ref('stg_lieferungen') }}
),

aktuell as (
    select * from {{ ref('stg_aktuelle_staende') }}
),

angenommen as (
    select
        lieferung_id,
        zeilen_geladen - lag(zeilen_geladen) over (
            partition by quelle, tabelle order by stichtag, lieferung_id
        ) as veraenderung_zeilen
    from lieferungen
    where status in ('geladen', 'teilweise_geladen', 'veraltet')
),

final as (
    select
        lieferungen.lieferung_id,
        lieferungen.lauf_id,
        lieferungen.datei,
        lieferungen.teil,
        lieferungen.quelle,
        lieferungen.tabelle,
        lieferungen.stichtag,
        lieferungen.status,
        lieferungen.ablehnung,
        lieferungen.zeilen_gelesen,
        lieferungen.zeilen_geladen,
        lieferungen.zeilen_quarantaene,
        angenommen.veraenderung_zeilen,
        lieferungen.meldungen,
        lieferungen.verarbeitet_am,
        aktuell.lieferung_id is not null as ist_aktuell
    from lieferungen
    left join angenommen on lieferungen.lieferung_id = angenommen.lieferung_id
    left join aktuell on lieferungen.lieferung_id = aktuell.lieferung_id
)

select * from final
