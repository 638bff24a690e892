-- The nine towns and the Kreis (05954), the areas every indicator is reported for.
with staedte as (
    select
        ags as gebiet,
        name,
        false as ist_kreis
    from {{ ref('stg_gemeinden') }}
),

kreis as (
    select
        '{{ var("kreis_ags") }}' as gebiet,
        'Ennepe-Ruhr-Kreis' as name,
        true as ist_kreis
)

select * from staedte
union all
select * from kreis
