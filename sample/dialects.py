"""How each source spells its files: encodings, separators, dates, booleans, headers."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sample.shapes import Day, Row
from warehouse import profile
from warehouse.schema import (
    TABLES,
    Kind,
    kreis_ags,
    town_codes,
)

EXCEL_LABELS = {
    "fall_id": "Fall_ID",
    "person_id": "Person_ID",
    "kontakt_id": "Kontakt_ID",
    "vermittlung_id": "Vermittlung_ID",
    "verfahren_id": "Verfahren_ID",
    "ags": "AGS",
    "status": " Status ",
    "staatsangehoerigkeit": "Staatsangehörigkeit",
    "anstoss": "Anstoß",
    "gueltig_ab": "Gültig_ab",
    "gueltig_bis": "Gültig_bis",
    "vzae_soll": "VZÄ_Soll",
    "vzae_ist": "VZÄ_Ist",
    "dauer_minuten": "Dauer_Minuten",
}
REMARKS = (
    "Termin verschoben; neuer Termin folgt",
    'Unterlagen "Meldebescheinigung" nachgereicht',
    "Rückruf erbeten\nbitte mit Sprachmittlung",
    "Fahrtkosten 12,50 € erstattet",
    "Hinweis „Wohnberechtigungsschein“ erläutert",
    "Übergabe in der Vertretung; Akte vollständig",
)


@dataclass(frozen=True)
class Dialect:
    """How one source spells its files (export format §3)."""

    container: str = "csv"  # "csv" (one file per table), "zip" or "xlsx"
    encoding: str = "utf-8"  # "utf-8-sig" writes a BOM
    delimiter: str = ";"
    newline: str = "\r\n"
    iso_dates: bool = False
    month: str = "de"  # "de" MM.JJJJ, "iso" JJJJ-MM, "date" a full date
    decimal: str = ","
    booleans: tuple[str, str] = ("1", "0")
    empty: str = ""
    excel_labels: bool = False
    alphabetical: bool = False
    omit: frozenset[str] = frozenset()
    extra: str | None = None  # an unknown column the loader has to ignore (faelle only)
    compact_stichtag: bool = False  # YYYYMMDD instead of YYYY-MM-DD in file names

    def label(self, column: str) -> str:
        """The header spelling of a column."""
        if not self.excel_labels:
            return column
        return EXCEL_LABELS.get(column, column.capitalize())

    def columns(self, table: str) -> list[str]:
        """The specified columns this source writes, in its order."""
        names = [c for c in TABLES[table].column_names if c not in self.omit]
        return sorted(names) if self.alphabetical else names

    def stichtag(self, day: date) -> str:
        """The Stichtag as spelled in file names."""
        return day.strftime("%Y%m%d") if self.compact_stichtag else day.isoformat()


# The towns' dialects by position (towns ordered by AGS; the Ennepe-Ruhr names are those of
# generate.py's list); a Kreis with more towns starts the list again.
TOWN_DIALECTS: tuple[Dialect, ...] = (
    Dialect(container="xlsx", excel_labels=True),
    Dialect(
        encoding="utf-8-sig",
        iso_dates=True,
        month="date",
        booleans=("ja", "nein"),
        alphabetical=True,
    ),
    Dialect(
        delimiter=",",
        newline="\n",
        iso_dates=True,
        month="iso",
        booleans=("true", "false"),
        empty="NULL",
    ),
    Dialect(container="zip", newline="\n"),
    Dialect(encoding="cp1252", booleans=("x", ""), excel_labels=True),
    Dialect(encoding="cp1252", booleans=("J", "N"), empty="k.A.", extra="bemerkung_intern"),
    Dialect(encoding="utf-8-sig", compact_stichtag=True),
    Dialect(
        delimiter=",",
        month="iso",
        booleans=("Ja", "Nein"),
        empty="-",
        omit=frozenset({"ziel_vereinbart_am"}),
    ),
    Dialect(encoding="utf-8-sig", iso_dates=True, month="iso", excel_labels=True),
)
# A welfare provider's own case documentation.
PROVIDER_DIALECT = Dialect(encoding="utf-8-sig", iso_dates=True, month="iso")
# The Kreis's own authority, and a town's own (Witten's in Ennepe-Ruhr).
KREIS_AUTHORITY_DIALECT = Dialect(encoding="utf-8-sig")
TOWN_AUTHORITY_DIALECT = Dialect(encoding="cp1252", excel_labels=True)


def town_dialect(ags: str) -> Dialect:
    """The dialect of a town's deliveries (by its position in the profile)."""
    return TOWN_DIALECTS[town_codes().index(ags) % len(TOWN_DIALECTS)]


