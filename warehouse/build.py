"""`kim build`: run dbt into a scratch file and publish only the protected marts atomically."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb

from editorial import signoffs
from warehouse import processes, profile, store
from warehouse.errors import UserError
from warehouse.lock import exclusive
from warehouse.progress import Progress, quiet
from warehouse.schema import PSEUDONYM_COLUMNS
from warehouse.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
# Only these tables are published. dbt keeps staging and intermediate models (unprotected
# values) in memory and writes only the marts to the scratch file (dbt_project/profiles.yml);
# publishing checks that before the file is swapped in.
PUBLISHED_PREFIXES = ("fct_", "dim_")
SCRATCH_NAME = "arbeit.duckdb"
# The signed-off values the build protects jointly with its own (stg_freigegebene_werte).
VERSIONS_NAME = "freigaben.parquet"
# The confidentiality check's answers of the last build (warehouse.confidentiality.memo).
MEMO_NAME = "pruefspeicher.npz"
# Where dbt's own summary of what went wrong begins in its output.
SUMMARY_START = r"Encountered an error|Completed with \d+ errors?"
# A node line of dbt's output: `12 of 129 START …`, `12 of 129 OK created …`, `… PASS …`.
DBT_NODE = re.compile(
    r"\b\d+ of (?P<total>\d+) (?P<status>START|OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b"
)
# The model that suppresses and runs the attacker check (the longest node by far).
CONFIDENTIALITY_NODE = re.compile(r"model \S+\.int_kennzahlen_geschuetzt\b")
# The steps of a build as progress names them.
COMPUTING = "Kennzahlen berechnen und prüfen (dbt)"
CONFIDENTIALITY = "Geheimhaltung: sperren und gegen Angreifer prüfen"
PUBLISHING = "Veröffentlichen"


class BuildFailed(Exception):
    """dbt failed; the message is German and names what failed."""


@dataclass(frozen=True)
class BuildRecord:
    """One build, as kept in KIM_HOME/builds.jsonl and in the serving database."""

    build_id: str
    gestartet: str
    beendet: str
    erfolgreich: bool
    dbt_version: str
    meldung: str
    staende: list[dict[str, str]]
    # The attacker check's figures (fct_geheimhaltungspruefung); absent in older records.
    pruefung: dict[str, float] | None = None


def build(settings: Settings, progress: Progress = quiet) -> BuildRecord:
    """Build the indicators; on success the new serving database replaces the old one."""
    started = datetime.now()
    build_id = f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    settings.builds_dir.mkdir(parents=True, exist_ok=True)
    # A fixed scratch name (the lock allows one build at a time) keeps dbt's profile
    # unchanged between builds, so dbt can reuse its parsed project (partial parsing).
    scratch = settings.builds_dir / SCRATCH_NAME
    snapshots: list[dict[str, str]] = []
    with exclusive(settings.lock_path, settings.lock_timeout_seconds):
        _remove_scratch(settings)
        try:
            _upgrade(settings.warehouse_path, settings.lock_timeout_seconds)
            snapshots = _current_snapshots(settings.warehouse_path)
            versions = _signed_off_values(settings)
            version = _run_dbt(settings, scratch, versions, _DbtProgress(progress))
            progress(PUBLISHING, 0, 1)
            proof = publish(scratch, settings, build_id, started, version, snapshots)
            progress(PUBLISHING, 1, 1)
        except BuildFailed as err:
            _append_log(settings, _record(build_id, started, False, "", str(err), snapshots))
            raise
        finally:
            _remove_scratch(settings)
    record = _record(build_id, started, True, version, "ok", snapshots, proof)
    _append_log(settings, record)
    return record


def last_builds(settings: Settings, count: int = 1) -> list[BuildRecord]:
    """The newest build records (successful or not), newest last."""
    if not settings.build_log_path.exists():
        return []
    lines = settings.build_log_path.read_text("utf-8").splitlines()[-count:]
    return [BuildRecord(**json.loads(line)) for line in lines]


def _remove_scratch(settings: Settings) -> None:
    """Delete what a failed or broken-off build left: scratch file, WAL, spill directory."""
    for name in (SCRATCH_NAME, f"{SCRATCH_NAME}.wal", VERSIONS_NAME):
        (settings.builds_dir / name).unlink(missing_ok=True)
    # DuckDB spills intermediate results (unprotected values) there under memory pressure.
    shutil.rmtree(settings.builds_dir / f"{SCRATCH_NAME}.tmp", ignore_errors=True)


def _upgrade(warehouse: Path, wait: float) -> None:
    """Create warehouse tables a newer version reads (the lock keeps our writers out; another
    process holding the file is waited for up to `wait` seconds)."""
    if warehouse.exists():
        try:
            store.connect(warehouse, wait=wait).close()
        except duckdb.Error as err:
            raise BuildFailed(f"Warehouse nicht lesbar: {err}") from err


def _current_snapshots(warehouse: Path) -> list[dict[str, str]]:
    """Which snapshot of every source and table the build reads."""
    if not warehouse.exists():
        raise BuildFailed("Es sind noch keine Daten geladen (zuerst kim load).")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            rows = con.execute(
                "SELECT quelle, tabelle, stichtag, lieferung_id FROM aktueller_stand ORDER BY 1, 2"
            ).fetchall()
        finally:
            con.close()
    except duckdb.Error as err:
        raise BuildFailed(f"Warehouse nicht lesbar: {err}") from err
    return [
        {"quelle": q, "tabelle": t, "stichtag": s.isoformat(), "lieferung_id": str(i)}
        for q, t, s, i in rows
    ]


def _signed_off_values(settings: Settings) -> Path | None:
    """The signed-off values for the build to protect jointly (None without sign-offs)."""
    target = settings.builds_dir / VERSIONS_NAME
    try:
        return target if signoffs.export_published(settings, target) else None
    except (UserError, duckdb.Error) as err:
        raise BuildFailed(f"Freigegebene Werte nicht lesbar: {err}") from err


class _DbtProgress:
    """Turns dbt's output lines (`12 of 129 OK created …`) into progress: nodes done of all;
    while the confidentiality node runs, the step says so."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.done = 0
        self.step = COMPUTING

    def __call__(self, line: str) -> None:
        """Read one line of dbt's output."""
        found = DBT_NODE.search(line)
        if found is None:
            return
        total = int(found.group("total"))
        confidentiality = CONFIDENTIALITY_NODE.search(line) is not None
        if found.group("status") == "START":
            if confidentiality:
                self.step = CONFIDENTIALITY
        else:
            self.done += 1
            if confidentiality:
                self.step = COMPUTING
        self.progress(self.step, self.done, total)


