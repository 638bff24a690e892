-- One row per case and period in which it was active (all case indicators are subsets).
with faelle as (
    select * from {{ ref('int_faelle') }}
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

aktiv as (
    select
        perioden.zeitraum,
        faelle.ags,
        faelle.fall_id,
        faelle.person_id,
        faelle.fallbeginn between perioden.beginn and perioden.ende as ist_neu,
        coalesce(faelle.fallende between perioden.beginn and perioden.ende, false)
            as ist_abgeschlossen,
        faelle.fallende is null or faelle.fallende > perioden.ende as ist_im_bestand,
        faelle.abschlussgrund,
        faelle.fallende - faelle.fallbeginn as falldauer_tage,
        faelle.fallbeginn - faelle.erstkontakt as wartezeit_tage,
        faelle.strukturhinweis
    from faelle
    inner join perioden
        on
            faelle.fallbeginn <= perioden.ende
            and (faelle.fallende is null or faelle.fallende >= perioden.beginn)
)

select * from aktiv
