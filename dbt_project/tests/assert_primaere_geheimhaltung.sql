-- Primary suppression: no published count of 1 .. k-1, no ratio on a base of 1 .. 4,
-- a suppressed cell never carries a value, and an unpublished cell is always suppressed.
with roh as (
    select * from {{ ref('int_kennzahlen') }}
),

veroeffentlicht as (
    select * from {{ ref('int_kennzahlen_geschuetzt') }}
)

select
    veroeffentlicht.*,
    roh.basis
from veroeffentlicht
inner join roh on veroeffentlicht.zelle = roh.zelle
where
    (veroeffentlicht.unterdrueckt and veroeffentlicht.wert is not null)
    or (not veroeffentlicht.ist_veroeffentlicht and not veroeffentlicht.unterdrueckt)
    or (
        not veroeffentlicht.unterdrueckt
        and (
            (
                roh.geheimhaltung = 'anzahl'
                and roh.wert >= 1
                and roh.wert < {{ var('geheimhaltung_k') }}
            )
            or (
                roh.geheimhaltung = 'quote'
                and roh.basis >= 1
                and roh.basis < {{ var('mindestbasis') }}
            )
        )
    )
