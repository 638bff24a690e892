-- All indicator values before statistical confidentiality (never published as such).
select * from {{ ref('int_kennzahlen_faelle') }}
