"""Deterministic synthetic case exports for the Ennepe-Ruhr-Kreis (`kim generate`).

The generator first simulates each source's full history up to `until` (a "world":
staffing, cases, topics, contacts, referrals, procedures) and then writes one full
snapshot per Stichtag by projecting that world onto the Stichtag: nothing dated
after it is shown, cases closing later are still open, referral results and goal
outcomes not yet known are `offen`. Every source has its own random generators,
seeded from f"{seed}-{ags}-{table}", so one town's data never depends on another's.

Staffing drives the case volume: the posts are filled one after another during 2021
(programme start February 2021), Ennepetal's post is vacant from April to September
2023 and Witten has only 1,0 of its 1,75 posts filled from March to September 2024.

Each source spells its files differently, so that sample data exercises every
loader path of the export format (§3). The mapping is fixed (`sample.dialects`: TOWN_DIALECTS,
AUTHORITY_DIALECTS, STELLEN_DIALECT, ZIELE_DIALECT):

- 05954004 Breckerfeld: one workbook `<AGS>_<STICHTAG>.xlsx`, a sheet per table, Excel
  date and number cells, booleans x/empty, Excel headers.
- 05954008 Ennepetal: CSV per table, UTF-8 with BOM, `;`, CRLF, JJJJ-MM-TT, months as
  full dates, ja/nein, columns in alphabetical order.
- 05954012 Gevelsberg: CSV per table, UTF-8, `,`, LF, JJJJ-MM-TT, JJJJ-MM, true/false,
  empty as `NULL`; row errors.
- 05954016 Hattingen: one ZIP `<AGS>_<STICHTAG>.zip` of four CSVs, UTF-8, `;`, LF,
  TT.MM.JJJJ, MM.JJJJ, 1/0.
- 05954020 Herdecke: CSV per table, Windows-1252, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ,
  booleans x/empty, Excel headers (`Fall_ID`, ` Status `, `Staatsangehörigkeit`).
- 05954024 Schwelm: CSV per table, Windows-1252, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ, J/N,
  empty as `k.A.`, an unknown column `bemerkung_intern` in faelle (with `;`, quotes,
  line breaks, `€` and `„“`).
- 05954028 Sprockhövel: CSV per table, UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ,
  1/0, Stichtag spelled YYYYMMDD; delivers two months late (LAGGING_TOWN).
- 05954032 Wetter (Ruhr): CSV per table, UTF-8, `,`, CRLF, TT.MM.JJJJ, JJJJ-MM, Ja/Nein,
  empty as `-`, without the optional column ziel_vereinbart_am.
- 05954036 Witten: CSV per table, UTF-8 with BOM, `;`, CRLF, JJJJ-MM-TT, JJJJ-MM, 1/0,
  Excel headers; row errors.
- Ausländerbehörde 05954 (verfahren): UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ.
- Ausländerbehörde Witten 05954036 (verfahren): Windows-1252, `;`, CRLF, TT.MM.JJJJ,
  Excel headers (`Anstoß`).
- Coordination office 05954: stellen in UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ, decimals
  `0,75`, Excel headers (`VZÄ_Soll`, `Gültig_ab`); ziele in UTF-8, `,`, LF, decimals `0.75`.

With `errors=True` about 0,3 % of the rows of Gevelsberg and Witten carry a typical
defect (impossible date such as 31.02., unknown code, contact of a non-existing case).
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from warehouse import profile
from warehouse.errors import UserError
from warehouse.schema import (
    TABLES,
    TOWN_TABLES,
    Kind,
    kreis_ags,
    town_codes,
    towns,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sample.calendar import DEFAULT_UNTIL, PROGRAMME_START, stichtage
from sample.cases import TownWorld, simulate_town
from sample.coordination import (
    simulate_procedures,
    stellen_rows,
    strukturthemen_rows,
    verfahren_rows,
    ziele_rows,
)
from sample.defects import with_errors
from sample.dialects import (
    PROVIDER_DIALECT,
    STELLEN_DIALECT,
    ZIELE_DIALECT,
    Dialect,
    authority_dialects,
    text_rows,
    town_dialect,
)
from sample.shapes import Day, Row
from sample.snapshots import TOWN_ROWS

# Towns by position (ordered by AGS), as Sprockhövel, Gevelsberg and Witten in Ennepe-Ruhr:
LAGGING_POSITION = 6  # its latest delivery is two months old
LAG_MONTHS = 2
ERROR_POSITIONS = (2, 8)  # about 0,3 % of the rows carry a defect (a kreisfreie Stadt's too)


def error_towns() -> tuple[str, ...]:
    """Towns whose deliveries carry row errors."""
    codes = town_codes()
    return codes if len(codes) == 1 else tuple(codes[i] for i in ERROR_POSITIONS if i < len(codes))


def lagging_town() -> str | None:
    """The town whose latest delivery is late."""
    codes = town_codes()
    return codes[LAGGING_POSITION] if len(codes) > LAGGING_POSITION else None


def export_time(stichtag: date) -> datetime:
    """The fixed time an export is stamped with: the Stichtag, 18:00."""
    return datetime.combine(stichtag, time(18, 0))


def write_csv(
    target: TextIO, header: list[str], rows: Iterable[list[str]], dialect: Dialect
) -> None:
    """Write header and rows with the dialect's delimiter and line ending."""
    writer = csv.writer(target, delimiter=dialect.delimiter, lineterminator=dialect.newline)
    writer.writerow(header)
    writer.writerows(rows)


