with source as (
    select * from {{ source('ladeprotokoll', 'gesicherte_kennzahlen') }}
),

renamed as (
    select
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        wert,
        unterdrueckt,
        gesichert_am
    from source
)

select * from renamed
