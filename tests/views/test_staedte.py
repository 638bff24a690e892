"""Städte: a town's user compares its own town with the Kreis, not all nine."""

from __future__ import annotations

from tests.conftest import Kim
from views import builders, queries  # noqa: F401  (registers the chart builders)
from views.charts import build
from views.filters import Filters
from views.staedte import compared
from warehouse import profile
from warehouse.schema import kreis_ags


def test_a_town_user_compares_its_own_town_with_the_kreis(sample: Kim, monkeypatch) -> None:
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    filters = Filters(zeitraum="2025")
    whole = build("staedte-faelle", filters)
    town = next(t for t in profile.current().towns if t.ags != kreis_ags())
    with queries.session(queries.Scope(frozenset({town.ags, kreis_ags()}), frozenset({town.ags}))):
        said = compared()
        own = build("staedte-faelle", filters)
    assert compared() == "Die neun Städte"
    assert said == town.name
    assert list(own.table["Gebiet"]) == [town.name, profile.current().name]
    assert "; die meisten Fälle betreute " in whole.sentence
    assert "die meisten" not in own.sentence
