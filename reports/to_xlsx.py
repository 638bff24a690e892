"""A report as workbook: a cover sheet, then one sheet per table (numbers as numbers)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports.content import Report
from views import display
from views.charts import INDICATORS, write_sheet
from warehouse.schema import indicators


def _units(key: str) -> list[str]:
    """`Einheiten: Neue Fälle in Fälle, …` for the indicators a chart shows."""
    units = {row["id"]: (row["name"], row["einheit"]) for row in indicators()}
    shown = [units[i] for i in INDICATORS.get(key, ()) if i in units]
    return [f"Einheiten: {', '.join(f'{n} in {u}' for n, u in shown)}"] if shown else []


def render(report: Report) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    cover = book.active
    cover.title = "Deckblatt"
    lines = [report.title, *report.cover, "", display.LEGEND, ""]
    lines += [f"Tabellenblätter: {report.datenstand.title}"]
    lines += [f"  {chart.title}" for section in report.sections for chart in section.charts]
    for section in report.sections:
        lines += ["", section.title, *section.text] if section.text else []
    for row, text in enumerate(lines, start=1):
        cell = cover.cell(row=row, column=1, value=text)
        cell.data_type = "s"  # text, never a formula
        cell.alignment = Alignment(wrap_text=len(text) > 100)
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 120
    context = (report.filters, f"{report.title} · Build {report.build_id} · {report.freigabe}")
    write_sheet(book.create_sheet(), report.datenstand, context)
    for section in report.sections:
        for chart in section.charts:
            write_sheet(book.create_sheet(), chart, (section.title, *context, *_units(chart.key)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
