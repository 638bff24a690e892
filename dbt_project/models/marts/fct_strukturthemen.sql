-- Structural issues as the Lenkungsgruppe follows them: where each stands and how long an
-- open one has waited. A count of cases below the confidentiality limit is not published.
with themen as (
    select * from {{ ref('stg_strukturthemen') }}
),

gebiete as (
    select * from {{ ref('int_gebiete') }}
),

final as (
    select
        themen.thema_id,
        themen.titel,
        themen.handlungsfeld,
        coalesce(themen.ags, '{{ var("kreis_ags") }}') as gebiet,
        coalesce(gebiete.name, '{{ var("kreis_name") }}') as gebiet_name,
        themen.status,
        case themen.status
            when 'eingebracht' then 1
            when 'priorisiert' then 2
            when 'in_bearbeitung' then 3
            when 'umgesetzt' then 4
            when 'zurueckgestellt' then 5
            else 6
        end as status_rang,
        themen.status in ('eingebracht', 'priorisiert', 'in_bearbeitung') as ist_offen,
        themen.eingebracht_am,
        themen.status_am,
        themen.beschluss_lenkungsgruppe_am,
        themen.massnahme,
        themen.stichtag,
        datediff('day', themen.eingebracht_am, themen.stichtag) as alter_tage,
        case
            when themen.faelle_anzahl >= {{ var('geheimhaltung_k') }} or themen.faelle_anzahl = 0
                then themen.faelle_anzahl
        end as faelle_anzahl,
        coalesce(
            themen.faelle_anzahl between 1 and {{ var('geheimhaltung_k') }} - 1, false
        ) as faelle_anzahl_unterdrueckt
    from themen
    left join gebiete on coalesce(themen.ags, '{{ var("kreis_ags") }}') = gebiete.gebiet
)

select * from final
