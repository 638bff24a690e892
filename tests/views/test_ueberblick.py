"""Überblick: the chart by month covers the chosen half-year or quarter, not its whole year."""

from __future__ import annotations

import pytest

from tests.conftest import Kim
from views import builders, display, queries  # noqa: F401  (registers the chart builders)
from views.charts import build
from views.filters import Filters
from warehouse.formatting import number


@pytest.mark.parametrize(
    ("zeitraum", "months"),
    [
        ("2025", [f"{n:02d}" for n in range(1, 13)]),
        ("2025-H2", [f"{n:02d}" for n in range(7, 13)]),
        ("2025-Q2", ["04", "05", "06"]),
    ],
)
def test_cases_by_month_cover_the_chosen_period(
    sample: Kim, monkeypatch, zeitraum: str, months: list[str]
) -> None:
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    expected = [display.period(f"2025-{m}") for m in months]
    for key in ("ueberblick-faelle-monat", "stadt-faelle-monat"):
        data = build(key, Filters(zeitraum=zeitraum, gebiet="05954036"))
        assert list(data.table["Monat"]) == expected, key
        assert data.title.startswith(f"Neue und betreute Fälle je Monat {display.period(zeitraum)}")
        assert data.sentence.startswith(display.capital(display.in_period(zeitraum)) + " gab es")
    # The sentence's new cases are the period's own.
    [(new,)] = sample.query(
        "SELECT wert FROM fct_indikatoren WHERE indikator = 'faelle_neu' AND zeitraum = ? "
        "AND gebiet = '05954' AND zielgruppe = 'alle' AND handlungsfeld = 'alle' "
        "AND aufschluesselung = ''",
        [zeitraum],
        database="kim.duckdb",
    )
    kreis = build("ueberblick-faelle-monat", Filters(zeitraum=zeitraum))
    assert f" {number(new)} neue Fälle" in kreis.sentence
