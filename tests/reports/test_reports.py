"""`kim report`: PDF, XLSX and PPTX files checked against `kim indicators` and the DuckDB file."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pypdf
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Inches

from reports import WRITING
from reports.content import CHARTS
from reports.to_pptx import native_chart
from tests.conftest import Kim, copy_installation
from views import figures

REFERENCE = Path(__file__).resolve().parents[2] / "warehouse" / "reference"
KREIS = "05954"
KREIS_NAME = "Ennepe-Ruhr-Kreis"
YEAR = "2025"
KEY = ("indikator", "zeitraum", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung")
FORMATS = ("pdf", "xlsx", "pptx")
ATTACKS = (
    '=HYPERLINK("http://example.org","x")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(A1:A2)",
)
QUARTER_NOTE = "Witten: Umstellung der Fallsoftware im 2. Quartal."
PREVIOUS_YEAR_NOTE = "Hinweis zum Vorjahr, gehört nicht in den Bericht 2025."
AUTHOR = "Koordinierungsstelle Test"
# Columns of the table of cases per town (Land report).
TOWN_TABLE = (
    ("faelle_neu", "Neue Fälle"),
    ("faelle_aktiv", "Betreute Fälle"),
    ("personen_erreicht", "Erreichte Personen"),
)
SYMBOLS = {".", "–", "x"}
LEGEND_START = "Zeichenerklärung"

Values = dict[tuple[str, ...], tuple[float | None, bool]]


@dataclass
class Reports:
    """One published sample installation and the reports written from it."""

    kim: Kim
    out: Path
    land_run: subprocess.CompletedProcess
    land: dict[str, Path]
    steering: dict[str, Path]
    values: Values
    secret_period: str
    secret_report: Path
    secret_values: Values


def reference(name: str) -> list[dict[str, str]]:
    """Rows of a reference CSV file."""
    with (REFERENCE / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def profile_towns() -> list[dict[str, str]]:
    """Rows of the default profile's areas file."""
    with (REFERENCE.parent / "profiles" / "ennepe-ruhr" / "gebiete.csv").open(
        encoding="utf-8"
    ) as f:
        return list(csv.DictReader(f))


def area_names() -> dict[str, str]:
    """AGS → name of the towns (reference order), then the Kreis."""
    return {row["ags"]: row["name"] for row in profile_towns()} | {KREIS: KREIS_NAME}


def catalogue() -> dict[str, dict[str, str]]:
    """Indicator id → catalogue row (name, format, …)."""
    return {row["id"]: row for row in reference("kennzahlen.csv")}


def published(kim: Kim, *periods: str) -> Values:
    """`kim indicators --format json` for some periods, keyed by the cell."""
    args = [a for p in periods for a in ("--zeitraum", p)]
    rows = json.loads(kim.run("indicators", *args, "--format", "json", check=True).stdout)
    return {tuple(r[k] for k in KEY): (r["wert"], r["unterdrueckt"]) for r in rows}


def total(indikator: str, gebiet: str, zeitraum: str = YEAR) -> tuple[str, ...]:
    """The key of an indicator's total (all target groups and topics, no breakdown)."""
    return (indikator, zeitraum, gebiet, "alle", "alle", "")


def german(value: float, decimals: int) -> str:
    """`1234.5` → `1.234,5`, rounded half away from zero (DIN 1333)."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{rounded:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


DECIMALS = {"ganzzahl": 0, "tage": 0, "prozent": 1, "dezimal1": 1, "dezimal2": 2}


def shown_text(cell: tuple[float | None, bool], fmt: str) -> str:
    """A published cell as German text: `.` secret, `x` no value, `–` zero, else the number."""
    wert, secret = cell
    if secret:
        return "."
    if wert is None:
        return "x"
    if wert == 0:
        return "–"
    text = german(wert, DECIMALS[fmt])
    return f"{text} %" if fmt == "prozent" else text


def secret_town_period(kim: Kim) -> str:
    """The newest year or half-year in which a town's count in the town table is secret."""
    rows = kim.query(
        """
        SELECT DISTINCT zeitraum FROM fct_indikatoren
        WHERE indikator IN ('faelle_neu', 'faelle_aktiv', 'personen_erreicht')
            AND zielgruppe = 'alle' AND handlungsfeld = 'alle' AND aufschluesselung = ''
            AND gebiet <> ? AND unterdrueckt
            AND (length(zeitraum) = 4 OR zeitraum LIKE '____-H_')
        ORDER BY zeitraum DESC
        """,
        [KREIS],
        database="kim.duckdb",
    )
    assert rows, "the sample has no year or half-year with a secret town count"
    return rows[0][0]


