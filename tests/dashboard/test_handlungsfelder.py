"""Handlungsfelder in the browser: numbers equal `kim indicators`, filters live in the URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.dashboard.conftest import (
    assert_cards_per_code,
    assert_grain_note,
    assert_shown,
    card_table,
    card_text,
    choose,
    heading,
    hidden_filter_groups,
    in_card,
    open_page,
    published_values,
    query_of,
    wait_until_idle,
)

KREIS = "05954"
BRECKERFELD = "05954004"
TOPICS = {
    "alle": "Alle Handlungsfelder",
    "aufenthalt": "Aufenthalt",
    "erstorientierung": "Erstorientierung",
    "bildung": "Bildung",
    "arbeit": "Arbeit",
    "wohnen": "Wohnen",
    "gesundheit": "Gesundheit",
    "sonstiges": "Sonstiges",
}
PARTNERS = {
    "auslaenderbehoerde": "Ausländerbehörde",
    "jobcenter": "Jobcenter",
    "agentur_fuer_arbeit": "Agentur für Arbeit",
    "integrationskurs": "Integrationskurs",
    "migrationsberatung": "Migrationsberatung",
    "schule_kita": "Schule/Kita",
    "gesundheitswesen": "Gesundheitswesen",
    "wohnungswesen": "Wohnungswesen",
    "sozialamt": "Sozialamt",
    "ehrenamt_mso": "Ehrenamt/Migrantenorganisation",
    "beratungsstelle": "Beratungsstelle",
    "sonstige": "Sonstige",
}
CARDS = {
    "Betreute Fälle und Vermittlungen je Handlungsfeld": (
        ("Betreute Fälle", "faelle_aktiv", 0),
        ("Vermittlungen", "vermittlungen", 0),
    ),
    "Ergebnisse je Handlungsfeld": (
        ("Erreichte Handlungsfeldziele", "quote_handlungsfeld_ziel_erreicht", 1),
        ("Angenommene Vermittlungen", "quote_vermittlung_angenommen", 1),
    ),
}
FLOWS = "Vermittlungen vom Handlungsfeld zum Partner"


def assert_page_equals_published(browser, values, zeitraum: str, gebiet: str, group: str):
    """Topic cards for the chosen group; partner cards (published for all groups only)."""
    assert_cards_per_code(
        browser,
        CARDS,
        "Handlungsfeld",
        TOPICS,
        lambda indikator, code: values[(indikator, zeitraum, gebiet, group, code, "")],
    )
    for title, measures in CARDS.items():
        assert "mehreren Handlungsfeldern" in card_text(browser, title), title
        keys = [(m[1], zeitraum, gebiet, group, code, "") for m in measures for code in TOPICS]
        assert_grain_note(browser, title, any(k in values for k in keys if k[4] != "alle"))

    rows = {r["Partner"]: r for r in card_table(browser, "Vermittlungen nach Partner")}
    assert list(rows) == list(PARTNERS.values())
    for code, name in PARTNERS.items():
        wert, secret = values[
            ("vermittlungen", zeitraum, gebiet, "alle", "alle", f"partner={code}")
        ]
        assert_shown(rows[name]["Vermittlungen"], wert, secret, 0)
    partner_keys = [
        ("vermittlungen", zeitraum, gebiet, "alle", "alle", f"partner={code}") for code in PARTNERS
    ]
    assert_grain_note(browser, "Vermittlungen nach Partner", any(k in values for k in partner_keys))
    partner_text = card_text(browser, "Vermittlungen nach Partner")
    assert ("nur für alle Zielgruppen" in partner_text) == (group != "alle")

    flows = {
        (key[4], key[5].removeprefix("partner=")): value
        for key, value in values.items()
        if key[0] == "vermittlungen"
        and key[1:4] == (zeitraum, gebiet, "alle")
        and key[4] != "alle"
        and key[5].startswith("partner=")
    }
    text = card_text(browser, FLOWS)
    assert text is not None
    assert "keine Vermittlungen nach Partner und Ergebnis" in text
    if not flows:
        # The build publishes no topic × partner counts: said plainly, nothing drawn.
        assert "nicht dargestellt werden" in text
        assert "damit sich kein einzelner Fall erkennen lässt" in text
        assert not in_card(browser, FLOWS, "return card.querySelector('.js-plotly-plot, table');")
        return
    assert_grain_note(browser, FLOWS, True)
    rows = {r["Handlungsfeld"]: r for r in card_table(browser, FLOWS)}
    for (topic, partner), (wert, secret) in flows.items():
        assert_shown(rows[TOPICS[topic]][PARTNERS[partner]], wert, secret, 0)


def test_kreis_year_equals_kim_indicators(server, browser, published):
    open_page(browser, server + "/handlungsfelder?zeitraum=2025")
    assert heading(browser) == "Handlungsfelder 2025"
    notice = browser.driver.find_element("css selector", "main .meldung").text
    assert "mehreren Handlungsfeldern" in notice and "nicht die Gesamtzahl" in notice
    assert hidden_filter_groups(browser) == [False, False, False, True]
    values = published_values(published, "2025")
    assert_page_equals_published(browser, values, "2025", KREIS, "alle")


def test_filters_change_numbers_and_url(server, browser, published):
    open_page(browser, server + "/handlungsfelder?zeitraum=2025")
    choose(browser, "filter-gebiet", "Breckerfeld")
    choose(browser, "filter-zielgruppe", "Alleinerziehende")
    choose(browser, "filter-periodentyp", "Quartal")
    choose(browser, "filter-zeitraum", "1. Quartal 2025")
    query = query_of(browser)
    assert query["zeitraum"] == ["2025-Q1"]
    assert query["gebiet"] == [BRECKERFELD]
    assert query["zielgruppe"] == ["alleinerziehend"]
    assert "1. Quartal 2025" in heading(browser)
    values = published_values(published, "2025-Q1")
    assert_page_equals_published(browser, values, "2025-Q1", BRECKERFELD, "alleinerziehend")

    # The URL alone restores the view.
    open_page(browser, server + "/handlungsfelder?zeitraum=2025-03&gebiet=05954036")
    values = published_values(published, "2025-03")
    assert_page_equals_published(browser, values, "2025-03", "05954036", "alle")


def test_a_topic_bar_or_its_row_opens_the_towns_compared_for_that_topic(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains

    title = "Betreute Fälle und Vermittlungen je Handlungsfeld"
    open_page(browser, server + f"/handlungsfelder?zeitraum=2025&gebiet={KREIS}")
    # The keyboard's way: the table's row header is a link to the same view.
    href = in_card(
        browser,
        title,
        "return [...card.querySelectorAll('tbody th a')]"
        ".find(a => a.textContent === 'Arbeit').getAttribute('href');",
    )
    assert urlparse(href).path == "/staedte"
    assert parse_qs(urlparse(href).query)["handlungsfeld"] == ["arbeit"]
    # The pointer's way: a click on the topic's bar.
    bar = in_card(
        browser,
        title,
        """
        const graph = card.querySelector('.js-plotly-plot');
        const index = graph.data[0].customdata.findIndex(h => h.includes('handlungsfeld=arbeit'));
        return card.querySelectorAll('.trace.bars')[0].querySelectorAll('.point path')[index];
        """,
    )
    ActionChains(browser.driver).move_to_element(bar).click().perform()
    wait_until_idle(browser)
    assert urlparse(browser.driver.current_url).path == "/staedte"
    query = query_of(browser)
    assert query["handlungsfeld"] == ["arbeit"] and query["zeitraum"] == ["2025"]
    assert "Handlungsfeld Arbeit" in browser.driver.find_element("css selector", "main h2").text
