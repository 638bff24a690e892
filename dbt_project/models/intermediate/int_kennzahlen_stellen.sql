-- Indicators 16-19 on each period's end (unprotected; staffing is not personal data).
-- A town: its Baustein II case-management posts. The Kreis: all posts, also by Baustein.
with stellen as (
    select * from {{ ref('stg_stellen') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

gueltig as (
    select
        perioden.zeitraum,
        stellen.*
    from stellen
    inner join perioden
        on
            stellen.gueltig_ab <= perioden.ende
            and (stellen.gueltig_bis is null or stellen.gueltig_bis >= perioden.ende)
),

staedte as (
    select
        perioden.zeitraum,
        gebiete.gebiet,
        '' as aufschluesselung,
        coalesce(sum(gueltig.vzae_soll), 0) as soll,
        coalesce(sum(gueltig.vzae_ist), 0) as ist
    from perioden
    cross join {{ ref('int_gebiete') }} as gebiete
    left join gueltig
        on
            perioden.zeitraum = gueltig.zeitraum
            and gebiete.gebiet = gueltig.ags
            and gueltig.baustein = 2
            and gueltig.funktion = 'case_management'
    where not gebiete.ist_kreis
    group by perioden.zeitraum, gebiete.gebiet
),

aufschluesselungen as (
    select unnest(['', 'baustein=1', 'baustein=2', 'baustein=3']) as aufschluesselung
),

kreis as (
    select
        perioden.zeitraum,
        '{{ var("kreis_ags") }}' as gebiet,
        aufschluesselungen.aufschluesselung,
        coalesce(sum(gueltig.vzae_soll), 0) as soll,
        coalesce(sum(gueltig.vzae_ist), 0) as ist
    from perioden
    cross join aufschluesselungen
    left join gueltig
        on
            perioden.zeitraum = gueltig.zeitraum
            and (
                aufschluesselungen.aufschluesselung = ''
                or aufschluesselungen.aufschluesselung = 'baustein=' || gueltig.baustein
            )
    group by perioden.zeitraum, aufschluesselungen.aufschluesselung
),

besetzung as (
    select * from staedte
    union all
    select * from kreis
),

bestand as (
    select
        zeitraum,
        gebiet,
        wert as faelle_bestand
    from {{ ref('int_kennzahlen_faelle') }}
    where indikator = 'faelle_bestand' and zielgruppe = 'alle' and handlungsfeld = 'alle'
),

case_management as (
    -- all Baustein II posts (a kreisfreie Stadt has no towns in `staedte`)
    select
        perioden.zeitraum,
        coalesce(sum(gueltig.vzae_ist), 0) as ist
    from perioden
    left join gueltig
        on
            perioden.zeitraum = gueltig.zeitraum
            and gueltig.baustein = 2
            and gueltig.funktion = 'case_management'
    group by perioden.zeitraum
),

je_stelle as (
    select
        bestand.zeitraum,
        bestand.gebiet,
        bestand.faelle_bestand,
        case
            when bestand.gebiet = '{{ var("kreis_ags") }}' then case_management.ist else staedte.ist
        end as ist
    from bestand
    left join staedte on bestand.zeitraum = staedte.zeitraum and bestand.gebiet = staedte.gebiet
    left join case_management on bestand.zeitraum = case_management.zeitraum
)

{% for indikator, wert in [
    ('vzae_soll', 'soll'),
    ('vzae_ist', 'ist'),
    ('besetzungsquote', '100.0 * ist / nullif(soll, 0)'),
] %}
    select
        '{{ indikator }}' as indikator,
        zeitraum,
        gebiet,
        'alle' as zielgruppe,
        'alle' as handlungsfeld,
        aufschluesselung,
        cast({{ wert }} as double) as wert,
        cast(null as bigint) as basis
    from besetzung
    union all
{% endfor %}
select
    'faelle_je_vzae' as indikator,
    zeitraum,
    gebiet,
    'alle' as zielgruppe,
    'alle' as handlungsfeld,
    '' as aufschluesselung,
    cast(faelle_bestand / nullif(ist, 0) as double) as wert,
    cast(faelle_bestand as bigint) as basis
from je_stelle
