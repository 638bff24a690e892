"""Kennzahlen in the browser: the catalogue equals the reference file and the published table."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.dashboard.conftest import card_sentence, card_table, open_page, published_query

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
    assert "Sekundäre Geheimhaltung" in text and "nächstkleinere Teil" in text
