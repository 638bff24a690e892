-- The published indicator table: protected values only (indicator catalogue §2, §3).
-- Periods frozen by `kim bereinigen` keep their published values: their case data are
-- partly deleted (retention), so computing them again would change what was published.
with geschuetzt as (
    select * from {{ ref('int_kennzahlen_geschuetzt') }}
),

gesichert as (
    select * from {{ ref('stg_gesicherte_kennzahlen') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

berechnet as (
    select
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        wert,
        unterdrueckt
    from geschuetzt
    where zeitraum not in (select gesichert.zeitraum from gesichert)
),

eingefroren as (
    select
        indikator,
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        aufschluesselung,
        wert,
        unterdrueckt
    from gesichert
),

alle_werte as (
    select * from berechnet
    union all
    select * from eingefroren
),

final as (
    select
        alle_werte.indikator,
        alle_werte.zeitraum,
        perioden.periodentyp,
        perioden.beginn as zeitraum_beginn,
        perioden.ende as zeitraum_ende,
        alle_werte.gebiet,
        alle_werte.zielgruppe,
        alle_werte.handlungsfeld,
        alle_werte.aufschluesselung,
        alle_werte.wert,
        alle_werte.unterdrueckt
    from alle_werte
    inner join perioden on alle_werte.zeitraum = perioden.zeitraum
)

select * from final
