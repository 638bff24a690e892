-- The published indicator table: protected values only (indicator catalogue §2, §3).
with geschuetzt as (
    select * from {{ ref('int_kennzahlen_geschuetzt') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

final as (
    select
        geschuetzt.indikator,
        geschuetzt.zeitraum,
        perioden.periodentyp,
        perioden.beginn as zeitraum_beginn,
        perioden.ende as zeitraum_ende,
        geschuetzt.gebiet,
        geschuetzt.zielgruppe,
        geschuetzt.handlungsfeld,
        geschuetzt.aufschluesselung,
        geschuetzt.wert,
        geschuetzt.unterdrueckt
    from geschuetzt
    inner join perioden on geschuetzt.zeitraum = perioden.zeitraum
)

select * from final
