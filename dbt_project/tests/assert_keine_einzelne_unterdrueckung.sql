-- No equation shows a visible total next to exactly one suppressed part (that part could
-- be computed by subtraction). The attacker check (assert_angreiferpruefung_bestanden)
-- covers all relations together; this is its simplest case, checked independently.
with stand as (
    select
        zelle,
        unterdrueckt
    from {{ ref('int_kennzahlen_geschuetzt') }}
),

gruppen as (
    select
        mitglieder.gruppe,
        count(*) filter (where not mitglieder.ist_summe and stand.unterdrueckt) as teile_geheim,
        bool_or(mitglieder.ist_summe and stand.unterdrueckt) as summe_geheim,
        bool_or(mitglieder.ist_summe) as hat_summe
    from {{ ref('int_geheimhaltung_gruppen') }} as mitglieder
    inner join stand on mitglieder.zelle = stand.zelle
    where mitglieder.ist_gleichung
    group by mitglieder.gruppe
)

select * from gruppen
where teile_geheim = 1 and hat_summe and not summe_geheim
