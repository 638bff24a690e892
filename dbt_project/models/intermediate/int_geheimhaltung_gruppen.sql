-- Every linear relation between published count cells that a reader of the catalogue knows
-- (catalogue §3 rule 3), as memberships: a relation reads sum(parts) - sum(totals) = 0
-- (`ist_gleichung`) or <= 0 (a bound). The attacker check combines all of them at once.
with zellen as (
    select
        zellen.*,
        perioden.periodenrang,
        perioden.beginn,
        perioden.ende
    from {{ ref('int_kennzahlen') }} as zellen
    inner join {{ ref('int_perioden') }} as perioden on zellen.zeitraum = perioden.zeitraum
    where zellen.geheimhaltung = 'anzahl'
),

perioden as (
    select * from {{ ref('int_perioden') }}
),

faelle as (
    -- the case counts of one period, area, group and topic side by side (identities)
    select
        zeitraum,
        gebiet,
        zielgruppe,
        handlungsfeld,
        beginn,
        ende,
        periodenrang,
        max(zelle) filter (where indikator = 'faelle_aktiv') as aktiv,
        max(zelle) filter (where indikator = 'faelle_neu') as neu,
        max(zelle) filter (where indikator = 'faelle_abgeschlossen') as abgeschlossen,
        max(zelle) filter (where indikator = 'faelle_bestand') as bestand,
        max(zelle) filter (where indikator = 'personen_erreicht') as personen,
        max(zelle) filter (where indikator = 'strukturhinweise') as strukturhinweise
    from zellen
    where aufschluesselung = ''
    group by all
),

zeitpaare as (
    -- each count cell with the cells of the periods one level shorter within its period
    select
        oben.indikator,
        oben.zelle as oben,
        kind.zelle as kind,
        -- the shorter periods cover the whole period
        sum(kind.ende - kind.beginn + 1) over (partition by oben.zelle)
        = oben.ende - oben.beginn + 1 as ist_abgedeckt
    from zellen as oben
    inner join zellen as kind
        on
            oben.indikator = kind.indikator
            and oben.gebiet = kind.gebiet
            and oben.zielgruppe = kind.zielgruppe
            and oben.handlungsfeld = kind.handlungsfeld
            and oben.aufschluesselung = kind.aufschluesselung
            and kind.periodenrang = oben.periodenrang - 1
            and oben.beginn <= kind.beginn
            and oben.ende >= kind.ende
),

verlauf as (
    -- active cases of a period and the active and new cases of the periods within it
    select
        oben.aktiv as oben,
        case when kind.beginn = oben.beginn then kind.aktiv else kind.neu end as teil,
        sum(kind.ende - kind.beginn + 1) over (partition by oben.aktiv)
        = oben.ende - oben.beginn + 1 as ist_abgedeckt,
        bool_and(kind.aktiv is not null and kind.neu is not null) over (
            partition by oben.aktiv
        ) as ist_vollstaendig
    from faelle as oben
    inner join faelle as kind
        on
            oben.gebiet = kind.gebiet
            and oben.zielgruppe = kind.zielgruppe
            and oben.handlungsfeld = kind.handlungsfeld
            and kind.periodenrang = oben.periodenrang - 1
            and oben.beginn <= kind.beginn
            and oben.ende >= kind.ende
    where oben.aktiv is not null
),

personen as (
    select * from zellen
    where indikator = 'personen_erreicht'
),

stichtage as (
    -- the stock at the end of a day, from the shortest published period ending that day
    select
        gebiet,
        zielgruppe,
        handlungsfeld,
        ende,
        bestand
    from faelle
    where bestand is not null
    qualify row_number() over (
        partition by gebiet, zielgruppe, handlungsfeld, ende order by periodenrang
    ) = 1
),

