"""Tests of the synthetic export generator (sample.generate).

The files are parsed here with the csv module and openpyxl, independently of the loader.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sample.generate import DEFAULT_UNTIL, generate
from warehouse.errors import UserError
from warehouse.schema import (
    TABLES,
    TOWN_TABLES,
    Kind,
    authority_towns,
    indicator_ids,
    kreis_ags,
    nationality_codes,
    towns,
)

FILE_NAME = re.compile(
    r"^(?P<ags>\d{5}|\d{8})_(?P<stichtag>\d{4}-\d{2}-\d{2}|\d{8})"
    r"(?:_(?P<table>[a-z]+))?\.(?P<ext>csv|xlsx|zip)$"
)
PSEUDONYM = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
EMPTY = {"", "null", "k.a.", "-"}
TRUE = {"1", "ja", "j", "true", "x"}
FALSE = {"", "0", "nein", "n", "false"}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
TOWNS = {t.ags: t for t in towns()}
BRECKERFELD, WITTEN = "05954004", "05954036"


# --- an independent reader of the export format ---------------------------------------------


class Defect(ValueError):
    """A value that does not follow the export format."""


@dataclass(frozen=True)
class Snapshot:
    """One table of one source as of one Stichtag, parsed."""

    ags: str
    stichtag: date
    table: str
    container: str
    rows: list[dict[str, object]]
    defects: int


def header_key(label: str) -> str:
    """Header name as matched by the export format (case, spaces, umlauts)."""
    return label.strip().lower().translate(UMLAUTS)


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def csv_records(data: bytes) -> list[dict[str, object]]:
    """Rows of a CSV file as dicts keyed by normalised header names."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [header_key(h) for h in next(reader)]
    return [dict(zip(header, row, strict=True)) for row in reader if row]


def sheet_records(sheet) -> list[dict[str, object]]:
    """Rows of a worksheet as dicts keyed by normalised header names."""
    rows = sheet.iter_rows(values_only=True)
    header = [header_key(h) for h in next(rows)]
    # cells after the last filled one are absent, not empty: pad the row
    return [dict(itertools.zip_longest(header, row)) for row in rows]


def parse_day(text: str, month: bool) -> date:
    """A date in either spelling; month fields may also be MM.JJJJ or JJJJ-MM."""
    if m := re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if month and (m := re.fullmatch(r"(\d{2})\.(\d{4})", text)):
        return date(int(m[2]), int(m[1]), 1)
    if month and (m := re.fullmatch(r"(\d{4})-(\d{2})", text)):
        return date(int(m[1]), int(m[2]), 1)
    raise ValueError(text)


def typed(kind: Kind, value: object) -> object:
    """A raw CSV or cell value converted to its Python type (None for empty)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        return value
    text = "" if value is None else str(value).strip()
    if kind is Kind.BOOL:
        if text.lower() not in TRUE | FALSE:
            raise Defect(text)
        return text.lower() in TRUE
    if text.lower() in EMPTY:
        return None
    try:
        if kind in (Kind.DATE, Kind.MONTH):
            return parse_day(text, kind is Kind.MONTH)
        if kind in (Kind.INTEGER, Kind.YEAR):
            return int(text)
        if kind is Kind.DECIMAL:
            return float(text.replace(",", "."))
    except ValueError as error:
        raise Defect(text) from error
    return text


def check_row(table: str, raw: dict[str, object], stichtag: date) -> dict[str, object]:
    """Typed row restricted to the specified columns; raises Defect on a bad value."""
    row = {}
    for column in TABLES[table].columns:
        value = typed(column.kind, raw.get(column.name))
        if column.required and value is None:
            raise Defect(f"{column.name} missing")
        if column.codes and value is not None and value not in column.codes:
            raise Defect(f"{column.name}={value}")
        if isinstance(value, date) and value > stichtag:
            raise Defect(f"{column.name} after Stichtag")
        row[column.name] = value
    if table == "faelle" and row["staatsangehoerigkeit"] not in (None, *nationality_codes()):
        raise Defect("staatsangehoerigkeit")
    return row


def snapshot(ags: str, stichtag: date, table: str, container: str, records) -> Snapshot:
    """Parse records, counting the rows that do not follow the format."""
    rows, defects = [], 0
    for raw in records:
        try:
            rows.append(check_row(table, raw, stichtag))
        except Defect:
            defects += 1
    return Snapshot(ags, stichtag, table, container, rows, defects)


def read_exports(folder: Path) -> dict[tuple[str, date, str], Snapshot]:
    """All snapshots in a folder, keyed by (AGS, Stichtag, table)."""
    found: dict[tuple[str, date, str], Snapshot] = {}
    for path in sorted(folder.iterdir()):
        match = FILE_NAME.match(path.name)
        assert match, path.name
        ags, text = match["ags"], match["stichtag"]
        stichtag = date.fromisoformat(text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}")
        if match["ext"] == "xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            parts = {name.lower(): sheet_records(book[name]) for name in book.sheetnames}
        elif match["ext"] == "zip":
            with zipfile.ZipFile(path) as archive:
                parts = {
                    FILE_NAME.match(name)["table"]: csv_records(archive.read(name))
                    for name in archive.namelist()
                }
        else:
            parts = {match["table"]: csv_records(path.read_bytes())}
        for table, records in parts.items():
            found[ags, stichtag, table] = snapshot(ags, stichtag, table, match["ext"], records)
    return found


def table_of(data, ags: str, table: str, latest: bool = True) -> Snapshot:
    """The latest (or oldest) snapshot of one source's table."""
    keys = sorted(k for k in data if k[0] == ags and k[2] == table)
    return data[keys[-1] if latest else keys[0]]