def written(
    kim: Kim, out: Path, zeitraum: str, *args: str
) -> tuple[subprocess.CompletedProcess, dict[str, Path]]:
    """`kim report` for a period: the finished command and the files by format."""
    result = kim.run("report", "--zeitraum", zeitraum, "--out", str(out), *args, check=True)
    paths = [Path(line) for line in result.stdout.splitlines()]
    return result, {p.suffix.lstrip("."): p for p in paths}


def comment(kim: Kim, indikator: str, zeitraum: str, gebiet: str, text: str) -> None:
    """`kim kommentar add` (the text may start with `-`, so it is passed as `--text=…`)."""
    kim.run(
        "kommentar", "add", "--indikator", indikator, "--zeitraum", zeitraum, "--gebiet", gebiet,
        f"--text={text}", "--autor", AUTHOR, check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def reports(sample: Kim, tmp_path_factory) -> Reports:
    """The sample installation with comments added, then both reports in all three formats."""
    root = tmp_path_factory.mktemp("berichte")
    kim = copy_installation(sample, root)
    for text in ATTACKS:
        comment(kim, "faelle_neu", YEAR, KREIS, text)
    comment(kim, "faelle_aktiv", f"{YEAR}-Q2", "05954036", QUARTER_NOTE)
    comment(kim, "faelle_neu", str(int(YEAR) - 1), KREIS, PREVIOUS_YEAR_NOTE)
    out = root / "out"
    # formats separated by a space and by a comma
    land_run, land = written(kim, out, YEAR, "--format", "pdf", "xlsx,pptx")
    _, steering = written(kim, out, YEAR, "--art", "lenkungsgruppe")
    secret_period = secret_town_period(kim)
    _, secret = written(kim, root / "geheim", secret_period, "--format", "xlsx")
    return Reports(
        kim=kim,
        out=out,
        land_run=land_run,
        land=land,
        steering=steering,
        values=published(kim, YEAR, str(int(YEAR) - 1)),
        secret_period=secret_period,
        secret_report=secret["xlsx"],
        secret_values=published(kim, secret_period),
    )


def workbooks(reports: Reports) -> list[Path]:
    """Every workbook written."""
    return [reports.land["xlsx"], reports.steering["xlsx"], reports.secret_report]


def sheet_titled(path: Path, title: str):
    """The sheet whose first cell is `title`."""
    book = openpyxl.load_workbook(path)
    matching = [s for s in book.worksheets if s["A1"].value == title]
    assert len(matching) == 1, [s["A1"].value for s in book.worksheets]
    return matching[0]


def sheet_values(sheet) -> list[object]:
    """Every filled cell's value of a sheet, row by row."""
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


def table_rows(sheet, first_header: str) -> tuple[int, dict[str, dict[str, object]]]:
    """Header row number and the rows of a sheet's table keyed by their first cell."""
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    columns = [c.value for c in rows[head]]
    body = {}
    for row in rows[head + 1 :]:
        if row[0].value is None:
            break
        body[row[0].value] = dict(zip(columns, row, strict=True))
    return head + 1, body


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF."""
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def squeezed(text: str) -> str:
    """Text without any whitespace (PDF lines wrap anywhere)."""
    return "".join(text.split())


def slides(path: Path) -> list:
    """The slides of a presentation."""
    return list(Presentation(str(path)).slides)


def assert_cell(cell, expected: tuple[float | None, bool], where: object) -> None:
    """A spreadsheet cell holds a published value: a formatted number, or the symbol as text."""
    wert, secret = expected
    if secret or wert is None or wert == 0:
        assert cell.value == shown_text(expected, "ganzzahl"), where
        assert cell.data_type == "s", where
    else:
        assert cell.data_type == "n" and not isinstance(cell.value, bool), where
        assert cell.value == pytest.approx(wert), where
        assert cell.number_format != "General" and "0" in cell.number_format, where


# --- command line -----------------------------------------------------------------------------


def test_report_prints_the_written_files(reports):
    stem = reports.out / f"KIM_Bericht_Land_{YEAR}"
    assert reports.land_run.stdout.splitlines() == [f"{stem}.{fmt}" for fmt in FORMATS]
    assert all(path.stat().st_size > 0 for path in reports.land.values())
    assert sorted(reports.steering) == sorted(FORMATS)
    assert not list(reports.out.glob(".*"))  # no scratch files left behind


def test_report_for_a_month_is_refused_in_german(reports, tmp_path):
    result = reports.kim.run("report", "--zeitraum", "2025-03", "--out", str(tmp_path / "x"))
    assert result.returncode == 1
    assert "Berichte gibt es für ein Jahr oder ein Halbjahr" in result.stderr
    assert "2025-03" in result.stderr
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())


def test_report_for_a_period_without_data_is_refused(reports, tmp_path):
    result = reports.kim.run("report", "--zeitraum", "2031", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "Für den Zeitraum 2031 gibt es keine veröffentlichten Daten" in result.stderr


def test_unknown_format_is_a_usage_error(reports, tmp_path):
    result = reports.kim.run(
        "report", "--zeitraum", YEAR, "--format", "doc", "--out", str(tmp_path)
    )
    assert result.returncode == 2
    assert "unbekanntes Format: doc" in result.stderr
    assert not list(tmp_path.iterdir())


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_town_table_equals_published_values(reports):
    sheet = sheet_titled(reports.land["xlsx"], f"Fälle und erreichte Personen je Stadt, {YEAR}")
    _, rows = table_rows(sheet, "Gebiet")
    names = area_names()
    assert list(rows) == list(names.values())
    for gebiet, name in names.items():
        for indikator, column in TOWN_TABLE:
            assert_cell(
                rows[name][column], reports.values[total(indikator, gebiet)], (name, column)
            )


def test_xlsx_secret_values_are_dots_as_text(reports):
    period = reports.secret_period
    book = openpyxl.load_workbook(reports.secret_report)
    [sheet] = [
        s
        for s in book.worksheets
        if str(s["A1"].value).startswith("Fälle und erreichte Personen je Stadt, ")
    ]
    _, rows = table_rows(sheet, "Gebiet")
    secret = 0
    for gebiet, name in area_names().items():
        for indikator, column in TOWN_TABLE:
            expected = reports.secret_values[total(indikator, gebiet, period)]
            assert_cell(rows[name][column], expected, (period, name, column))
            secret += expected[1]
    assert secret > 0
    texts = [str(v) for v in sheet_values(sheet)]
    assert any(text.startswith(LEGEND_START) for text in texts)


def test_xlsx_legend_accompanies_every_symbol(reports):
    checked = 0
    for path in workbooks(reports):
        for sheet in openpyxl.load_workbook(path).worksheets:
            values = sheet_values(sheet)
            if SYMBOLS & {v for v in values if isinstance(v, str)}:
                checked += 1
                assert any(str(v).startswith(LEGEND_START) for v in values), (path, sheet.title)
    assert checked >= 2


def test_xlsx_header_row_is_frozen(reports):
    for path in workbooks(reports):
        book = openpyxl.load_workbook(path)
        assert book.worksheets[0].title == "Deckblatt"
        for sheet in book.worksheets[1:]:
            assert sheet.freeze_panes is not None, (path.name, sheet.title)
            row = int(sheet.freeze_panes.removeprefix("A"))
            header = [c.value for c in sheet[row - 1] if c.value is not None]
            assert header and all(isinstance(v, str) for v in header), (path.name, sheet.title)
            assert sheet["A1"].font.b
    sheet = sheet_titled(reports.land["xlsx"], f"Fälle und erreichte Personen je Stadt, {YEAR}")
    header, _ = table_rows(sheet, "Gebiet")
    assert sheet.freeze_panes == f"A{header + 1}"


def test_xlsx_has_no_formula_anywhere(reports):
    for path in workbooks(reports):
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = archive.read(name).decode("utf-8")
                    assert not re.search(r"<(\w+:)?f[ >/]", xml), (path.name, name)


def test_xlsx_comments_are_plain_text_cells(reports):
    for path in (reports.land["xlsx"], reports.steering["xlsx"]):
        sheet = sheet_titled(path, f"Kommentare zum Jahr {YEAR}")
        _, rows = table_rows(sheet, "Kennzahl")
        texts = {}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.column_letter == "D":
                    texts[cell.value] = cell
        for attack in ATTACKS:
            cell = texts[attack]
            assert cell.data_type == "s" and cell.value[0] == attack[0], (path.name, attack)
        assert QUARTER_NOTE in texts
        assert PREVIOUS_YEAR_NOTE not in texts
        assert rows  # the table has rows


def test_xlsx_comment_shows_under_the_chart_it_belongs_to(reports):
    sheet = sheet_titled(reports.land["xlsx"], f"Fälle und erreichte Personen je Stadt, {YEAR}")
    texts = [v for v in sheet_values(sheet) if isinstance(v, str)]
    day = datetime.now(UTC).strftime("%d.%m.%Y")
    for attack in ATTACKS:
        line = f"Kommentar der Koordinierungsstelle: Neue Fälle, {KREIS_NAME} ({AUTHOR}, {day}): "
        assert line + attack in texts


def test_xlsx_cover_says_not_signed_off(reports):
    sheet = openpyxl.load_workbook(reports.land["xlsx"])["Deckblatt"]
    text = "\n".join(str(v) for v in sheet_values(sheet) if v)
    assert "Nicht freigegeben" in text
    assert f"Zeitraum: {YEAR} · Gebiet: {KREIS_NAME}" in text


def assert_compared_with_the_year_before(
    reports: Reports, workbook: Path, indicators: tuple[str, ...]
) -> None:
    """The workbook's comparison sheet holds both years' published values and their change."""
    before = str(int(YEAR) - 1)
    sheet = sheet_titled(workbook, f"Veränderung gegenüber dem Jahr {before}")
    _, rows = table_rows(sheet, "Kennzahl")
    names = catalogue()
    for indikator in indicators:
        now = reports.values[total(indikator, KREIS)]
        then = reports.values[total(indikator, KREIS, before)]
        row = rows[names[indikator]["name"]]
        assert row[YEAR].value == pytest.approx(now[0])
        assert row[before].value == pytest.approx(then[0])
        assert row["Veränderung"].value == change(now[0], then[0])


def test_steering_comparison_shows_the_change_to_the_previous_year(reports):
    indicators = ("faelle_neu", "faelle_aktiv", "personen_erreicht", "kontakte")
    assert_compared_with_the_year_before(reports, reports.steering["xlsx"], indicators)


def test_state_report_opens_with_key_figures_against_a_year_before(reports):
    indicators = ("faelle_neu", "faelle_aktiv", "personen_erreicht", "vermittlungen")
    assert_compared_with_the_year_before(reports, reports.land["xlsx"], indicators)
    pages = pdf_pages(reports.land["pdf"])
    first = next(i for i, text in enumerate(pages) if "Auf einen Blick" in text)
    assert first == 1, "the summary is the page after the cover"
    assert "Zielen" in pages[first] and "Veränderung gegenüber dem Jahr" in pages[first]
    assert all("Reichweite je Stadt" not in text for text in pages[: first + 1])


def change(now: float, then: float) -> str:
    """`↑ +1 (+0,3 %)`: a count's direction, signed difference and relative change."""
    delta = now - then
    if delta == 0:
        return "→ ±0"
    arrow, sign = ("↑", "+") if delta > 0 else ("↓", "−")
    return f"{arrow} {sign}{german(abs(delta), 0)} ({sign}{german(abs(delta / then * 100), 1)} %)"


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_is_tagged_for_accessibility(reports):
    for path in (reports.land["pdf"], reports.steering["pdf"]):
        reader = pypdf.PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog, path.name
        assert catalog["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True), path.name
        assert str(catalog["/Lang"]).lower().startswith("de")
        xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp), path.name
        figures = struct_elements(catalog["/StructTreeRoot"], "/Figure")
        assert figures, path.name
        assert all(str(f.get("/Alt", "")).startswith("Grafik: ") for f in figures), path.name


def struct_elements(node, role: str) -> list:
    """Structure elements of a role below a node of the structure tree."""
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, pypdf.generic.ArrayObject):
            stack.extend(item)
        elif isinstance(item, pypdf.generic.DictionaryObject):
            if item.get("/S") == role:
                found.append(item)
            if "/K" in item:
                stack.append(item["/K"])
    return found


