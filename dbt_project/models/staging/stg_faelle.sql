with source as (
    select * from {{ source('aktuell', 'faelle') }}
),

renamed as (
    select
        fall_id,
        person_id,
        ags,
        stichtag,
        fallbeginn,
        erstkontakt,
        fallende,
        status,
        abschlussgrund,
        geschlecht,
        geburtsjahr,
        staatsangehoerigkeit,
        einreisedatum,
        aufenthaltsstatus,
        alleinerziehend,
        junger_mensch_ohne_familie,
        analphabetismus,
        ohne_berufsausbildung,
        geringe_deutschkenntnisse,
        zugang,
        strukturhinweis
    from source
)

select * from renamed
