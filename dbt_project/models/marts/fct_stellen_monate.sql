-- Funded and filled full-time equivalents per post and month (the staffing proof of the
-- Verwendungsnachweis): each staffing row counts for the days of the month it was valid.
with stellen as (
    select * from {{ ref('stg_stellen') }}
),

monate as (
    select
        zeitraum as monat,
        jahr,
        beginn,
        ende,
        datediff('day', beginn, ende) + 1 as monatstage
    from {{ ref('int_perioden') }}
    where periodentyp = 'monat'
),

gueltig as (
    select
        monate.monat,
        monate.jahr,
        monate.monatstage,
        stellen.baustein,
        stellen.ags,
        stellen.funktion,
        stellen.vzae_soll,
        stellen.vzae_ist,
        datediff(
            'day',
            greatest(stellen.gueltig_ab, monate.beginn),
            least(coalesce(stellen.gueltig_bis, monate.ende), monate.ende)
        ) + 1 as tage
    from monate
    inner join stellen
        on
            monate.ende >= stellen.gueltig_ab
            and monate.beginn <= coalesce(stellen.gueltig_bis, monate.ende)
),

final as (
    select
        monat,
        cast(jahr as integer) as jahr,
        baustein,
        ags as gebiet,
        funktion,
        cast(round(sum(vzae_soll * tage) / max(monatstage), 2) as decimal(9, 2)) as vzae_soll,
        cast(round(sum(vzae_ist * tage) / max(monatstage), 2) as decimal(9, 2)) as vzae_ist
    from gueltig
    group by monat, jahr, baustein, ags, funktion
)

select * from final