def test_pdf_pages_are_a4(reports):
    for path in (reports.land["pdf"], reports.steering["pdf"]):
        for page in pypdf.PdfReader(path).pages:
            box = page.mediabox
            assert float(box.width) == pytest.approx(595.28, abs=1)
            assert float(box.height) == pytest.approx(841.89, abs=1)


@pytest.mark.parametrize(
    ("art", "title"),
    [("land", "Bericht an das Land"), ("steering", "Sitzungsunterlage Lenkungsgruppe")],
)
def test_every_pdf_page_has_the_filter_header_and_its_page_number(reports, art, title):
    pages = pdf_pages(getattr(reports, art)["pdf"])
    header = f"KIM Monitor · {title} · Zeitraum: {YEAR} · Gebiet: {KREIS_NAME}"
    for number, text in enumerate(pages, start=1):
        assert header in text, number
        assert re.findall(r"Seite (\d+) von (\d+)", text) == [(str(number), str(len(pages)))]


def test_pdf_town_table_shows_published_values_in_german_format(reports):
    pages = pdf_pages(reports.land["pdf"])
    lines = {line.strip() for text in pages for line in text.splitlines()}
    for gebiet, name in area_names().items():
        cells = [shown_text(reports.values[total(i, gebiet)], "ganzzahl") for i, _ in TOWN_TABLE]
        assert f"{name} {' '.join(cells)}" in lines, name
    aktiv = shown_text(reports.values[total("faelle_aktiv", KREIS)], "ganzzahl")
    assert f"Im Kreis wurden im Jahr {YEAR} {aktiv} Fälle betreut" in " ".join(pages)


