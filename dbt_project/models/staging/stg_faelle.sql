with source as (
    select * from {{ source('aktuell', 'faelle') }}
),

renamed as (
    select
        -- cases are keyed by their delivering source: a town and a welfare provider serving
        -- it may use the same pseudonym
        concat_ws('/', quelle, fall_id) as fall_id,
        quelle,
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
