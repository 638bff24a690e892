-- Indicators 20-22 per period and town of residence, also by procedure type and by the most
-- frequent nationalities (unprotected).
{#- breakdown labels: the row without breakdown and one per procedure type -#}
{% set arten = [''] %}
{% for art in var('verfahrensarten') %}
    {% do arten.append('verfahrensart=' ~ art) %}
{% endfor %}
with verfahren as (
    select * from {{ ref('stg_verfahren') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

haeufigste as (
    -- the nationalities shown on their own: the most frequent since the start, Kreis-wide
    select
        staatsangehoerigkeit,
        row_number() over (order by count(*) desc, staatsangehoerigkeit) as rang
    from verfahren
    where staatsangehoerigkeit <> 'XXZ'
    group by staatsangehoerigkeit
    having count(*) >= {{ var('staatsangehoerigkeiten_mindestens') }}
    qualify rang <= {{ var('staatsangehoerigkeiten_anzahl') }}
),

eingeordnet as (
    select
        verfahren.*,
        case
            when haeufigste.staatsangehoerigkeit is not null
                then 'staatsangehoerigkeit=' || haeufigste.staatsangehoerigkeit
            else 'staatsangehoerigkeit=andere'
        end as staatsangehoerigkeit_label
    from verfahren
    left join haeufigste on verfahren.staatsangehoerigkeit = haeufigste.staatsangehoerigkeit
),

ereignisse as (
    select
        ags,
        verfahrensart,
        staatsangehoerigkeit_label,
        'b3_angesprochen' as indikator,
        anstoss as datum
    from eingeordnet
    where anstoss is not null
    union all
    select
        ags,
        verfahrensart,
        staatsangehoerigkeit_label,
        'b3_antraege' as indikator,
        antrag as datum
    from eingeordnet
    where antrag is not null
    union all
    select
        ags,
        verfahrensart,
        staatsangehoerigkeit_label,
        'b3_erteilt' as indikator,
        entscheidung as datum
    from eingeordnet
    where entscheidung is not null and ergebnis = 'erteilt'
),

zugeordnet as (
    select
        ereignisse.indikator,
        perioden.zeitraum,
        ereignisse.ags,
        unnest([
            '',
            'verfahrensart=' || ereignisse.verfahrensart,
            ereignisse.staatsangehoerigkeit_label
        ]) as aufschluesselung
    from ereignisse
    inner join perioden on ereignisse.datum between perioden.beginn and perioden.ende
),

aggregiert as (
    select
        indikator,
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        aufschluesselung,
        count(*) as anzahl
    from zugeordnet
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by indikator, zeitraum, aufschluesselung, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
),

indikatoren as (
    select unnest(['b3_angesprochen', 'b3_antraege', 'b3_erteilt']) as indikator
),

arten as (
    select unnest({{ arten }}) as aufschluesselung
    union all
    select 'staatsangehoerigkeit=' || staatsangehoerigkeit from haeufigste
    -- the rest, only beside nationalities of their own (else it would repeat the total)
    union all
    select 'staatsangehoerigkeit=andere'
    where exists (select 1 from haeufigste)
),

raster as (
    select
        indikatoren.indikator,
        perioden.zeitraum,
        gebiete.gebiet,
        arten.aufschluesselung
    from perioden
    cross join {{ ref('int_gebiete') }} as gebiete
    cross join indikatoren
    cross join arten
)

select
    raster.indikator,
    raster.zeitraum,
    raster.gebiet,
    'alle' as zielgruppe,
    'alle' as handlungsfeld,
    raster.aufschluesselung,
    cast(coalesce(aggregiert.anzahl, 0) as double) as wert,
    cast(null as bigint) as basis
from raster
left join aggregiert
    on
        raster.indikator = aggregiert.indikator
        and raster.zeitraum = aggregiert.zeitraum
        and raster.gebiet = aggregiert.gebiet
        and raster.aufschluesselung = aggregiert.aufschluesselung
