-- The towns and the Kreis, the areas every indicator is reported for (a kreisfreie Stadt has
-- only itself).
with staedte as (
    select
        ags as gebiet,
        name,
        false as ist_kreis
    from {{ ref('stg_gemeinden') }}
    where ags <> '{{ var("kreis_ags") }}'
),

kreis as (
    select
        '{{ var("kreis_ags") }}' as gebiet,
        '{{ var("kreis_name") }}' as name,
        true as ist_kreis
)

select * from staedte
union all
select * from kreis
