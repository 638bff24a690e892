-- The indicator catalogue as published: names, units, definitions, confidentiality rule.
with katalog as (
    select * from {{ ref('stg_kennzahlen') }}
),

final as (
    select
        nr,
        indikator,
        name,
        einheit,
        format,
        geheimhaltung,
        case geheimhaltung
            when 'anzahl'
                then
                    'Zahlen von 1 bis {{ var("geheimhaltung_k") - 1 }} werden unterdrückt; '
                    || 'dazu sekundär der nächstkleinere Teil, wenn sonst ein Wert '
                    || 'aus der Summe errechenbar wäre.'
            when 'quote'
                then
                    'Unterdrückt, wenn die Basis (' || basis || ') kleiner als '
                    || '{{ var("mindestbasis") }} ist.'
            else 'Keine Geheimhaltung (keine personenbezogenen Daten).'
        end as geheimhaltungsregel,
        basis,
        hat_zielgruppen,
        ist_zeitlich_summierbar,
        ist_ziel_anteilig,
        definition
    from katalog
)

select * from final