def test_pdf_steering_comparison_uses_german_numbers(reports):
    before = str(int(YEAR) - 1)
    lines = {
        line.strip() for text in pdf_pages(reports.steering["pdf"]) for line in text.split("\n")
    }
    names = catalogue()
    for indikator in ("faelle_neu", "faelle_aktiv", "kontakte", "vermittlungen"):
        now = reports.values[total(indikator, KREIS)][0]
        then = reports.values[total(indikator, KREIS, before)][0]
        line = f"{names[indikator]['name']} {german(now, 0)} {german(then, 0)} {change(now, then)}"
        assert line in lines, line


def test_long_pdf_tables_repeat_their_header_row(reports):
    pages = pdf_pages(reports.land["pdf"])
    first_lines = [text.strip().splitlines()[0] for text in pages]
    checks = (
        ("Tabelle: Datenstand je Quelle und Tabelle", "Reichweite je Stadt", "Quelle Tabelle"),
        ("Tabelle: Kennzahlen mit Definition und Geheimhaltungsregel", None, "Kennzahl Nr."),
    )
    for caption, next_section, header in checks:
        start = next(i for i, text in enumerate(pages) if caption in text)
        end = first_lines.index(next_section) if next_section else len(pages)
        continued = range(start + 1, end)
        assert len(continued) >= 1, caption
        for i in continued:
            assert first_lines[i].startswith(header), (caption, i + 1, first_lines[i])


