"""Test support: write export tables in any dialect the format allows (CSV or XLSX)."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from warehouse.schema import TABLES, Kind

Row = dict[str, object]

HEADER_STYLES = ("plain", "upper", "spaced", "umlaut")
BOOL_SPELLINGS = (("1", "0"), ("ja", "nein"), ("J", "N"), ("true", "FALSE"), ("x", ""))
NULL_SPELLINGS = ("", "NULL", "-", "k.A.")


@dataclass(frozen=True)
class Dialect:
    """One way of spelling a CSV export (export format §3)."""

    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str = ";"
    newline: str = "\r\n"
    iso_dates: bool = False
    iso_months: bool = False
    decimal_comma: bool = True
    bools: tuple[str, str] = ("1", "0")
    null: str = ""
    header_style: str = "plain"
    column_seed: int | None = None  # shuffle column order when set
    quote_all: bool = False


def header_name(name: str, style: str) -> str:
    """A header spelling that must match `name`."""
    if style == "upper":
        return name.upper()
    if style == "spaced":
        return f"  {name.title()} "
    if style == "umlaut":
        return name.replace("oe", "ö").replace("ae", "ä").replace("ue", "ü").replace("ss", "ß")
    return name


def cell_text(kind: Kind, value: object, dialect: Dialect) -> str:
    """A value spelled as text in a dialect."""
    if value is None:
        return dialect.null if kind != Kind.BOOL else ""
    if kind == Kind.BOOL:
        return dialect.bools[0] if value else dialect.bools[1]
    if kind == Kind.DATE:
        return value.isoformat() if dialect.iso_dates else value.strftime("%d.%m.%Y")
    if kind == Kind.MONTH:
        return value.strftime("%Y-%m") if dialect.iso_months else value.strftime("%m.%Y")
    if kind == Kind.DECIMAL:
        text = format(Decimal(str(value)), "f")
        return text.replace(".", ",") if dialect.decimal_comma else text
    return str(value)


def columns_for(table: str, rows: list[Row], dialect: Dialect) -> list[str]:
    """Columns to write: required ones plus optional ones used by any row, maybe shuffled."""
    spec = TABLES[table]
    used = [
        c.name for c in spec.columns if c.required or any(r.get(c.name) is not None for r in rows)
    ]
    if dialect.column_seed is not None:
        random.Random(dialect.column_seed).shuffle(used)
    return used


def csv_bytes(table: str, rows: list[Row], dialect: Dialect = Dialect()) -> bytes:
    """A table as CSV bytes in the given dialect."""
    spec = TABLES[table]
    columns = columns_for(table, rows, dialect)
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if dialect.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(
        buffer, delimiter=dialect.delimiter, lineterminator=dialect.newline, quoting=quoting
    )
    writer.writerow([header_name(c, dialect.header_style) for c in columns])
    for row in rows:
        writer.writerow([cell_text(spec.column(c).kind, row.get(c), dialect) for c in columns])
    return buffer.getvalue().encode(dialect.encoding)


def write_csv(
    folder: Path,
    ags: str,
    stichtag: date,
    table: str,
    rows: list[Row],
    dialect: Dialect = Dialect(),
) -> Path:
    """Write `<AGS>_<STICHTAG>_<table>.csv`."""
    path = folder / f"{ags}_{stichtag.isoformat()}_{table}.csv"
    path.write_bytes(csv_bytes(table, rows, dialect))
    return path


def write_workbook(folder: Path, ags: str, stichtag: date, tables: dict[str, list[Row]]) -> Path:
    """Write `<AGS>_<STICHTAG>.xlsx` with typed cells (dates, numbers, booleans)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table, rows in tables.items():
        sheet = book.create_sheet(table.title())
        spec = TABLES[table]
        columns = columns_for(table, rows, Dialect())
        sheet.append(columns)
        for row in rows:
            sheet.append([_excel_value(spec.column(c).kind, row.get(c)) for c in columns])
    path = folder / f"{ags}_{stichtag.isoformat()}.xlsx"
    book.save(path)
    return path


def _excel_value(kind: Kind, value: object) -> object:
    """A typed Excel cell value."""
    if value is None:
        return None
    if kind in (Kind.DATE, Kind.MONTH):
        return datetime(value.year, value.month, value.day)
    if kind == Kind.DECIMAL:
        return float(value)
    if kind in (Kind.INTEGER, Kind.YEAR):
        return int(value)
    return value


def town_snapshot(
    ags: str, cases: list[str], stichtag: date, *, start: date = date(2024, 1, 15)
) -> dict[str, list[Row]]:
    """A small valid snapshot of a town's four tables for the given case ids."""
    faelle = [
        {
            "fall_id": case,
            "person_id": f"P{case}",
            "ags": ags,
            "fallbeginn": start,
            "status": "aktiv",
            "geschlecht": "w",
        }
        for case in cases
    ]
    handlungsfelder = [
        {"fall_id": case, "handlungsfeld": "arbeit", "zielstatus": "offen"} for case in cases
    ]
    kontakte = [
        {"kontakt_id": f"K{case}", "fall_id": case, "datum": stichtag, "art": "persoenlich"}
        for case in cases
    ]
    return {
        "faelle": faelle,
        "handlungsfelder": handlungsfelder,
        "kontakte": kontakte,
        "vermittlungen": [],
    }


def write_town(
    folder: Path,
    ags: str,
    stichtag: date,
    tables: dict[str, list[Row]],
    dialect: Dialect = Dialect(),
) -> list[Path]:
    """Write each table of a town snapshot as its own CSV."""
    return [write_csv(folder, ags, stichtag, t, rows, dialect) for t, rows in tables.items()]
