"""`kim freigabe`: freezing a completed period, refusing others, and listing later revisions."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from tests.conftest import Kim
from warehouse.lock import exclusive

PROFILE = Path(__file__).resolve().parents[2] / "warehouse" / "profiles" / "ennepe-ruhr"
KREIS = "05954"
KREIS_NAME = "Ennepe-Ruhr-Kreis"
PERIOD = "2025-H1"
# The signed-off half-year and every period inside it.
INSIDE = (PERIOD, "2025-Q1", "2025-Q2", *(f"2025-{m:02d}" for m in range(1, 7)))
KEY = ("indikator", "zeitraum", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung")
# Columns of the report's table of cases per town.
TOWN_TABLE = (
    ("faelle_neu", "Neue Fälle"),
    ("faelle_aktiv", "Betreute Fälle"),
    ("personen_erreicht", "Erreichte Personen"),
)
NEW_STICHTAG = date(2025, 10, 31)
MOVED_TO = date(2025, 7, 15)
FILE_NAME = re.compile(r"^(\d{8})_(\d{4}-?\d{2}-?\d{2})_(\w+)\.csv$")

Values = dict[tuple[str, ...], tuple[float | None, bool]]


def town_names() -> dict[str, str]:
    """AGS → name of the towns and the Kreis (reference data)."""
    with (PROFILE / "gebiete.csv").open(encoding="utf-8") as handle:
        return {row["ags"]: row["name"] for row in csv.DictReader(handle)} | {KREIS: KREIS_NAME}


def published(kim: Kim, *periods: str) -> Values:
    """`kim indicators --format json` for some periods, keyed by the cell."""
    args = [a for p in periods for a in ("--zeitraum", p)]
    rows = json.loads(kim.run("indicators", *args, "--format", "json", check=True).stdout)
    return {tuple(r[k] for k in KEY): (r["wert"], r["unterdrueckt"]) for r in rows}


def stored(path: Path, *periods: str) -> Values:
    """The fct_indikatoren rows of some periods in a published DuckDB file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            f"SELECT {', '.join(KEY)}, wert, unterdrueckt FROM fct_indikatoren "
            "WHERE zeitraum IN (SELECT unnest(?))",
            [list(periods)],
        ).fetchall()
    finally:
        con.close()
    return {tuple(r[:6]): (r[6], r[7]) for r in rows}


