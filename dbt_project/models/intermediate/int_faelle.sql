-- One row per case with the derived attributes the indicators need.
with faelle as (
    select * from {{ ref('stg_faelle') }}
),

abgeleitet as (
    select
        *,
        coalesce(
            (12 * year(fallbeginn) + month(fallbeginn))
            - (12 * year(einreisedatum) + month(einreisedatum))
            between 0 and {{ var('neuzugewandert_monate') }},
            false
        ) as neuzugewandert,
        year(stichtag) - geburtsjahr as alter_jahre
    from faelle
),

mit_altersgruppe as (
    select
        *,
        case
            when alter_jahre is null then 'unbekannt'
            when alter_jahre < 18 then '0-17'
            when alter_jahre < 27 then '18-26'
            when alter_jahre < 45 then '27-44'
            when alter_jahre < 65 then '45-64'
            else '65+'
        end as altersgruppe
    from abgeleitet
)

select * from mit_altersgruppe
