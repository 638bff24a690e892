"""The sentence of every chart (also its text for screen readers) names a secret, zero or
meaningless value in words, never as a bare `.`, `–` or `x`."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Kim
from views import builders, queries  # noqa: F401  (registers the chart builders)
from views.charts import BUILDERS, build
from views.filters import Filters
from warehouse import profile
from warehouse.schema import kreis_ags

# A symbol standing alone in running text.
BARE = re.compile(r"(^|[\s(])([.–x])(\s|$|[,;:).])")


@pytest.fixture
def towns(sample: Kim, monkeypatch) -> list[str]:
    """The sample's towns (beneath the Kreis)."""
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    return [t.ags for t in profile.current().towns if t.ags != kreis_ags()]


def test_no_sentence_shows_a_bare_symbol(towns: list[str]) -> None:
    views = [Filters(zeitraum="gesamt"), Filters(zeitraum="2025-Q2", gebiet=towns[0])]
    views += [Filters(zeitraum="2026-03", gebiet=town) for town in towns[:3]]
    bare: dict[str, str] = {}
    symbols = 0
    with queries.session():
        for filters in views:
            for key in sorted(BUILDERS):
                data = build(key, filters)
                symbols += data.table.isin([".", "–", "x"]).to_numpy().sum()
                if BARE.search(data.sentence):
                    bare[f"{key} {filters}"] = data.sentence
    assert symbols > 0, "the views should show symbols in their tables"
    assert bare == {}
