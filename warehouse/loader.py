"""`kim load`: snapshot semantics, quarantine and atomic publication of input files."""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse import imports, profile, store
from warehouse.dialect import FileRefused
from warehouse.files import InputName, discover, misnamed, parse_name, sha256
from warehouse.lock import exclusive
from warehouse.progress import Progress, quiet
from warehouse.reading import (
    Part,
    check_free_text,
    check_identifiers,
    clear_caches,
    import_container,
    open_container,
    read_part,
)
from warehouse.schema import TABLES, TOWN_TABLES, tables_for_source, unit_tables
from warehouse.settings import Settings
from warehouse.validation import Context, check_overlaps, check_rows

MAX_MESSAGES = 100
# The step of a load as progress names it (tables checked and published of all).
LOADING = "Tabellen prüfen und laden"
NAME_PATTERN = (
    "<AGS>_<STICHTAG>_<tabelle>.csv|xlsx, <AGS>_<STICHTAG>.xlsx oder <AGS>_<STICHTAG>.zip"
)

GELADEN = "geladen"
TEILWEISE = "teilweise_geladen"
ABGELEHNT = "abgelehnt"
BEREITS = "bereits_geladen"
VERALTET = "veraltet"
UNBEKANNT = "unbekannt"


@dataclass
class FileResult:
    """One entry of the load report: a file, or one table inside a workbook or zip."""

    file: str
    quelle: str | None
    stichtag: date | None
    tabelle: str | None
    status: str
    zeilen_gelesen: int = 0
    zeilen_geladen: int = 0
    zeilen_quarantaene: int = 0
    meldungen: list[str] = field(default_factory=list)
    teil: str | None = None

    def as_json(self) -> dict[str, object]:
        """The entry as specified for `kim load --json`."""
        return {
            "file": self.file,
            "teil": self.teil,
            "quelle": self.quelle,
            "stichtag": self.stichtag.isoformat() if self.stichtag else None,
            "tabelle": self.tabelle,
            "status": self.status,
            "zeilen_gelesen": self.zeilen_gelesen,
            "zeilen_geladen": self.zeilen_geladen,
            "zeilen_quarantaene": self.zeilen_quarantaene,
            "meldungen": self.meldungen,
        }