def test_pdf_charts_are_vector_graphics(reports):
    for path in (reports.land["pdf"], reports.steering["pdf"]):
        reader = pypdf.PdfReader(path)
        forms = 0
        seen: set[int] = set()
        stack = [page.get("/Resources") for page in reader.pages]
        while stack:
            resources = stack.pop()
            resources = resources.get_object() if resources is not None else None
            if not resources or "/XObject" not in resources:
                continue
            for ref in resources["/XObject"].get_object().values():
                key = ref.idnum if hasattr(ref, "idnum") else id(ref)
                if key in seen:
                    continue
                seen.add(key)
                xobject = ref.get_object()
                assert xobject.get("/Subtype") != "/Image", path.name
                if xobject.get("/Subtype") == "/Form":
                    forms += 1
                    stack.append(xobject.get("/Resources"))
        assert forms > 0, path.name


def test_pdf_shows_the_comments_of_the_period(reports):
    for path in (reports.land["pdf"], reports.steering["pdf"]):
        text = squeezed(" ".join(pdf_pages(path)))
        for note in (*ATTACKS, QUARTER_NOTE):
            assert squeezed(note) in text, (path.name, note)
        assert squeezed(PREVIOUS_YEAR_NOTE) not in text


def test_steering_pdf_has_at_most_ten_pages(reports):
    assert 1 < len(pypdf.PdfReader(reports.steering["pdf"]).pages) <= 10


# --- PPTX -------------------------------------------------------------------------------------


def test_steering_pptx_has_at_most_ten_slides(reports):
    assert 1 < len(slides(reports.steering["pptx"])) <= 10