def build_id(path: Path) -> str:
    """The build id recorded in a published DuckDB file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT build_id FROM build_info").fetchone()[0]
    finally:
        con.close()


def same(a: tuple[float | None, bool] | None, b: tuple[float | None, bool] | None) -> bool:
    """Two published cells are equal (missing, secret, value up to rounding noise)."""
    if a is None or b is None:
        return a is None and b is None
    (wa, ua), (wb, ub) = a, b
    if bool(ua) != bool(ub) or (wa is None) != (wb is None):
        return False
    return wa is None or math.isclose(wa, wb, rel_tol=1e-9, abs_tol=1e-9)


def changed(before: Values, after: Values) -> set[tuple[str, ...]]:
    """Keys whose cell differs between two sets of published values."""
    return {k for k in before.keys() | after.keys() if not same(before.get(k), after.get(k))}


def signoffs(kim: Kim) -> list[dict]:
    """`kim freigabe --liste --json` parsed."""
    return json.loads(kim.run("freigabe", "--liste", "--json", check=True).stdout)


def diff(kim: Kim, *args: str) -> list[dict]:
    """`kim freigabe [P] --diff --json` parsed."""
    return json.loads(kim.run("freigabe", *args, "--diff", "--json", check=True).stdout)


def parse_day(text: str) -> date | None:
    """A date of an export file (`JJJJ-MM-TT` or `TT.MM.JJJJ`); None when empty or invalid."""
    try:
        if "." in text:
            day, month, year = text.strip().split(".")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def spelled_like(original: str, value: date) -> str:
    """A date in the spelling of another value of the same file."""
    return value.strftime("%d.%m.%Y") if "." in original else value.isoformat()


def newest_town_csvs(folder: Path) -> tuple[str, dict[str, Path]]:
    """A town whose four tables are CSV files of the latest Stichtag: AGS and files by table."""
    found: dict[tuple[str, str], dict[str, Path]] = {}
    for path in folder.iterdir():
        match = FILE_NAME.match(path.name)
        if match:
            ags, stichtag, table = match.groups()
            found.setdefault((stichtag.replace("-", ""), ags), {})[table] = path
    complete = [
        (stichtag, ags, tables)
        for (stichtag, ags), tables in found.items()
        if len(ags) == 8
        and {"faelle", "handlungsfelder", "kontakte", "vermittlungen"} <= set(tables)
    ]
    assert complete, "the sample has no town delivering four CSV files"
    _stichtag, ags, tables = min(complete, key=lambda c: (-int(c[0]), c[1]))
    return ags, tables


def revise_cases(source: Path, target: Path) -> int:
    """Copy a faelle CSV, moving open cases that began in 2025-H1 to a start in July 2025."""
    raw = source.read_bytes()
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    header = text.splitlines()[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = {name.strip().lower(): name for name in reader.fieldnames or ()}
    begin, end = columns["fallbeginn"], columns["fallende"]
    rows = list(reader)
    moved = 0
    for row in rows:
        started = parse_day(row[begin])
        if started and date(2025, 1, 1) <= started <= date(2025, 6, 30) and not row[end].strip():
            row[begin] = spelled_like(row[begin], MOVED_TO)
            moved += 1
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=reader.fieldnames, delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    target.write_bytes(buffer.getvalue().encode(encoding))
    return moved


@dataclass
class SignedOff:
    """The installation right after the sign-off of 2025-H1 and what the commands said."""

    kim: Kim
    root: Path
    incomplete: subprocess.CompletedProcess
    lagging: subprocess.CompletedProcess
    unknown: subprocess.CompletedProcess
    first: subprocess.CompletedProcess
    after_first: list[dict]
    again: subprocess.CompletedProcess
    after_again: list[dict]
    replaced: subprocess.CompletedProcess
    after_replaced: list[dict]
    diff_at_sign_off: list[dict]
    at_sign_off: Path  # a copy of kim.duckdb taken right after the sign-off
    values_at_sign_off: Values

    @property
    def frozen(self) -> Path:
        """The frozen file of the sign-off in force."""
        [entry] = [s for s in self.after_replaced if s["zeitraum"] == PERIOD]
        return self.kim.home / "freigaben" / entry["datei"]


@dataclass
class Revised:
    """The same installation after a later delivery revised values of 2025-H1."""

    signed: SignedOff
    town: str
    moved: int
    values_now: Values
    diff: list[dict]
    diff_text: str
    diff_all: list[dict]
    report: Path
    year_report: Path
    year_values: Values


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> SignedOff:
    """Sample data up to 30.09.2025 built once, then 2025-H1 signed off (and re-signed)."""
    root = tmp_path_factory.mktemp("freigabe")
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    generated = root / "generiert"
    kim.run(
        "generate", "--out", str(generated), "--bis", "2025-09-30", "--historie", "1", check=True
    )
    assert kim.run("load", str(generated)).returncode in (0, 1)
    kim.run("build", check=True)
    incomplete = kim.run("freigabe", "2025")
    lagging = kim.run("freigabe", "2025-Q3")
    unknown = kim.run("freigabe", "2031-H1")
    first = kim.run("freigabe", PERIOD, "--autor", "Erste Person")
    at_sign_off = root / "kim_bei_freigabe.duckdb"
    shutil.copyfile(kim.home / "kim.duckdb", at_sign_off)
    after_first = signoffs(kim)
    again = kim.run("freigabe", PERIOD, "--autor", "Zweite Person")
    after_again = signoffs(kim)
    replaced = kim.run("freigabe", PERIOD, "--ersetzen", "--autor", "Dritte Person")
    return SignedOff(
        kim=kim,
        root=root,
        incomplete=incomplete,
        lagging=lagging,
        unknown=unknown,
        first=first,
        after_first=after_first,
        again=again,
        after_again=after_again,
        replaced=replaced,
        after_replaced=signoffs(kim),
        diff_at_sign_off=diff(kim, PERIOD),
        at_sign_off=at_sign_off,
        values_at_sign_off=published(kim, *INSIDE),
    )


@pytest.fixture(scope="module")
def revised(signed: SignedOff) -> Revised:
    """A town re-delivers its cases with a later Stichtag; loaded and built again."""
    kim, root = signed.kim, signed.root
    town, files = newest_town_csvs(root / "generiert")
    delivery = root / "nachlieferung"
    delivery.mkdir()
    prefix = f"{town}_{NEW_STICHTAG.isoformat()}"
    moved = revise_cases(files["faelle"], delivery / f"{prefix}_faelle.csv")
    for table in ("handlungsfelder", "kontakte", "vermittlungen"):
        shutil.copyfile(files[table], delivery / f"{prefix}_{table}.csv")
    code, report = kim.load_json(delivery)
    assert code in (0, 1), report
    kim.run("build", check=True)
    out = root / "berichte"
    kim.run("report", "--zeitraum", PERIOD, "--format", "xlsx", "--out", str(out), check=True)
    kim.run("report", "--zeitraum", "2025", "--format", "xlsx", "--out", str(out), check=True)
    return Revised(
        signed=signed,
        town=town,
        moved=moved,
        values_now=published(kim, *INSIDE),
        diff=diff(kim, PERIOD),
        diff_text=kim.run("freigabe", PERIOD, "--diff", check=True).stdout,
        diff_all=diff(kim),
        report=out / f"KIM_Bericht_Land_{PERIOD}.xlsx",
        year_report=out / "KIM_Bericht_Land_2025.xlsx",
        year_values=published(kim, "2025"),
    )


def town_table(path: Path, title: str) -> dict[str, dict[str, object]]:
    """The report's table of cases per town: area name → column → cell value."""
    book = openpyxl.load_workbook(path)
    [sheet] = [s for s in book.worksheets if s["A1"].value == title]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if row[0] == "Gebiet")
    names = set(town_names().values())
    return {
        row[0]: dict(zip(rows[head], row, strict=True))
        for row in rows[head + 1 :]
        if row[0] in names
    }


