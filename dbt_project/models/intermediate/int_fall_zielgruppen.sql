-- One row per case and target group it belongs to, plus `alle` (groups overlap).
with faelle as (
    select * from {{ ref('int_faelle') }}
)

select
    ags,
    fall_id,
    'alle' as zielgruppe
from faelle
{% for gruppe in var('zielgruppen')[1:] %}
    union all
    select
        ags,
        fall_id,
        '{{ gruppe }}' as zielgruppe
    from faelle
    where {{ gruppe }}
{% endfor %}
