-- The proof of the build's confidentiality (docs/confidentiality.md): what the attacker
-- check examined and found, one row per build. `kim build` copies it into build_info and
-- the build log; `kim status` shows it.
with geschuetzt as (
    select * from {{ ref('int_kennzahlen_geschuetzt') }}
),

zellen as (
    select * from {{ ref('int_kennzahlen') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

verbunden as (
    select
        geschuetzt.*,
        zellen.geheimhaltung,
        perioden.periodentyp = 'jahr'
        and geschuetzt.gebiet = '{{ var("kreis_ags") }}'
        and geschuetzt.zielgruppe = 'alle'
        and geschuetzt.handlungsfeld = 'alle'
        and geschuetzt.aufschluesselung = '' as ist_kreis_jahr,
        -- the integer interval an attacker is left with (examined cells only)
        ceil(geschuetzt.pruef_min - 1e-6) as untergrenze,
        floor(geschuetzt.pruef_max + 1e-6) as obergrenze
    from geschuetzt
    inner join zellen on geschuetzt.zelle = zellen.zelle
    inner join perioden on geschuetzt.zeitraum = perioden.zeitraum
),

veroeffentlicht as (
    select
        *,
        obergrenze - untergrenze as breite
    from verbunden
    where ist_veroeffentlicht
),

unveroeffentlicht as (
    select
        count(*) as unveroeffentlicht,
        -- an unpublished count narrowed into 1 .. k-1 reveals it as much as a published one
        count(*) filter (
            where untergrenze >= 1 and obergrenze <= {{ var('geheimhaltung_k') }} - 1
        ) as unveroeffentlicht_eingrenzbar
    from verbunden
    where not ist_veroeffentlicht
),

final as (
    select
        count(*) as zellen,
        count(*) filter (where geheimhaltung = 'anzahl') as anzahlen,
        count(*) filter (where geheimhaltung = 'anzahl' and primaer) as anzahlen_primaer,
        count(*) filter (where geheimhaltung = 'anzahl' and unterdrueckt and not primaer)
            as anzahlen_sekundaer,
        count(*) filter (where geheimhaltung <> 'anzahl' and unterdrueckt) as quoten_unterdrueckt,
        count(*) filter (where ist_kreis_jahr and geheimhaltung = 'anzahl') as kreis_jahr,
        count(*) filter (where ist_kreis_jahr and geheimhaltung = 'anzahl' and unterdrueckt)
            as kreis_jahr_unterdrueckt,
        count(breite) as geprueft,
        count(*) filter (where breite < {{ var('geheimhaltung_k') }}) as eingrenzbar,
        min(breite) as engstes_intervall,
        max(pruef_komponenten) as komponenten,
        max(pruef_groesste_komponente) as groesste_komponente,
        max(pruef_runden) as runden,
        max(pruef_sekunden) as sekunden,
        bool_or(pruef_aus_speicher) as aus_speicher
    from veroeffentlicht
)

select
    final.*,
    unveroeffentlicht.*,
    -- the one condition `kim build` and the dbt test both hold the build to
    final.eingrenzbar = 0
    and unveroeffentlicht.unveroeffentlicht_eingrenzbar = 0
    and final.geprueft >= final.anzahlen_primaer as bestanden
from final
cross join unveroeffentlicht
