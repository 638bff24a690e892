"""Strukturthemen: the charts count the loaded issues, and a small number of cases is never
published."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import Kim
from views import builders, queries  # noqa: F401  (registers the chart builders)
from views.charts import build
from views.filters import Filters
from warehouse import profile

STATUS = (
    "eingebracht",
    "priorisiert",
    "in_bearbeitung",
    "umgesetzt",
    "zurueckgestellt",
    "verworfen",
)


@pytest.fixture
def issues(sample: Kim, monkeypatch) -> list[tuple]:
    """The loaded issues (the loader's current state, not the build)."""
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    return sample.query(
        "SELECT thema_id, titel, ags, status, faelle_anzahl FROM aktuell.strukturthemen"
    )


def shown_number(text: str) -> int:
    """A shown count (`–` is zero)."""
    return 0 if text == "–" else int(text.replace(".", ""))


def test_the_status_chart_counts_every_loaded_issue(issues: list[tuple]) -> None:
    data = build("strukturthemen-stufen", Filters(zeitraum="2025"))
    counted = Counter(status for *_, status, _ in issues)
    shown = [shown_number(t) for t in data.table["Themen"]]
    assert shown == [counted[s] for s in STATUS]
    assert f"Von {len(issues)} eingebrachten Themen" in data.sentence


def test_open_issues_show_a_number_of_cases_only_from_three_on(issues: list[tuple]) -> None:
    data = build("strukturthemen-offen", Filters(zeitraum="2025"))
    open_ = {t[1]: t[4] for t in issues if t[3] in STATUS[:3]}
    assert sorted(data.table["Thema"]) == sorted(open_)
    for title, shown in zip(data.table["Thema"], data.table["Fälle"], strict=True):
        cases = open_[title]
        expected = "." if cases is None or 1 <= cases <= 2 else ("–" if cases == 0 else str(cases))
        assert shown == expected, title
    assert any(c in (1, 2) for c in open_.values()), "the sample should exercise the rule"


def test_a_town_sees_its_own_issues(issues: list[tuple]) -> None:
    town = next(ags for *_, ags, _, _ in issues if ags)
    data = build("strukturthemen-stufen", Filters(zeitraum="2025", gebiet=town))
    mine = [t for t in issues if t[2] == town]
    assert sum(shown_number(t) for t in data.table["Themen"]) == len(mine)


def test_the_published_table_holds_no_small_number_of_cases(sample: Kim) -> None:
    rows = sample.query(
        "SELECT count(*) FILTER (WHERE faelle_anzahl BETWEEN 1 AND 2), "
        "count(*) FILTER (WHERE faelle_anzahl_unterdrueckt) FROM fct_strukturthemen",
        database="kim.duckdb",
    )
    loaded = sample.query(
        "SELECT count(*) FROM aktuell.strukturthemen WHERE faelle_anzahl BETWEEN 1 AND 2"
    )
    assert rows == [(0, loaded[0][0])] and loaded[0][0] > 0


def test_the_area_chart_counts_every_town_and_the_kreis_wide_issues(issues: list[tuple]) -> None:
    active = profile.current()
    data = build("strukturthemen-gebiete", Filters(zeitraum="2025"))
    shown = {
        row["Gebiet"]: shown_number(row["offen"]) + shown_number(row["abgeschlossen"])
        for _, row in data.table.iterrows()
    }
    counted = Counter(ags or active.ags for _, _, ags, _, _ in issues)
    names = {t.ags: t.name for t in active.towns} | {active.ags: f"{active.name} (kreisweit)"}
    assert shown == {names[ags]: counted[ags] for ags in names}
    assert sum(shown.values()) == len(issues) and counted[active.ags] > 0


def test_a_town_user_sees_its_own_and_the_kreis_wide_issues_said_as_such(
    issues: list[tuple],
) -> None:
    active = profile.current()
    town = next(
        t for t in active.towns if t.ags != active.ags and any(i[2] == t.ags for i in issues)
    )
    issue_areas = [ags or active.ags for _, _, ags, _, _ in issues]
    own = Counter(ags for ags in issue_areas if ags in (town.ags, active.ags))
    limit = queries.Scope(frozenset({town.ags, active.ags}), frozenset({town.ags}))
    with queries.session(limit):
        areas = build("strukturthemen-gebiete", Filters(zeitraum="2025"))
        status = build("strukturthemen-stufen", Filters(zeitraum="2025"))
    shown = {
        row["Gebiet"]: shown_number(row["offen"]) + shown_number(row["abgeschlossen"])
        for _, row in areas.table.iterrows()
    }
    assert shown == {town.name: own[town.ags], f"{active.name} (kreisweit)": own[active.ags]}
    for data in (areas, status):
        assert data.title.endswith(f", nur {town.name} und kreisweite Themen"), data.title
    assert f"Von {sum(own.values())} eingebrachten Themen" in status.sentence
    # The town itself: its own issues, named as the page names the town.
    with queries.session(limit):
        chosen = build("strukturthemen-stufen", Filters(zeitraum="2025", gebiet=town.ags))
    assert "kreisweit" not in chosen.title and "nur" not in chosen.title
    assert f"Von {own[town.ags]} eingebrachten Themen" in chosen.sentence