def authority_dialects() -> dict[str, Dialect]:
    """The dialect of every Ausländerbehörde of the profile."""
    return {
        a.ags: KREIS_AUTHORITY_DIALECT if a.ags == kreis_ags() else TOWN_AUTHORITY_DIALECT
        for a in profile.current().authorities
    }


STELLEN_DIALECT = Dialect(encoding="utf-8-sig", excel_labels=True)
ZIELE_DIALECT = Dialect(delimiter=",", newline="\n", decimal=".")


def spell_day(day: Day, iso: bool) -> str:
    """A date as JJJJ-MM-TT or TT.MM.JJJJ."""
    d = date.fromordinal(day)
    return d.isoformat() if iso else f"{d.day:02d}.{d.month:02d}.{d.year}"


def spell_month(day: Day, dialect: Dialect) -> str:
    """A month-precision date in the dialect's spelling."""
    d = date.fromordinal(day)
    if dialect.month == "date":
        return spell_day(day, dialect.iso_dates)
    return f"{d.year}-{d.month:02d}" if dialect.month == "iso" else f"{d.month:02d}.{d.year}"


def memoised(spell: Callable[[Day], str], empty: str) -> Callable[[Day | None], str]:
    """A day formatter with a cache (a snapshot repeats the same days very often)."""
    cache: dict[Day, str] = {}

    def text(value: Day | None) -> str:
        if value is None:
            return empty
        if value not in cache:
            cache[value] = spell(value)
        return cache[value]

    return text


def text_formatter(kind: Kind, dialect: Dialect) -> Callable[[object], str]:
    """How a value of this kind is written into a CSV field."""
    empty = dialect.empty
    if kind is Kind.DATE:
        return memoised(lambda d: spell_day(d, dialect.iso_dates), empty)
    if kind is Kind.MONTH:
        return memoised(lambda d: spell_month(d, dialect), empty)
    if kind is Kind.BOOL:
        yes, no = dialect.booleans
        return lambda v: yes if v else no
    if kind is Kind.DECIMAL:
        return lambda v: format(v, "g").replace(".", dialect.decimal)
    if kind in (Kind.INTEGER, Kind.YEAR):
        return lambda v: empty if v is None else str(v)
    return lambda v: empty if v is None else v


def text_rows(
    table: str, rows: Iterable[Row], dialect: Dialect
) -> tuple[list[str], Iterator[list[str]]]:
    """Header and formatted rows of a CSV file in the dialect."""
    spec = TABLES[table]
    names = dialect.columns(table)
    index = [spec.column_names.index(n) for n in names]
    formats = [text_formatter(spec.column(n).kind, dialect) for n in names]
    header = [dialect.label(n) for n in names]
    extra = dialect.extra if table == "faelle" else None
    if extra:
        header.append(extra)

    def formatted() -> Iterator[list[str]]:
        for row in rows:
            fields = [f(row[i]) for i, f in zip(index, formats, strict=True)]
            if extra:
                fields.append(remark(row[0]))
            yield fields

    return header, formatted()


def remark(fall_id: object) -> str:
    """A harmless internal note for some cases, stable per case."""
    pick = zlib.crc32(str(fall_id).encode()) % 16
    return REMARKS[pick] if pick < len(REMARKS) else ""
