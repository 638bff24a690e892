-- Every reporting period from the first month with data to the latest Stichtag, and the
-- cumulative period `gesamt` ("seit Beginn").
with letzter_stand as (
    select max(stichtag) as letzter_stichtag
    from {{ ref('stg_aktuelle_staende') }}
),

erster_tag as (
    -- Years frozen by `kim bereinigen` stay periods after their cases are deleted.
    select
        least(
            (select min(fallbeginn) from {{ ref('stg_faelle') }}),
            (select min(least(anstoss, antrag, entscheidung)) from {{ ref('stg_verfahren') }}),
            (
                select min(cast(strptime(zeitraum, '%Y-%m') as date))
                from {{ ref('stg_gesicherte_kennzahlen') }}
                where regexp_full_match(zeitraum, '\d{4}-\d{2}')
            )
        ) as erster_tag
),

monate as (
    select cast(reihe.monat as date) as beginn
    from erster_tag, letzter_stand,
        generate_series(
            cast(date_trunc('month', erster_tag.erster_tag) as timestamp),
            cast(letzter_stand.letzter_stichtag as timestamp),
            interval 1 month
        ) as reihe (monat)
),

je_typ as (
    select
        'monat' as periodentyp,
        strftime(beginn, '%Y-%m') as zeitraum,
        beginn
    from monate
    union
    select
        'quartal' as periodentyp,
        strftime(beginn, '%Y') || '-Q' || quarter(beginn) as zeitraum,
        cast(date_trunc('quarter', beginn) as date) as beginn
    from monate
    union
    select
        'halbjahr' as periodentyp,
        strftime(beginn, '%Y') || '-H' || (case when month(beginn) <= 6 then 1 else 2 end)
            as zeitraum,
        make_date(year(beginn), case when month(beginn) <= 6 then 1 else 7 end, 1) as beginn
    from monate
    union
    select
        'jahr' as periodentyp,
        strftime(beginn, '%Y') as zeitraum,
        make_date(year(beginn), 1, 1) as beginn
    from monate
),

perioden as (
    select
        zeitraum,
        periodentyp,
        case periodentyp
            when 'monat' then 1 when 'quartal' then 2 when 'halbjahr' then 3 else 4
        end as periodenrang,
        year(beginn) as jahr,
        beginn,
        cast(
            beginn + case periodentyp
                when 'monat' then interval 1 month
                when 'quartal' then interval 3 month
                when 'halbjahr' then interval 6 month
                else interval 1 year
            end - interval 1 day as date
        ) as ende
    from je_typ
),

gesamt as (
    -- "seit Beginn": the years whose cases are still held (years frozen by `kim bereinigen`
    -- lost cases, so the cumulative period starts after them); it contains those years
    select
        'gesamt' as zeitraum,
        'gesamt' as periodentyp,
        5 as periodenrang,
        year(max(ende)) as jahr,
        min(beginn) as beginn,
        max(ende) as ende
    from perioden
    where
        periodentyp = 'jahr'
        and zeitraum not in (
            select gesichert.zeitraum from {{ ref('stg_gesicherte_kennzahlen') }} as gesichert
        )
    having count(*) > 0
)

select * from perioden
union all
select * from gesamt