def test_every_slide_has_its_title_in_a_title_placeholder(reports):
    for path in (reports.land["pptx"], reports.steering["pptx"]):
        for number, slide in enumerate(slides(path), start=1):
            title = slide.shapes.title
            assert title is not None, (path.name, number)
            assert title.placeholder_format.type in (
                PP_PLACEHOLDER.TITLE,
                PP_PLACEHOLDER.CENTER_TITLE,
            )
            assert title.text_frame.text.strip(), (path.name, number)
    first = slides(reports.land["pptx"])[0]
    assert first.shapes.title.text_frame.text == "Bericht an das Land"


def test_every_chart_and_picture_has_alternative_text(reports):
    graphics = 0
    for path in (reports.land["pptx"], reports.steering["pptx"]):
        for slide in slides(path):
            for shape in slide.shapes:
                if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                    descr = shape._element.nvPicPr.cNvPr.get("descr", "")
                elif shape.has_chart:
                    descr = shape._element.nvGraphicFramePr.cNvPr.get("descr", "")
                else:
                    continue
                graphics += 1
                assert descr.startswith("Grafik: " + slide.shapes.title.text_frame.text)
    assert graphics >= 5


def test_steering_charts_are_editable_charts_of_the_published_values(reports):
    decks = slides(reports.steering["pptx"])
    assert not [
        s for s in decks for shape in s.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    [monthly] = [
        shape.chart
        for s in decks
        for shape in s.shapes
        if shape.has_chart
        and s.shapes.title.text_frame.text == f"Neue und betreute Fälle je Monat {YEAR}"
    ]
    months = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
    values = published(reports.kim, *months)
    names = {"Neue Fälle": "faelle_neu", "Betreute Fälle": "faelle_aktiv"}
    plot = monthly.plots[0]
    assert len(list(plot.categories)) == 12
    for series in plot.series:
        expected = [values[total(names[series.name], KREIS, month)] for month in months]
        assert list(series.values) == [None if secret else wert for wert, secret in expected]


def test_a_secret_value_stays_an_empty_point_in_an_editable_chart():
    frame = pd.DataFrame(
        {
            "Gebiet": ["Witten", "Sprockhövel", "Hattingen"],
            "wert": [12.0, None, 0.0],
            "text": ["12", ".", "–"],
        }
    )
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    graphic = native_chart(slide, figures.bars(frame, "Gebiet", "wert", "text", horizontal=True))
    [series] = graphic.chart.plots[0].series
    assert list(graphic.chart.plots[0].categories) == ["Witten", "Sprockhövel", "Hattingen"]
    assert list(series.values) == [12.0, None, 0.0]
    # The bars carry their values; 0 reads `–` as on screen, and a secret value has no label.
    labels = graphic.chart.plots[0].data_labels
    assert labels.show_value and not labels.number_format_is_linked
    assert labels.number_format == '#,##0;-#,##0;"–"'


def test_rates_in_an_editable_chart_are_labelled_in_percent_with_one_decimal():
    frame = pd.DataFrame({"Gebiet": ["Witten", "Hattingen"], "wert": [83.5, 71.0]})
    frame["text"] = ["83,5 %", "71,0 %"]
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    graphic = native_chart(slide, figures.bars(frame, "Gebiet", "wert", "text", unit="%"))
    labels = graphic.chart.plots[0].data_labels
    assert labels.number_format == '#,##0.0" %";-#,##0.0" %";"–"'


@pytest.mark.parametrize(
    ("values", "texts", "expected"),
    [
        ([0.75, 1.75], ["0,75", "1,75"], '#,##0.00;-#,##0.00;"–"'),  # posts in VZÄ
        ([145.5, 147.0], ["146", "147"], '#,##0;-#,##0;"–"'),  # medians in whole days
    ],
)
def test_an_editable_chart_labels_its_bars_with_the_decimals_the_screen_shows(
    values, texts, expected
):
    frame = pd.DataFrame({"Gebiet": ["Witten", "Hattingen"], "wert": values, "text": texts})
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    graphic = native_chart(slide, figures.bars(frame, "Gebiet", "wert", "text"))
    assert graphic.chart.plots[0].data_labels.number_format == expected


def test_towns_overview_notes_equal_published_values(reports):
    [slide] = [
        s
        for s in slides(reports.steering["pptx"])
        if s.shapes.title.text_frame.text == f"Städte im Überblick, {YEAR}"
    ]
    notes = slide.notes_slide.notes_text_frame.text.splitlines()
    by_area = {}
    for line in notes[1:]:
        pairs = dict(part.split(": ", 1) for part in line.split("; ")[:4])
        by_area[pairs["Gebiet"]] = pairs
    columns = (
        ("faelle_neu", "Neue Fälle", "ganzzahl"),
        ("faelle_aktiv", "Betreute Fälle", "ganzzahl"),
        ("faelle_je_vzae", "Fälle je besetzter Stelle", "dezimal1"),
    )
    assert list(by_area) == list(area_names().values())
    for gebiet, name in area_names().items():
        for indikator, column, fmt in columns:
            expected = shown_text(reports.values[total(indikator, gebiet)], fmt)
            assert by_area[name][column] == expected, (name, column)


def test_pptx_shows_the_comments(reports):
    for path in (reports.land["pptx"], reports.steering["pptx"]):
        text = []
        for slide in slides(path):
            for shape in slide.shapes:
                if shape.has_text_frame:
                    text.append(shape.text_frame.text)
                if shape.has_table:
                    text += [cell.text for row in shape.table.rows for cell in row.cells]
        joined = "\n".join(text)
        for note in (*ATTACKS, QUARTER_NOTE):
            assert note in joined, (path.name, note)
        assert PREVIOUS_YEAR_NOTE not in joined


def test_published_database_is_the_source(reports):
    # The independent source used above must agree with the DuckDB file itself.
    con = duckdb.connect(str(reports.kim.home / "kim.duckdb"), read_only=True)
    try:
        wert, secret = con.execute(
            "SELECT wert, unterdrueckt FROM fct_indikatoren WHERE indikator = 'faelle_aktiv' "
            "AND zeitraum = ? AND gebiet = ? AND zielgruppe = 'alle' AND handlungsfeld = 'alle' "
            "AND aufschluesselung = ''",
            [YEAR, KREIS],
        ).fetchone()
    finally:
        con.close()
    assert (wert, secret) == reports.values[total("faelle_aktiv", KREIS)]


def test_an_editable_progress_chart_keeps_its_100_percent_line_clear_of_the_labels():
    frame = pd.DataFrame(
        {
            "Ziel": [
                "Neue Fälle",
                "Wartezeit bis Fallbeginn (Median), Ennepe-Ruhr-Kreis",
                "Anträge",
            ],
            "anteil": [97.0, 130.0, 40.0],
            "label": ["97 % ◆ leicht verzögert", "130 % ● erreicht", "40 % ▲ deutlich verzögert"],
        }
    )
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    graphic = native_chart(slide, figures.progress(frame, "Ziel", "anteil", "label"))
    chart = graphic.chart
    assert list(chart.plots[0].series[0].values) == [97.0, 130.0, 40.0]
    axis = chart.value_axis
    assert axis.minimum_scale == 0 and axis.maximum_scale >= 130
    [line] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.LINE]
    assert line.begin_x == line.end_x, "a vertical line"
    assert graphic.left < line.begin_x < graphic.left + graphic.width
    # The line sits at 100 % of the value axis within the plot's fixed rectangle.
    plot = chart._chartSpace.chart.plotArea.find(qn("c:layout")).find(qn("c:manualLayout"))
    x, w = (float(plot.find(qn(f"c:{tag}")).get("val")) for tag in ("x", "w"))
    expected = graphic.left + graphic.width * (x + w * 100 / axis.maximum_scale)
    assert abs(line.begin_x - expected) < Inches(0.02)
    # Long labels wrap (a line break in the box); read as one line of words.
    texts = {" ".join(s.text_frame.text.split()): s for s in slide.shapes if s.has_text_frame}
    assert "Erwartung" in texts
    # Value and status stand right of the plot, level with their bars, top to bottom; the
    # bars carry no labels of their own that the line could cross.
    sides = [texts[text] for text in frame["label"]]
    assert all(s.left >= graphic.left + graphic.width * (x + w) for s in sides)
    assert [s.top for s in sides] == sorted(s.top for s in sides)
    assert not chart.plots[0].has_data_labels
    # Line breaks of the screen's figure (`<br>`) are never shown as markup.
    assert list(chart.plots[0].categories) == list(frame["Ziel"])
    assert not any("<br>" in text for text in texts)