def case_count(data) -> int:
    """Cases of all towns in their latest snapshots."""
    return sum(len(table_of(data, ags, "faelle").rows) for ags in TOWNS)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory) -> Path:
    """Exports with default arguments (including the sample row errors)."""
    folder = tmp_path_factory.mktemp("default")
    generate(folder)
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[tuple[str, date, str], Snapshot]:
    """Parsed exports without row errors."""
    folder = tmp_path_factory.mktemp("clean")
    generate(folder, errors=False)
    return read_exports(folder)


# --- determinism ----------------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(default_dir: Path, tmp_path: Path) -> None:
    written = generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in default_dir.iterdir())
    for path in written:
        assert path.read_bytes() == (default_dir / path.name).read_bytes(), path.name


def test_other_seed_gives_other_content(default_dir: Path, tmp_path: Path) -> None:
    written = generate(tmp_path, seed=2)
    assert sorted(p.name for p in written) == sorted(p.name for p in default_dir.iterdir())
    town_files = [p for p in written if p.name[:8] in TOWNS and "verfahren" not in p.name]
    assert all(p.read_bytes() != (default_dir / p.name).read_bytes() for p in town_files)


def test_history_snapshots_come_from_one_world(default_dir: Path, tmp_path: Path) -> None:
    written = generate(tmp_path, history=1)
    assert len(written) < len(list(default_dir.iterdir()))
    for path in written:
        assert path.read_bytes() == (default_dir / path.name).read_bytes(), path.name


def test_returns_the_files_written(default_dir: Path, tmp_path: Path) -> None:
    written = generate(tmp_path, history=3)
    assert sorted(written) == sorted(tmp_path.iterdir())


# --- completeness and file names ------------------------------------------------------------


def test_every_source_and_table_per_stichtag(clean) -> None:
    stichtage: dict[str, set[date]] = {}
    for ags, stichtag, _ in clean:
        stichtage.setdefault(ags, set()).add(stichtag)
    for ags in TOWNS:
        assert len(stichtage[ags]) == 2
        for stichtag in stichtage[ags]:
            for table in TOWN_TABLES:
                assert (ags, stichtag, table) in clean
    for stichtag in (DEFAULT_UNTIL, date(2026, 9, 30)):
        for key in (
            (kreis_ags(), "verfahren"),
            (WITTEN, "verfahren"),
            (kreis_ags(), "stellen"),
            (kreis_ags(), "ziele"),
        ):
            assert (key[0], stichtag, key[1]) in clean


def test_one_town_lags_behind(clean) -> None:
    latest = {ags: max(k[1] for k in clean if k[0] == ags) for ags in TOWNS}
    assert Counter(latest.values())[DEFAULT_UNTIL] == 8
    (stale,) = (d for d in latest.values() if d != DEFAULT_UNTIL)
    assert 40 <= (DEFAULT_UNTIL - stale).days <= 80