def dbt_vars(active: profile.Profile) -> dict[str, object]:
    """The dbt variables of a build: the Kreis profile's facts and the pseudonym columns of
    the export format, whose values the staging models drop (dbt_project.yml names no
    default for them, so a dbt run without them fails instead of publishing pseudonyms)."""
    return active.dbt_vars() | {"pseudonym_spalten": sorted(PSEUDONYM_COLUMNS)}


def _run_dbt(
    settings: Settings, scratch: Path, versions: Path | None, on_line: Callable[[str], None]
) -> str:
    """`dbt build` (models and tests) into the scratch file; returns dbt's version."""
    dbt = Path(sys.executable).with_name("dbt")
    active = profile.load(settings.profile)
    # dbt runs inside KIM_HOME with relative paths: the same profile for every build.
    home = settings.home.resolve()
    env = os.environ | {
        "KIM_WAREHOUSE": os.path.relpath(settings.warehouse_path.resolve(), home),
        "KIM_BUILD_DB": os.path.relpath(scratch.resolve(), home),
        # Never a file here (a value left in the environment by a test run would be one).
        "KIM_ZWISCHEN_DB": ":memory:",
        "KIM_REFERENCE_DIR": str(resources.files("warehouse").joinpath("reference")),
        "KIM_GEBIETE": str(active.write_areas(settings.builds_dir / "gebiete.csv").resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "KIM_FREIGABEN": str(versions.resolve()) if versions else "",
        # The confidentiality check's memo: unchanged programmes are not solved again.
        "KIM_PRUEFSPEICHER": os.path.relpath((settings.builds_dir / MEMO_NAME).resolve(), home),
    }
    dbt_dir = settings.builds_dir / "dbt"
    command = [
        str(dbt),
        "build",
        # Unit tests check the SQL, not the data: they run in CI (tests/dbt); every build runs
        # all data tests.
        "--exclude-resource-type",
        "unit_test",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(dbt_dir / "target"),
        "--log-path",
        str(dbt_dir / "logs"),
        # dbt's debug log (a line per query) and its JSON artifacts (manifest.json,
        # run_results.json) cost seconds per build and nothing reads them; the info log keeps
        # every node's outcome and time. Partial parsing has its own file and is unaffected.
        "--log-level-file",
        "info",
        "--no-write-json",
        "--no-use-colors",
        "--vars",
        json.dumps(dbt_vars(active)),
    ]
    result = processes.run(command, env=env, cwd=home, on_line=on_line)
    if result.returncode != 0:
        raise BuildFailed(_failure_summary(result.stdout + result.stderr))
    match = re.search(r"Running with dbt=(\S+)", result.stdout)
    return match.group(1) if match else "unbekannt"


def _failure_summary(output: str) -> str:
    """The part of dbt's output that says what failed (its error summary, else error lines)."""
    lines = [re.sub(r"^\d\d:\d\d:\d\d\s+", "", line).rstrip() for line in output.splitlines()]
    start = next(
        (i for i, line in enumerate(lines) if re.search(SUMMARY_START, line)),
        None,
    )
    if start is None:
        chosen = [line for line in lines if re.search(r"\b(ERROR|FAIL|Error|Fehler)\b", line)]
    else:
        chosen = [line for line in lines[start:] if line.strip()]
    detail = "\n".join(dict.fromkeys(chosen))[:4000]
    return f"dbt-Build fehlgeschlagen; der letzte gute Stand bleibt veröffentlicht.\n{detail}"


def publish(
    scratch: Path,
    settings: Settings,
    build_id: str,
    started: datetime,
    version: str,
    snapshots: list[dict[str, str]],
) -> dict[str, float]:
    """Record the build in the scratch file and swap it in as the serving database.

    Returns the figures of the attacker check; a build whose check did not pass is refused.
    """
    try:
        con = duckdb.connect(str(scratch))
        try:
            objects = con.execute(
                "SELECT table_schema, table_name, table_type FROM information_schema.tables "
                "WHERE table_catalog = current_database()"
            ).fetchall()
            marts = [name for _, name, _ in objects if name.startswith(PUBLISHED_PREFIXES)]
            # Dropped data stays readable in a DuckDB file until its blocks are reused, so
            # anything else in the file (a model outside `zwischen`) fails the build.
            others = [
                f"{schema}.{name}"
                for schema, name, kind in objects
                if schema != "main" or kind != "BASE TABLE" or name not in marts
            ]
            if others:
                raise BuildFailed(
                    "Die Build-Datei enthält mehr als die Marts und wird nicht veröffentlicht: "
                    + ", ".join(sorted(others))
                )
            if not marts:
                raise BuildFailed("Der Build hat keine Marts erzeugt.")
            proof = _proof(con, marts)
            con.execute(
                "CREATE TABLE build_info AS SELECT ? AS build_id, "
                "CAST(? AS TIMESTAMP) AS gestartet, now() AS veroeffentlicht, "
                "? AS dbt_version, ? AS staende, ? AS pruefung",
                [build_id, started, version, json.dumps(snapshots), json.dumps(proof)],
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except duckdb.Error as err:
        raise BuildFailed(f"Build-Datei nicht lesbar: {err}") from err
    os.replace(scratch, settings.serving_path)
    return proof


def _proof(con: duckdb.DuckDBPyConnection, marts: list[str]) -> dict[str, float]:
    """The attacker check's figures; refuses a build whose check found a narrowable cell."""
    if "fct_geheimhaltungspruefung" not in marts:
        raise BuildFailed("Der Build enthält keinen Nachweis der Geheimhaltung.")
    frame = con.execute("SELECT * FROM fct_geheimhaltungspruefung").df()
    if len(frame) != 1:
        raise BuildFailed("Der Build enthält keinen Nachweis der Geheimhaltung.")
    row = frame.iloc[0]
    if not row["bestanden"]:
        raise BuildFailed(
            "Die Angreiferprüfung ist nicht bestanden; der letzte gute Stand bleibt veröffentlicht."
        )
    return {
        name: (None if value != value else float(value))
        for name, value in row.drop("bestanden").items()
    }


def _record(
    build_id: str,
    started: datetime,
    ok: bool,
    version: str,
    message: str,
    snapshots: list[dict[str, str]],
    proof: dict[str, float] | None = None,
) -> BuildRecord:
    """A build record."""
    return BuildRecord(
        build_id=build_id,
        gestartet=started.isoformat(timespec="seconds"),
        beendet=datetime.now().isoformat(timespec="seconds"),
        erfolgreich=ok,
        dbt_version=version,
        meldung=message,
        staende=snapshots,
        pruefung=proof,
    )


def _append_log(settings: Settings, record: BuildRecord) -> None:
    """Append a record to KIM_HOME/builds.jsonl."""
    with open(settings.build_log_path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
