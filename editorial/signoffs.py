"""Sign-off (Freigabe): freeze a period's published values and list later revisions.

A sign-off copies the published database as it is (KIM_HOME/freigaben/): reports for the
period read that copy, so they show exactly the values signed off, with the build id and
Datenstand they came from. Later builds may revise a value; `revisions()` lists them.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from accounts import audit
from editorial import database
from warehouse.errors import UserError
from warehouse.lock import exclusive
from warehouse.schema import CUMULATIVE
from warehouse.settings import Settings

KEY = ("indikator", "zeitraum", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung")


@dataclass(frozen=True)
class SignOff:
    """The current sign-off of one period."""

    zeitraum: str
    build_id: str
    datei: str
    freigegeben_am: str
    freigegeben_von: str

    def path(self, settings: Settings) -> Path:
        """The frozen database file (a clear error when it has gone missing)."""
        path = settings.signoff_dir / self.datei
        if not path.exists():
            raise UserError(
                f"Die eingefrorenen Werte der Freigabe {self.zeitraum} fehlen ({path}); "
                f"bitte aus der Sicherung wiederherstellen oder mit „kim freigabe "
                f"{self.zeitraum} --ersetzen“ neu freigeben."
            )
        return path


def current(settings: Settings, zeitraum: str) -> SignOff | None:
    """The period's sign-off in force (the newest), or None."""
    matching = [s for s in listed(settings) if s.zeitraum == zeitraum]
    return matching[0] if matching else None


def listed(settings: Settings) -> list[SignOff]:
    """The sign-off in force per period, newest period first."""
    if not settings.editorial_path.exists():
        return []
    with database.connect(settings, write=False) as con:
        rows = con.execute(
            """
            SELECT zeitraum, build_id, datei, freigegeben_am, freigegeben_von
            FROM freigaben f
            WHERE id = (SELECT max(id) FROM freigaben g WHERE g.zeitraum = f.zeitraum)
            ORDER BY zeitraum DESC
            """
        ).fetchall()
    return [SignOff(**dict(row)) for row in rows]


def export_published(settings: Settings, target: Path) -> bool:
    """Write the signed-off values (each period and the periods inside it) to one Parquet
    file, for the next build to protect them jointly with its own; False if there are none.
    """
    signed = listed(settings)
    if not signed:
        return False
    key = ", ".join(f"i.{column}" for column in KEY)
    con = duckdb.connect()
    try:
        selects = []
        for number, signoff in enumerate(signed):
            quoted = str(signoff.path(settings)).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS f{number} (READ_ONLY)")
            selects.append(
                f"SELECT {key}, i.wert, i.unterdrueckt FROM f{number}.main.fct_indikatoren i "
                f"JOIN f{number}.main.dim_perioden p ON p.zeitraum = "
                f"'{signoff.zeitraum.replace(chr(39), '')}' "
                "WHERE i.zeitraum_beginn >= p.beginn AND i.zeitraum_ende <= p.ende"
            )
        quoted_target = str(target).replace("'", "''")
        con.execute(f"COPY ({' UNION ALL '.join(selects)}) TO '{quoted_target}' (FORMAT parquet)")
    finally:
        con.close()
    return True


def _period(con: duckdb.DuckDBPyConnection, zeitraum: str) -> tuple[date, date]:
    """Start and end of a published period."""
    row = con.execute(
        "SELECT beginn, ende FROM dim_perioden WHERE zeitraum = ?", [zeitraum]
    ).fetchone()
    if row is None:
        raise UserError(f"Den Zeitraum „{zeitraum}“ gibt es im veröffentlichten Stand nicht.")
    return row


def _lagging(con: duckdb.DuckDBPyConnection, end: date) -> list[str]:
    """Sources whose current data end before `end`, as `Witten (31.05.2025)`."""
    rows = con.execute(
        """
        SELECT coalesce(g.name, l.quelle) AS name, min(l.stichtag) AS stichtag
        FROM fct_lieferungen AS l
        LEFT JOIN dim_gebiete AS g ON g.gebiet = l.quelle
        WHERE l.ist_aktuell
        GROUP BY ALL
        HAVING min(l.stichtag) < ?
        ORDER BY name
        """,
        [end],
    ).fetchall()
    return [f"{name} ({stichtag:%d.%m.%Y})" for name, stichtag in rows]


