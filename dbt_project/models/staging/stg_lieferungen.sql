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
        -- row errors name line and column, never the value of a pseudonym column
        list_transform(meldungen, meldung -> {{ ohne_pseudonymwert('meldung') }}) as meldungen,
        verarbeitet_am
    from source
)

select * from renamed
