-- One row per case and topic it has a handlungsfelder row for, plus `alle`.
with faelle as (
    select * from {{ ref('int_faelle') }}
),

themen as (
    select distinct
        ags,
        fall_id,
        handlungsfeld
    from {{ ref('int_handlungsfelder') }}
)

select
    ags,
    fall_id,
    'alle' as handlungsfeld
from faelle
union all
select
    themen.ags,
    themen.fall_id,
    themen.handlungsfeld
from themen
inner join faelle on themen.ags = faelle.ags and themen.fall_id = faelle.fall_id
