with source as (
    select * from {{ source('referenz', 'kennzahlen') }}
),

renamed as (
    select
        cast(nr as integer) as nr,
        id as indikator,
        name,
        einheit,
        format,
        geheimhaltung,
        zeitlich_summierbar = 'ja' as ist_zeitlich_summierbar,
        handlungsfelder_summierbar = 'ja' as ist_handlungsfelder_summierbar,
        ziel_anteilig = 'ja' as ist_ziel_anteilig,
        nullif(basis, '') as basis,
        zielgruppen = 'ja' as hat_zielgruppen,
        definition
    from source
)

select * from renamed
