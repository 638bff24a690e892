"""Statistical confidentiality (indicator catalogue §3), applied once for every output.

Primary: counts of 1 .. k-1 and ratios on a base of 1 .. mindestbasis-1 are suppressed.
Secondary: wherever parts and their total are shown together (towns and the Kreis; shorter
periods within a longer one for indicators that add up over time; breakdown values and the
row without breakdown; see int_geheimhaltung_gruppen), a single suppressed part next to a
visible total could be recovered by subtraction, so the next smallest visible part of that
group is suppressed too (the total, when no part is left). Suppressing a cell can expose
another group, so this repeats until nothing changes; the singular test
`assert_keine_einzelne_unterdrueckung` proves the result.
Ratios of two published figures (RATIOS) are suppressed with their suppressed count;
`assert_quoten_verraten_nichts` proves that.
"""

GROUPS = """
    SELECT m.gruppe,
        count(*) FILTER (WHERE NOT m.ist_summe AND s.unterdrueckt) AS teile_geheim,
        count(*) FILTER (WHERE NOT m.ist_summe AND NOT s.unterdrueckt) AS teile_offen,
        bool_or(m.ist_summe AND s.unterdrueckt) AS summe_geheim,
        bool_or(m.ist_summe) AS hat_summe
    FROM gk_mitglieder m JOIN gk_stand s USING (nr)
    WHERE m.gruppe IN (SELECT gruppe FROM gk_pruefen)
    GROUP BY m.gruppe
    HAVING teile_geheim = 1 AND hat_summe AND NOT summe_geheim
"""

# Ratios whose numerator or base is published as a count of its own: if that count is
# suppressed, the ratio would give it back (ratio x the other visible count).
RATIOS = {
    "kontakte_je_fall": ("kontakte", "faelle_aktiv"),
    "faelle_je_vzae": ("faelle_bestand",),
}

NEXT = f"""
    WITH offen AS ({GROUPS}),
    kandidaten AS (
        SELECT m.nr,
            row_number() OVER (PARTITION BY m.gruppe ORDER BY s.wert, s.zelle) AS rang
        FROM gk_mitglieder m
        JOIN offen USING (gruppe)
        JOIN gk_stand s USING (nr)
        WHERE NOT s.unterdrueckt
          AND (NOT m.ist_summe OR offen.teile_offen = 0)
    )
    SELECT DISTINCT nr FROM kandidaten WHERE rang = 1
"""


def model(dbt, session):
    """Protected indicator cells: value, or NULL and `unterdrueckt` when secret."""
    dbt.config(materialized="table")
    k = int(dbt.config.get("geheimhaltung_k"))
    base = int(dbt.config.get("mindestbasis"))
    dbt.ref("int_kennzahlen_zellen").create_view("gk_zellen")
    dbt.ref("int_geheimhaltung_gruppen").create_view("gk_mitglieder_view")
    session.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gk_stand AS
        SELECT row_number() OVER () AS nr, *, CASE geheimhaltung
            WHEN 'anzahl' THEN wert >= 1 AND wert < {k}
            WHEN 'quote' THEN basis >= 1 AND basis < {base}
            ELSE false END AS unterdrueckt
        FROM gk_zellen
        """
    )
    # Integer keys: every pass joins millions of memberships.
    session.execute(
        """
        CREATE OR REPLACE TEMP TABLE gk_mitglieder AS
        SELECT dense_rank() OVER (ORDER BY m.gruppe) AS gruppe, s.nr, m.rolle = 'summe' AS ist_summe
        FROM gk_mitglieder_view m JOIN gk_stand s USING (zelle)
        """
    )
    # Only groups with a newly suppressed member can change: the first pass checks all
    # groups, every further pass only those.
    session.execute(
        "CREATE OR REPLACE TEMP TABLE gk_pruefen AS SELECT DISTINCT gruppe FROM gk_mitglieder"
    )
    for _ in range(1000):
        session.execute(f"CREATE OR REPLACE TEMP TABLE gk_neu AS {NEXT}")
        if session.execute("SELECT count(*) FROM gk_neu").fetchone()[0] == 0:
            break
        session.execute(
            "UPDATE gk_stand SET unterdrueckt = true WHERE nr IN (SELECT nr FROM gk_neu)"
        )
        session.execute(
            """
            CREATE OR REPLACE TEMP TABLE gk_pruefen AS
            SELECT DISTINCT gruppe FROM gk_mitglieder WHERE nr IN (SELECT nr FROM gk_neu)
            """
        )
    else:
        raise RuntimeError("secondary suppression did not converge")
    for ratio, counts in RATIOS.items():
        names = ", ".join(f"'{c}'" for c in counts)
        session.execute(
            f"""
            UPDATE gk_stand SET unterdrueckt = true
            WHERE indikator = '{ratio}' AND (zeitraum, gebiet, zielgruppe, handlungsfeld,
                aufschluesselung) IN (
                SELECT (zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung)
                FROM gk_stand WHERE indikator IN ({names}) AND unterdrueckt
            )
            """
        )
    return session.sql(
        """
        SELECT zelle, indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung,
            CASE WHEN unterdrueckt THEN NULL ELSE wert END AS wert, unterdrueckt
        FROM gk_stand
        """
    )
