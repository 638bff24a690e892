-- Every period x area x target group x topic, so that empty cells are reported as zero.
with perioden as (
    select zeitraum from {{ ref('int_perioden') }}
),

gebiete as (
    select gebiet from {{ ref('int_gebiete') }}
),

zielgruppen as (
    select unnest({{ var('zielgruppen') }}) as zielgruppe
),

handlungsfelder as (
    select unnest({{ var('handlungsfelder') }}) as handlungsfeld
)

select
    perioden.zeitraum,
    gebiete.gebiet,
    zielgruppen.zielgruppe,
    handlungsfelder.handlungsfeld
from perioden
cross join gebiete
cross join zielgruppen
cross join handlungsfelder
