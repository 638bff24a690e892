"""The staffing proof (Verwendungsnachweis): VZÄ per post and month, counted here day by day
from the loaded staffing plan."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import openpyxl
import pypdf
import pytest

from tests.conftest import Kim, copy_installation
from views import builders  # noqa: F401  (registers the chart builders)
from views.charts import build
from views.filters import Filters
from warehouse import profile

YEAR = 2024


def expected(rows: list[tuple], year: int) -> dict[tuple[str, str, int], tuple[float, float]]:
    """(AGS, function, month) → (Soll, Ist), each row weighted by its valid days."""
    out: dict[tuple[str, str, int], list[float]] = {}
    for ags, funktion, soll, ist, start, end in rows:
        for month in range(1, 13):
            days = calendar.monthrange(year, month)[1]
            first, last = date(year, month, 1), date(year, month, days)
            lo, hi = max(start, first), min(end or last, last)
            if lo > hi:
                continue
            share = ((hi - lo) + timedelta(days=1)).days / days
            cell = out.setdefault((ags, funktion, month), [0.0, 0.0])
            cell[0] += float(soll) * share
            cell[1] += float(ist) * share
    return {k: (round(v[0], 2), round(v[1], 2)) for k, v in out.items()}


@pytest.fixture
def plan(sample: Kim, monkeypatch) -> list[tuple]:
    """The loaded staffing plan."""
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    return sample.query(
        "SELECT ags, funktion, vzae_soll, vzae_ist, gueltig_ab, gueltig_bis FROM aktuell.stellen"
    )


def number(text: str) -> float:
    """A German number as shown (`1,75`; `–` is zero)."""
    return 0.0 if text == "–" else float(text.replace(".", "").replace(",", "."))


def test_every_post_and_month_matches_the_plan_day_by_day(plan: list[tuple]) -> None:
    truth = expected(plan, YEAR)
    active = profile.load("ennepe-ruhr")
    areas = {t.name: t.ags for t in active.towns} | {active.name: active.ags}
    functions = {
        "Case Management": "case_management",
        "Koordination": "koordination",
        "Verwaltungsassistenz": "verwaltungsassistenz",
        "Ausländerbehörde": "auslaenderbehoerde",
    }
    table = build("personal-nachweis", Filters(zeitraum=str(YEAR))).table
    months = [c for c in table.columns if c.endswith(str(YEAR))]
    assert len(months) == 12
    assert len(table) == 2 * len({(a, f) for a, f, _ in truth})
    for _, row in table.iterrows():
        post = (areas[row["Stelle"]], functions[row["Funktion"]])
        kind = 0 if row["VZÄ"] == "Soll" else 1
        wanted = [truth.get((*post, m), (0.0, 0.0))[kind] for m in range(1, 13)]
        assert [number(row[m]) for m in months] == wanted, (post, row["VZÄ"])
    # Witten's case management was partly vacant in 2024: Ist below Soll in some months
    assert any(truth[k][1] < truth[k][0] for k in truth if k[1] == "case_management")


def test_the_proof_is_a_workbook_with_numbers(sample: Kim, tmp_path) -> None:
    sample.run(
        "report",
        "--zeitraum",
        str(YEAR),
        "--art",
        "stellennachweis",
        "--format",
        "xlsx",
        "--out",
        str(tmp_path),
        check=True,
    )
    book = openpyxl.load_workbook(tmp_path / f"KIM_Stellennachweis_{YEAR}.xlsx")
    sheet = next(book[n] for n in book.sheetnames if n.startswith("Stellennachweis"))
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, float)]
    assert values and all(v >= 0 for v in values)


def test_a_half_year_is_refused_in_german(sample: Kim, tmp_path) -> None:
    result = sample.run(
        "report", "--zeitraum", f"{YEAR}-H1", "--art", "stellennachweis", "--out", str(tmp_path)
    )
    assert result.returncode == 1 and "ganzes Jahr" in result.stderr


MONTH_NAMES = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"


def test_a_year_not_yet_over_shows_only_the_months_the_data_reach(sample: Kim, monkeypatch):
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    ((last,),) = sample.query("SELECT max(stichtag) FROM aktueller_stand")
    assert last.month < 12, "the sample should end within a year"
    data = build("personal-nachweis", Filters(zeitraum=str(last.year)))
    months = [c for c in data.table.columns if c.endswith(str(last.year))]
    assert len(months) == last.month
    named = MONTH_NAMES.split()[last.month - 1]
    assert data.title.startswith(f"Stellennachweis {last.year} bis {named} {last.year}: ")
    for _, row in data.table.iterrows():  # the mean of the months shown (posts of every month)
        shown = [number(row[m]) for m in months]
        if all(shown):
            assert number(row["Jahresmittel"]) == pytest.approx(sum(shown) / len(shown), abs=0.006)


def test_the_proof_as_pdf_is_landscape_so_that_every_month_and_the_mean_fit(
    sample: Kim, tmp_path
) -> None:
    kim = copy_installation(sample, tmp_path / "kopie")  # the PDF keeps its chart images
    kim.run(
        "report", "--zeitraum", str(YEAR), "--art", "stellennachweis", "--format", "pdf",
        "--out", str(tmp_path), check=True,
    )  # fmt: skip
    pages = pypdf.PdfReader(tmp_path / f"KIM_Stellennachweis_{YEAR}.pdf").pages
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)
    text = "".join("".join(page.extract_text().split()) for page in pages)
    assert "Jahres" in text and f"Dez{YEAR}" in text  # the last month and the mean
