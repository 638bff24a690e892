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
Rates are also suppressed where a part they reveal is small (RATES), all ratios are published
rounded as they are shown (DECIMALS), and what a ratio beside an unpublished count tells about that
count enters the check as bounds (`base_bounds`, docs/confidentiality.md "Ratios").
"""

from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.confidentiality.memo import Memo
from warehouse.confidentiality.pattern import protect
from warehouse.confidentiality.table import LinkedTable
from warehouse.formatting import DECIMALS

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
# Ratio or median -> the count its base is part of, and whether the base is all of it
# (closed cases without those who moved away, new cases with a first contact, referrals with
# a result are parts). Goals of a topic are no part of a count: no entry.
BASES = {
    "quote_ziele_erreicht": ("faelle_abgeschlossen", False),
    "quote_ziele_teilweise": ("faelle_abgeschlossen", False),
    "falldauer_median_tage": ("faelle_abgeschlossen", True),
    "wartezeit_median_tage": ("faelle_neu", False),
    "kontakte_je_fall": ("faelle_aktiv", True),
    "quote_vermittlung_angenommen": ("vermittlungen", False),
    "faelle_je_vzae": ("faelle_bestand", True),
}
# Percentages: with its base known or bounded, a rate reveals its numerator, the rest of its
# base and the rest of the count its base is part of; each must be 0 or at least k. The
# partly reached goals include the reached ones: their difference is a part too.
RATES = ("quote_ziele_erreicht", "quote_ziele_teilweise", "quote_vermittlung_angenommen",
         "quote_handlungsfeld_ziel_erreicht")  # fmt: skip
NESTED = {"quote_ziele_teilweise": "quote_ziele_erreicht"}
KEY = "zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung"


def _values(rows: dict) -> str:
    """The dict as a SQL VALUES list: (key, value) or (key, *value) per entry."""

    def literal(value) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        return str(value) if isinstance(value, int) else f"'{value}'"

    return ", ".join(
        "(" + ", ".join(map(literal, (key, *(v if isinstance(v, tuple) else (v,))))) + ")"
        for key, v in rows.items()
    )


def model(dbt, session):
    """Protected indicator cells: value, or NULL and `unterdrueckt` when secret."""
    dbt.config(materialized="table")
    k = int(dbt.config.get("geheimhaltung_k"))
    base = int(dbt.config.get("mindestbasis"))
    # Temporary objects only: nothing of this model may reach the build file (profiles.yml).
    zellen_sql = dbt.ref("int_kennzahlen").sql_query()
    session.execute(f"CREATE OR REPLACE TEMP VIEW gk_zellen AS {zellen_sql}")
    _ratios(session, k, base)
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
    n = len(zellen)
    position = np.searchsorted(zellen, members["zelle"]).clip(max=n - 1)
    if not np.array_equal(zellen[position], members["zelle"]):
        raise ValueError("int_geheimhaltung_gruppen nennt Zellen, die keine Zählungen sind")
    first = int(members["gruppe"].max(initial=0)) + 1
    constants, bounds = base_bounds(session, zellen, base, first)
    table = LinkedTable.build(
        wert=np.r_[counts["wert"], constants],
        gewicht=np.r_[
            counts["gewicht"], np.full(len(constants), counts["gewicht"].max(initial=0) + 1)
        ],
        gruppe=np.r_[members["gruppe"], bounds["gruppe"]],
        zelle=np.r_[position, bounds["zelle"] + np.where(bounds["konstante"], n, 0)],
        summe=np.r_[members["ist_summe"], bounds["ist_summe"]],
        gleichung=np.r_[members["ist_gleichung"], np.zeros(len(bounds["gruppe"]), dtype=bool)],
        bekannt=np.r_[counts["bekannt"], np.ones(len(constants), dtype=bool)],
    )
    table.check()
    none = np.zeros(len(constants), dtype=bool)
    speicher = dbt.config.get("pruefspeicher")
    memo = Memo(Path(speicher) if speicher else None)
    result = protect(
        table,
        k,
        forced=np.r_[counts["erzwungen"], none],
        unpublished=np.r_[~counts["ist_veroeffentlicht"], none],
        spared=np.r_[counts["ist_kernzahl"], ~none],
        memo=memo,
    )
    memo.save()
    proof = result.pruefung
    low = np.full(len(table.wert), np.nan)
    high = np.full(len(table.wert), np.nan)
    low[proof.zellen], high[proof.zellen] = proof.minimum, proof.maximum
    session.register(
        "gk_zaehlungen",
        pd.DataFrame(
            {
                "zelle": zellen,
                "unterdrueckt": result.unterdrueckt[:n],
                "primaer": result.primaer[:n],
                "pruef_min": low[:n],
                "pruef_max": high[:n],
            }
        ),
    )
    session.execute(
        """
        CREATE OR REPLACE TEMP TABLE gk_stand AS
        SELECT z.zelle, z.indikator, z.wert,
            coalesce(c.primaer, q.primaer, false) AS primaer,
            coalesce(c.unterdrueckt, false) AS unterdrueckt, c.pruef_min, c.pruef_max
        FROM gk_zellen z LEFT JOIN gk_zaehlungen c USING (zelle)
        LEFT JOIN gk_quoten q USING (zelle)
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
                WHERE q.indikator = '{ratio}' AND c.indikator IN ({names})
                    AND c.ist_veroeffentlicht AND s.unterdrueckt
            )
            """
        )
    session.unregister("gk_zaehlungen")
    return session.sql(
        f"""
        SELECT z.zelle, z.indikator, z.zeitraum, z.gebiet, z.zielgruppe, z.handlungsfeld,
            z.aufschluesselung, z.ist_veroeffentlicht,
            CASE WHEN NOT s.unterdrueckt THEN round(s.wert, coalesce(d.stellen, 9)) END AS wert,
            s.unterdrueckt, s.primaer, s.pruef_min, s.pruef_max,
            {proof.komponenten} AS pruef_komponenten,
            {proof.groesste_komponente} AS pruef_groesste_komponente,
            {result.runden} AS pruef_runden,
            {result.sekunden:.3f} AS pruef_sekunden,
            {str(result.aus_speicher).lower()} AS pruef_aus_speicher
        FROM gk_zellen z JOIN gk_stand s USING (zelle)
        LEFT JOIN ({dbt.ref("stg_kennzahlen").sql_query()}) c ON c.indikator = z.indikator
        LEFT JOIN (VALUES {_values(DECIMALS)}) d(format, stellen) ON c.format = d.format
        """
    )


def _ratios(session, k: int, base: int) -> None:
    """Temp table gk_quoten: each ratio cell, the count its base is part of, and whether
    it is suppressed: rule 2, a small part (RATES), or an empty base that is all of a count
    nobody publishes."""
    rates = ", ".join(f"'{r}'" for r in RATES)
    session.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gk_quoten AS
        WITH basen(indikator, quelle, ganz) AS (VALUES {_values(BASES)}),
        innen(indikator, innen) AS (VALUES {_values(NESTED)}),
        teile AS (
            SELECT q.zelle, q.ist_veroeffentlicht, q.basis, b.ganz, s.zelle AS quelle,
                coalesce(s.ist_veroeffentlicht, false) AS quelle_veroeffentlicht,
                CASE WHEN q.indikator IN ({rates}) THEN [
                    round(q.wert * q.basis / 100),
                    q.basis - round(q.wert * q.basis / 100),
                    s.wert - q.basis,
                    round(q.wert * q.basis / 100) - round(i.wert * i.basis / 100)
                ] END AS teile
            FROM gk_zellen q
            LEFT JOIN basen b USING (indikator)
            LEFT JOIN gk_zellen s ON s.indikator = b.quelle AND s.zeitraum = q.zeitraum
                AND s.gebiet = q.gebiet AND s.zielgruppe = q.zielgruppe
                AND s.handlungsfeld = q.handlungsfeld
                AND s.aufschluesselung = q.aufschluesselung
            LEFT JOIN innen n ON n.indikator = q.indikator
            LEFT JOIN gk_zellen i ON i.indikator = n.innen AND i.zeitraum = q.zeitraum
                AND i.gebiet = q.gebiet AND i.zielgruppe = q.zielgruppe
                AND i.handlungsfeld = q.handlungsfeld
                AND i.aufschluesselung = q.aufschluesselung
            WHERE q.geheimhaltung = 'quote'
        )
        SELECT zelle, ist_veroeffentlicht, basis, ganz, quelle, quelle_veroeffentlicht,
            (basis >= 1 AND basis < {base})
            OR coalesce(list_bool_or([t >= 1 AND t < {k} FOR t IN teile]), false)
            -- an empty ratio would tell that a count nobody publishes is 0: `.` as well
            OR coalesce(
                ganz AND quelle IS NOT NULL AND NOT quelle_veroeffentlicht AND basis = 0, false
            ) AS primaer
        FROM teile
        """
    )


def base_bounds(session, zellen: np.ndarray, base: int, first_group: int):
    """Constant cells (base-1, base) and the bounds a ratio beside an unpublished count sets
    it: shown, the count is at least `base`; and where the base is the whole count, `.`
    means at most base-1 (`.` also stands for a base of 0 there, see `_ratios`)."""
    constants = np.array([base - 1.0, float(base)])
    rows = session.execute(
        f"""
        SELECT quelle, NOT primaer AS gezeigt
        FROM gk_quoten
        WHERE ist_veroeffentlicht AND quelle IS NOT NULL AND NOT quelle_veroeffentlicht
            AND (ganz OR NOT primaer) AND (primaer OR basis >= {base})
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchnumpy()
    shown = np.asarray(rows["gezeigt"], dtype=bool)
    count = len(shown)
    # shown: `base <= count`, the count is the total; `.`: `count <= base-1`, the constant is
    return constants, {
        "gruppe": np.repeat(first_group + np.arange(count), 2),
        "zelle": np.ravel(np.c_[np.searchsorted(zellen, rows["quelle"]), shown.astype(int)]),
        "konstante": np.tile([False, True], count),
        "ist_summe": np.ravel(np.c_[shown, ~shown]),
    }
