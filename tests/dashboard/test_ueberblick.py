"""Überblick in the browser: numbers equal `kim indicators`, filters live in the URL."""

from __future__ import annotations

from tests.dashboard.conftest import (
    assert_headlines,
    assert_shown,
    card_table,
    choose,
    heading,
    headline,
    headline_parts,
    open_page,
    published_values,
    query_of,
    wait_until_idle,
)

KREIS = "05954"


def test_headlines_and_town_table_equal_kim_indicators(server, browser, published):
    open_page(browser, server + "/?zeitraum=2025")
    values = published_values(published, "2025")
    assert_headlines(
        browser,
        values,
        "2025",
        KREIS,
        (
            ("Neue Fälle", "faelle_neu", 0),
            ("Betreute Fälle", "faelle_aktiv", 0),
            ("Zielerreichungsquote", "quote_ziele_erreicht", 1),
        ),
    )
    rows = card_table(browser, "Städte im Überblick")
    assert len(rows) == 10 and rows[-1]["Gebiet"] == "Ennepe-Ruhr-Kreis"
    areas = {r["Gebiet"]: r for r in rows}
    for gebiet, name in (
        ("05954036", "Witten"),
        ("05954004", "Breckerfeld"),
        (KREIS, "Ennepe-Ruhr-Kreis"),
    ):
        wert, secret = values[("faelle_aktiv", "2025", gebiet, "alle", "alle", "")]
        assert_shown(areas[name]["Betreute Fälle"], wert, secret, 0)
        wert, secret = values[("faelle_je_vzae", "2025", gebiet, "alle", "alle", "")]
        assert_shown(areas[name]["Fälle je besetzter Stelle"], wert, secret, 1)


def test_filter_change_writes_the_url_and_back_restores_it(server, browser, published):
    open_page(browser, server + "/?zeitraum=2025")
    choose(browser, "filter-periodentyp", "Quartal")
    assert query_of(browser)["zeitraum"][0].count("-Q") == 1
    choose(browser, "filter-zeitraum", "2. Quartal 2025")
    assert query_of(browser)["zeitraum"] == ["2025-Q2"]
    assert "2. Quartal 2025" in heading(browser)
    values = published_values(published, "2025-Q2")
    wert, secret = values[("faelle_neu", "2025-Q2", KREIS, "alle", "alle", "")]
    assert_shown(headline(browser, "Neue Fälle"), wert, secret, 0)

    browser.driver.back()
    wait_until_idle(browser)
    browser.driver.back()
    wait_until_idle(browser)
    assert query_of(browser)["zeitraum"] == ["2025"]
    assert heading(browser) == "Überblick 2025"

    # A bookmarked URL opens the same view.
    open_page(browser, server + "/?zeitraum=2025-Q2")
    assert "2. Quartal 2025" in heading(browser)


def test_tiles_compare_with_earlier_periods_from_published_values_only(server, browser, published):
    open_page(browser, server + "/?zeitraum=2025-Q2")
    values = published_values(published, "2025-Q2", "2025-Q1", "2024-Q2", "2025")
    for name, indikator, unit in (
        ("Neue Fälle", "faelle_neu", "Fälle"),
        ("Vermittlungen", "vermittlungen", "Vermittlungen"),
    ):
        parts = headline_parts(browser, name)
        assert parts["unit"].strip() == unit
        now, _ = values[(indikator, "2025-Q2", KREIS, "alle", "alle", "")]
        for line, (against, period) in zip(
            parts["changes"],
            (("Vorquartal", "2025-Q1"), ("Vorjahreszeitraum", "2024-Q2")),
            strict=True,
        ):
            before, secret = values[(indikator, period, KREIS, "alle", "alle", "")]
            if secret or before is None or now is None:
                assert line.startswith(f"Kein Vergleich mit dem {against}")
                continue
            delta = round(now) - round(before)
            if delta == 0:
                assert line.startswith(f"→ gleich wie im {against}")
            else:
                arrow, words = ("↑", "mehr") if delta > 0 else ("↓", "weniger")
                assert (
                    line.startswith(f"{arrow} {abs(delta)} ")
                    and f" {words} als im {against}" in line
                )
        assert parts["course"].startswith("Verlauf 3. Quartal 2023 bis 2. Quartal 2025")
    # The goal is a statement about the year: its value to date stands beside the status.
    goal = headline_parts(browser, "Neue Fälle")["goal"]
    year, secret = values[("faelle_neu", "2025", KREIS, "alle", "alle", "")]
    assert goal.startswith("Jahresziel 2025: mindestens")
    assert not secret and f"Ergebnis des Jahres: {int(year):,} Fälle".replace(",", ".") in goal


def test_since_the_beginning_shows_the_kreis_cumulative_values(server, browser, published):
    open_page(browser, server + "/?zeitraum=2025")
    choose(browser, "filter-periodentyp", "seit Beginn")
    assert query_of(browser)["zeitraum"] == ["gesamt"]
    assert heading(browser) == "Überblick seit Beginn"
    values = published_values(published, "gesamt")
    assert {key[2] for key in values} == {KREIS}, "published for the Kreis only"
    assert_headlines(
        browser,
        values,
        "gesamt",
        KREIS,
        (("Neue Fälle", "faelle_neu", 0), ("Erreichte Personen", "personen_erreicht", 0)),
    )
    parts = headline_parts(browser, "Neue Fälle")
    assert parts["changes"] == [], "nothing earlier to compare with"
    assert parts["course"].startswith("Verlauf ") and "Quartal" not in parts["course"]
    assert "Stand des Jahres" in parts["goal"], "the goal status is the latest year's to date"
    areas = {r["Gebiet"]: r for r in card_table(browser, "Städte im Überblick")}
    wert, secret = values[("faelle_aktiv", "gesamt", KREIS, "alle", "alle", "")]
    assert_shown(areas["Ennepe-Ruhr-Kreis"]["Betreute Fälle"], wert, secret, 0)
    assert {areas[name]["Betreute Fälle"] for name in areas if name != "Ennepe-Ruhr-Kreis"} == {"x"}
