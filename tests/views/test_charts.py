"""Chart downloads: CSV and XLSX hold the shown table, numbers as numbers, no formulas."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from views.charts import ChartData, sheet_title, to_csv, to_xlsx

TABLE = pd.DataFrame(
    {
        "Gebiet": ["Witten", '=HYPERLINK("http://x")', "@SUMME(A1)", "+49 Anruf"],
        "Fälle": ["1.234", ".", "–", "-5"],
        "Quote": ["56,7 %", "x", "0,5 %", "100,0 %"],
    }
)
DATA = ChartData(key="probe", title="Probe: Fälle je Stadt", sentence="Satz.", table=TABLE)


def test_csv_is_semicolon_separated_with_bom_and_legend():
    raw = to_csv(DATA)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Gebiet", "Fälle", "Quote"]
    assert rows[1] == ["Witten", "1.234", "56,7 %"]
    assert rows[2][1] == "."
    assert "Zeichenerklärung" in text and "geheim" in text


def test_csv_neutralises_formulas_but_keeps_negative_numbers():
    rows = list(csv.reader(io.StringIO(to_csv(DATA).decode("utf-8-sig")), delimiter=";"))
    cells = [row[0] for row in rows[2:5]]
    assert all(cell.startswith("'") for cell in cells)
    assert rows[4][1] == "-5"


def test_xlsx_has_numbers_frozen_header_and_text_never_a_formula(tmp_path):
    path = tmp_path / "probe.xlsx"
    path.write_bytes(to_xlsx(DATA))
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Probe: Fälle je Stadt"
    assert [c.value for c in sheet[2]] == ["Gebiet", "Fälle", "Quote"]
    assert sheet.freeze_panes == "A3"
    assert sheet["B3"].value == 1234 and sheet["B3"].number_format == "#,##0"
    assert abs(sheet["C3"].value - 0.567) < 1e-9 and sheet["C3"].number_format.endswith("%")
    assert sheet["B4"].value == "." and sheet["B4"].data_type == "s"
    assert sheet["B6"].value == -5
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value}"
    assert sheet["A4"].value.startswith("=HYPERLINK")
    assert any("Zeichenerklärung" in str(c.value) for c in sheet["A"])


def test_legend_only_when_a_symbol_is_shown():
    plain = ChartData(key="p", title="T", sentence="S", table=pd.DataFrame({"A": ["1", "2"]}))
    assert not plain.needs_legend
    assert "Zeichenerklärung" not in to_csv(plain).decode("utf-8-sig")
    assert DATA.needs_legend


def test_number_like_text_in_a_text_column_stays_text(tmp_path):
    table = pd.DataFrame({"Kommentar": ["1.234", "Anstieg", "-5"], "Fälle": ["1.234", ".", "7"]})
    data = ChartData(key="p", title="T", sentence="S", table=table)
    path = tmp_path / "text.xlsx"
    path.write_bytes(to_xlsx(data))
    sheet = load_workbook(path).active
    assert [sheet.cell(row=r, column=1).value for r in (3, 4, 5)] == ["1.234", "Anstieg", "-5"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in (3, 4, 5))
    assert [sheet.cell(row=r, column=2).value for r in (3, 4, 5)] == [1234, ".", 7]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Datenstand je Quelle und Tabelle", "Datenstand je Quelle und…"),
        ("Alle Verfahren: angesprochen, Anträge", "Alle Verfahren angesprochen…"),
        ("Fälle [2025] / Stadt", "Fälle 2025 Stadt"),
        ("X" * 40, "X" * 30 + "…"),
    ],
)
def test_a_sheet_name_is_cut_after_a_whole_word_without_forbidden_characters(title, expected):
    name = sheet_title(title)
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert name == expected
    assert sheet_title(title, [name]).endswith(" (2)")