def test_an_editable_town_chart_draws_the_kreis_as_a_dashed_line_with_its_name():
    frame = pd.DataFrame({"Gebiet": ["Witten", "Hattingen"], "wert": [12.0, 8.0]})
    frame["text"] = ["12", "8"]
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    figure = figures.bars(frame, "Gebiet", "wert", "text", reference=(10.0, "Kreis: 10"))
    graphic = native_chart(slide, figure)
    [line] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.LINE]
    assert line.begin_y == line.end_y, "a horizontal line across upright bars"
    assert graphic.top < line.begin_y < graphic.top + graphic.height
    assert any(s.has_text_frame and s.text_frame.text == "Kreis: 10" for s in slide.shapes)
    assert graphic.chart.plots[0].has_data_labels


def test_the_report_command_tells_its_progress_step_by_step(reports: Reports) -> None:
    """Off a terminal: a plain line per step and tenth, charts first, the files last."""
    told = [
        re.fullmatch(r"(.+): (\d+) von (\d+)", line)
        for line in reports.land_run.stderr.splitlines()
    ]
    steps: dict[str, list[tuple[int, int]]] = {}
    for found in filter(None, told):
        steps.setdefault(found[1], []).append((int(found[2]), int(found[3])))
    assert list(steps) == [CHARTS, WRITING]
    for step, seen in steps.items():
        done = [d for d, _ in seen]
        (total,) = {t for _, t in seen}
        assert done == sorted(done) and done[-1] == total > 0, step
        assert len(done) <= 11, step
    assert steps[WRITING][-1] == (3, 3)


