with source as (
    select * from {{ source('aktuell', 'verfahren') }}
),

renamed as (
    select
        verfahren_id,
        person_id,
        quelle as behoerde_ags,
        ags,
        verfahrensart,
        staatsangehoerigkeit,
        anstoss,
        antrag,
        entscheidung,
        ergebnis
    from source
)

select * from renamed