def sign_off(
    settings: Settings,
    zeitraum: str,
    autor: str,
    replace: bool = False,
    wait: float | None = None,
) -> SignOff:
    """Freeze the published values of a completed period with the build they come from
    (audited as done by `autor`). Like every writer it waits for a running load, build or
    backup, up to `wait` seconds (default KIM_LOCK_TIMEOUT), then `Busy`."""
    timeout = settings.lock_timeout_seconds if wait is None else wait
    with exclusive(settings.lock_path, timeout):
        return _sign_off(settings, zeitraum, autor, replace)


def _sign_off(settings: Settings, zeitraum: str, autor: str, replace: bool) -> SignOff:
    """`sign_off` while holding the lock."""
    if zeitraum == CUMULATIVE:
        raise UserError(
            "Der Zeitraum „seit Beginn“ kann nicht freigegeben werden: er wächst mit jeder "
            "Lieferung. Geben Sie stattdessen die einzelnen Jahre oder Halbjahre frei."
        )
    if current(settings, zeitraum) is not None and not replace:
        raise UserError(
            f"Der Zeitraum {zeitraum} ist bereits freigegeben. Eine neue Freigabe mit dem "
            "aktuellen Stand ersetzt die alte nur mit --ersetzen."
        )
    if not settings.serving_path.exists():
        raise UserError("Es wurde noch kein Stand veröffentlicht (kim build).")
    settings.signoff_dir.mkdir(parents=True, exist_ok=True)
    scratch = settings.signoff_dir / f".{zeitraum}.{os.getpid()}.{time.monotonic_ns()}.kopie"
    # One open file: a build swapping kim.duckdb meanwhile does not mix two builds.
    shutil.copyfile(settings.serving_path, scratch)
    try:
        con = duckdb.connect(str(scratch), read_only=True)
        try:
            _start, end = _period(con, zeitraum)
            lagging = _lagging(con, end)
            build_id = con.execute("SELECT build_id FROM build_info").fetchone()[0]
        finally:
            con.close()
        if lagging:
            raise UserError(
                f"Der Zeitraum {zeitraum} (bis {end:%d.%m.%Y}) ist noch nicht für alle Quellen "
                f"abgeschlossen; der aktuelle Stand endet früher bei: {', '.join(lagging)}."
            )
        name = f"{zeitraum}_{build_id}.duckdb"
        os.replace(scratch, settings.signoff_dir / name)
    finally:
        scratch.unlink(missing_ok=True)
    with database.connect(settings) as sql:
        sql.execute(
            "INSERT INTO freigaben (zeitraum, build_id, datei, freigegeben_am, freigegeben_von)"
            " VALUES (?, ?, ?, ?, ?)",
            (zeitraum, build_id, name, database.now(), autor),
        )
    signed = current(settings, zeitraum)
    assert signed is not None
    audit.record(
        settings,
        autor,
        audit.Action.FREIGABE,
        zeitraum=zeitraum,
        build_id=build_id,
        ersetzt=replace,
    )
    return signed


def revisions(settings: Settings, signed: SignOff) -> pd.DataFrame:
    """Values of the signed-off period (and the periods inside it) that differ now."""
    if not settings.serving_path.exists():
        raise UserError("Es wurde noch kein Stand veröffentlicht (kim build).")
    con = duckdb.connect(str(signed.path(settings)), read_only=True)
    try:
        quoted = str(settings.serving_path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS jetzt (READ_ONLY)")
        start, end = _period(con, signed.zeitraum)
        key = ", ".join(KEY)
        return con.execute(
            f"""
            WITH damals AS (
                SELECT {key}, wert, unterdrueckt FROM main.fct_indikatoren
                WHERE zeitraum_beginn >= $start AND zeitraum_ende <= $end
            ),
            heute AS (
                SELECT {key}, wert, unterdrueckt FROM jetzt.main.fct_indikatoren
                WHERE zeitraum_beginn >= $start AND zeitraum_ende <= $end
            )
            SELECT
                {key},
                damals.wert AS wert_damals,
                damals.unterdrueckt AS unterdrueckt_damals,
                heute.wert AS wert_jetzt,
                heute.unterdrueckt AS unterdrueckt_jetzt
            FROM damals FULL OUTER JOIN heute USING ({key})
            WHERE damals.unterdrueckt IS DISTINCT FROM heute.unterdrueckt
                OR (damals.wert IS NULL) <> (heute.wert IS NULL)
                -- the same inputs may sum in another order: ignore rounding noise
                OR abs(damals.wert - heute.wert) > 1e-9
            ORDER BY {key}
            """,
            {"start": start, "end": end},
        ).df()
    finally:
        con.close()
