"""Changes and courses: words beside arrows, German numbers, only published values used."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from views import trends


def frame(*rows: tuple[str, float | None, bool]) -> pd.DataFrame:
    """Published cells of one indicator, area and cut: (period, value, suppressed)."""
    return pd.DataFrame(rows, columns=["zeitraum", "wert", "unterdrueckt"])


@pytest.mark.parametrize(
    ("zeitraum", "expected"),
    [
        ("2025", {"Vorjahr": "2024"}),
        ("2025-Q1", {"Vorquartal": "2024-Q4", "Vorjahreszeitraum": "2024-Q1"}),
        ("2025-H2", {"Vorhalbjahr": "2025-H1", "Vorjahreszeitraum": "2024-H2"}),
        ("2025-01", {"Vormonat": "2024-12", "Vorjahreszeitraum": "2024-01"}),
        ("gesamt", {}),
    ],
)
def test_a_period_is_compared_with_the_one_before_and_the_same_a_year_earlier(zeitraum, expected):
    assert trends.earlier_periods(zeitraum) == expected


def test_a_count_change_is_said_in_words_with_its_arrow_and_share():
    cells = frame(("2025", 146, False), ("2024", 134, False))
    change = trends.change(cells, "2025", "Vorjahr", "2024", "ganzzahl")
    assert change.describe("ganzzahl", "Fälle") == (
        "↑ 12 Fälle mehr als im Vorjahr (2024: 134; +9,0 %)"
    )
    down = trends.change(cells, "2024", "Vorjahr", "2025", "ganzzahl")
    assert down.describe("ganzzahl", "Fälle").startswith("↓ 12 Fälle weniger")
    assert "−8,2 %" in down.describe("ganzzahl", "Fälle")


def test_one_is_singular_and_a_rate_changes_by_percentage_points():
    cells = frame(("2025", 8.0, False), ("2024", 9.0, False))
    days = trends.change(cells, "2025", "Vorjahr", "2024", "tage").describe("tage", "Tage")
    assert days == "↓ 1 Tag weniger als im Vorjahr (2024: 9)"
    rates = frame(("2025", 40.3, False), ("2024", 44.4, False))
    text = trends.change(rates, "2025", "Vorjahr", "2024", "prozent").describe("prozent", "%")
    assert text.startswith("↓ 4,1 Prozentpunkte weniger") and "%)" in text
    assert "; " not in text  # no share of a share


def test_values_equal_as_shown_count_as_unchanged():
    # Medians of 8,4 and 7,6 days are both shown as 8: no change of "0 Tage".
    cells = frame(("2025-Q2", 8.4, False), ("2025-Q1", 7.6, False))
    text = trends.change(cells, "2025-Q2", "Vorquartal", "2025-Q1", "tage").describe("tage", "Tage")
    assert text == "→ gleich wie im Vorquartal (1. Quartal 2025: 8)"


@pytest.mark.parametrize(
    "earlier",
    [("2024", None, True), ("2024", None, False)],
    ids=["secret", "no base"],
)
def test_no_change_where_a_value_is_secret_or_missing(earlier):
    assert (
        trends.change(frame(("2025", 5, False), earlier), "2025", "Vorjahr", "2024", "ganzzahl")
        is None
    )
    assert trends.change(frame(("2025", 5, False)), "2025", "Vorjahr", "2024", "ganzzahl") is None


def test_the_course_leaves_a_gap_at_a_secret_value_and_says_so():
    periods = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    cells = frame(
        ("2025-01", 10, False),
        ("2025-02", 12, False),
        ("2025-03", None, True),
        ("2025-04", 20, False),
        ("2025-05", 18, False),
    )
    course = trends.course(cells, periods, "ganzzahl")
    lines = re.findall(r'points="([^"]+)"', course.svg)
    assert [len(points.split()) for points in lines] == [2, 2]
    # Each drawn point lies at its period's place: the third place (the secret one) is empty.
    xs = {float(point.split(",")[0]) for points in lines for point in points.split()}
    assert len(xs) == 4 and sorted(xs)[1] < sorted(xs)[2] - 1.5 * (sorted(xs)[1] - sorted(xs)[0])
    assert course.text == (
        "Verlauf Januar 2025 bis Mai 2025: niedrigster Wert 10, höchster 20, zuletzt 18; "
        "1 Wert geheim oder ohne Basis."
    )
    assert course.data_uri.startswith("data:image/svg+xml")


def test_a_course_needs_two_published_values():
    cells = frame(("2025-01", 10, False), ("2025-02", None, True))
    assert trends.course(cells, ["2025-01", "2025-02"], "ganzzahl") is None


def test_course_periods_end_with_the_period():
    quarters = [f"{year}-Q{q}" for year in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    starts = pd.date_range("2023-01-01", periods=12, freq="QS")
    periods = pd.DataFrame(
        {
            "zeitraum": [*quarters, "2025"],
            "periodentyp": ["quartal"] * 12 + ["jahr"],
            "beginn": [*starts, pd.Timestamp("2025-01-01")],
            "ende": [*(starts + pd.offsets.QuarterEnd()), pd.Timestamp("2025-12-31")],
        }
    )
    assert trends.course_periods("2025-Q2", periods) == quarters[2:10]
    assert trends.course_periods("2025", periods) == quarters[4:]


def test_the_course_since_the_beginning_is_its_years():
    years = [str(year) for year in range(2016, 2027)]
    starts = [pd.Timestamp(int(year), 1, 1) for year in years]
    periods = pd.DataFrame(
        {
            "zeitraum": [*years, "gesamt"],
            "periodentyp": ["jahr"] * len(years) + ["gesamt"],
            "beginn": [*starts, starts[0]],
            "ende": [*(s + pd.offsets.YearEnd() for s in starts), pd.Timestamp("2026-12-31")],
        }
    )
    assert trends.course_periods("gesamt", periods) == years[-8:]