def zip_entry(name: str, stamp: datetime) -> zipfile.ZipInfo:
    """A zip entry with a fixed time and attributes (reproducible archives)."""
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def write_zip(path: Path, members: dict[str, bytes], stamp: datetime) -> None:
    """A zip archive whose bytes depend only on its members and the stamp."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(zip_entry(name, stamp), data)


def cell_converter(kind: Kind, sheet: WriteOnlyWorksheet) -> Callable[[object], object]:
    """How a value of this kind becomes an Excel cell (real dates and numbers)."""
    if kind in (Kind.DATE, Kind.MONTH):
        number_format = "DD.MM.YYYY" if kind is Kind.DATE else "MM.YYYY"

        def date_cell(value: object) -> object:
            if value is None:
                return None
            cell = WriteOnlyCell(sheet, value=date.fromordinal(value))
            cell.number_format = number_format
            return cell

        return date_cell
    if kind is Kind.BOOL:
        return lambda v: "x" if v else None
    return lambda v: v


def write_xlsx(
    path: Path, tables: dict[str, Iterable[Row]], dialect: Dialect, stamp: datetime
) -> None:
    """One workbook, one sheet per table."""
    book = Workbook(write_only=True)
    for table, rows in tables.items():
        sheet = book.create_sheet(table.capitalize())
        spec = TABLES[table]
        convert = [cell_converter(c.kind, sheet) for c in spec.columns]
        sheet.append([dialect.label(n) for n in spec.column_names])
        for row in rows:
            sheet.append([f(v) for f, v in zip(convert, row, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        members = {name: saved.read(name) for name in saved.namelist()}
    stamp_text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()  # replaces openpyxl's "now"
    members["docProps/core.xml"] = re.sub(
        rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp_text, members["docProps/core.xml"]
    )
    write_zip(path, members, stamp)


@dataclass
class Writer:
    """Writes the snapshots of all sources into one folder."""

    out: Path
    seed: int
    errors: bool
    written: list[Path] = field(default_factory=list)

    def csv_text(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> tuple[list[str], Iterator[list[str]]]:
        """Header and rows of one table in the dialect, with row errors where configured."""
        header, fields = text_rows(table, rows, dialect)
        if self.errors and ags in error_towns() and table in TOWN_TABLES:
            rng = random.Random(f"{self.seed}-{ags}-{table}-{stichtag}-fehler")
            fields = with_errors(fields, table, dialect, rng, stichtag.year)
        return header, fields

    def csv_bytes(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> bytes:
        """One table as the bytes of a CSV file in the dialect."""
        text = io.StringIO(newline="")
        write_csv(text, *self.csv_text(ags, table, rows, dialect, stichtag), dialect)
        return text.getvalue().encode(dialect.encoding)

    def table_file(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> None:
        """`<AGS>_<STICHTAG>_<table>.csv`."""
        path = self.out / f"{ags}_{dialect.stichtag(stichtag)}_{table}.csv"
        path.write_bytes(self.csv_bytes(ags, table, rows, dialect, stichtag))
        self.written.append(path)

    def town(self, worlds: Sequence[TownWorld], dialect: Dialect, stichtag: date) -> None:
        """The four tables of a source in its container: a town, or a welfare provider with
        the cases of every town it serves."""
        day = stichtag.toordinal()
        tables = {t: _rows(t, worlds, day) for t in TOWN_TABLES}
        world = worlds[0]
        stem = f"{world.source}_{dialect.stichtag(stichtag)}"
        if dialect.container == "csv":
            for table, rows in tables.items():
                self.table_file(world.source, table, rows, dialect, stichtag)
            return
        path = self.out / f"{stem}.{dialect.container}"
        if dialect.container == "xlsx":
            write_xlsx(path, tables, dialect, export_time(stichtag))
        else:
            members = {
                f"{stem}_{table}.csv": self.csv_bytes(world.source, table, rows, dialect, stichtag)
                for table, rows in tables.items()
            }
            write_zip(path, members, export_time(stichtag))
        self.written.append(path)


def _rows(table: str, worlds: Sequence[TownWorld], day: Day) -> Iterator[Row]:
    """A town table's rows of several worlds as of a day, one world after the other."""
    for world in worlds:
        yield from TOWN_ROWS[table](world, day)