def shown(cell: tuple[float | None, bool]) -> object:
    """What a spreadsheet cell shows for a published cell: number, `.`, `–` or `x`."""
    wert, secret = cell
    if secret:
        return "."
    if wert is None:
        return "x"
    return "–" if wert == 0 else wert


def cover_text(path: Path) -> str:
    """All text of the workbook's cover sheet."""
    sheet = openpyxl.load_workbook(path)["Deckblatt"]
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


def total(key_indikator: str, gebiet: str, zeitraum: str = PERIOD) -> tuple[str, ...]:
    """The key of an indicator's total (all target groups and topics, no breakdown)."""
    return (key_indikator, zeitraum, gebiet, "alle", "alle", "")


# --- sign-off ---------------------------------------------------------------------------------


def test_incomplete_period_is_refused(signed):
    assert signed.incomplete.returncode == 1
    message = signed.incomplete.stderr
    assert "2025 (bis 31.12.2025) ist noch nicht für alle Quellen abgeschlossen" in message
    assert "30.09.2025" in message
    assert all(s["zeitraum"] != "2025" for s in signed.after_replaced)
    assert not list((signed.kim.home / "freigaben").glob("2025_*"))


def test_period_not_reached_by_every_source_is_refused_naming_them(signed):
    status = json.loads(signed.kim.run("status", "--json", check=True).stdout)
    ends: dict[str, str] = {}
    for row in status["quellen"]:
        name = row["quelle_name"]
        ends[name] = min(ends.get(name, row["aktueller_stichtag"]), row["aktueller_stichtag"])
    behind = {name: end for name, end in ends.items() if end < "2025-09-30"}
    assert behind, "the sample has sources whose data end before the quarter's end"
    assert signed.lagging.returncode == 1
    message = signed.lagging.stderr
    for name, end in ends.items():
        shown = f"{name} ({date.fromisoformat(end):%d.%m.%Y})"
        assert (shown in message) == (name in behind), shown
    assert all(s["zeitraum"] != "2025-Q3" for s in signed.after_replaced)


def test_unknown_period_is_refused(signed):
    assert signed.unknown.returncode == 1
    assert "„2031-H1“ gibt es im veröffentlichten Stand nicht" in signed.unknown.stderr


def test_the_cumulative_period_is_refused_as_it_grows_with_every_delivery(signed):
    before = sorted(p.name for p in (signed.kim.home / "freigaben").iterdir())
    result = signed.kim.run("freigabe", "gesamt")
    assert result.returncode == 1
    assert "„seit Beginn“ kann nicht freigegeben werden" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (signed.kim.home / "freigaben").iterdir()) == before


