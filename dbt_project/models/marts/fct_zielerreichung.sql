-- Goal progress (indicator catalogue §4): every goal against the pro-rata expectation for
-- the part of its year that has passed up to the latest Stichtag of the data.
with ziele as (
    select * from {{ ref('stg_ziele') }}
),

katalog as (
    select * from {{ ref('stg_kennzahlen') }}
),

indikatoren as (
    select * from {{ ref('fct_indikatoren') }}
    where zielgruppe = 'alle' and handlungsfeld = 'alle' and aufschluesselung = ''
),

stand as (
    select max(stichtag) as letzter_stichtag from {{ ref('stg_aktuelle_staende') }}
),

zeit as (
    select
        ziele.*,
        stand.letzter_stichtag,
        make_date(ziele.jahr, 1, 1) as jahresbeginn,
        make_date(ziele.jahr, 12, 31) as jahresende,
        greatest(
            0,
            least(stand.letzter_stichtag, make_date(ziele.jahr, 12, 31))
            - make_date(ziele.jahr, 1, 1) + 1
        ) as vergangene_tage,
        make_date(ziele.jahr, 12, 31) - make_date(ziele.jahr, 1, 1) + 1 as tage_im_jahr
    from ziele
    cross join stand
),

bewertet as (
    select
        zeit.jahr,
        zeit.indikator,
        zeit.ags as gebiet,
        zeit.zielwert,
        zeit.richtung,
        zeit.letzter_stichtag,
        zeit.vergangene_tage,
        zeit.tage_im_jahr,
        case
            when katalog.ist_ziel_anteilig
                then zeit.zielwert * zeit.vergangene_tage / zeit.tage_im_jahr
            else zeit.zielwert
        end as erwartung,
        indikatoren.wert as ist,
        coalesce(indikatoren.unterdrueckt, false) as unterdrueckt,
        zeit.letzter_stichtag >= zeit.jahresende as jahr_abgeschlossen
    from zeit
    inner join katalog on zeit.indikator = katalog.indikator
    left join indikatoren
        on
            zeit.indikator = indikatoren.indikator
            and cast(zeit.jahr as varchar) = indikatoren.zeitraum
            and zeit.ags = indikatoren.gebiet
),

mit_quote as (
    select
        *,
        case
            when ist is null or erwartung is null then null
            when richtung = 'hoechstens' and ist = 0 then null
            when richtung = 'hoechstens' then erwartung / ist
            when erwartung = 0 then null
            else ist / erwartung
        end as erfuellung
    from bewertet
),

final as (
    select
        *,
        case
            when unterdrueckt then 'nicht_bewertbar'
            when vergangene_tage = 0 then 'noch_nicht_begonnen'
            when ist is null then 'keine_daten'
            when richtung = 'mindestens' and ist >= zielwert then 'erreicht'
            when richtung = 'hoechstens' and jahr_abgeschlossen and ist <= zielwert
                then 'erreicht'
            when richtung = 'hoechstens' and ist <= erwartung then 'im_plan'
            when erfuellung >= {{ var('schwelle_im_plan') }} then 'im_plan'
            when erfuellung >= {{ var('schwelle_leicht_verzoegert') }} then 'leicht_verzoegert'
            else 'deutlich_verzoegert'
        end as status
    from mit_quote
),

beschriftet as (
    select
        *,
        case status
            when 'erreicht' then 'erreicht'
            when 'im_plan' then 'im Plan'
            when 'leicht_verzoegert' then 'leicht verzögert'
            when 'deutlich_verzoegert' then 'deutlich verzögert'
            when 'nicht_bewertbar' then 'nicht bewertbar (Geheimhaltung)'
            when 'noch_nicht_begonnen' then 'Jahr hat noch nicht begonnen'
            else 'keine Daten'
        end as status_text
    from final
)

select * from beschriftet
