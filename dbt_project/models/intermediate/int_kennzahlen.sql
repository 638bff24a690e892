-- All indicator values before statistical confidentiality (never published as such), with
-- the catalogue attributes the confidentiality rules need and a number per cell.
{% set familien = [
    'int_kennzahlen_faelle',
    'int_kennzahlen_aufschluesselungen',
    'int_kennzahlen_kontakte',
    'int_kennzahlen_vermittlungen',
    'int_kennzahlen_handlungsfeldziele',
    'int_kennzahlen_stellen',
    'int_kennzahlen_baustein3',
] %}
with werte as (
    {% for familie in familien %}
        select
            indikator,
            zeitraum,
            gebiet,
            zielgruppe,
            handlungsfeld,
            aufschluesselung,
            wert,
            basis
        from {{ ref(familie) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

katalog as (
    select * from {{ ref('stg_kennzahlen') }}
),

final as (
    select
        -- Numbered in a fixed order, so that ties in secondary suppression (which cell
        -- of a group to suppress next) are broken the same way in every build.
        row_number() over (
            order by
                werte.indikator,
                werte.zeitraum,
                werte.gebiet,
                werte.zielgruppe,
                werte.handlungsfeld,
                werte.aufschluesselung
        ) as zelle,
        werte.indikator,
        werte.zeitraum,
        werte.gebiet,
        werte.zielgruppe,
        werte.handlungsfeld,
        werte.aufschluesselung,
        werte.wert,
        werte.basis,
        katalog.geheimhaltung,
        katalog.ist_zeitlich_summierbar,
        katalog.ist_handlungsfelder_summierbar
    from werte
    left join katalog on werte.indikator = katalog.indikator
)

select * from final
