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

-- The same eight columns on both sides (`zelle` and `gesichert_am` are bookkeeping).
alle_werte as (
    select * exclude (zelle, ist_veroeffentlicht) from geschuetzt
    where
        ist_veroeffentlicht
        and zeitraum not in (select gesichert.zeitraum from gesichert)
    union all by name
    select * exclude (gesichert_am) from gesichert
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

-- Stored in this order, so the min/max statistics of each row group let a reader that
-- filters by indicator and period skip most of the table (the dashboard's queries do).
select * from final
order by indikator, zeitraum, gebiet