mitglieder as (
    -- areas: the nine towns add up to the Kreis (persons are counted once across towns)
    select
        'gebiete' as art,
        concat_ws('|', indikator, zeitraum, zielgruppe, handlungsfeld, aufschluesselung)
            as schluessel,
        zelle,
        gebiet = '{{ var("kreis_ags") }}' as ist_summe,
        true as ist_gleichung
    from zellen
    -- a kreisfreie Stadt has no towns to add up
    where indikator <> 'personen_erreicht' and {{ var('mit_staedten') }}
    union all
    -- breakdowns: the values of one dimension add up to the row without breakdown
    select
        'aufschluesselung' as art,
        concat_ws(
            '|', teile.indikator, teile.zeitraum, teile.gebiet, teile.zielgruppe,
            teile.handlungsfeld, split_part(teile.aufschluesselung, '=', 1)
        ) as schluessel,
        unnest([teile.zelle, summe.zelle]) as zelle,
        unnest([false, true]) as ist_summe,
        true as ist_gleichung
    from zellen as teile
    inner join zellen as summe
        on
            teile.indikator = summe.indikator
            and teile.zeitraum = summe.zeitraum
            and teile.gebiet = summe.gebiet
            and teile.zielgruppe = summe.zielgruppe
            and teile.handlungsfeld = summe.handlungsfeld
            and summe.aufschluesselung = ''
    where teile.aufschluesselung <> ''
    union all
    -- topics of referrals: every referral has exactly one topic
    select
        'handlungsfelder' as art,
        concat_ws('|', indikator, zeitraum, gebiet, zielgruppe, aufschluesselung) as schluessel,
        zelle,
        handlungsfeld = 'alle' as ist_summe,
        true as ist_gleichung
    from zellen
    where ist_handlungsfelder_summierbar
    union all
    -- time: the periods one level shorter within a period add up to it (flow counts)
    select
        'zeit' as art,
        concat_ws(
            '|', oben.indikator, oben.zeitraum, oben.gebiet, oben.zielgruppe,
            oben.handlungsfeld, oben.aufschluesselung
        ) as schluessel,
        unnest([kind.zelle, oben.zelle]) as zelle,
        unnest([false, true]) as ist_summe,
        true as ist_gleichung
    from zellen as oben
    inner join zellen as kind
        on
            oben.indikator = kind.indikator
            and oben.gebiet = kind.gebiet
            and oben.zielgruppe = kind.zielgruppe
            and oben.handlungsfeld = kind.handlungsfeld
            and oben.aufschluesselung = kind.aufschluesselung
            and kind.periodenrang = oben.periodenrang - 1
            and oben.beginn <= kind.beginn
            and oben.ende >= kind.ende
    where oben.ist_zeitlich_summierbar
    union all
    -- active = stock at the end + closed in the period
    select
        'abgang' as art,
        cast(aktiv as varchar) as schluessel,
        unnest([aktiv, bestand, abgeschlossen]) as zelle,
        unnest([true, false, false]) as ist_summe,
        true as ist_gleichung
    from faelle
    where aktiv is not null and bestand is not null and abgeschlossen is not null
    union all
    -- active = stock the day before the period + new in the period (nothing before the first)
    select
        'zugang' as art,
        cast(faelle.aktiv as varchar) as schluessel,
        unnest([faelle.aktiv, faelle.neu, stichtage.bestand]) as zelle,
        unnest([true, false, false]) as ist_summe,
        true as ist_gleichung
    from faelle
    left join stichtage
        on
            faelle.gebiet = stichtage.gebiet
            and faelle.zielgruppe = stichtage.zielgruppe
            and faelle.handlungsfeld = stichtage.handlungsfeld
            and stichtage.ende = faelle.beginn - 1
    where
        faelle.aktiv is not null and faelle.neu is not null
        and (
            stichtage.bestand is not null
            or faelle.beginn <= (
                select min(perioden.beginn) from perioden
                where perioden.periodenrang = 1
            )
        )
    union all
    -- the stock is the same for every period ending on the same day
    select
        'stichtag' as art,
        cast(faelle.bestand as varchar) as schluessel,
        unnest([faelle.bestand, stichtage.bestand]) as zelle,
        unnest([true, false]) as ist_summe,
        true as ist_gleichung
    from faelle
    inner join stichtage
        on
            faelle.gebiet = stichtage.gebiet
            and faelle.zielgruppe = stichtage.zielgruppe
            and faelle.handlungsfeld = stichtage.handlungsfeld
            and faelle.ende = stichtage.ende
    where faelle.bestand <> stichtage.bestand
    union all
    -- active cases of a period = active cases of its first part + new cases of the others
    select
        'verlauf' as art,
        cast(oben as varchar) as schluessel,
        unnest([oben, teil]) as zelle,
        unnest([true, false]) as ist_summe,
        true as ist_gleichung
    from verlauf
    where ist_abgedeckt and ist_vollstaendig
    union all
    -- bounds over time: active cases and persons of a period are at least those of each
    -- shorter period within it ...
    select
        {{ schranke('teilzeit', 'kind', 'oben') }}
    from zeitpaare
    where indikator in ('faelle_aktiv', 'personen_erreicht')
    union all
    -- ... and at most their sum
    select
        'zeitsumme' as art,
        cast(oben as varchar) as schluessel,
        unnest([oben, kind]) as zelle,
        unnest([false, true]) as ist_summe,
        false as ist_gleichung
    from zeitpaare
    where indikator in ('faelle_aktiv', 'personen_erreicht') and ist_abgedeckt
    union all
    -- bounds over areas: a person counselled in several towns counts once in the Kreis, so
    -- the Kreis's persons are at least each town's ...
    select
        {{ schranke('personen_teilgebiet', 'stadt.zelle', 'kreis.zelle') }}
    from personen as stadt
    inner join personen as kreis
        on
            stadt.zeitraum = kreis.zeitraum
            and stadt.zielgruppe = kreis.zielgruppe
            and stadt.handlungsfeld = kreis.handlungsfeld
            and stadt.aufschluesselung = kreis.aufschluesselung
            and kreis.gebiet = '{{ var("kreis_ags") }}'
            and stadt.gebiet <> '{{ var("kreis_ags") }}'
    union all
    -- ... and at most the sum of all towns
    select
        'personen_gebiete' as art,
        concat_ws('|', zeitraum, zielgruppe, handlungsfeld, aufschluesselung) as schluessel,
        zelle,
        gebiet <> '{{ var("kreis_ags") }}' as ist_summe,
        false as ist_gleichung
    from personen
    where {{ var('mit_staedten') }}
    qualify
        count(*) over (partition by zeitraum, zielgruppe, handlungsfeld, aufschluesselung)
        = (select count(distinct zellen.gebiet) from zellen)
    union all
    -- bounds: a target group or topic never exceeds `alle`
    select
        {{ schranke('teilgruppe', 'teil.zelle', 'alle.zelle') }}
    from zellen as teil
    inner join zellen as alle
        on
            teil.indikator = alle.indikator
            and teil.zeitraum = alle.zeitraum
            and teil.gebiet = alle.gebiet
            and teil.aufschluesselung = alle.aufschluesselung
            and (
                (
                    teil.zielgruppe <> 'alle' and alle.zielgruppe = 'alle'
                    and teil.handlungsfeld = alle.handlungsfeld
                )
                or (
                    teil.handlungsfeld <> 'alle' and alle.handlungsfeld = 'alle'
                    and teil.zielgruppe = alle.zielgruppe
                )
            )
    union all
    -- bounds: new, closed and stock cases and persons never exceed active cases; structural
    -- notes never exceed new cases
    select
        {{ schranke('teilmenge', 'teil', 'ganzes') }}
    from (
        select
            unnest([neu, abgeschlossen, bestand, personen, strukturhinweise]) as teil,
            unnest([aktiv, aktiv, aktiv, aktiv, neu]) as ganzes
        from faelle
    ) as paare
    where teil is not null and ganzes is not null
),

eindeutig as (
    -- a total joined once per part above appears once
    select distinct
        art,
        schluessel,
        zelle,
        ist_summe,
        ist_gleichung
    from mitglieder
    where zelle is not null
),

vollstaendig as (
    -- a relation needs a total and a part (a total published without its parts, such as
    -- a month's referrals by partner without topics, relates nothing); only a bound of a
    -- part by a sum has several totals
    select * from eindeutig
    qualify
        count(*) filter (where ist_summe) over (partition by art, schluessel) >= 1
        and count(*) filter (where not ist_summe) over (partition by art, schluessel) >= 1
),

final as (
    select
        -- one number per relation: the check joins millions of memberships
        dense_rank() over (order by art, schluessel) as gruppe,
        art,
        zelle,
        ist_summe,
        ist_gleichung
    from vollstaendig
)

select * from final
