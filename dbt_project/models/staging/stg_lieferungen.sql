with source as (
    select * from {{ source('ladeprotokoll', 'lieferung') }}
),

renamed as (
    select
        lieferung_id,
        lauf_id,
        datei,
        teil,
        quelle,
        stichtag,
        tabelle,
        status,
        ablehnung,
        zeilen_gelesen,
        zeilen_geladen,
        zeilen_quarantaene,
        meldungen,
        verarbeitet_am
    from source
)

select * from renamed
