"""What a chart card shows (title, sentence, figure, table) and the registry of chart builders.

A builder turns the view's filters into `ChartData`. The page layout and the download
callback call the same builder, so a download holds exactly the numbers on screen and
nothing the browser could not see anyway.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from editorial import comments
from editorial.comments import Comment
from views import display, queries
from views.filters import Filters
from warehouse.settings import load_settings


@dataclass(frozen=True)
class ChartData:
    """One chart: German title, one sentence with its numbers, the figure and its table."""

    key: str
    title: str
    sentence: str
    table: pd.DataFrame
    figure: go.Figure | None = None
    note: str = ""
    comments: tuple[Comment, ...] = ()

    @property
    def needs_legend(self) -> bool:
        """The table shows a Destatis symbol, so the legend must be printed with it."""
        symbols = {display.SUPPRESSED, display.ZERO, display.NOT_APPLICABLE}
        return bool(self.table.isin(symbols).to_numpy().any())


Builder = Callable[[Filters], ChartData]
BUILDERS: dict[str, Builder] = {}
# The indicators a chart shows: comments on them appear beside it.
INDICATORS: dict[str, tuple[str, ...]] = {}


def chart(key: str, indikatoren: tuple[str, ...] = ()) -> Callable[[Builder], Builder]:
    """Register a chart builder under a key (used in component ids and downloads)."""

    def register(builder: Builder) -> Builder:
        BUILDERS[key] = builder
        INDICATORS[key] = indikatoren
        return builder

    return register


def build(key: str, filters: Filters) -> ChartData:
    """The chart under `key` for these filters, with the comments on what it shows.

    The numbers are built once per published build and day; comments are read each time,
    because they change without a build.
    """
    limit = queries.scope()
    data = _built(queries.build_version(), date.today(), limit, key, filters)
    notes = comments.for_view(
        load_settings(), INDICATORS.get(key, ()), filters.zeitraum, filters.gebiet
    )
    if limit is not None:
        notes = [note for note in notes if note.gebiet in limit.areas]
    return replace(data, comments=tuple(notes)) if notes else data


@lru_cache(maxsize=512)
def _built(
    version: tuple[str, int, int],
    today: date,
    limit: queries.Scope | None,
    key: str,
    filters: Filters,
) -> ChartData:
    """Run the builder (cached: same build, day, scope and filters give the same chart)."""
    del version, today, limit  # cache keys only: each build, day and scope builds anew
    return BUILDERS[key](filters)


_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?( %)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    """Text that no spreadsheet evaluates as a formula (leading `'`)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(text: str) -> float | str:
    """A table cell for a spreadsheet: German numbers become numbers, the rest stays text."""
    if _GERMAN_NUMBER.match(text):
        return float(text.rstrip(" %").replace(".", "").replace(",", "."))
    return text


def _numeric(column: pd.Series) -> bool:
    """A column of numbers (and table symbols): its numbers go to a spreadsheet as numbers.

    A text column keeps number-like entries as text (a comment reading `1.234` stays text).
    """
    texts = [str(v) for v in column]
    symbols = {display.SUPPRESSED, display.ZERO, display.NOT_APPLICABLE, ""}
    return any(_GERMAN_NUMBER.match(t) for t in texts) and all(
        _GERMAN_NUMBER.match(t) or t in symbols for t in texts
    )


def _footer(data: ChartData) -> list[str]:
    """Lines printed under the table: note and legend."""
    lines = [data.note] if data.note else []
    lines += [f"Kommentar der Koordinierungsstelle: {display.comment(c)}" for c in data.comments]
    if data.needs_legend:
        lines.append(display.LEGEND)
    return lines


def to_csv(data: ChartData) -> bytes:
    """CSV as Excel in Germany opens it: `;`, UTF-8 with BOM, the legend under the table."""
    table = data.table.map(lambda v: v if _GERMAN_NUMBER.match(str(v)) else _safe_text(str(v)))
    text = table.to_csv(sep=";", index=False, lineterminator="\r\n")
    # One quoted field per footer line: a `;` or line break in a comment opens no new cell.
    footer = io.StringIO()
    writer = csv.writer(footer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for line in _footer(data):
        writer.writerows([[], [_safe_text(line)]])
    return ("\ufeff" + text + footer.getvalue()).encode("utf-8")


def to_xlsx(data: ChartData) -> bytes:
    """One sheet: title, header row (frozen), the table with real numbers, the legend."""
    book = Workbook()
    write_sheet(book.active, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A valid, unused sheet name (at most 31 characters, no `[]:*?/\\`): a long title is
    cut after a whole word and marked with `…`."""
    clean = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split()) or "Tabelle"
    base = clean if len(clean) <= 31 else clean[:30].rsplit(" ", 1)[0].rstrip(",;") + "…"
    used = set(taken)
    name, number = base, 2
    while name in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    return name


def write_sheet(sheet: Worksheet, data: ChartData, context: Sequence[str] = ()) -> None:
    """Title, context lines, header row (frozen), the table with real numbers, the legend."""
    sheet.title = sheet_title(data.title, (s.title for s in sheet.parent.worksheets if s != sheet))
    head = [[data.title], *([line] for line in context)]
    first = len(head) + 2  # first table row
    rows = [*head, [str(c) for c in data.table.columns]]
    rows += [[str(v) for v in row] for row in data.table.itertuples(index=False)]
    rows += [line for text in _footer(data) for line in ([], [text])]
    numeric = [_numeric(data.table[column]) for column in data.table.columns]
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            in_table = first <= r < first + len(data.table)
            value = _cell(text) if in_table and numeric[c - 1] else text
            if isinstance(value, float):
                cell.value = value / 100 if text.endswith("%") else value
                decimals = len(text.rstrip(" %").partition(",")[2])
                cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
                cell.number_format += "%" if text.endswith("%") else ""
            else:
                # Written as a string cell, so no spreadsheet evaluates it as a formula.
                cell.value = text
                cell.data_type = "s"
    for cell in (*sheet[1], *sheet[first - 1]):
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{first}"
    for column in sheet.columns:
        cells = list(column)[len(head) :]
        width = max((len(str(c.value or "")) for c in cells), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
