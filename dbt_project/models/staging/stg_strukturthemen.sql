with source as (
    select * from {{ source('aktuell', 'strukturthemen') }}
),

renamed as (
    select
        thema_id,
        titel,
        handlungsfeld,
        ags,
        eingebracht_am,
        status,
        coalesce(status_am, eingebracht_am) as status_am,
        beschluss_lenkungsgruppe_am,
        massnahme,
        faelle_anzahl,
        stichtag
    from source
)

select * from renamed
