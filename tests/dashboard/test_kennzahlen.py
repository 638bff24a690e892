"""Kennzahlen in the browser: the catalogue equals the reference file and the published table."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlparse

from tests.conftest import wait_for
from tests.dashboard.conftest import (
    card_sentence,
    card_table,
    grid_column,
    grid_header,
    in_card,
    open_page,
    published_query,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "warehouse" / "reference" / "kennzahlen.csv"


def test_catalogue_equals_the_reference_file_and_dim_kennzahlen(server, browser, published):
    open_page(browser, server + "/kennzahlen")
    assert browser.driver.execute_script("return document.getElementById('filterleiste').hidden")
    rows = card_table(browser, "Kennzahlen mit Definition")
    with CATALOGUE.open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    assert len(rows) == len(expected) == 22
    rules = dict(
        published_query(published, "SELECT indikator, geheimhaltungsregel FROM dim_kennzahlen")
    )
    for row, ref in zip(rows, expected, strict=True):
        assert row["Nr."] == ref["nr"]
        assert row["Kennzahl"] == ref["name"]
        assert row["Einheit"] == ref["einheit"]
        assert row["Definition"] == ref["definition"]
        assert row["Basis"] == (ref["basis"] or "entfällt")
        assert row["Je Zielgruppe und Handlungsfeld"] == ref["zielgruppen"]
        assert row["Geheimhaltungsregel"] == rules[ref["id"]]
    protected = sum(1 for r in expected if r["geheimhaltung"] != "keine")
    assert card_sentence(browser, "Kennzahlen mit Definition").startswith(
        f"Der Katalog umfasst {len(expected)} Kennzahlen; {protected} davon"
    )


def test_symbols_and_secondary_suppression_are_explained(server, browser):
    open_page(browser, server + "/kennzahlen")
    rows = card_table(browser, "Zeichenerklärung")
    assert [r["Zeichen"] for r in rows] == [".", "–", "x"]
    assert "geheim" in rows[0]["Bedeutung"] and "null" in rows[1]["Bedeutung"]
    text = browser.driver.find_element("css selector", "main").text
    assert "Sekundäre Geheimhaltung" in text and "über alle diese Beziehungen zugleich" in text


def test_catalogue_grid_sorts_numbers_and_filters_by_keyboard(server, browser):
    from selenium.webdriver.common.keys import Keys

    title = "Kennzahlen mit Definition"
    with CATALOGUE.open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    open_page(browser, server + "/kennzahlen")
    numbers = [int(r["nr"]) for r in expected]
    # The grid draws its rows in animation frames: wait for all of them.
    wait_for(lambda: len(grid_column(browser, title, "Nr.")) == len(numbers))
    assert [int(n) for n in grid_column(browser, title, "Nr.")] == numbers

    # Enter on the focused header sorts; twice: descending, as numbers (22 before 9).
    header = grid_header(browser, title, "Nr.")
    browser.driver.execute_script("arguments[0].focus();", header)
    header.send_keys(Keys.ENTER)
    header.send_keys(Keys.ENTER)
    wait_for(lambda: header.get_attribute("aria-sort") == "descending")
    wait_for(lambda: len(grid_column(browser, title, "Nr.")) == len(numbers))
    assert [int(n) for n in grid_column(browser, title, "Nr.")] == sorted(numbers, reverse=True)

    # Typing into a column's filter field keeps the rows containing the text.
    field = in_card(
        browser,
        title,
        "return card.querySelector(`input[aria-label='Einheit Filter-Eingabe']`);",
    )
    field.send_keys("tage")
    wanted = [r["name"] for r in expected if "tage" in r["einheit"].lower()]
    assert 0 < len(wanted) < len(expected)
    wait_for(lambda: len(grid_column(browser, title, "Kennzahl")) == len(wanted))
    assert set(grid_column(browser, title, "Kennzahl")) == set(wanted)
    assert [r["Kennzahl"] for r in card_table(browser, title)] == grid_column(
        browser, title, "Kennzahl"
    )

    # The grid is served by the dashboard itself, its texts are German.
    hosts = browser.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)"
    )
    assert set(hosts) == {urlparse(server).netloc}
    text = in_card(browser, title, "return card.querySelector('.ag-paging-panel').textContent;")
    assert f"1 bis {len(wanted)} von {len(wanted)}" in text and "Seite 1 von 1" in text
