-- A visible ratio never sits next to a suppressed count it was computed from
-- (kontakte_je_fall x faelle_aktiv = kontakte; faelle_je_vzae x vzae_ist = faelle_bestand).
with zellen as (
    select * from {{ ref('int_kennzahlen_geschuetzt') }}
),

paare as (
    select
        'kontakte_je_fall' as quote_indikator,
        'kontakte' as zaehlung
    union all
    select
        'kontakte_je_fall' as quote_indikator,
        'faelle_aktiv' as zaehlung
    union all
    select
        'faelle_je_vzae' as quote_indikator,
        'faelle_bestand' as zaehlung
)

select
    quoten.zelle,
    zaehlungen.zelle as verratene_zelle
from paare
inner join zellen as quoten on paare.quote_indikator = quoten.indikator
inner join zellen as zaehlungen
    on
        paare.zaehlung = zaehlungen.indikator
        and quoten.zeitraum = zaehlungen.zeitraum
        and quoten.gebiet = zaehlungen.gebiet
        and quoten.zielgruppe = zaehlungen.zielgruppe
        and quoten.handlungsfeld = zaehlungen.handlungsfeld
        and quoten.aufschluesselung = zaehlungen.aufschluesselung
where zaehlungen.unterdrueckt and not quoten.unterdrueckt
