"""Import profiles: declarative mappings from a foreign file layout to the export tables.

A profile (TOML, docs/import-profiles.md) says which files it reads (a pattern on the file
name, giving the delivering source and the Stichtag), where the table is (sheet, header row),
which source column fills which column of which table, how source values map to codes and how
dates are spelled. One source row may fill several tables (one Excel row per case with a
column per topic). The mapped rows then go through the loader's checks like any delivery.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from python_calamine import CalamineWorkbook

from warehouse import profile
from warehouse.dialect import (
    FileRefused,
    cell_text,
    decode,
    normalise_name,
    parse_header,
)
from warehouse.errors import UserError
from warehouse.files import InputName, parse_stichtag
from warehouse.schema import TABLES, Kind
from warehouse.settings import load_settings

# Keys of a profile that are settings, not tables.
SETTINGS = ("name", "beschreibung", "datei", "quelle", "blatt", "kopfzeile", "datumsformate")
EXTENSION = "import"


class ImportProfileError(UserError):
    """An import profile that cannot be read or does not fit the export tables."""


@dataclass(frozen=True)
class Cell:
    """Where a target cell comes from: a source column (normalised) or a constant."""

    column: str | None = None
    constant: str | None = None
    heading: str | None = None  # the source column as the profile spells it


@dataclass(frozen=True)
class Rule:
    """Rows of one table from each source row (only where the `when` column is set)."""

    table: str
    cells: tuple[tuple[str, Cell], ...]
    when: str | None = None


@dataclass(frozen=True)
class ImportProfile:
    """One import profile as read from its file."""

    key: str
    path: Path
    name: str
    pattern: re.Pattern[str]
    source: str | None
    sheet: str | None
    header_row: int
    date_formats: tuple[str, ...]
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    rules: tuple[Rule, ...]

    def source_columns(self, table: str) -> dict[str, str]:
        """The source column each column of a table is read from, where every rule of the
        table reads the same one (messages name it beside the table's column)."""
        found: dict[str, set[str | None]] = {}
        for rule in self.rules:
            if rule.table == table:
                for column, cell in rule.cells:
                    found.setdefault(column, set()).add(cell.heading)
        return {c: s.pop() for c, s in found.items() if len(s) == 1 and None not in s}

    @property
    def tables(self) -> tuple[str, ...]:
        """The export tables this profile fills, in export order."""
        made = {r.table for r in self.rules}
        return tuple(t for t in TABLES if t in made)

    def value_map(self, column: str) -> dict[str, str]:
        """Source value (lower case, trimmed) → code for one target column."""
        return dict(next((pairs for name, pairs in self.values if name == column), ()))


def folders() -> list[Path]:
    """Where import profiles are looked for: the Kreis profile's `importe/`, then
    `KIM_HOME/importe/` (a Kreis's own, next to its data)."""
    return [profile.current().folder / "importe", load_settings().home / "importe"]


def available() -> list[ImportProfile]:
    """Every import profile of the active Kreis profile and installation."""
    paths = sorted(p for folder in folders() if folder.is_dir() for p in folder.glob("*.toml"))
    return [read_profile(p) for p in paths]


def find(name: str) -> ImportProfile:
    """The import profile with this key (file name without `.toml`) or path."""
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        return read_profile(path)
    found = next((p for p in available() if p.key == name), None)
    if found is None:
        known = ", ".join(p.key for p in available()) or "keins"
        raise ImportProfileError(f"Importprofil „{name}“ nicht gefunden (vorhanden: {known}).")
    return found


def match(file_name: str, chosen: ImportProfile | None = None) -> tuple[InputName, str] | None:
    """What an import profile says of a file: its source, Stichtag and the profile's key."""
    for candidate in [chosen] if chosen else available():
        found = candidate.pattern.search(file_name)
        if found is None and chosen is None:
            continue
        groups = found.groupdict() if found else {}
        source = groups.get("quelle") or candidate.source
        stichtag = parse_stichtag(_iso(groups.get("stichtag") or ""))
        if stichtag is None and chosen is not None:
            stichtag = date.today()  # a dry run of a file named otherwise
        if source and stichtag:
            return InputName(source, stichtag, None, EXTENSION), str(candidate.path)
    return None


def _iso(text: str) -> str:
    """`30.06.2025` → `2025-06-30`; other spellings unchanged."""
    parts = text.split(".")
    return f"{parts[2]}-{parts[1]}-{parts[0]}" if len(parts) == 3 else text


def read_profile(path: Path) -> ImportProfile:
    """Read and check one import profile file (read again only once it changed)."""
    try:
        stat = path.stat()
    except OSError as err:
        raise ImportProfileError(f"Importprofil {path} ist nicht lesbar ({err.strerror}).") from err
    return _read_profile(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_profile(path: Path, mtime_ns: int, size: int) -> ImportProfile:
    """`read_profile` for one version of the file (its modification time and size)."""
    where = f"Importprofil {path}"
    try:
        with path.open("rb") as handle:
            spec = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ImportProfileError(f"{where} ist nicht lesbar: {err}") from err
    except OSError as err:
        raise ImportProfileError(f"{where} ist nicht lesbar ({err.strerror}).") from err
    try:
        pattern = re.compile(str(spec["datei"]), re.IGNORECASE)
    except KeyError as err:
        raise ImportProfileError(
            f"{where}: Angabe „datei“ (Muster des Dateinamens) fehlt."
        ) from err
    except re.error as err:
        raise ImportProfileError(f"{where}: Muster „datei“ ist ungültig ({err}).") from err
    if "quelle" not in pattern.groupindex and "quelle" not in spec:
        raise ImportProfileError(
            f"{where}: die liefernde Quelle fehlt (Angabe „quelle“ oder Gruppe "
            "(?P<quelle>…) im Muster)."
        )
    unknown = [k for k in spec if k not in SETTINGS and k not in TABLES and k != "werte"]
    if unknown:
        raise ImportProfileError(
            f"{where}: unbekannte Angabe „{unknown[0]}“ (erlaubt: {', '.join(SETTINGS)}, "
            f"werte und die Tabellen {', '.join(TABLES)})."
        )
    rules = tuple(_rule(where, table, raw) for table in TABLES for raw in _as_list(spec.get(table)))
    if not rules:
        raise ImportProfileError(f"{where}: keine Tabelle zugeordnet (z. B. [faelle]).")
    values = tuple(
        (str(column), tuple((str(k).strip().lower(), str(v)) for k, v in pairs.items()))
        for column, pairs in dict(spec.get("werte", {})).items()
    )
    return ImportProfile(
        key=path.stem,
        path=path,
        name=str(spec.get("name", path.stem)),
        pattern=pattern,
        source=str(spec["quelle"]) if "quelle" in spec else None,
        sheet=str(spec["blatt"]) if "blatt" in spec else None,
        header_row=int(spec.get("kopfzeile", 1)),
        date_formats=tuple(str(f) for f in spec.get("datumsformate", ())),
        values=values,
        rules=rules,
    )


def _as_list(raw: object) -> list[dict]:
    """A table's rules: one `[table]` or several `[[table]]`."""
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]  # type: ignore[arg-type]


def _rule(where: str, table: str, raw: dict) -> Rule:
    """One rule of a table; every required column of the table must be filled."""
    spec = TABLES[table]
    cells = []
    for column, source in raw.items():
        if column == "wenn":
            continue
        if column not in spec.column_names:
            raise ImportProfileError(
                f"{where}: Tabelle {table} hat keine Spalte „{column}“ "
                f"(Spalten: {', '.join(spec.column_names)})."
            )
        if isinstance(source, dict) and "wert" in source:
            cells.append((column, Cell(constant=str(source["wert"]))))
        elif isinstance(source, str):
            cells.append((column, Cell(column=normalise_name(source), heading=source)))
        else:
            raise ImportProfileError(
                f'{where}: {table}.{column} braucht einen Spaltennamen oder {{ wert = "…" }}.'
            )
    missing = [c for c in spec.required if c not in dict(cells)]
    if missing:
        raise ImportProfileError(
            f"{where}: Tabelle {table} ohne Pflichtspalte {', '.join(missing)}."
        )
    when = raw.get("wenn")
    return Rule(table, tuple(cells), normalise_name(str(when)) if when else None)


# -- reading a file through a profile ----------------------------------------------------------


@dataclass(frozen=True)
class SourceRows:
    """A foreign file's header (normalised) and its data rows with their line numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    format: str


def source_rows(path: Path, chosen: ImportProfile) -> SourceRows:
    """Read the foreign file the profile describes (CSV or a workbook sheet)."""
    if path.suffix.lower() == ".xlsx":
        return _sheet(path, chosen)
    decoded = decode(path.read_bytes())
    lines = decoded.text.split("\n")
    skipped = chosen.header_row - 1
    text = "\n".join(lines[skipped:])
    delimiter, _ = parse_header(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header = tuple(normalise_name(h) for h in next(reader))
    rows = []
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if record and any(v.strip() for v in record):
            rows.append((line + skipped, tuple(record)))
    fmt = f"CSV, {decoded.encoding}, Trennzeichen „{delimiter}“, Importprofil „{chosen.name}“"
    return SourceRows(header, tuple(rows), fmt)


def _sheet(path: Path, chosen: ImportProfile) -> SourceRows:
    """A workbook sheet from the profile's header row on, with Excel row numbers."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        sheet = chosen.sheet or names[0]
        found = next((n for n in names if normalise_name(n) == normalise_name(sheet)), None)
        if found is None:
            raise FileRefused(f"Tabellenblatt „{sheet}“ fehlt in der Arbeitsmappe")
        cells = book.get_sheet_by_name(found).to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except Exception as err:
        raise FileRefused(f"Arbeitsmappe nicht lesbar ({type(err).__name__})") from err
    if len(cells) < chosen.header_row:
        raise FileRefused(
            f"Tabellenblatt „{found}“ hat keine Kopfzeile in Zeile {chosen.header_row}"
        )
    header = tuple(normalise_name(str(v)) for v in cells[chosen.header_row - 1])
    rows = tuple(
        (number, tuple(row))
        for number, row in enumerate(cells[chosen.header_row :], start=chosen.header_row + 1)
        if any(v != "" and v is not None for v in row)
    )
    return SourceRows(header, rows, f"XLSX, Blatt „{found}“, Importprofil „{chosen.name}“")


def mapped(
    rows: SourceRows, chosen: ImportProfile, table: str
) -> tuple[list[str], list[int], list[list[str]], list[str]]:
    """One table's rows from the source rows: its columns, line numbers, cells by column and
    the source columns no rule reads."""
    spec = TABLES[table]
    rules = [r for r in chosen.rules if r.table == table]
    columns = [c for c in spec.column_names if any(c in dict(r.cells) for r in rules)]
    index = {name: i for i, name in enumerate(rows.header)}
    wanted = {cell.column for r in chosen.rules for _, cell in r.cells if cell.column}
    wanted |= {r.when for r in chosen.rules if r.when}
    absent = sorted(c for c in wanted if c not in index)
    if absent:
        names = ", ".join(f"„{c}“" for c in absent)
        raise FileRefused(f"Spalte {names} fehlt, die das Importprofil „{chosen.name}“ liest")
    lines: list[int] = []
    cells: list[list[str]] = [[] for _ in columns]
    for line, row in rows.rows:
        for rule in rules:
            if rule.when and not _is_set(cell_text(_at(row, index[rule.when]))):
                continue
            lines.append(line)
            given = dict(rule.cells)
            for target, column in zip(cells, columns, strict=True):
                target.append(
                    _value(chosen, spec.column(column).kind, column, given.get(column), row, index)
                )
    unread = [h for h in rows.header if h and h not in wanted]
    return columns, lines, cells, unread


def _at(row: tuple[object, ...], position: int) -> object:
    """A cell of a row (ragged rows are padded with empty cells)."""
    return row[position] if position < len(row) else ""


def _is_set(text: str) -> bool:
    """A `wenn` column counts as set when it is not empty, `0`, `nein` or `false`."""
    return text.strip().lower() not in ("", "0", "nein", "n", "false", "falsch", "-")


def _value(
    chosen: ImportProfile,
    kind: Kind,
    column: str,
    cell: Cell | None,
    row: tuple[object, ...],
    index: dict[str, int],
) -> str:
    """A target cell's text: constant or source cell, value-mapped and dates made ISO."""
    if cell is None:
        return ""
    raw = cell.constant if cell.constant is not None else _at(row, index[cell.column or ""])
    text = cell_text(raw, kind)
    codes = chosen.value_map(column)
    if codes:
        text = codes.get(text.strip().lower(), text)
    if kind in (Kind.DATE, Kind.MONTH) and chosen.date_formats:
        return _date_text(text.strip(), chosen.date_formats)
    return text


def _date_text(text: str, formats: tuple[str, ...]) -> str:
    """A date in one of the profile's spellings as JJJJ-MM-TT; otherwise as given (the
    loader's check then names it)."""
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        # digits only: strptime would read `202413` as 2024-01-03 with `%Y%m%d`
        if text.isdigit() and parsed.strftime(fmt) != text:
            continue
        return parsed.date().isoformat()
    return text
