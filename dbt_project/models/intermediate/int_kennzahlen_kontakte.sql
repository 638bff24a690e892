-- Indicators 10 and 11 per period, area, target group and topic (unprotected).
-- A contact counts for a topic when its case has that topic.
with kontakte as (
    select * from {{ ref('int_kontakte') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

-- counted per case first: each case's contacts then meet its target groups and topics once
kontakte_je_fall as (
    select
        perioden.zeitraum,
        kontakte.ags,
        kontakte.fall_id,
        count(*) as kontakte
    from kontakte
    inner join perioden on kontakte.datum between perioden.beginn and perioden.ende
    group by perioden.zeitraum, kontakte.ags, kontakte.fall_id
),

zugeordnet as (
    select
        kontakte_je_fall.zeitraum,
        kontakte_je_fall.ags,
        zielgruppen.zielgruppe,
        handlungsfelder.handlungsfeld,
        kontakte_je_fall.kontakte
    from kontakte_je_fall
    inner join {{ ref('int_fall_zielgruppen') }} as zielgruppen
        on
            kontakte_je_fall.ags = zielgruppen.ags
            and kontakte_je_fall.fall_id = zielgruppen.fall_id
    inner join {{ ref('int_fall_handlungsfelder') }} as handlungsfelder
        on
            kontakte_je_fall.ags = handlungsfelder.ags
            and kontakte_je_fall.fall_id = handlungsfelder.fall_id
),

aggregiert as (
    select
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        zielgruppe,
        handlungsfeld,
        cast(sum(kontakte) as bigint) as kontakte
    from zugeordnet
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by zeitraum, zielgruppe, handlungsfeld, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
),

faelle as (
    select
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        wert as faelle_aktiv
    from {{ ref('int_kennzahlen_faelle') }}
    where indikator = 'faelle_aktiv'
),

vollstaendig as (
    select
        faelle.zeitraum,
        faelle.gebiet,
        faelle.zielgruppe,
        faelle.handlungsfeld,
        coalesce(aggregiert.kontakte, 0) as kontakte,
        faelle.faelle_aktiv
    from faelle
    left join aggregiert on {{ gleiche_zelle('faelle', 'aggregiert') }}
),

lang as (
    {% set werte = [
        ('kontakte', 'kontakte', 'null'),
        ('kontakte_je_fall', 'kontakte / nullif(faelle_aktiv, 0)', 'faelle_aktiv'),
    ] %}
    {{ lange_form('vollstaendig', werte) }}
)

select * from lang
