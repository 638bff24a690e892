{{ config(materialized='view') }}
-- All indicator values before statistical confidentiality (never published as such).
{% set familien = [
    'int_kennzahlen_faelle',
    'int_kennzahlen_aufschluesselungen',
    'int_kennzahlen_kontakte',
    'int_kennzahlen_vermittlungen',
    'int_kennzahlen_handlungsfeldziele',
    'int_kennzahlen_stellen',
    'int_kennzahlen_baustein3',
] %}
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
