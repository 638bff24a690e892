"""Chart content of the Handlungsfelder page that needs no published build."""

from __future__ import annotations

import math

import pandas as pd

from views.handlungsfelder import flow_parts


def test_sankey_draws_only_visible_flows_and_keeps_secret_ones_in_the_table():
    frame = pd.DataFrame(
        {
            "handlungsfeld": ["arbeit", "arbeit", "wohnen"],
            "partner": ["jobcenter", "sozialamt", "wohnungswesen"],
            "wert": [12.0, math.nan, 0.0],
            "unterdrueckt": [False, True, False],
        }
    )
    table, links = flow_parts(frame)
    rows = {r["Handlungsfeld"]: r for r in table.to_dict("records")}
    assert rows["Arbeit"]["Jobcenter"] == "12"
    assert rows["Arbeit"]["Sozialamt"] == "."
    assert rows["Wohnen"]["Wohnungswesen"] == "–"
    assert list(zip(links["Handlungsfeld"], links["Partner"], strict=True)) == [
        ("Arbeit", "Jobcenter")
    ]
