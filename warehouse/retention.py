"""`kim bereinigen`: storage limitation (GDPR Art. 5(1)(e)) for case-level data.

- Cases closed before the cut-off (first day of the month `retention_years` ago) and
  procedures decided before it are deleted from every snapshot, with their topics,
  contacts and referrals.
- Superseded deliveries older than `raw_retention_days` lose their snapshot rows, their
  quarantined rows and their archived raw file (the current delivery's file stays).
- Before anything is deleted, the published values of every period in a year that began
  before the cut-off are frozen in the warehouse (`gesicherte_kennzahlen`), so later builds publish
  them unchanged; signed-off copies (`freigaben/`) are never touched.
- The warehouse is then rewritten into a fresh file, so deleted rows do not linger in
  free blocks, and swapped in atomically; then the raw files go. What is still to do after
  the deletion (rewrite, raw files) is written in `bereinigung_offen` in the same
  transaction, so a run that breaks off (full disk, crash) is finished by the next one.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse import store
from warehouse.errors import UserError
from warehouse.formatting import day, number
from warehouse.lock import exclusive
from warehouse.settings import Settings

# Case-level tables keyed by the case (`fall_id`); `faelle` itself decides what goes.
CASE_TABLES = ("handlungsfelder", "kontakte", "vermittlungen")
SNAPSHOT_TABLES = ("faelle", *CASE_TABLES, "verfahren", "stellen", "ziele")


@dataclass
class Plan:
    """What a clean-up deletes (or, as a dry run, would delete)."""

    stichtag: date
    rohdaten_bis: date
    faelle: int = 0
    verfahren: int = 0
    fallzeilen: dict[str, int] = field(default_factory=dict)
    alte_lieferungen: int = 0
    alte_zeilen: int = 0
    quarantaene: int = 0
    dateien: list[str] = field(default_factory=list)
    gesicherte_zeitraeume: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to delete."""
        return not (
            self.faelle or self.verfahren or self.alte_zeilen or self.quarantaene or self.dateien
        )

    def as_json(self) -> dict[str, object]:
        """The plan for the audit trail and `--json`."""
        data = asdict(self)
        data["stichtag"] = self.stichtag.isoformat()
        data["rohdaten_bis"] = self.rohdaten_bis.isoformat()
        return data


def cutoff(today: date, years: int) -> date:
    """First day of the month `years` before `today`: cases closed before it go."""
    return date(today.year - years, today.month, 1)


