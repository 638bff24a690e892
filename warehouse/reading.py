"""Read one table of an input file into a DuckDB temp table of text cells with line numbers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook

from warehouse import imports
from warehouse.dialect import (
    PERSONAL_TEXT,
    FileRefused,
    cell_text,
    decode,
    identifier_columns,
    normalise_name,
    parse_header,
)
from warehouse.files import parse_name
from warehouse.schema import TABLES, Kind, Table

MAX_ZIP_BYTES = 4 * 1024**3
STRUCTURE = "_struktur"
_BLANK_ROW = re.compile(r'\n[ \t;,"]*\r?\n')


@dataclass(frozen=True)
class Part:
    """One table inside a delivered file: a CSV, a workbook sheet or a zip member."""

    path: Path
    table: str
    member: str | None = None  # sheet name (xlsx) or member name (zip)
    mapping: str | None = None  # the import profile (file) that reads a foreign layout

    @property
    def kind(self) -> str:
        """Container kind: csv, xlsx or zip."""
        return self.path.suffix.lower().lstrip(".")

    @property
    def display(self) -> str:
        """How the part is named in messages."""
        if self.member is None:
            return self.path.name
        return f"{self.path.name}/{self.member}" if self.kind == "zip" else self.path.name


@dataclass
class RawTable:
    """A part read into DuckDB: temp table `name` with `_zeile`, `_struktur` and text columns."""

    name: str
    columns: list[str]
    unknown_columns: list[str]
    format: str
    backing: str | None = None  # the table behind `name` when `name` is a view
    # a file read through an import profile: the source column behind a table column
    sources: dict[str, str] = field(default_factory=dict)

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        """Remove the temp objects."""
        if self.backing:
            con.execute(f"DROP VIEW {self.name}; DROP TABLE {self.backing}")
        else:
            con.execute(f"DROP TABLE {self.name}")


@dataclass(frozen=True)
class Container:
    """What a delivered file holds: its table parts and any unrecognised sheets or members."""

    path: Path
    parts: list[Part]
    unknown_members: list[str]


def open_container(path: Path) -> Container:
    """List the table parts of a CSV, workbook or zip; refuse unreadable containers."""
    name = parse_name(path.name)
    assert name is not None
    if name.ext == "csv":
        return Container(path, [Part(path, name.table or "")], [])
    if name.ext == "xlsx":
        return _workbook_container(path, name.table)
    return _zip_container(path, name.ags, name.stichtag)


def import_container(path: Path, mapping: str) -> Container:
    """A foreign file an import profile reads: one part per table the profile fills."""
    chosen = imports.read_profile(Path(mapping))
    return Container(path, [Part(path, t, None, mapping) for t in chosen.tables], [])


def _workbook_container(path: Path, single_table: str | None) -> Container:
    """Sheets of a workbook: by sheet name, or the single table the file name gives."""
    try:
        sheets = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception as err:
        raise FileRefused(f"Arbeitsmappe nicht lesbar ({type(err).__name__})") from err
    if single_table is not None:
        chosen = next((s for s in sheets if normalise_name(s) == single_table), sheets[0])
        others = [s for s in sheets if s != chosen]
        return Container(path, [Part(path, single_table, chosen)], others)
    parts, unknown = [], []
    for sheet in sheets:
        table = normalise_name(sheet)
        if table in TABLES:
            parts.append(Part(path, table, sheet))
        else:
            unknown.append(sheet)
    if not parts:
        raise FileRefused(
            "Arbeitsmappe enthält kein Tabellenblatt mit einem bekannten Tabellennamen"
        )
    return Container(path, parts, unknown)


def _zip_container(path: Path, ags: str, stichtag: date) -> Container:
    """CSV members of a zip, named `<table>.csv` or `<AGS>_<STICHTAG>_<table>.csv`."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as err:
        raise FileRefused("ZIP-Datei ist beschädigt oder keine ZIP-Datei") from err
    if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
        raise FileRefused("ZIP-Datei ist entpackt größer als 4 GB")
    parts, unknown = [], []
    for info in infos:
        base = info.filename.rsplit("/", 1)[-1]
        table = _zip_member_table(base, ags, stichtag)
        if table is None:
            unknown.append(info.filename)
        else:
            parts.append(Part(path, table, info.filename))
    if not parts:
        raise FileRefused("ZIP-Datei enthält keine CSV-Datei mit einem bekannten Tabellennamen")
    return Container(path, parts, unknown)