def test_file_names_follow_the_spec(default_dir: Path) -> None:
    names = [p.name for p in default_dir.iterdir()]
    assert all(FILE_NAME.match(n) for n in names)
    assert any(re.match(r"^\d{8}_\d{8}_", n) for n in names)  # YYYYMMDD spelling
    assert sum(n.endswith(".xlsx") for n in names) == 2
    assert sum(n.endswith(".zip") for n in names) == 2


# --- dialects -------------------------------------------------------------------------------


def csv_payloads(folder: Path) -> dict[str, bytes]:
    """Raw bytes of every CSV, including those inside ZIP files."""
    payloads = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    for path in folder.glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            payloads.update({n: archive.read(n) for n in archive.namelist()})
    return payloads


def test_encodings_delimiters_and_line_endings(default_dir: Path) -> None:
    payloads = csv_payloads(default_dir).values()
    windows = []
    for data in payloads:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            windows.append(data.decode("cp1252"))
    assert windows and all(re.search("[äöüß]", text) for text in windows)
    assert any(d.startswith(codecs.BOM_UTF8) for d in payloads)
    assert any(not d.startswith(codecs.BOM_UTF8) and d.isascii() for d in payloads)
    headers = [decode(d).split("\n", 1)[0] for d in payloads]
    assert any("," in h and ";" not in h for h in headers)
    assert any(";" in h for h in headers)
    assert any(b"\r\n" in d for d in payloads)
    assert any(b"\n" in d and b"\r\n" not in d for d in payloads)


def test_value_spellings_vary(default_dir: Path) -> None:
    text = "\n".join(decode(d) for d in csv_payloads(default_dir).values())
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text)
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert re.search(r"[;,]\d{2}\.\d{4}[;,]", text)  # MM.JJJJ
    assert re.search(r"[;,]\d{4}-\d{2}[;,]", text)  # JJJJ-MM
    assert re.search(r";\d,\d+;", text) and re.search(r",\d+\.\d+,", text)  # 0,75 and 0.75
    for spelling in (";ja;", ";nein;", ",true,", ",false,", ";1;", ";0;", ";J;", ",Ja,"):
        assert spelling in text, spelling
    for empty in ("k.A.", "NULL", ",-,"):
        assert empty in text, empty
    headers = {
        h
        for d in csv_payloads(default_dir).values()
        for h in next(
            csv.reader(
                io.StringIO(decode(d)), delimiter=";" if b";" in d.split(b"\n", 1)[0] else ","
            )
        )
    }
    assert {"Fall_ID", " Status ", "Staatsangehörigkeit", "Anstoß", "VZÄ_Soll"} <= headers


def test_extra_column_is_quoted_properly(default_dir: Path) -> None:
    found = []
    for name, data in csv_payloads(default_dir).items():
        if name.endswith("_faelle.csv"):
            records = csv_records(data)
            if "bemerkung_intern" in records[0]:
                found += [r["bemerkung_intern"] for r in records]
    assert any("\n" in v for v in found)
    assert any(";" in v for v in found)
    assert any('"' in v for v in found)
    assert any("€" in v or "„" in v for v in found)


def test_workbook_has_real_date_and_number_cells(default_dir: Path) -> None:
    path = next(default_dir.glob("*.xlsx"))
    book = openpyxl.load_workbook(path, read_only=True)
    assert sorted(n.lower() for n in book.sheetnames) == sorted(TOWN_TABLES)
    records = sheet_records(book[next(n for n in book.sheetnames if n.lower() == "faelle")])
    assert all(isinstance(r["fallbeginn"], datetime) for r in records)
    assert any(isinstance(r["geburtsjahr"], int) for r in records)
    contacts = sheet_records(book[next(n for n in book.sheetnames if n.lower() == "kontakte")])
    assert all(isinstance(r["dauer_minuten"], int) for r in contacts)


def test_zip_holds_the_four_town_csvs(default_dir: Path) -> None:
    for path in default_dir.glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        stem = path.name.removesuffix(".zip")
        assert sorted(names) == sorted(f"{stem}_{t}.csv" for t in TOWN_TABLES)


# --- content --------------------------------------------------------------------------------


def test_clean_exports_follow_the_format(clean) -> None:
    assert all(s.defects == 0 for s in clean.values()), [
        (k, s.defects) for k, s in clean.items() if s.defects
    ]