def test_a_sign_off_waits_for_a_running_writer_then_exits_3(signed):
    before = sorted(p.name for p in (signed.kim.home / "freigaben").iterdir())
    with exclusive(signed.kim.home / "kim.lock", timeout=5):
        result = signed.kim.run("freigabe", "2025-H1", "--ersetzen", env={"KIM_LOCK_TIMEOUT": "1"})
    assert result.returncode == 3
    assert "seit über 1 Sekunde durch einen anderen Vorgang belegt" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (signed.kim.home / "freigaben").iterdir()) == before


def test_completed_period_is_signed_off_with_its_build(signed):
    assert signed.first.returncode == 0, signed.first.stderr
    current = build_id(signed.at_sign_off)
    assert f"1. Halbjahr 2025 freigegeben: Build {current}" in signed.first.stdout
    [entry] = signed.after_first
    assert entry["zeitraum"] == PERIOD
    assert entry["build_id"] == current
    assert entry["freigegeben_von"] == "Erste Person"
    assert entry["datei"] == f"{PERIOD}_{current}.duckdb"


def test_second_sign_off_is_refused_unless_replacing(signed):
    assert signed.again.returncode == 1
    assert "bereits freigegeben" in signed.again.stderr
    assert "--ersetzen" in signed.again.stderr
    assert signed.after_again == signed.after_first
    assert signed.replaced.returncode == 0, signed.replaced.stderr
    [entry] = signed.after_replaced
    assert entry["freigegeben_von"] == "Dritte Person"
    assert entry["freigegeben_am"] >= signed.after_first[0]["freigegeben_am"]
    assert entry["build_id"] == signed.after_first[0]["build_id"]


def test_frozen_file_holds_the_published_values_of_the_sign_off(signed):
    assert signed.frozen.is_file()
    assert build_id(signed.frozen) == build_id(signed.at_sign_off)
    frozen = stored(signed.frozen, *INSIDE)
    assert frozen == stored(signed.at_sign_off, *INSIDE)
    assert len(frozen) > 1000
    assert not changed(frozen, signed.values_at_sign_off)
    con = duckdb.connect(str(signed.frozen), read_only=True)
    try:
        con.execute(f"ATTACH '{signed.at_sign_off}' AS damals (READ_ONLY)")
        for a, b in (("main", "damals.main"), ("damals.main", "main")):
            extra = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {a}.fct_indikatoren "
                f"EXCEPT ALL SELECT * FROM {b}.fct_indikatoren)"
            ).fetchone()[0]
            assert extra == 0
    finally:
        con.close()


def test_nothing_is_revised_right_after_the_sign_off(signed):
    [entry] = signed.diff_at_sign_off
    assert entry["zeitraum"] == PERIOD
    assert entry["aenderungen"] == []


def test_diff_of_a_period_without_sign_off_is_refused(signed):
    result = signed.kim.run("freigabe", "2025-Q1", "--diff")
    assert result.returncode == 1
    assert "2025-Q1 ist nicht freigegeben" in result.stderr


def test_freigabe_without_arguments_is_a_usage_error(signed):
    result = signed.kim.run("freigabe")
    assert result.returncode == 2
    assert "Bitte einen Zeitraum" in result.stderr


# --- after a revision --------------------------------------------------------------------------


def test_the_later_delivery_revised_published_values(revised):
    assert revised.moved >= 5
    before, now = revised.signed.values_at_sign_off, revised.values_now
    # The town's case counts of the period and the periods inside it: at least one that was
    # published at sign-off reads differently now.
    town_totals = [
        total(indikator, revised.town, zeitraum)
        for indikator in ("faelle_neu", "faelle_aktiv")
        for zeitraum in INSIDE
    ]
    assert any(
        before[key][0] is not None and not same(before[key], now[key]) for key in town_totals
    )
    assert not same(before[total("faelle_neu", KREIS)], now[total("faelle_neu", KREIS)])


def test_every_listed_revision_shows_the_frozen_and_the_current_value(revised):
    frozen = stored(revised.signed.frozen, *INSIDE)
    [entry] = revised.diff
    assert entry["zeitraum"] == PERIOD and entry["aenderungen"]
    for row in entry["aenderungen"]:
        key = tuple(row[k] for k in KEY)
        assert key[1] in INSIDE
        then = (row["wert_damals"], row["unterdrueckt_damals"])
        now = (row["wert_jetzt"], row["unterdrueckt_jetzt"])
        assert same(then if then != (None, None) else None, frozen.get(key)), key
        assert same(now if now != (None, None) else None, revised.values_now.get(key)), key
        assert not same(frozen.get(key), revised.values_now.get(key)), key