def _zip_member_table(base: str, ags: str, stichtag: date) -> str | None:
    """Table of a zip member, or None when it is not a CSV of this source and Stichtag."""
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() != "csv":
        return None
    if normalise_name(stem) in TABLES:
        return normalise_name(stem)
    inner = parse_name(base)
    if inner and inner.ags == ags and inner.stichtag == stichtag and inner.table:
        return inner.table
    return None


def read_headers(part: Part) -> list[str]:
    """Normalised header names of a part (used for the identifier check before any reading)."""
    if part.mapping:
        return list(_source_rows(part).header)
    if part.kind == "xlsx":
        header, _ = _sheet_rows(part)
        return header
    _, fields = parse_header(decode(_first_line(part)).text)
    return [normalise_name(f) for f in fields]


def _first_line(part: Part) -> bytes:
    """The header line's bytes of a CSV file or zip member, without reading the rest."""
    if part.kind == "zip":
        with zipfile.ZipFile(part.path) as archive, archive.open(part.member or "") as handle:
            return handle.readline()
    with open(part.path, "rb") as handle:
        return handle.readline()


def check_identifiers(container: Container) -> None:
    """Refuse the whole file if any sheet or member has a direct-identifier column.

    Unknown sheets and members are checked too: they would be archived with the file.
    The message names the column only, never a value.
    """
    headers = [read_headers(part) for part in container.parts]
    for member in container.unknown_members:
        try:
            headers.append(read_headers(Part(container.path, "", member)))
        except (FileRefused, UnicodeError, KeyError, ValueError, zipfile.BadZipFile):
            continue  # not a table at all: nothing that could be a column
    found = [column for header in headers for column in identifier_columns(header)]
    if found:
        columns = ", ".join(f"„{c}“" for c in dict.fromkeys(found))
        raise FileRefused(
            f"Spalte {columns} ist ein direktes Identifikationsmerkmal; "
            "die Datei wird abgelehnt und nicht gespeichert"
        )


def check_free_text(container: Container, tmp_dir: Path) -> None:
    """Refuse the whole file when a free-text column (the title of a structural issue …)
    shows signs of personal data: like an identifier column, nothing of it is stored.

    The message names line and column only, never the value.
    """
    for part in container.parts:
        texts = [c.name for c in TABLES[part.table].columns if c.kind == Kind.TEXT]
        if not texts:
            continue
        con = duckdb.connect()
        try:
            raw = read_part(con, part, "freitext", tmp_dir)
            for column in (c for c in texts if c in raw.columns):
                (line,) = con.execute(
                    f'SELECT min(_zeile) FROM freitext WHERE regexp_matches("{column}", ?)',
                    [PERSONAL_TEXT],
                ).fetchone()
                if line is not None:
                    raise FileRefused(
                        f"Zeile {line}, Spalte {column}: Freitext mit Anzeichen "
                        "personenbezogener Daten (E-Mail, Telefonnummer, IBAN, Geburtsdatum); "
                        "die Datei wird abgelehnt und nicht gespeichert"
                    )
        finally:
            con.close()


def read_part(con: duckdb.DuckDBPyConnection, part: Part, target: str, tmp_dir: Path) -> RawTable:
    """Read a part into temp table `target`; refuse it when it is not a usable table."""
    table = TABLES[part.table]
    if part.mapping:
        return _read_mapped(con, part, target, tmp_dir)
    if part.kind == "xlsx":
        return _read_sheet(con, part, table, target, tmp_dir)
    return _read_csv(con, part, table, target, tmp_dir)


def _csv_bytes(part: Part) -> bytes:
    """Raw bytes of a CSV file or zip member."""
    if part.kind == "zip":
        with zipfile.ZipFile(part.path) as archive:
            return archive.read(part.member or "")
    return part.path.read_bytes()


