-- Statistical confidentiality (indicator catalogue §3), applied once for every output.
-- Primary: counts of 1 .. k-1 and ratios on a base of 1 .. mindestbasis-1.
-- Secondary: wherever parts and their total are shown together (towns and the Kreis;
-- shorter periods within a longer one for indicators that add up over time; breakdown
-- values and the row without breakdown), a single suppressed part next to a visible total
-- could be recovered by subtraction, so the next smallest part is suppressed too.
-- When no other part is left to hide, the total is suppressed instead.
-- Several passes, because a suppression in one hierarchy can expose a cell in another;
-- the singular test `assert_keine_einzelne_unterdrueckung` proves the result.
with werte as (
    select * from {{ ref('int_kennzahlen_zellen') }}
),

mitglieder as (
    select * from {{ ref('int_geheimhaltung_gruppen') }}
),

primaer as (
    select
        *,
        case geheimhaltung
            when 'anzahl' then wert >= 1 and wert < {{ var('geheimhaltung_k') }}
            when 'quote' then basis >= 1 and basis < {{ var('mindestbasis') }}
            else false
        end as unterdrueckt
    from werte
),

{% set durchgaenge = 8 %}
{% for n in range(durchgaenge) %}
{% set vorher = 'primaer' if n == 0 else 'durchgang_' ~ (n - 1) %}
gruppen_{{ n }} as (
    select
        mitglieder.gruppe,
        count(*) filter (where mitglieder.rolle = 'teil' and stand.unterdrueckt) as teile_geheim,
        count(*) filter (where mitglieder.rolle = 'teil' and not stand.unterdrueckt)
            as teile_offen,
        bool_or(mitglieder.rolle = 'summe' and stand.unterdrueckt) as summe_geheim,
        bool_or(mitglieder.rolle = 'summe') as hat_summe
    from mitglieder
    inner join {{ vorher }} as stand on mitglieder.zelle = stand.zelle
    group by mitglieder.gruppe
),

nachziehen_{{ n }} as (
    select distinct zelle
    from (
        select
            mitglieder.zelle,
            row_number() over (
                partition by mitglieder.gruppe order by mitglieder.wert, mitglieder.zelle
            ) as rang
        from mitglieder
        inner join gruppen_{{ n }} as gruppen on mitglieder.gruppe = gruppen.gruppe
        inner join {{ vorher }} as stand on mitglieder.zelle = stand.zelle
        where
            gruppen.teile_geheim = 1
            and gruppen.hat_summe
            and not gruppen.summe_geheim
            and mitglieder.rolle = 'teil'
            and not stand.unterdrueckt
    )
    where rang = 1
    union
    -- no other part left to hide (e.g. a half-year with one quarter of data): hide the total
    select mitglieder.zelle
    from mitglieder
    inner join gruppen_{{ n }} as gruppen on mitglieder.gruppe = gruppen.gruppe
    where
        gruppen.teile_geheim = 1
        and gruppen.teile_offen = 0
        and not gruppen.summe_geheim
        and mitglieder.rolle = 'summe'
),

durchgang_{{ n }} as (
    select
        stand.* exclude (unterdrueckt),
        stand.unterdrueckt or nachziehen.zelle is not null as unterdrueckt
    from {{ vorher }} as stand
    left join nachziehen_{{ n }} as nachziehen on stand.zelle = nachziehen.zelle
),
{% endfor %}

geschuetzt as (
    select
        zelle,
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        case when unterdrueckt then null else wert end as wert,
        unterdrueckt
    from durchgang_{{ durchgaenge - 1 }}
)

select * from geschuetzt