def test_cases_are_consistent(clean) -> None:
    for (ags, _, table), snap in clean.items():
        if table != "faelle":
            continue
        for row in snap.rows:
            assert row["ags"] == ags
            closed = row["status"] == "abgeschlossen"
            assert (row["fallende"] is not None) == closed
            assert (row["abschlussgrund"] is not None) == closed
            assert row["erstkontakt"] is None or row["erstkontakt"] <= row["fallbeginn"]
            assert row["fallende"] is None or row["fallbeginn"] <= row["fallende"]
            assert row["einreisedatum"] is None or row["einreisedatum"] <= row["fallbeginn"]


def test_identifiers_and_references(clean) -> None:
    id_column = {
        "faelle": "fall_id",
        "kontakte": "kontakt_id",
        "vermittlungen": "vermittlung_id",
        "verfahren": "verfahren_id",
    }
    for (ags, stichtag, table), snap in clean.items():
        if table in id_column:
            ids = [r[id_column[table]] for r in snap.rows]
            assert len(ids) == len(set(ids)), (ags, table)
            assert all(PSEUDONYM.match(i) for i in ids)
        if table in ("handlungsfelder", "kontakte", "vermittlungen"):
            cases = {r["fall_id"] for r in clean[ags, stichtag, "faelle"].rows}
            assert all(r["fall_id"] in cases for r in snap.rows), (ags, table)
        if table == "handlungsfelder":
            pairs = [(r["fall_id"], r["handlungsfeld"]) for r in snap.rows]
            assert len(pairs) == len(set(pairs))
            for r in snap.rows:
                assert (r["zielstatus_am"] is None) == (r["zielstatus"] == "offen")
        if table == "verfahren":
            for r in snap.rows:
                assert r["ags"] in authority_towns(ags)
                assert PSEUDONYM.match(r["person_id"])
                assert (r["entscheidung"] is not None) == (r["ergebnis"] != "offen")


def test_goal_status_follows_case_status(clean) -> None:
    closed_status, open_status = Counter(), Counter()
    for (ags, stichtag, table), snap in clean.items():
        if table != "handlungsfelder":
            continue
        end = {r["fall_id"]: r["fallende"] for r in clean[ags, stichtag, "faelle"].rows}
        for r in snap.rows:
            if end[r["fall_id"]] is None:
                open_status[r["zielstatus"]] += 1
            else:
                closed_status[r["zielstatus"]] += 1
                assert r["zielstatus_am"] is None or r["zielstatus_am"] <= end[r["fall_id"]]
    assert closed_status["offen"] < 0.2 * sum(closed_status.values())
    assert open_status["offen"] > 0.6 * sum(open_status.values())


def test_open_cases_at_the_earlier_stichtag_close_later(clean) -> None:
    earlier = table_of(clean, WITTEN, "faelle", latest=False).rows
    later = {r["fall_id"]: r for r in table_of(clean, WITTEN, "faelle").rows}
    assert {r["fall_id"] for r in earlier} <= set(later)
    assert any(
        r["status"] != "abgeschlossen" and later[r["fall_id"]]["status"] == "abgeschlossen"
        for r in earlier
    )


def test_volumes_follow_the_posts(clean) -> None:
    per_post = {
        ags: len(table_of(clean, ags, "faelle").rows) / t.case_management_posts
        for ags, t in TOWNS.items()
    }
    mean = sum(per_post.values()) / len(per_post)
    assert all(0.6 * mean < v < 1.4 * mean for v in per_post.values()), per_post
    witten, breckerfeld = (len(table_of(clean, a, "faelle").rows) for a in (WITTEN, BRECKERFELD))
    assert witten > 3 * breckerfeld
    assert 1500 < case_count(clean) < 2800  # about 45-60 cases per filled post and year


def test_realistic_mix(clean) -> None:
    cases = [r for ags in TOWNS for r in table_of(clean, ags, "faelle").rows]
    contacts = [r for ags in TOWNS for r in table_of(clean, ags, "kontakte").rows]
    status = Counter(r["status"] for r in cases)
    assert status["ruhend"] > 0 and status["aktiv"] > 0
    reasons = Counter(r["abschlussgrund"] for r in cases if r["abschlussgrund"])
    assert 0.01 < reasons["wegzug"] / sum(reasons.values()) < 0.1
    nationalities = Counter(r["staatsangehoerigkeit"] for r in cases)
    assert {"UKR", "SYR", "AFG", "TUR", "ROU"} <= set(nationalities)
    persons = Counter(r["person_id"] for r in cases)
    assert 0.03 < sum(n > 1 for n in persons.values()) / len(persons) < 0.15
    assert 5 < len(contacts) / len(cases) < 15
    assert 0.2 < sum(r["dolmetscher"] for r in contacts) / len(contacts) < 0.4
    assert all(15 <= r["dauer_minuten"] <= 120 for r in contacts)