def _map_columns(table: Table, header: list[str]) -> tuple[list[str], list[str]]:
    """Column names for reading (known names or placeholders) and the unknown header names."""
    seen: set[str] = set()
    names, unknown = [], []
    for index, name in enumerate(header):
        if name in seen and name in table.column_names:
            raise FileRefused(f"Spalte „{name}“ kommt in der Kopfzeile mehrfach vor")
        seen.add(name)
        if name in table.column_names:
            names.append(name)
        else:
            names.append(f"_unbekannt_{index}")
            unknown.append(name or f"(Spalte {index + 1} ohne Namen)")
    missing = [c for c in table.required if c not in names]
    if missing:
        columns = ", ".join(f"„{c}“" for c in missing)
        raise FileRefused(f"Pflichtspalte fehlt: {columns} (Tabelle {table.name})")
    return names, unknown


def _read_csv(
    con: duckdb.DuckDBPyConnection, part: Part, table: Table, target: str, tmp_dir: Path
) -> RawTable:
    """CSV: DuckDB's reader on the fast path, Python's csv module when the file is irregular."""
    data = _csv_bytes(part)
    decoded = decode(data)
    delimiter, fields = parse_header(decoded.text)
    if len(fields) == 1 and "\t" in fields[0]:
        raise FileRefused(
            "Die Spalten sind durch Tabulatoren getrennt; erlaubt sind ; und , als Trennzeichen"
        )
    header = [normalise_name(f) for f in fields]
    names, unknown = _map_columns(table, header)
    fmt = f"CSV, {decoded.encoding}, Trennzeichen „{delimiter}“"
    known = [n for n in names if not n.startswith("_unbekannt_")]
    body = decoded.text.rstrip("\r\n\t ")
    content_rows = body.count("\n")
    has_blank_rows = _BLANK_ROW.search(body) is not None
    if decoded.is_utf8 and part.kind == "csv":
        source = part.path
    else:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        source = tmp_dir / f"{target}.csv"
        source.write_text(body, encoding="utf-8")
    try:
        regular = _duckdb_csv(
            con, source, delimiter, names, known, target, content_rows, has_blank_rows
        )
    finally:
        if source != part.path:
            source.unlink(missing_ok=True)
    if not regular:
        _python_csv(con, decoded.text, delimiter, names, known, target, tmp_dir)
    return RawTable(target, known, unknown, fmt, f"{target}_csv" if regular else None)


def _duckdb_csv(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    delimiter: str,
    names: list[str],
    known: list[str],
    target: str,
    expected_rows: int,
    has_blank_rows: bool,
) -> bool:
    """Read with DuckDB; False when a line was rejected or lines and records differ."""
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    con.execute("DROP TABLE IF EXISTS kim_rejects; DROP TABLE IF EXISTS kim_reject_scans")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target}_csv AS
        SELECT * FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = true,
            auto_detect = false, columns = {columns}, null_padding = false,
            ignore_errors = true, store_rejects = true,
            rejects_table = 'kim_rejects', rejects_scan = 'kim_reject_scans')
        """,
        [str(source), delimiter],
    )
    (rejected,) = con.execute("SELECT count(*) FROM kim_rejects").fetchone()
    (rows,) = con.execute(f"SELECT count(*) FROM {target}_csv").fetchone()
    if rejected or rows != expected_rows:
        con.execute(f"DROP TABLE {target}_csv")
        return False
    select = "".join(f', "{n}"' for n in known)
    blank = " AND ".join(f"coalesce(trim(\"{n}\"), '') = ''" for n in names)
    where = f"WHERE NOT ({blank})" if has_blank_rows else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {target} AS
        SELECT CAST(rowid + 2 AS INTEGER) AS _zeile, CAST(NULL AS VARCHAR) AS {STRUCTURE}{select}
        FROM {target}_csv
        {where}
        """
    )
    return True


