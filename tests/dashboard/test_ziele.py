"""Ziele in the browser: every goal equals the published fct_zielerreichung, status as text and
icon, the year follows the period filter in the URL."""

from __future__ import annotations

import re

from selenium.webdriver.support.ui import WebDriverWait

from tests.dashboard.conftest import (
    as_shown,
    assert_shown,
    card_sentence,
    card_table,
    choose,
    heading,
    open_page,
    parse_shown,
    published_query,
    query_of,
)

ICONS = {
    "erreicht": "✔",
    "im_plan": "●",
    "leicht_verzoegert": "◆",
    "deutlich_verzoegert": "■",
    "nicht_bewertbar": "?",
}
STATUS_WORDS = {
    "erreicht": "erreicht",
    "im_plan": "im Plan",
    "leicht_verzoegert": "leicht verzögert",
    "deutlich_verzoegert": "deutlich verzögert",
    "nicht_bewertbar": "nicht bewertbar",
}


GOAL_COLUMNS = (
    "kennzahl",
    "gebiet_name",
    "format",
    "richtung",
    "zielwert",
    "erwartung",
    "ist",
    "unterdrueckt",
    "erfuellung",
    "status",
    "status_text",
)


def published_goals(published, year: int) -> list[dict]:
    """fct_zielerreichung of one year, read straight from the published file."""
    rows = published_query(
        published,
        """
        SELECT k.name, g.name, k.format, z.richtung, z.zielwert, z.erwartung, z.ist,
            z.unterdrueckt, z.erfuellung, z.status, z.status_text
        FROM fct_zielerreichung z
        JOIN dim_kennzahlen k USING (indikator)
        JOIN dim_gebiete g USING (gebiet)
        WHERE z.jahr = ?
        """,
        [year],
    )
    return [dict(zip(GOAL_COLUMNS, row, strict=True)) for row in rows]


def goal_years(published) -> list[int]:
    """Years with goals, newest first."""
    rows = published_query(
        published, "SELECT DISTINCT jahr FROM fct_zielerreichung ORDER BY 1 DESC"
    )
    return [r[0] for r in rows]


def assert_number(text: str, expected: float) -> None:
    """A shown target or expectation equals the published number at the shown precision."""
    decimals = len(text.removesuffix("%").strip().partition(",")[2])
    assert parse_shown(text) == as_shown(float(expected), decimals), f"{text!r} != {expected}"


def check_goals(browser, published, year: int) -> None:
    """The goal table and the sentence equal fct_zielerreichung of `year`."""
    goals = published_goals(published, year)
    rows = {r["Ziel"]: r for r in card_table(browser, f"Fortschritt der Jahresziele {year}")}
    assert len(rows) == len(goals) > 0
    for goal in goals:
        row = rows[f"{goal['kennzahl']}, {goal['gebiet_name']}"]
        assert (
            row["Richtung"]
            == {"mindestens": "mindestens", "hoechstens": "höchstens"}[goal["richtung"]]
        )
        assert_number(row["Jahresziel"], goal["zielwert"])
        assert_number(row["Erwartung zum Stichtag"], goal["erwartung"])
        decimals = {"ganzzahl": 0, "tage": 0, "dezimal2": 2}.get(goal["format"], 1)
        assert_shown(row["Ist"], goal["ist"], goal["unterdrueckt"], decimals)
        share = None if goal["erfuellung"] is None else goal["erfuellung"] * 100
        assert_shown(row["Erfüllung der Erwartung"], share, goal["unterdrueckt"], 1)
        assert row["Status"] == f"{ICONS.get(goal['status'], '?')} {goal['status_text']}"
        if goal["unterdrueckt"]:
            assert goal["status"] == "nicht_bewertbar" and row["Ist"] == "."
    sentence = card_sentence(browser, f"Fortschritt der Jahresziele {year}")
    assert f"Von {len(goals)} Zielen {year}" in sentence
    for code, word in STATUS_WORDS.items():
        count = sum(g["status"] == code for g in goals)
        assert re.search(rf"\b{count} {word}\b", sentence), f"{count} {word} not in {sentence!r}"


def test_every_goal_equals_the_published_goal_progress(server, browser, published):
    year = goal_years(published)[-1]
    open_page(browser, server + f"/ziele?zeitraum={year}")
    assert heading(browser) == f"Ziele {year}"
    check_goals(browser, published, year)
    # The status rules are explained with their icons.
    rules = browser.driver.find_element("css selector", "ul.statusregeln").text
    assert "85" in rules and "100 %" in rules and "✔" in rules and "?" in rules


def test_the_period_filter_chooses_the_year(server, browser, published):
    years = goal_years(published)
    first, other = years[-1], years[0]
    open_page(browser, server + f"/ziele?zeitraum={first}")
    choose(browser, "filter-periodentyp", "Quartal")
    choose(browser, "filter-zeitraum", f"1. Quartal {other}")
    assert query_of(browser)["zeitraum"] == [f"{other}-Q1"]
    assert heading(browser) == f"Ziele {other}"
    check_goals(browser, published, other)


def test_the_expectation_line_crosses_no_label(server, browser, published):
    year = goal_years(published)[-1]
    open_page(browser, server + f"/ziele?zeitraum={year}")
    WebDriverWait(browser.driver, 20).until(
        lambda driver: driver.find_elements("css selector", ".js-plotly-plot .shapelayer path")
    )
    boxes = browser.driver.execute_script(
        """
        const card = document.querySelector('.js-plotly-plot');
        const box = e => e.getBoundingClientRect();
        const line = [...card.querySelectorAll('.shapelayer path')].map(box)[0];
        const labels = [...card.querySelectorAll('.annotation-text')]
            .filter(t => t.textContent !== 'Erwartung').map(t => [t.textContent, box(t)]);
        return {line: [line.left, line.right], labels: labels.map(
            ([text, b]) => [text, b.left, b.right, b.top, b.bottom])};
        """
    )
    left, right = boxes["line"]
    assert boxes["labels"], "no value labels drawn"
    for text, start, end, _, _ in boxes["labels"]:
        assert end < left or start > right, f"the 100 % line crosses {text!r}"
    # One label per bar, each level with its own bar.
    bars = browser.driver.execute_script(
        """
        return [...document.querySelector('.js-plotly-plot').querySelectorAll('.bars .point')]
            .map(p => { const b = p.getBoundingClientRect(); return (b.top + b.bottom) / 2; });
        """
    )
    middles = sorted((top + bottom) / 2 for *_, top, bottom in boxes["labels"])
    assert len(middles) == len(bars)
    assert all(abs(a - b) < 4 for a, b in zip(middles, sorted(bars), strict=True))