def test_every_revised_value_is_listed(revised):
    expected = changed(revised.signed.values_at_sign_off, revised.values_now)
    [entry] = revised.diff
    listed = [tuple(row[k] for k in KEY) for row in entry["aenderungen"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected
    assert any(key[1] != PERIOD for key in expected)  # periods inside the half-year too


def test_diff_text_counts_the_revisions_in_german(revised):
    count = len(changed(revised.signed.values_at_sign_off, revised.values_now))
    first_line = revised.diff_text.splitlines()[0]
    assert first_line.startswith("1. Halbjahr 2025 (Build ")
    assert first_line.endswith(f": {count} geänderte Werte")
    assert "Freigegeben" in revised.diff_text and "Jetzt" in revised.diff_text


def test_diff_without_period_covers_every_sign_off(revised):
    assert [e["zeitraum"] for e in revised.diff_all] == [PERIOD]
    assert revised.diff_all[0]["aenderungen"] == revised.diff[0]["aenderungen"]


def test_report_of_the_signed_off_period_shows_the_frozen_values(revised):
    table = town_table(revised.report, "Fälle und erreichte Personen je Stadt, 1. Halbjahr 2025")
    names = town_names()
    assert set(table) == set(names.values())
    before, now = revised.signed.values_at_sign_off, revised.values_now
    revised_cells = 0
    for gebiet, name in names.items():
        for indikator, column in TOWN_TABLE:
            cell = total(indikator, gebiet)
            assert table[name][column] == shown(before[cell]), (name, column)
            revised_cells += shown(before[cell]) != shown(now[cell])
    assert revised_cells > 0  # the report would look different with the current values


def test_report_of_the_signed_off_period_says_so_on_the_cover(revised):
    text = cover_text(revised.report)
    frozen_build = build_id(revised.signed.frozen)
    assert "Freigegeben am" in text and "Dritte Person" in text
    assert "eingefrorenen Werte" in text
    assert "Nicht freigegeben" not in text
    assert f"Build {frozen_build}" in text
    assert build_id(revised.signed.kim.home / "kim.duckdb") != frozen_build


def test_report_of_a_period_without_sign_off_shows_the_current_values(revised):
    table = town_table(revised.year_report, "Fälle und erreichte Personen je Stadt, 2025")
    for gebiet, name in town_names().items():
        for indikator, column in TOWN_TABLE:
            cell = revised.year_values[total(indikator, gebiet, "2025")]
            assert table[name][column] == shown(cell), (name, column)
    text = cover_text(revised.year_report)
    assert "Nicht freigegeben" in text
    assert f"Build {build_id(revised.signed.kim.home / 'kim.duckdb')}" in text


def test_replacing_after_a_revision_freezes_the_current_values(revised):
    kim = revised.signed.kim
    result = kim.run("freigabe", PERIOD, "--ersetzen", "--autor", "Vierte Person")
    assert result.returncode == 0, result.stderr
    [entry] = signoffs(kim)
    assert entry["build_id"] == build_id(kim.home / "kim.duckdb")
    assert entry["freigegeben_von"] == "Vierte Person"
    assert diff(kim, PERIOD)[0]["aenderungen"] == []
    assert revised.signed.frozen.is_file()  # the earlier frozen file is kept


def test_loads_builds_and_sign_offs_are_in_the_audit_trail(signed):
    trail = json.loads(signed.kim.run("audit", "--json", check=True).stdout)
    actions = [e["aktion"] for e in trail]
    assert actions.index("laden") < actions.index("build") < actions.index("freigabe")
    built = [e for e in trail if e["aktion"] == "build"]
    assert built[0]["details"]["build_id"] == build_id(signed.at_sign_off)
    sign_offs = [e for e in trail if e["aktion"] == "freigabe"]
    assert [(e["benutzer"], e["details"]["zeitraum"]) for e in sign_offs[:2]] == [
        ("Erste Person", PERIOD),
        ("Dritte Person", PERIOD),
    ]
    assert sign_offs[1]["details"]["ersetzt"] is True
    assert signed.kim.run("audit", "--pruefen").returncode == 0
