-- Indicators 1-9 and 15 per period, area, target group and topic (unprotected).
with fall_perioden as (
    select * from {{ ref('int_fall_perioden') }}
),

zielgruppen as (
    select * from {{ ref('int_fall_zielgruppen') }}
),

handlungsfelder as (
    select * from {{ ref('int_fall_handlungsfelder') }}
),

-- persons with more than one case in a period: only their cases can count a person twice in a
-- cell, so only they need the (costly) distinct count
mehrfach as (
    select
        zeitraum,
        person_id
    from fall_perioden
    group by zeitraum, person_id
    having count(*) > 1
),

zugeordnet as (
    select
        fall_perioden.*,
        zielgruppen.zielgruppe,
        handlungsfelder.handlungsfeld,
        mehrfach.person_id is not null as ist_mehrfach
    from fall_perioden
    inner join zielgruppen
        on fall_perioden.ags = zielgruppen.ags and fall_perioden.fall_id = zielgruppen.fall_id
    inner join handlungsfelder
        on
            fall_perioden.ags = handlungsfelder.ags
            and fall_perioden.fall_id = handlungsfelder.fall_id
    left join mehrfach
        on
            fall_perioden.zeitraum = mehrfach.zeitraum
            and fall_perioden.person_id = mehrfach.person_id
),

aggregiert as (
    select
        zeitraum,
        coalesce(ags, '{{ var("kreis_ags") }}') as gebiet,
        zielgruppe,
        handlungsfeld,
        count(*) filter (where ist_neu) as faelle_neu,
        count(*) as faelle_aktiv,
        count(*) filter (where ist_abgeschlossen) as faelle_abgeschlossen,
        count(*) filter (where ist_im_bestand) as faelle_bestand,
        -- count(distinct person_id): a person of one case in the period is one row of a cell
        count(person_id) filter (where not ist_mehrfach)
        + count(distinct person_id) filter (where ist_mehrfach) as personen_erreicht,
        count(*) filter (
            where ist_abgeschlossen and abschlussgrund = 'ziele_erreicht'
        ) as ziele_erreicht,
        count(*) filter (
            where ist_abgeschlossen
            and abschlussgrund in ('ziele_erreicht', 'ziele_teilweise_erreicht')
        ) as ziele_teilweise,
        count(*) filter (
            where ist_abgeschlossen and abschlussgrund is distinct from 'wegzug'
        ) as abgeschlossen_ohne_wegzug,
        median(falldauer_tage) filter (where ist_abgeschlossen) as falldauer_median,
        median(wartezeit_tage) filter (where ist_neu) as wartezeit_median,
        count(wartezeit_tage) filter (where ist_neu) as neu_mit_erstkontakt,
        count(*) filter (where ist_neu and strukturhinweis) as strukturhinweise
    from zugeordnet
    -- each town, and with rollup over ags the Kreis (all towns together, ags null)
    group by zeitraum, zielgruppe, handlungsfeld, rollup(ags)
    {{ nur_kreis_ohne_staedte() }}
),

vollstaendig as (
    select
        raster.zeitraum,
        raster.gebiet,
        raster.zielgruppe,
        raster.handlungsfeld,
        coalesce(aggregiert.faelle_neu, 0) as faelle_neu,
        coalesce(aggregiert.faelle_aktiv, 0) as faelle_aktiv,
        coalesce(aggregiert.faelle_abgeschlossen, 0) as faelle_abgeschlossen,
        coalesce(aggregiert.faelle_bestand, 0) as faelle_bestand,
        coalesce(aggregiert.personen_erreicht, 0) as personen_erreicht,
        coalesce(aggregiert.ziele_erreicht, 0) as ziele_erreicht,
        coalesce(aggregiert.ziele_teilweise, 0) as ziele_teilweise,
        coalesce(aggregiert.abgeschlossen_ohne_wegzug, 0) as abgeschlossen_ohne_wegzug,
        aggregiert.falldauer_median,
        aggregiert.wartezeit_median,
        coalesce(aggregiert.neu_mit_erstkontakt, 0) as neu_mit_erstkontakt,
        coalesce(aggregiert.strukturhinweise, 0) as strukturhinweise
    from {{ ref('int_raster_faelle') }} as raster
    left join aggregiert on {{ gleiche_zelle('raster', 'aggregiert') }}
),

lang as (
    {% set werte = [
        ('faelle_neu', 'faelle_neu', 'null'),
        ('faelle_aktiv', 'faelle_aktiv', 'null'),
        ('faelle_abgeschlossen', 'faelle_abgeschlossen', 'null'),
        ('faelle_bestand', 'faelle_bestand', 'null'),
        ('personen_erreicht', 'personen_erreicht', 'null'),
        ('quote_ziele_erreicht',
         '100.0 * ziele_erreicht / nullif(abgeschlossen_ohne_wegzug, 0)',
         'abgeschlossen_ohne_wegzug'),
        ('quote_ziele_teilweise',
         '100.0 * ziele_teilweise / nullif(abgeschlossen_ohne_wegzug, 0)',
         'abgeschlossen_ohne_wegzug'),
        ('falldauer_median_tage', 'falldauer_median', 'faelle_abgeschlossen'),
        ('wartezeit_median_tage', 'wartezeit_median', 'neu_mit_erstkontakt'),
        ('strukturhinweise', 'strukturhinweise', 'null'),
    ] %}
    {{ lange_form('vollstaendig', werte) }}
)

select * from lang
