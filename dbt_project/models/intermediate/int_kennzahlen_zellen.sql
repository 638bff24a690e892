-- Indicator values with their catalogue attributes and a key per cell.
with werte as (
    select
        werte.*,
        katalog.geheimhaltung,
        katalog.ist_zeitlich_summierbar,
        katalog.ist_handlungsfelder_summierbar,
        werte.indikator || '|' || werte.zeitraum || '|' || werte.gebiet || '|'
        || werte.zielgruppe || '|' || werte.handlungsfeld || '|' || werte.aufschluesselung
            as zelle
    from {{ ref('int_kennzahlen') }} as werte
    inner join {{ ref('stg_kennzahlen') }} as katalog on werte.indikator = katalog.indikator
)

select * from werte