@dataclass
class LoadReport:
    """Everything one `kim load` did."""

    files: list[FileResult] = field(default_factory=list)
    revalidated: list[FileResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when everything loaded cleanly, 1 when something was refused or quarantined."""
        troubled = any(
            r.status == ABGELEHNT or r.zeilen_quarantaene > 0 for r in self.files + self.revalidated
        )
        return 1 if troubled else 0


@dataclass
class Candidate:
    """A table part to validate within a unit, new in this load or re-read from the archive."""

    part: Part
    name: InputName
    sha256: str
    original: str  # file name as delivered
    archived: bool = False


@dataclass(eq=False)
class Delivery:
    """One input file: where it is, what its name says, its hash and its new table parts."""

    path: Path
    name: InputName
    sha: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class Checked:
    """A validated part: its temp table and counts."""

    candidate: Candidate
    table: str
    read: int = 0
    bad: int = 0
    format: str = ""
    unknown: list[str] = field(default_factory=list)
    refused: str | None = None  # file-level refusal message
    sources: dict[str, str] = field(default_factory=dict)  # table column → source column


def load(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Progress | None = None,
    mapping: imports.ImportProfile | None = None,
) -> LoadReport:
    """Load files and folders (default: the landing folder) into the warehouse; `mapping`
    reads every file whose name fits no export pattern with that import profile."""
    report = LoadReport()
    imports.available()  # a broken import profile stops the load before anything is read
    with exclusive(settings.lock_path, settings.lock_timeout_seconds):
        profile.mark_home(settings.home)
        con = store.connect(settings.warehouse_path, wait=settings.lock_timeout_seconds)
        con.execute("ATTACH ':memory:' AS work")
        try:
            run = con.execute(
                "INSERT INTO ladelauf VALUES (nextval('ladelauf_seq'), now(), NULL) "
                "RETURNING lauf_id"
            ).fetchone()[0]
            _Load(con, settings, run, report, progress or quiet, mapping).run(
                discover(paths or [settings.exports])
            )
            con.execute("UPDATE ladelauf SET beendet = now() WHERE lauf_id = ?", [run])
        finally:
            con.close()
            clear_caches()
            shutil.rmtree(settings.tmp_dir, ignore_errors=True)
    return report


class _Load:
    """One load run over a list of files."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        settings: Settings,
        run: int,
        report: LoadReport,
        progress: Progress,
        mapping: imports.ImportProfile | None = None,
    ) -> None:
        self.con = con
        self.settings = settings
        self.run_id = run
        self.report = report
        self.progress = progress
        self.forced = mapping
        self.counter = 0

    def run(self, files: list[Path]) -> None:
        """Classify the files, process their units oldest Stichtag first, then tidy up."""
        deliveries = [d for path in files if (d := self._delivery(path)) is not None]
        conflicting = self._refuse_conflicts(deliveries)
        units: dict[tuple[str, date, tuple[str, ...]], list[Candidate]] = defaultdict(list)
        processed: list[Path] = []
        for delivery in deliveries:
            if delivery in conflicting:
                continue
            archived = self._archive(delivery.path, delivery.name, delivery.sha)
            processed.append(delivery.path)
            for candidate in delivery.candidates:
                candidate.part = replace(candidate.part, path=archived)
                key = (candidate.name.ags, candidate.name.stichtag, _unit(candidate.part))
                units[key].append(candidate)
        ordered = sorted(units, key=lambda k: (k[1], k[0], k[2]))
        plans = [self._assemble(*key, units[key]) for key in ordered]
        total = sum(len(by_table) for _, by_table in plans)
        # Validation (the heavy part) runs in parallel; publication stays in Stichtag order.
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = [
                pool.submit(self._validate_unit, tables, by_table) for tables, by_table in plans
            ]
            for key, future in zip(ordered, futures, strict=True):
                checked, faelle_missing = future.result()
                self._publish(*key, checked, faelle_missing=faelle_missing)
                self.counter += len(checked)
                self.progress(LOADING, self.counter, total)
        landing = self.settings.exports.resolve()
        for original in processed:
            if original.resolve().parent == landing:
                original.unlink(missing_ok=True)

    # -- classification ---------------------------------------------------------------------

    def _delivery(self, path: Path) -> Delivery | None:
        """A file's new table parts; records results for unknown, refused and known parts.

        None when nothing of the file may be archived (unknown name, refused as a whole).
        """
        name = parse_name(path.name)
        mapping = None
        if name is None and path.is_file():
            found = imports.match(path.name, self.forced)
            if found is not None:
                name, mapping = found
        problem = misnamed(path.name) if name is None and path.is_file() else None
        if problem:  # named like an export, but something in the name is wrong
            self._refuse_file(path, None, f"{problem}; Datei bleibt unverändert")
            return None
        if name is None or not path.is_file():
            self._result(
                FileResult(
                    path.name,
                    None,
                    None,
                    None,
                    UNBEKANNT,
                    meldungen=[
                        f"Dateiname entspricht nicht dem Muster {NAME_PATTERN} und keinem "
                        "Importprofil (kim profil zeigen); Datei bleibt unverändert"
                    ],
                )
            )
            return None
        today = date.today()
        # a mistyped year would hold back every later delivery (a day's grace for time zones)
        if name.stichtag > today + timedelta(days=1):
            self._refuse_file(
                path,
                name,
                f"Stichtag {name.stichtag:%d.%m.%Y} liegt nach dem heutigen Tag "
                f"({today:%d.%m.%Y}); bitte den Dateinamen prüfen",
            )
            return None
        allowed = tables_for_source(name.ags)
        if not allowed or (name.table and name.table not in allowed):
            what = f"die Tabelle {name.table}" if name.table else "Exporte"
            self._refuse_file(path, name, f"Quelle {name.ags} liefert nicht {what}")
            return None
        try:
            container = import_container(path, mapping) if mapping else open_container(path)
            check_identifiers(container)
            check_free_text(container, self.settings.tmp_dir)
        except FileRefused as err:
            self._refuse_file(path, name, str(err))
            return None
        delivery = Delivery(path, name, sha256(path))
        for member in container.unknown_members:
            self._result(
                FileResult(
                    path.name,
                    name.ags,
                    name.stichtag,
                    None,
                    UNBEKANNT,
                    teil=member,
                    meldungen=[f"„{member}“ ist keine bekannte Tabelle und wird ignoriert"],
                )
            )
        for part in container.parts:
            if part.table not in allowed:
                self._refuse_file(
                    path,
                    name,
                    f"Quelle {name.ags} liefert nicht die Tabelle {part.table}",
                    part=part,
                )
                continue
            known = self._known(delivery.sha, name, part)
            if known:
                self._result(
                    FileResult(
                        path.name,
                        name.ags,
                        name.stichtag,
                        part.table,
                        BEREITS,
                        teil=part.member,
                        meldungen=[
                            f"Inhalt bereits verarbeitet (Lieferung {known[0]}, {known[1]})"
                        ],
                    )
                )
                continue
            delivery.candidates.append(Candidate(part, name, delivery.sha, path.name))
        return delivery

    def _refuse_conflicts(self, deliveries: list[Delivery]) -> list[Delivery]:
        """Deliveries with a table that another file of this load delivers for the same Stichtag.

        Which of them is meant cannot be decided, so all of them are refused and stay in the
        landing folder until only one is left.
        """
        parts: dict[tuple[str, date, str], list[tuple[Delivery, Candidate]]] = defaultdict(list)
        for delivery in deliveries:
            for candidate in delivery.candidates:
                key = (delivery.name.ags, delivery.name.stichtag, candidate.part.table)
                parts[key].append((delivery, candidate))
        reasons: dict[int, str] = {}
        for (_, stichtag, table), group in parts.items():
            if len(group) < 2:
                continue
            names = ", ".join(sorted({c.part.display for _, c in group}))
            message = (
                f"Tabelle {table} zum Stichtag {stichtag:%d.%m.%Y} liegt mehrfach vor "
                f"({names}); bitte nur eine Fassung im Eingangsordner lassen"
            )
            for _, candidate in group:
                reasons[id(candidate)] = message
        conflicting = [d for d in deliveries if any(id(c) in reasons for c in d.candidates)]
        for delivery in conflicting:
            held = next(reasons[id(c)] for c in delivery.candidates if id(c) in reasons)
            for candidate in delivery.candidates:
                message = reasons.get(id(candidate), f"Datei zurückgehalten: {held}")
                self._refuse_file(delivery.path, delivery.name, message, part=candidate.part)
        return conflicting

    def _known(self, sha: str, name: InputName, part: Part) -> tuple[int, str] | None:
        """An earlier processing of the same delivery (not counting file-level refusals)."""
        row = self.con.execute(
            """
            SELECT lieferung_id, status FROM lieferung
            WHERE sha256 = ? AND quelle = ? AND stichtag = ? AND tabelle = ?
              AND teil IS NOT DISTINCT FROM ? AND ablehnung IS DISTINCT FROM 'datei'
            ORDER BY lieferung_id DESC LIMIT 1
            """,
            [sha, name.ags, name.stichtag, part.table, part.member],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _refuse_file(
        self,
        path: Path,
        name: InputName | None,
        message: str,
        *,
        part: Part | None = None,
    ) -> None:
        """Record a refusal of a whole file (or a part); the file stays in the landing folder.
        Without a name: a file whose name is wrong."""
        result = FileResult(
            path.name,
            name.ags if name else None,
            name.stichtag if name else None,
            part.table if part else name.table if name else None,
            ABGELEHNT,
            meldungen=[message],
            teil=part.member if part else None,
        )
        self._result(result)
        self._log(result, sha=None, archive=None, refusal="datei")

    # -- units ------------------------------------------------------------------------------

    def _assemble(
        self, source: str, stichtag: date, tables: tuple[str, ...], new: list[Candidate]
    ) -> tuple[tuple[str, ...], dict[str, Candidate]]:
        """The parts of a unit: new ones, completed by archived ones of the same Stichtag."""
        by_table = {c.part.table: c for c in new}
        if any(t in by_table for t in TOWN_TABLES):
            for table in tables:
                if table not in by_table:
                    archived = self._archived_candidate(source, stichtag, table)
                    if archived:
                        by_table[table] = archived
        return tables, by_table

    def _validate_unit(
        self, tables: tuple[str, ...], by_table: dict[str, Candidate]
    ) -> tuple[list[Checked], bool]:
        """Validate a unit's parts on a cursor of its own, faelle first (others refer to it)."""
        cursor = self.con.cursor()
        try:
            checked: list[Checked] = []
            faelle_ok: str | None = None
            for table in tables:
                candidate = by_table.get(table)
                if candidate is None:
                    continue
                result = self._check(cursor, candidate, faelle_ok if table != "faelle" else None)
                checked.append(result)
                if table == "faelle" and result.refused is None:
                    faelle_ok = f"{_chk(candidate)}_ok"
                    cursor.execute(
                        f"CREATE OR REPLACE TABLE {faelle_ok} AS "
                        f"SELECT fall_id FROM {_chk(candidate)} WHERE len(_fehler) = 0"
                    )
            return checked, faelle_ok is None
        finally:
            cursor.close()

    def _archived_candidate(self, source: str, stichtag: date, table: str) -> Candidate | None:
        """The latest archived delivery of a table for this source and Stichtag, to re-check."""
        row = self.con.execute(
            """
            SELECT archiv_datei, teil, sha256, datei FROM lieferung
            WHERE quelle = ? AND stichtag = ? AND tabelle = ? AND archiv_datei IS NOT NULL
              AND ablehnung IS DISTINCT FROM 'datei'
            ORDER BY lieferung_id DESC LIMIT 1
            """,
            [source, stichtag, table],
        ).fetchone()
        if row is None or not Path(row[0]).exists():
            return None
        path = Path(row[0])
        found = None if parse_name(row[3]) else imports.match(row[3])
        if found is not None:
            name, mapping = found
            return Candidate(Part(path, table, None, mapping), name, row[2], row[3], archived=True)
        name = InputName(source, stichtag, table, path.suffix.lstrip(".").lower())
        return Candidate(Part(path, table, row[1]), name, row[2], row[3], archived=True)

    def _check(
        self, cursor: duckdb.DuckDBPyConnection, candidate: Candidate, faelle_ok: str | None
    ) -> Checked:
        """Read and validate one part into its work table."""
        table = TABLES[candidate.part.table]
        checked = Checked(candidate, table.name)
        try:
            raw = read_part(cursor, candidate.part, f"raw_{id(candidate)}", self.settings.tmp_dir)
        except FileRefused as err:
            checked.refused = str(err)
            return checked
        checked.format, checked.unknown = raw.format, raw.unknown_columns
        checked.sources = raw.sources
        ctx = Context(candidate.name.ags, candidate.name.stichtag)
        target = _chk(candidate)
        check_rows(cursor, table, raw.name, raw.columns, ctx, target, faelle_ok)
        raw.drop(cursor)
        if table.name == "stellen":
            check_overlaps(cursor, target)
        checked.read, checked.bad = cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE len(_fehler) > 0) FROM {target}"
        ).fetchone()
        return checked

    def _current_stichtag(self, source: str, table: str) -> date | None:
        """Stichtag of the current snapshot of a source's table."""
        row = self.con.execute(
            "SELECT stichtag FROM aktueller_stand WHERE quelle = ? AND tabelle = ?", [source, table]
        ).fetchone()
        return row[0] if row else None

    def _publish(
        self,
        source: str,
        stichtag: date,
        tables: tuple[str, ...],
        checked: list[Checked],
        *,
        faelle_missing: bool,
    ) -> None:
        """Decide statuses and write rows, quarantine, log and current state in one transaction."""
        share = self.settings.max_error_share
        over = [c for c in checked if c.refused is None and c.read and c.bad > share * c.read]
        readable = {c.table for c in checked if c.refused is None}
        missing = [t for t in tables if t not in readable]
        current = self._current_stichtag(source, tables[0])
        older = current is not None and stichtag < current
        publish = not over and not missing and not older
        self.con.execute("BEGIN TRANSACTION")
        try:
            for c in checked:
                result = self._unit_result(
                    c, over, missing, older, publish, current, faelle_missing
                )
                lieferung = self._log(
                    result,
                    sha=c.candidate.sha256,
                    archive=str(c.candidate.part.path),
                    refusal=self._refusal_kind(c, over),
                    fmt=c.format,
                    unknown=c.unknown,
                )
                if c.refused is None:
                    self._store_rows(c, lieferung, keep=not over)
                    if publish:
                        self.con.execute(
                            "INSERT OR REPLACE INTO aktueller_stand VALUES (?, ?, ?, ?, now())",
                            [source, c.table, stichtag, lieferung],
                        )
                if c.candidate.archived:
                    self.report.revalidated.append(result)
                else:
                    self._result(result)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        for c in checked:
            self.con.execute(f"DROP TABLE IF EXISTS {_chk(c.candidate)}")
            self.con.execute(f"DROP TABLE IF EXISTS {_chk(c.candidate)}_ok")

    @staticmethod
    def _refusal_kind(c: Checked, over: list[Checked]) -> str | None:
        """Why a part was refused: the file itself, the error threshold, or its unit."""
        if c.refused is not None:
            return "datei"
        if c in over:
            return "schwelle"
        return "einheit" if over else None

    def _unit_result(
        self,
        c: Checked,
        over: list[Checked],
        missing: list[str],
        older: bool,
        publish: bool,
        current: date | None,
        faelle_missing: bool,
    ) -> FileResult:
        """Status, counts and messages of one part after its unit was decided."""
        cand = c.candidate
        result = FileResult(
            cand.original,
            cand.name.ags,
            cand.name.stichtag,
            c.table,
            GELADEN,
            teil=cand.part.member,
        )
        if cand.archived:
            result.meldungen.append(
                "aus dem Archiv erneut geprüft, weil zum selben Stichtag neue Tabellen "
                "geliefert wurden"
            )
        if c.refused is not None:
            result.status = ABGELEHNT
            result.meldungen.append(c.refused)
            return result
        result.zeilen_gelesen = c.read
        result.meldungen.extend(self._row_messages(c))
        if c.unknown:
            result.meldungen.append(
                "Unbekannte Spalten ignoriert (nicht gespeichert): " + ", ".join(c.unknown)
            )
        if over:
            result.status = ABGELEHNT
            result.zeilen_quarantaene = c.read
            culprits = ", ".join(
                f"{o.table}: {_percent(o.bad, o.read)} fehlerhafte Zeilen" for o in over
            )
            limit = _percent(self.settings.max_error_share, 1)
            result.meldungen.insert(
                0,
                f"Lieferung zum Stichtag {cand.name.stichtag:%d.%m.%Y} abgelehnt ({culprits}; "
                f"Grenze {limit}); der bisherige Stand bleibt aktuell",
            )
            return result
        result.zeilen_geladen = c.read - c.bad
        result.zeilen_quarantaene = c.bad
        result.status = TEILWEISE if c.bad else GELADEN
        if older:
            result.status = VERALTET
            result.meldungen.insert(
                0,
                f"Stichtag {cand.name.stichtag:%d.%m.%Y} ist älter als der aktuelle Stand "
                f"({current:%d.%m.%Y}); als Historie gespeichert, nicht aktuell",
            )
        elif missing:
            result.meldungen.insert(
                0,
                f"Stichtag {cand.name.stichtag:%d.%m.%Y} wird erst aktuell, wenn auch "
                + ", ".join(missing)
                + " vorliegen"
                + (
                    "; Fall-Bezüge werden dann geprüft"
                    if faelle_missing and c.table != "faelle"
                    else ""
                ),
            )
        elif publish and current == cand.name.stichtag and not cand.archived:
            result.meldungen.insert(0, "ersetzt die bisherige Lieferung zum selben Stichtag")
        return result

    def _row_messages(self, c: Checked) -> list[str]:
        """Up to MAX_MESSAGES row errors as 'Zeile N, Spalte X: reason (Wert: …)'."""
        work = _chk(c.candidate)
        rows = self.con.execute(
            f"""
            SELECT _zeile, e.spalte, e.wert, e.grund
            FROM {work}, unnest(_fehler) AS u(e)
            ORDER BY _zeile LIMIT {MAX_MESSAGES + 1}
            """
        ).fetchall()
        messages = [_row_message(*row, c.sources) for row in rows[:MAX_MESSAGES]]
        if len(rows) > MAX_MESSAGES:
            (total,) = self.con.execute(f"SELECT sum(len(_fehler)) FROM {work}").fetchone()
            messages.append(
                f"… und {total - MAX_MESSAGES} weitere Fehler "
                "(vollständige Liste in der Quarantäne)"
            )
        return messages

    def _store_rows(self, c: Checked, lieferung: int, *, keep: bool) -> None:
        """Insert valid rows (unless the unit was refused) and every row error into quarantine."""
        work = _chk(c.candidate)
        table = TABLES[c.table]
        if keep:
            columns = ", ".join(table.column_names)
            self.con.execute(
                f"""
                INSERT INTO snapshot.{c.table} (lieferung_id, zeile, {columns})
                SELECT ?, _zeile, {columns} FROM {work} WHERE len(_fehler) = 0
                """,
                [lieferung],
            )
        self.con.execute(
            f"""
            INSERT INTO quarantaene
            SELECT ?, ?, _zeile, e.spalte, e.wert, e.grund
            FROM {work}, unnest(_fehler) AS u(e)
            """,
            [lieferung, c.candidate.original],
        )

    # -- bookkeeping ------------------------------------------------------------------------

    def _result(self, result: FileResult) -> None:
        """Add an entry to the report."""
        self.report.files.append(result)

    def _log(
        self,
        result: FileResult,
        *,
        sha: str | None,
        archive: str | None,
        refusal: str | None,
        fmt: str | None = None,
        unknown: list[str] | None = None,
    ) -> int:
        """Write the load-log row of an entry; returns its lieferung_id."""
        return self.con.execute(
            """
            INSERT INTO lieferung VALUES (nextval('lieferung_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                ?, ?, ?, ?, ?, ?, now())
            RETURNING lieferung_id
            """,
            [
                self.run_id,
                result.file,
                result.teil,
                archive,
                result.quelle,
                result.stichtag,
                result.tabelle,
                sha,
                result.status,
                refusal,
                result.zeilen_gelesen,
                result.zeilen_geladen,
                result.zeilen_quarantaene,
                fmt,
                unknown or [],
                result.meldungen,
            ],
        ).fetchone()[0]

    def _archive(self, path: Path, name: InputName, sha: str) -> Path:
        """Copy a file into the archive (atomically, durably); the original is removed later."""
        folder = self.settings.archive_dir / name.ags / name.stichtag.isoformat()
        target = folder / f"{sha[:12]}_{path.name}"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".teil")
            shutil.copyfile(path, partial)
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        return target


def _unit(part: Part) -> tuple[str, ...]:
    """The tables that become current together with a part's table: for a file an import
    profile reads, only those of them the profile fills (a town's own list may hold no
    contacts)."""
    tables = unit_tables(part.table)
    if part.mapping is None:
        return tables
    filled = imports.read_profile(Path(part.mapping)).tables
    return tuple(t for t in tables if t in filled)


def _chk(candidate: Candidate) -> str:
    """Work table holding a candidate's checked rows (shared by all cursors of a load)."""
    return f"work.chk_{id(candidate)}"


def _row_message(
    line: int, column: str | None, value: str | None, reason: str, sources: dict[str, str]
) -> str:
    """One row error as shown to users; in a file an import profile reads, with the file's
    own column (`Spalte „wohnort“ → ags`)."""
    if column in sources:
        column = f"„{sources[column]}“ → {column}"
    where = f"Zeile {line}" + (f", Spalte {column}" if column else "")
    shown = f" (Wert: „{value}“)" if value else ""
    return f"{where}: {reason}{shown}"


def _percent(part: float, whole: float) -> str:
    """German percentage with one decimal."""
    return f"{100 * part / whole:.1f} %".replace(".", ",")