def _temp_tables(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """The cases, procedures and old deliveries to delete, as temporary tables."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE weg_faelle AS
        SELECT DISTINCT quelle, fall_id FROM aktuell.faelle WHERE fallende < ?
        """,
        [plan.stichtag],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE weg_verfahren AS
        SELECT DISTINCT quelle, verfahren_id FROM aktuell.verfahren WHERE entscheidung < ?
        """,
        [plan.stichtag],
    )
    # Old superseded deliveries that still hold anything (a cleaned one keeps its log row).
    holding = " UNION ".join(
        f"SELECT lieferung_id FROM snapshot.{table}" for table in SNAPSHOT_TABLES
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE alte_lieferungen AS
        SELECT lieferung_id, archiv_datei FROM lieferung
        WHERE verarbeitet_am < ?
          AND lieferung_id NOT IN (SELECT lieferung_id FROM aktueller_stand)
          AND (archiv_datei IS NOT NULL
            OR lieferung_id IN (SELECT lieferung_id FROM quarantaene)
            OR lieferung_id IN ({holding}))
        """,
        [plan.rohdaten_bis],
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    """One count."""
    return int(con.execute(sql, params or []).fetchone()[0])


def _measure(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Fill in the plan's counts from the temporary tables."""
    plan.faelle = _count(con, "SELECT count(*) FROM weg_faelle")
    plan.verfahren = _count(con, "SELECT count(*) FROM weg_verfahren")
    for table in ("faelle", *CASE_TABLES):
        plan.fallzeilen[table] = _count(con, f"SELECT count(*) FROM ({_case_rows(table)})")
    plan.fallzeilen["verfahren"] = _count(con, f"SELECT count(*) FROM ({_procedure_rows()})")
    plan.alte_lieferungen = _count(con, "SELECT count(*) FROM alte_lieferungen")
    plan.alte_zeilen = sum(
        _count(con, f"SELECT count(*) FROM ({_old_rows(table)})") for table in SNAPSHOT_TABLES
    )
    plan.quarantaene = _count(
        con,
        "SELECT count(*) FROM quarantaene WHERE lieferung_id IN "
        "(SELECT lieferung_id FROM alte_lieferungen)",
    )
    kept = {
        row[0]
        for row in con.execute(
            "SELECT archiv_datei FROM lieferung WHERE archiv_datei IS NOT NULL "
            "AND lieferung_id NOT IN (SELECT lieferung_id FROM alte_lieferungen)"
        ).fetchall()
    }
    old = con.execute(
        "SELECT DISTINCT archiv_datei FROM alte_lieferungen WHERE archiv_datei IS NOT NULL"
    ).fetchall()
    # A workbook's parts share one archived file: it goes only when no kept part needs it.
    plan.dateien = sorted(p for (p,) in old if p not in kept and Path(p).exists())


def _case_rows(table: str) -> str:
    """Snapshot rows (rowid) of `table` that belong to a case to delete."""
    return f"""
        SELECT s.rowid AS nr FROM snapshot.{table} s
        JOIN lieferung l USING (lieferung_id)
        JOIN weg_faelle w ON w.quelle = l.quelle AND w.fall_id = s.fall_id
    """


def _procedure_rows() -> str:
    """Snapshot rows (rowid) of procedures to delete."""
    return """
        SELECT s.rowid AS nr FROM snapshot.verfahren s
        JOIN lieferung l USING (lieferung_id)
        JOIN weg_verfahren w ON w.quelle = l.quelle AND w.verfahren_id = s.verfahren_id
    """


def _old_rows(table: str) -> str:
    """Snapshot rows (rowid) of `table` from old superseded deliveries."""
    return f"""
        SELECT rowid AS nr FROM snapshot.{table}
        WHERE lieferung_id IN (SELECT lieferung_id FROM alte_lieferungen)
    """


def _freeze(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Keep the published values (attached as `veroeffentlicht`) of every period of the years
    the cut-off reaches into.

    Whole years: secondary suppression protects months, quarters and half-years together
    with their year, so a year is either frozen as published or computed as a whole.
    """
    rows = con.execute(
        """
        SELECT DISTINCT zeitraum FROM veroeffentlicht.fct_indikatoren
        WHERE make_date(year(zeitraum_beginn), 1, 1) < ?
          AND periodentyp <> 'gesamt'
          AND zeitraum NOT IN (SELECT zeitraum FROM gesicherte_kennzahlen)
        ORDER BY zeitraum
        """,
        [plan.stichtag],
    ).fetchall()
    plan.gesicherte_zeitraeume = [r[0] for r in rows]
    con.execute(
        """
        INSERT INTO gesicherte_kennzahlen
        SELECT indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung,
            wert, unterdrueckt, now()::TIMESTAMP
        FROM veroeffentlicht.fct_indikatoren
        WHERE list_contains(?, zeitraum)
        """,
        [plan.gesicherte_zeitraeume],
    )


def _delete(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """Delete the planned rows (in one transaction with the freeze)."""
    for table in CASE_TABLES:
        con.execute(f"DELETE FROM snapshot.{table} WHERE rowid IN ({_case_rows(table)})")
    # `faelle` last: the other tables find their cases through `weg_faelle`, not it.
    con.execute(f"DELETE FROM snapshot.faelle WHERE rowid IN ({_case_rows('faelle')})")
    con.execute(f"DELETE FROM snapshot.verfahren WHERE rowid IN ({_procedure_rows()})")
    for table in SNAPSHOT_TABLES:
        con.execute(f"DELETE FROM snapshot.{table} WHERE rowid IN ({_old_rows(table)})")
    con.execute(
        "DELETE FROM quarantaene WHERE lieferung_id IN (SELECT lieferung_id FROM alte_lieferungen)"
    )
    con.execute(
        "UPDATE lieferung SET archiv_datei = NULL "
        "WHERE lieferung_id IN (SELECT lieferung_id FROM alte_lieferungen)"
    )
    # Still to do after the commit: the rewrite (the empty name) and the raw files.
    con.executemany("INSERT INTO bereinigung_offen VALUES (?)", [[""], *([name] for name in files)])


def _sql_path(path: Path) -> str:
    """A file path as SQL string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _rewrite(settings: Settings) -> None:
    """Copy the warehouse into a fresh file and swap it in (no deleted rows left on disk)."""
    fresh = settings.warehouse_path.with_name("warehouse.bereinigt.duckdb")
    fresh.unlink(missing_ok=True)
    try:
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {_sql_path(settings.warehouse_path)} AS alt (READ_ONLY)")
            con.execute(f"ATTACH {_sql_path(fresh)} AS neu")
            con.execute("COPY FROM DATABASE alt TO neu")
        finally:
            con.close()
        with open(fresh, "rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        fresh.unlink(missing_ok=True)  # a second full copy of the data must not stay
        raise
    os.replace(fresh, settings.warehouse_path)
    directory = os.open(settings.warehouse_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _finish(settings: Settings) -> None:
    """Rewrite the warehouse and delete the raw files a committed clean-up left to do."""
    con = store.connect(settings.warehouse_path, read_only=True)
    try:
        pending = [row[0] for row in con.execute("SELECT datei FROM bereinigung_offen").fetchall()]
    finally:
        con.close()
    if not pending:
        return
    _rewrite(settings)
    for name in filter(None, pending):
        Path(name).unlink(missing_ok=True)
    con = store.connect(settings.warehouse_path, wait=settings.lock_timeout_seconds)
    try:
        con.execute("DELETE FROM bereinigung_offen")
    finally:
        con.close()


def clean(settings: Settings, *, dry_run: bool, today: date | None = None) -> Plan:
    """Delete what the retention rules say (or only measure it, `dry_run`)."""
    if settings.retention_years < 1 or settings.raw_retention_days < 0:
        raise UserError(
            "Ungültige Aufbewahrungsfrist: KIM_AUFBEWAHRUNG_JAHRE muss mindestens 1 sein, "
            "KIM_AUFBEWAHRUNG_ROHDATEN_TAGE mindestens 0."
        )
    today = today or date.today()
    plan = Plan(
        stichtag=cutoff(today, settings.retention_years),
        rohdaten_bis=today - timedelta(days=settings.raw_retention_days),
    )
    if not settings.warehouse_path.exists():
        return plan
    with exclusive(settings.lock_path, settings.lock_timeout_seconds, shared=dry_run):
        # A dry run only reads: the warehouse file stays byte for byte as it was.
        con = store.connect(
            settings.warehouse_path, read_only=dry_run, wait=settings.lock_timeout_seconds
        )
        try:
            _temp_tables(con, plan)
            _measure(con, plan)
            if dry_run or plan.empty:
                return plan
            if not settings.serving_path.exists():
                raise UserError(
                    "Es gibt noch keinen veröffentlichten Stand: vor dem Bereinigen bitte "
                    "kim build ausführen, damit die veröffentlichten Werte erhalten bleiben."
                )
            con.execute(f"ATTACH {_sql_path(settings.serving_path)} AS veroeffentlicht (READ_ONLY)")
            con.execute("BEGIN TRANSACTION")
            try:
                _freeze(con, plan)
                _delete(con, plan.dateien)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # keep the original error
                    con.execute("ROLLBACK")
                raise
            finally:
                con.execute("DETACH veroeffentlicht")
        finally:
            con.close()
            if not dry_run:
                _finish(settings)
    return plan


def describe(plan: Plan, *, dry_run: bool) -> list[str]:
    """German lines for the command line."""
    verb = "würde löschen" if dry_run else "gelöscht"
    rows = sum(plan.fallzeilen.values())
    lines = [
        f"Aufbewahrung: Fälle, die vor dem {day(plan.stichtag)} abgeschlossen wurden, "
        f"Verfahren, die vor diesem Tag entschieden wurden, und Rohdaten abgelöster "
        f"Lieferungen, die vor dem {day(plan.rohdaten_bis)} verarbeitet wurden.",
        f"Fälle ({verb}): {number(plan.faelle)} mit {number(rows)} Zeilen in allen Ständen",
        f"Verfahren ({verb}): {number(plan.verfahren)}",
        f"Abgelöste Lieferungen ({verb}): {number(plan.alte_lieferungen)} mit "
        f"{number(plan.alte_zeilen)} Zeilen und {number(plan.quarantaene)} Quarantänezeilen",
        f"Archivierte Rohdateien ({verb}): {number(len(plan.dateien))}",
    ]
    if not dry_run:
        lines.append(
            "Eingefrorene Zeiträume (die veröffentlichten Werte bleiben): "
            f"{number(len(plan.gesicherte_zeitraeume))}"
        )
    return lines