def generate(
    out: Path,
    seed: int = 1,
    scale: float = 1.0,
    until: date = DEFAULT_UNTIL,
    history: int = 2,
    errors: bool = True,
) -> list[Path]:
    """Write synthetic exports of all sources into `out`; return the files written."""
    earliest = PROGRAMME_START + timedelta(days=180)
    if scale <= 0 or history < 1 or until < earliest:
        raise UserError(
            "Größenfaktor und Historie müssen größer als 0 sein, der letzte Stichtag frühestens "
            f"am {earliest:%d.%m.%Y} (ein halbes Jahr nach Programmstart)."
        )
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(out, seed, errors)
    providers = profile.current().providers
    for town in towns():
        # welfare providers carry their share of a town's cases and deliver them themselves
        own = 1 - sum(p.share for p in providers if town.ags in p.towns)
        world = simulate_town(town.ags, seed, scale * own, until)
        lag = LAG_MONTHS if town.ags == lagging_town() else 0
        for stichtag in stichtage(until, history, lag):
            writer.town([world], town_dialect(town.ags), stichtag)
    for provider in providers:
        shares = [
            simulate_town(ags, seed, scale * provider.share, until, provider.id)
            for ags in provider.towns
        ]
        for stichtag in stichtage(until, history):
            writer.town(shares, PROVIDER_DIALECT, stichtag)
    for authority, dialect in authority_dialects().items():
        procedures = simulate_procedures(authority, seed, scale, until)
        for stichtag in stichtage(until, history):
            writer.table_file(
                authority,
                "verfahren",
                verfahren_rows(procedures, stichtag.toordinal()),
                dialect,
                stichtag,
            )
    for stichtag in stichtage(until, history):
        day = stichtag.toordinal()
        writer.table_file(kreis_ags(), "stellen", stellen_rows(day), STELLEN_DIALECT, stichtag)
        writer.table_file(
            kreis_ags(), "ziele", ziele_rows(scale, until, day), ZIELE_DIALECT, stichtag
        )
        issues = strukturthemen_rows(seed, until, day)
        writer.table_file(kreis_ags(), "strukturthemen", issues, ZIELE_DIALECT, stichtag)
    return writer.written
