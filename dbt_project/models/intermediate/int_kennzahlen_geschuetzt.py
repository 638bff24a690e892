"""Statistical confidentiality (catalogue §3), applied once for every output.

Counts: the suppression pattern is chosen jointly over every relation a reader knows
(int_geheimhaltung_gruppen) and proven by the attacker check before anything is published
(warehouse.confidentiality). Ratios and medians: suppressed on a base of 1 .. mindestbasis-1
and whenever a count they are computed from is suppressed (RATIOS), so a published ratio
always stands next to its published counts and reveals nothing about a suppressed one.
Signed-off versions (stg_freigegebene_werte): what they suppressed stays suppressed, and a
value they published that is unchanged counts as known to the attacker. Unpublished cells
(`ist_veroeffentlicht` false) are unknowns of the check only: always suppressed, never shown.
The linear programmes the last build solved are not solved again where they are unchanged
(`pruefspeicher`, warehouse.confidentiality.memo).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.confidentiality.memo import Memo
from warehouse.confidentiality.pattern import protect
from warehouse.confidentiality.table import LinkedTable

# Ratio or median -> the published counts of the same cell it is computed from.
RATIOS = {
    "quote_ziele_erreicht": ("faelle_abgeschlossen",),
    "quote_ziele_teilweise": ("faelle_abgeschlossen",),
    "falldauer_median_tage": ("faelle_abgeschlossen",),
    "wartezeit_median_tage": ("faelle_neu",),
    "kontakte_je_fall": ("kontakte", "faelle_aktiv"),
    "quote_vermittlung_angenommen": ("vermittlungen",),
    "quote_handlungsfeld_ziel_erreicht": ("faelle_aktiv",),
    "faelle_je_vzae": ("faelle_bestand",),
}
KEY = "zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung"


def model(dbt, session):
    """Protected indicator cells: value, or NULL and `unterdrueckt` when secret."""
    dbt.config(materialized="table")
    k = int(dbt.config.get("geheimhaltung_k"))
    base = int(dbt.config.get("mindestbasis"))
    # Temporary objects only: nothing of this model may reach the build file (profiles.yml).
    zellen_sql = dbt.ref("int_kennzahlen").sql_query()
    session.execute(f"CREATE OR REPLACE TEMP VIEW gk_zellen AS {zellen_sql}")
    versions = dbt.ref("stg_freigegebene_werte").sql_query()
    counts = session.execute(
        f"""
        SELECT z.zelle, z.wert, z.gewicht, z.ist_veroeffentlicht, z.ist_kernzahl,
            coalesce(f.erzwungen, false) AS erzwungen,
            coalesce(list_contains(f.werte, z.wert), false) AS bekannt
        FROM gk_zellen z
        LEFT JOIN (
            SELECT indikator, {KEY}, bool_or(unterdrueckt) AS erzwungen,
                list(wert) FILTER (WHERE NOT unterdrueckt) AS werte
            FROM ({versions}) GROUP BY ALL
        ) f USING (indikator, {KEY})
        WHERE z.geheimhaltung = 'anzahl'
        ORDER BY z.zelle
        """
    ).fetchnumpy()
    # In a fixed order: the check walks the relations in it, so the same data gives the same
    # pattern in every build.
    members = session.execute(
        f"""
        SELECT gruppe, zelle, ist_summe, ist_gleichung
        FROM ({dbt.ref("int_geheimhaltung_gruppen").sql_query()})
        ORDER BY gruppe, zelle
        """
    ).fetchnumpy()
    zellen = counts["zelle"]
    position = np.searchsorted(zellen, members["zelle"]).clip(max=len(zellen) - 1)
    if not np.array_equal(zellen[position], members["zelle"]):
        raise ValueError("int_geheimhaltung_gruppen nennt Zellen, die keine Zählungen sind")
    table = LinkedTable.build(
        wert=counts["wert"],
        gewicht=counts["gewicht"],
        gruppe=members["gruppe"],
        zelle=position,
        summe=members["ist_summe"],
        gleichung=members["ist_gleichung"],
        bekannt=counts["bekannt"],
    )
    table.check()
    speicher = dbt.config.get("pruefspeicher")
    memo = Memo(Path(speicher) if speicher else None)
    result = protect(
        table,
        k,
        forced=counts["erzwungen"],
        unpublished=~counts["ist_veroeffentlicht"],
        spared=counts["ist_kernzahl"],
        memo=memo,
    )
    memo.save()
    proof = result.pruefung
    low = np.full(len(zellen), np.nan)
    high = np.full(len(zellen), np.nan)
    low[proof.zellen], high[proof.zellen] = proof.minimum, proof.maximum
    session.register(
        "gk_zaehlungen",
        pd.DataFrame(
            {
                "zelle": zellen,
                "unterdrueckt": result.unterdrueckt,
                "primaer": result.primaer,
                "pruef_min": low,
                "pruef_max": high,
            }
        ),
    )
    session.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gk_stand AS
        SELECT z.zelle, z.indikator, z.wert, coalesce(c.primaer, CASE z.geheimhaltung
                WHEN 'quote' THEN z.basis >= 1 AND z.basis < {base} ELSE false END) AS primaer,
            coalesce(c.unterdrueckt, false) AS unterdrueckt, c.pruef_min, c.pruef_max
        FROM gk_zellen z LEFT JOIN gk_zaehlungen c USING (zelle)
        """
    )
    session.execute("UPDATE gk_stand SET unterdrueckt = true WHERE primaer")
    for ratio, sources in RATIOS.items():
        names = ", ".join(f"'{c}'" for c in sources)
        session.execute(
            f"""
            UPDATE gk_stand SET unterdrueckt = true
            WHERE zelle IN (
                SELECT q.zelle FROM gk_zellen q JOIN gk_zellen c USING ({KEY})
                JOIN gk_stand s ON s.zelle = c.zelle
                WHERE q.indikator = '{ratio}' AND c.indikator IN ({names}) AND s.unterdrueckt
            )
            """
        )
    session.unregister("gk_zaehlungen")
    return session.sql(
        f"""
        SELECT z.zelle, z.indikator, z.zeitraum, z.gebiet, z.zielgruppe, z.handlungsfeld,
            z.aufschluesselung, z.ist_veroeffentlicht,
            CASE WHEN s.unterdrueckt THEN NULL ELSE s.wert END AS wert,
            s.unterdrueckt, s.primaer, s.pruef_min, s.pruef_max,
            {proof.komponenten} AS pruef_komponenten,
            {proof.groesste_komponente} AS pruef_groesste_komponente,
            {result.runden} AS pruef_runden,
            {result.sekunden:.3f} AS pruef_sekunden,
            {str(result.aus_speicher).lower()} AS pruef_aus_speicher
        FROM gk_zellen z JOIN gk_stand s USING (zelle)
        """
    )