def _python_csv(
    con: duckdb.DuckDBPyConnection,
    text: str,
    delimiter: str,
    names: list[str],
    known: list[str],
    target: str,
    tmp_dir: Path,
) -> None:
    """Exact line numbers for irregular files (embedded line breaks, ragged rows, blank lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    positions = [names.index(n) for n in known]
    lines: list[int] = []
    structure: list[str | None] = []
    cells: list[list[str | None]] = [[] for _ in known]
    next(reader)
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not record or all(not v.strip() for v in record):
            continue
        problem = None
        if len(record) != len(names):
            problem = f"Zeile hat {len(record)} statt {len(names)} Felder"
        lines.append(line)
        structure.append(problem)
        for target_cells, position in zip(cells, positions, strict=True):
            target_cells.append(record[position] if problem is None else None)
    _register(con, target, lines, structure, known, cells, tmp_dir)


def _register(
    con: duckdb.DuckDBPyConnection,
    target: str,
    lines: list[int],
    structure: list[str | None],
    known: list[str],
    cells: list[list[str | None]],
    tmp_dir: Path,
) -> None:
    """Create temp table `target` from Python columns (via a canonical CSV: fast, no pandas)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    path = tmp_dir / f"{target}.rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_zeile", STRUCTURE, *known])
        writer.writerows(zip(lines, structure, *cells, strict=True))
    columns = ", ".join(
        ["'_zeile': 'INTEGER'", f"'{STRUCTURE}': 'VARCHAR'", *(f"'{n}': 'VARCHAR'" for n in known)]
    )
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {target} AS
            SELECT * FROM read_csv(?, delim = ',', quote = '"', escape = '"', header = true,
                auto_detect = false, columns = {{{columns}}})
            """,
            [str(path)],
        )
    finally:
        path.unlink(missing_ok=True)


def _sheet_rows(part: Part) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """Normalised header and (Excel row number, cells) of the data rows of a sheet."""
    stat = part.path.stat()
    return _parsed_sheet(str(part.path), part.member or "", stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parsed_sheet(
    path: str, sheet: str, mtime_ns: int, size: int
) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """Parse a sheet once per load (the identifier check and the reading both need it)."""
    try:
        rows = (
            CalamineWorkbook.from_path(path)
            .get_sheet_by_name(sheet)
            .to_python(skip_empty_area=False)
        )
    except Exception as err:
        raise FileRefused(f"Tabellenblatt „{sheet}“ nicht lesbar") from err
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(v != "" for v in r)]
    if not numbered:
        raise FileRefused(f"Tabellenblatt „{sheet}“ ist leer")
    header = [normalise_name(cell_text(v)) for v in numbered[0][1]]
    return header, numbered[1:]


def clear_caches() -> None:
    """Forget parsed workbooks and foreign files (called at the end of a load)."""
    _parsed_sheet.cache_clear()
    _parsed_source.cache_clear()


def _source_rows(part: Part) -> imports.SourceRows:
    """A foreign file's rows, read once per load."""
    stat = part.path.stat()
    return _parsed_source(str(part.path), part.mapping or "", stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parsed_source(path: str, mapping: str, mtime_ns: int, size: int) -> imports.SourceRows:
    """Parse a foreign file once per load (identifier check and every table read it)."""
    return imports.source_rows(Path(path), imports.read_profile(Path(mapping)))


def _read_mapped(
    con: duckdb.DuckDBPyConnection, part: Part, target: str, tmp_dir: Path
) -> RawTable:
    """A foreign file through its import profile: the table's rows with the source's lines."""
    chosen = imports.read_profile(Path(part.mapping or ""))
    rows = _source_rows(part)
    columns, lines, cells, unread = imports.mapped(rows, chosen, part.table)
    _register(con, target, lines, [None] * len(lines), columns, cells, tmp_dir)
    # source columns no rule reads are listed once, with the file's first table
    listed = unread if part.table == chosen.tables[0] else []
    return RawTable(target, columns, listed, rows.format, sources=chosen.source_columns(part.table))


def _read_sheet(
    con: duckdb.DuckDBPyConnection, part: Part, table: Table, target: str, tmp_dir: Path
) -> RawTable:
    """XLSX sheet: typed cells (dates, numbers, booleans) as the text the checks expect."""
    header, rows = _sheet_rows(part)
    names, unknown = _map_columns(table, header)
    known = [n for n in names if not n.startswith("_unbekannt_")]
    positions = [names.index(n) for n in known]
    kinds = [table.column(n).kind for n in known]
    cells: list[list[str | None]] = [[] for _ in known]
    for column, position, kind in zip(cells, positions, kinds, strict=True):
        column.extend(
            value if type(value) is str else cell_text(value, kind)
            for value in (v[position] if position < len(v) else "" for _, v in rows)
        )
    lines = [number for number, _ in rows]
    _register(con, target, lines, [None] * len(lines), known, cells, tmp_dir)
    return RawTable(target, known, unknown, f"XLSX, Blatt „{part.member}“")
