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
    FROM gk_mitglieder m JOIN gk_stand s USING (zelle)
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
        SELECT m.zelle,
            row_number() OVER (PARTITION BY m.gruppe ORDER BY s.wert, s.zelle) AS rang
        FROM gk_mitglieder m
        JOIN offen USING (gruppe)
        JOIN gk_stand s USING (zelle)
        WHERE NOT s.unterdrueckt
          AND (NOT m.ist_summe OR offen.teile_offen = 0)
    )
    SELECT DISTINCT zelle FROM kandidaten WHERE rang = 1
"""


def model(dbt, session):
    """Protected indicator cells: value, or NULL and `unterdrueckt` when secret."""
    dbt.config(materialized="table")
    k = int(dbt.config.get("geheimhaltung_k"))
    base = int(dbt.config.get("mindestbasis"))
    # Temporary views: nothing of this model may reach the build file (profiles.yml).
    zellen = dbt.ref("int_kennzahlen").sql_query()
    mitglieder = dbt.ref("int_geheimhaltung_gruppen").sql_query()
    session.execute(f"CREATE OR REPLACE TEMP VIEW gk_zellen AS {zellen}")
    session.execute(f"CREATE OR REPLACE TEMP VIEW gk_mitglieder AS {mitglieder}")
    session.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gk_stand AS
        SELECT zelle, wert, CASE geheimhaltung
            WHEN 'anzahl' THEN wert >= 1 AND wert < {k}
            WHEN 'quote' THEN basis >= 1 AND basis < {base}
            ELSE false END AS unterdrueckt
        FROM gk_zellen
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
            "UPDATE gk_stand SET unterdrueckt = true WHERE zelle IN (SELECT zelle FROM gk_neu)"
        )
        session.execute(
            """
            CREATE OR REPLACE TEMP TABLE gk_pruefen AS
            SELECT DISTINCT gruppe FROM gk_mitglieder WHERE zelle IN (SELECT zelle FROM gk_neu)
            """
        )
    else:
        raise RuntimeError("secondary suppression did not converge")
    for ratio, counts in RATIOS.items():
        names = ", ".join(f"'{c}'" for c in counts)
        session.execute(
            f"""
            UPDATE gk_stand SET unterdrueckt = true
            WHERE zelle IN (
                SELECT q.zelle FROM gk_zellen q JOIN gk_zellen c
                    USING (zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung)
                JOIN gk_stand s ON s.zelle = c.zelle
                WHERE q.indikator = '{ratio}' AND c.indikator IN ({names}) AND s.unterdrueckt
            )
            """
        )
    return session.sql(
        """
        SELECT z.zelle, z.indikator, z.zeitraum, z.gebiet, z.zielgruppe, z.handlungsfeld,
            z.aufschluesselung, CASE WHEN s.unterdrueckt THEN NULL ELSE s.wert END AS wert,
            s.unterdrueckt
        FROM gk_zellen z JOIN gk_stand s USING (zelle)
        """
    )