# Headers of record counts: a town's rows of cases, contacts or referrals count cases, and their
# changes a month's new ones; the attacker check does not protect them.
ROW_COUNT_HEADERS = {
    "Zeilen gelesen",
    "Zeilen geladen",
    "Zeilen in Quarantäne",
    "Veränderung zur Vorlieferung",
    "Ausgefüllt (Fälle)",
}


def test_reports_leaving_the_office_hold_no_unprotected_record_counts(reports):
    for path in workbooks(reports):
        for sheet in openpyxl.load_workbook(path).worksheets:
            cells = {v for v in sheet_values(sheet) if isinstance(v, str)}
            assert not cells & ROW_COUNT_HEADERS, (path.name, sheet.title)
    # The state of every source stays, with its dates.
    sheet = sheet_titled(reports.land["xlsx"], "Datenstand je Quelle und Tabelle")
    _, rows = table_rows(sheet, "Quelle")
    assert rows and all(row["Aktueller Stichtag"].value for row in rows.values())
    for path in (reports.land["pdf"], reports.steering["pdf"]):
        text = squeezed(" ".join(pdf_pages(path)))
        assert "ZeileninQuarantäneje" not in text and "Ausgefüllt(Fälle)" not in text, path.name


def test_a_report_of_a_running_year_says_so_on_its_cover_and_beside_its_comparisons(
    reports, tmp_path
):
    [(end,)] = reports.kim.query(
        "SELECT max(stichtag) FROM fct_lieferungen WHERE ist_aktuell", database="kim.duckdb"
    )
    running = str(end.year)
    assert (end.month, end.day) != (12, 31), "the sample's data end inside a year"
    _, files = written(reports.kim, tmp_path, running, "--format", "xlsx")
    day = f"{end:%d.%m.%Y}"
    cover = [
        c.value
        for row in openpyxl.load_workbook(files["xlsx"])["Deckblatt"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    hint = [line for line in cover if "noch nicht abgeschlossen" in line]
    assert len(hint) == 1 and day in hint[0], cover
    compared = sheet_titled(files["xlsx"], f"Veränderung gegenüber dem Jahr {int(running) - 1}")
    texts = [v for v in sheet_values(compared) if isinstance(v, str)]
    assert any("noch nicht abgeschlossen" in t and day in t for t in texts), texts
    # A finished year carries no such hint.
    finished = [
        c.value
        for row in openpyxl.load_workbook(reports.land["xlsx"])["Deckblatt"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert not any("noch nicht abgeschlossen" in line for line in finished)


def test_a_card_without_rows_prints_its_sentence_and_no_empty_table(reports, tmp_path):
    period = f"{int(YEAR) - 1}-H1"  # no comment is on it or a period inside it
    _, files = written(reports.kim, tmp_path, period, "--art", "lenkungsgruppe", "--format", "pdf")
    text = squeezed(" ".join(pdf_pages(files["pdf"])))
    assert "keineKommentare" in text
    assert "Tabelle:Kommentare" not in text