def test_staffing_plan(clean) -> None:
    rows = clean[kreis_ags(), DEFAULT_UNTIL, "stellen"].rows
    by_key: dict[tuple, list] = {}
    for r in rows:
        by_key.setdefault((r["baustein"], r["ags"], r["funktion"]), []).append(r)
    for periods in by_key.values():
        periods.sort(key=lambda r: r["gueltig_ab"])
        for before, after in itertools.pairwise(periods):
            assert before["gueltig_bis"] is not None and before["gueltig_bis"] < after["gueltig_ab"]
    current = [r for r in rows if r["gueltig_bis"] is None]
    soll = Counter()
    for r in current:
        soll[r["baustein"]] += r["vzae_soll"]
    assert soll == pytest.approx({"1": 4.0, "2": 7.0, "3": 1.5})
    assert any(r["vzae_ist"] == 0 and r["gueltig_ab"].year == 2023 for r in rows)  # a vacancy


def test_goals_use_known_indicators(clean) -> None:
    rows = clean[kreis_ags(), DEFAULT_UNTIL, "ziele"].rows
    assert {r["jahr"] for r in rows} == {DEFAULT_UNTIL.year - 1, DEFAULT_UNTIL.year}
    assert all(r["indikator"] in indicator_ids() for r in rows)
    assert {r["ags"] for r in rows} > {kreis_ags()}


def test_procedures_per_authority(clean) -> None:
    kreis = clean[kreis_ags(), DEFAULT_UNTIL, "verfahren"].rows
    witten = clean[WITTEN, DEFAULT_UNTIL, "verfahren"].rows
    assert {r["ags"] for r in witten} == {WITTEN}
    assert WITTEN not in {r["ags"] for r in kreis}
    years = DEFAULT_UNTIL.year - 2021 + 0.8
    assert 80 < len(kreis) / years < 160 and 30 < len(witten) / years < 70
    assert {r["verfahrensart"] for r in kreis} == {
        "bleiberecht_25a",
        "bleiberecht_25b",
        "chancen_104c",
        "einbuergerung",
    }
    # The Chancen-Aufenthaltsrecht could be applied for from 31.12.2022 to 31.12.2025 only.
    chancen = [r for r in kreis + witten if r["verfahrensart"] == "chancen_104c"]
    assert {(r["anstoss"] or r["antrag"]).year for r in chancen} <= {2023, 2024, 2025}


# --- errors and scale -----------------------------------------------------------------------


def test_default_exports_carry_a_few_row_errors(default_dir: Path) -> None:
    data = read_exports(default_dir)
    defects = Counter()
    rows = Counter()
    for (ags, stichtag, table), snap in data.items():
        broken = 0
        if table in ("kontakte", "vermittlungen"):
            cases = {r["fall_id"] for r in data[ags, stichtag, "faelle"].rows}
            broken = sum(r["fall_id"] not in cases for r in snap.rows)
        defects[ags] += snap.defects + broken
        rows[ags] += len(snap.rows) + snap.defects
    with_defects = {ags for ags, n in defects.items() if n}
    assert len(with_defects) == 2
    for ags in with_defects:
        assert 0.001 < defects[ags] / rows[ags] < 0.02


def test_scale_multiplies_the_volume(clean, tmp_path: Path) -> None:
    generate(tmp_path, scale=2, history=1, errors=False)
    doubled = read_exports(tmp_path)
    assert 1.7 < case_count(doubled) / case_count(clean) < 2.3


def test_invalid_arguments_are_refused(tmp_path: Path) -> None:
    for arguments in ({"history": 0}, {"scale": 0}, {"until": date(2021, 3, 31)}):
        with pytest.raises(UserError, match=r"frühestens am 31\.07\.2021"):
            generate(tmp_path, **arguments)
    assert not list(tmp_path.iterdir())
