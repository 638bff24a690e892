"""Städte and the town pages in the browser: numbers equal `kim indicators`, links, downloads."""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.dashboard.conftest import (
    assert_grain_note,
    assert_headlines,
    assert_shown,
    axe_violations,
    card_note,
    card_sentence,
    card_table,
    choose,
    heading,
    in_card,
    labels,
    open_page,
    published_query,
    published_values,
    query_of,
    wait_until_idle,
)
from tests.reference_indicators import period_level
from views.display import MONTHS

KREIS = "05954"
WITTEN = "05954036"
BRECKERFELD = "05954004"


def areas(published) -> list[tuple[str, str, int, date]]:
    """Towns by name, then the Kreis: AGS, name, population and its Stichtag."""
    return published_query(
        published,
        "SELECT gebiet, name, einwohner, einwohner_stand FROM dim_gebiete ORDER BY ist_kreis, name",
    )


def card_links(browser, title_start: str) -> dict[str, str]:
    """Row header text → link target in the table of a card."""
    return in_card(
        browser,
        title_start,
        """
        return Object.fromEntries([...card.querySelectorAll('tbody th a')]
            .map(a => [a.textContent.trim(), a.getAttribute('href')]));
        """,
    )


def group_hidden(browser, key: str) -> bool:
    """Whether a filter group of the shell is hidden."""
    return not browser.driver.find_element("id", f"filtergruppe-{key}").is_displayed()


def check_comparison(browser, published, zeitraum: str, zielgruppe: str, handlungsfeld: str):
    """The three comparison cards equal `kim indicators` for one selection."""
    values = published_values(published, zeitraum)
    towns = areas(published)

    rows = card_table(browser, "Fälle und erreichte Personen je Stadt")
    assert [r["Gebiet"] for r in rows] == [name for _, name, _, _ in towns]
    per_inhabitants = card_table(browser, "Fälle je 10.000 Einwohner")
    assert [r["Gebiet"] for r in per_inhabitants] == [name for _, name, _, _ in towns]
    for (gebiet, _, einwohner, _), row, rates in zip(towns, rows, per_inhabitants, strict=True):
        assert rates["Einwohner"] == f"{einwohner:,}".replace(",", ".")
        for indikator, column in (
            ("faelle_neu", "Neue Fälle"),
            ("faelle_aktiv", "Betreute Fälle"),
            ("personen_erreicht", "Erreichte Personen"),
        ):
            wert, secret = values[(indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, "")]
            assert_shown(row[column], wert, secret, 0)
            rate = None if wert is None else wert * 10_000 / einwohner
            assert_shown(rates[f"{column} je 10.000 Einwohner"], rate, secret, 1)

    per_post = card_table(browser, "Fälle je besetzter Stelle")
    for (gebiet, name, _, _), row in zip(towns, per_post, strict=True):
        assert row["Gebiet"] == name
        wert, secret = values[("faelle_je_vzae", zeitraum, gebiet, "alle", "alle", "")]
        assert_shown(row["Fälle je besetzter Stelle"], wert, secret, 1)
        wert, secret = values[("faelle_bestand", zeitraum, gebiet, "alle", "alle", "")]
        assert_shown(row["Fallbestand zum Stichtag"], wert, secret, 0)
        posts = "baustein=2" if gebiet == KREIS else ""
        wert, secret = values[("vzae_ist", zeitraum, gebiet, "alle", "alle", posts)]
        assert_shown(row["Besetzte Stellen (VZÄ)"], wert, secret, 2)


def test_town_comparison_equals_kim_indicators(server, browser, published):
    open_page(browser, server + "/staedte?zeitraum=2025")
    assert heading(browser) == "Städte 2025"
    check_comparison(browser, published, "2025", "alle", "alle")

    # The population figures and their Stichtag are named on the page.
    stand = {s for _, _, _, s in areas(published)}
    note = card_note(browser, "Fälle je 10.000 Einwohner")
    for day in stand:
        assert day.strftime("%d.%m.%Y") in note

    # Every town in the tables links to its page for the chosen period.
    expected = {name: f"/stadt/{g}?zeitraum=2025" for g, name, _, _ in areas(published)[:-1]}
    assert card_links(browser, "Fälle und erreichte Personen je Stadt") == expected
    assert card_links(browser, "Fälle je besetzter Stelle") == expected

    values = published_values(published, "2025")
    wert, secret = values[("faelle_aktiv", "2025", KREIS, "alle", "alle", "")]
    sentence = card_sentence(browser, "Fälle und erreichte Personen je Stadt")
    assert f"{int(wert):,}".replace(",", ".") in sentence and not secret


def test_filters_change_the_comparison_and_live_in_the_url(server, browser, published):
    open_page(browser, server + "/staedte?zeitraum=2025")
    assert group_hidden(browser, "gebiet")
    assert not group_hidden(browser, "zielgruppe") and not group_hidden(browser, "handlungsfeld")
    choose(browser, "filter-zielgruppe", "Neuzugewanderte (bis 24 Monate)")
    choose(browser, "filter-handlungsfeld", "Arbeit")
    choose(browser, "filter-periodentyp", "Quartal")
    choose(browser, "filter-zeitraum", "2. Quartal 2025")
    query = query_of(browser)
    assert query["zeitraum"] == ["2025-Q2"]
    assert query["zielgruppe"] == ["neuzugewandert"]
    assert query["handlungsfeld"] == ["arbeit"]
    assert heading(browser) == "Städte 2. Quartal 2025"
    check_comparison(browser, published, "2025-Q2", "neuzugewandert", "arbeit")

    # A bookmarked URL opens the same view; the town links keep the period.
    open_page(
        browser,
        server + "/staedte?zeitraum=2025-Q2&zielgruppe=neuzugewandert&handlungsfeld=arbeit",
    )
    check_comparison(browser, published, "2025-Q2", "neuzugewandert", "arbeit")
    links = card_links(browser, "Fälle und erreichte Personen je Stadt")
    assert links["Witten"] == f"/stadt/{WITTEN}?zeitraum=2025-Q2"


def check_town_page(browser, published, gebiet: str, zeitraum: str) -> None:
    """Headlines and every card of a town page equal `kim indicators` and the published tables."""
    year = zeitraum[:4]
    known = {z for (z,) in published_query(published, "SELECT zeitraum FROM dim_perioden")}
    months = [m for m in (f"{year}-{n:02d}" for n in range(1, 13)) if m in known]
    values = published_values(published, zeitraum, *months)

    def cell(indikator: str, aufschluesselung: str = "", **dims: str):
        return values[
            (
                indikator,
                dims.get("period", zeitraum),
                gebiet,
                dims.get("zielgruppe", "alle"),
                dims.get("handlungsfeld", "alle"),
                aufschluesselung,
            )
        ]

    assert_headlines(
        browser,
        values,
        zeitraum,
        gebiet,
        (
            ("Neue Fälle", "faelle_neu", 0),
            ("Betreute Fälle", "faelle_aktiv", 0),
            ("Erreichte Personen", "personen_erreicht", 0),
            ("Zielerreichungsquote", "quote_ziele_erreicht", 1),
            ("Vermittlungen", "vermittlungen", 0),
            ("Fälle je besetzter Stelle", "faelle_je_vzae", 1),
        ),
    )

    rows = card_table(browser, "Neue und betreute Fälle je Monat")
    assert rows, "no months shown"
    for row in rows:
        month = f"{year}-{MONTHS.index(row['Monat'].split()[0]) + 1:02d}"
        assert_shown(row["Neue Fälle"], *cell("faelle_neu", period=month), 0)
        assert_shown(row["Betreute Fälle"], *cell("faelle_aktiv", period=month), 0)

    for dimension, header in (("zielgruppe", "Zielgruppe"), ("handlungsfeld", "Handlungsfeld")):
        codes = {v: k for k, v in labels(dimension).items()}
        rows = card_table(browser, f"Betreute Fälle nach {header}")
        assert_grain_note(browser, f"Betreute Fälle nach {header}", period_level(zeitraum) >= 3)
        if period_level(zeitraum) < 3:
            assert rows == [], "a town's groups are published from half-years on"
            continue
        assert len(rows) == len(codes) - 1
        for row in rows:
            code = codes[row[header]]
            assert_shown(row["Betreute Fälle"], *cell("faelle_aktiv", **{dimension: code}), 0)

    # Referrals by partner are published for the Kreis only (table design): the card says so
    # and shows no empty chart, table or downloads.
    assert "nur für den ganzen Kreis" in card_sentence(browser, "Vermittlungen nach Partner")
    shown = "return card.querySelectorAll('table, button, .js-plotly-plot').length"
    assert in_card(browser, "Vermittlungen nach Partner", shown) == 0
    assert not any(key[5].startswith("partner=") and key[2] == gebiet for key in values)

    staff = {r["Kennzahl"]: r["Wert"] for r in card_table(browser, "Personal im Case Management")}
    assert_shown(staff["Stellen (Soll, VZÄ)"], *cell("vzae_soll"), 2)
    assert_shown(staff["Stellen (Ist, VZÄ)"], *cell("vzae_ist"), 2)
    assert_shown(staff["Besetzungsquote"], *cell("besetzungsquote"), 1)
    assert_shown(staff["Fälle je besetzter Stelle"], *cell("faelle_je_vzae"), 1)

    goals = published_query(
        published,
        """
        SELECT k.name, z.ist, z.unterdrueckt, z.status_text, k.format
        FROM fct_zielerreichung z JOIN dim_kennzahlen k USING (indikator)
        WHERE z.gebiet = ? AND z.jahr = ? ORDER BY k.nr
        """,
        [gebiet, int(year)],
    )
    if goals:
        rows = card_table(browser, f"Ziele {year}")
        assert [r["Ziel"] for r in rows] == [g[0] for g in goals]
        for row, (_, ist, secret, status_text, fmt) in zip(rows, goals, strict=True):
            assert_shown(row["Ist"], ist, secret, 1 if fmt == "prozent" else 0)
            assert row["Status"].endswith(status_text)
    else:
        assert "keine eigenen Ziele" in card_sentence(browser, f"Ziele {year}")

    kinds = {v: k for k, v in labels("verfahrensart").items()}
    b3 = [k for k in values if k[0].startswith("b3_") and k[2] == gebiet]
    if b3:
        rows = card_table(browser, "Baustein III")
        assert rows[-1]["Verfahrensart"] == "Alle Verfahrensarten"
        for row in rows:
            art = "" if row is rows[-1] else f"verfahrensart={kinds[row['Verfahrensart']]}"
            for indikator, column in (
                ("b3_angesprochen", "Aktiv angesprochen"),
                ("b3_antraege", "Anträge"),
                ("b3_erteilt", "Erteilungen / Einbürgerungen"),
            ):
                assert_shown(row[column], *cell(indikator, art), 0)

    tables = {v: k for k, v in labels("tabelle").items()}
    current = dict(
        published_query(
            published,
            "SELECT tabelle, max(stichtag) FROM fct_lieferungen "
            "WHERE ist_aktuell AND quelle = ? GROUP BY tabelle",
            [gebiet],
        )
    )
    rows = card_table(browser, "Datenstand")
    own = {tables[r["Tabelle"]]: r["Stichtag"] for r in rows if r["Tabelle"] in tables}
    for tabelle, stichtag in current.items():
        assert own[tabelle] == stichtag.strftime("%d.%m.%Y")


def test_town_link_opens_the_town_page_with_its_numbers(server, browser, published):
    open_page(browser, server + "/staedte?zeitraum=2025")
    link = browser.driver.find_element(
        "xpath", "//section[.//h2[starts-with(., 'Fälle und erreichte')]]//tbody//a[.='Witten']"
    )
    link.click()
    wait_until_idle(browser)
    assert urlparse(browser.driver.current_url).path == f"/stadt/{WITTEN}"
    assert query_of(browser)["zeitraum"] == ["2025"]
    assert heading(browser) == "Witten 2025"
    assert browser.driver.title == "Witten – KIM Monitor"
    # Only the period filter applies; the town comes from the path.
    assert group_hidden(browser, "gebiet") and group_hidden(browser, "zielgruppe")
    check_town_page(browser, published, WITTEN, "2025")
    # The town is not a page of the navigation, but the way back is.
    back = browser.driver.find_element("link text", "Zurück zum Vergleich der Städte")
    assert back.get_attribute("href").endswith("/staedte?zeitraum=2025")


def test_town_page_period_filter(server, browser, published):
    open_page(browser, server + f"/stadt/{BRECKERFELD}?zeitraum=2025")
    check_town_page(browser, published, BRECKERFELD, "2025")
    choose(browser, "filter-periodentyp", "Monat")
    choose(browser, "filter-zeitraum", "März 2025")
    assert urlparse(browser.driver.current_url).path == f"/stadt/{BRECKERFELD}"
    assert query_of(browser)["zeitraum"] == ["2025-03"]
    assert heading(browser) == "Breckerfeld März 2025"
    check_town_page(browser, published, BRECKERFELD, "2025-03")


@pytest.mark.parametrize("ags", ["99999999", KREIS, "abc"])
def test_unknown_town_shows_a_clear_page(server, browser, ags):
    open_page(browser, server + f"/stadt/{ags}")
    assert heading(browser) == "Stadt nicht gefunden"
    browser.driver.find_element("link text", "Zum Vergleich der Städte").click()
    wait_until_idle(browser)
    assert urlparse(browser.driver.current_url).path == "/staedte"
    assert heading(browser).startswith("Städte")


def download_csv(browser, title_start: str, name: str) -> list[dict[str, str]]:
    """Click a card's CSV button and read the downloaded file's table rows."""
    folder = Path(browser.download_path)
    target = folder / name
    target.unlink(missing_ok=True)
    button = browser.driver.find_element(
        "xpath",
        f"//section[contains(@class, 'karte')][./*[self::h2 or self::h3][starts-with(., "
        f"'{title_start}')]]//button[.='CSV herunterladen']",
    )
    button.click()
    deadline = time.monotonic() + 20
    while not target.exists() or list(folder.glob("*.crdownload")):
        assert time.monotonic() < deadline, f"no download {name}: {list(folder.iterdir())}"
        time.sleep(0.2)
    text = target.read_bytes().decode("utf-8-sig")
    body = text.split("\r\n\r\n")[0]
    return list(csv.DictReader(io.StringIO(body), delimiter=";"))


def test_download_of_a_card_holds_the_shown_numbers(server, browser, published):
    open_page(browser, server + f"/stadt/{WITTEN}?zeitraum=2025")
    shown = card_table(browser, "Betreute Fälle nach Zielgruppe")
    rows = download_csv(
        browser, "Betreute Fälle nach Zielgruppe", f"kim_stadt-zielgruppen_{WITTEN}_2025.csv"
    )
    assert rows == shown and len(rows) > 1

    open_page(browser, server + "/staedte?zeitraum=2025-Q2&zielgruppe=neuzugewandert")
    shown = card_table(browser, "Fälle je 10.000 Einwohner")
    rows = download_csv(
        browser, "Fälle je 10.000 Einwohner", f"kim_staedte-einwohner_{KREIS}_2025-Q2.csv"
    )
    assert rows == shown
    values = published_values(published, "2025-Q2")
    for (gebiet, _, einwohner, _), row in zip(areas(published), rows, strict=True):
        wert, secret = values[("faelle_aktiv", "2025-Q2", gebiet, "neuzugewandert", "alle", "")]
        rate = None if wert is None else wert * 10_000 / einwohner
        assert_shown(row["Betreute Fälle je 10.000 Einwohner"], rate, secret, 1)


@pytest.mark.parametrize(
    "path",
    [
        "/staedte?zeitraum=2025-03&zielgruppe=alleinerziehend&handlungsfeld=arbeit",
        "/staedte?zeitraum=2025&reihenfolge=wert",
        "/stadt/05954028?zeitraum=2026",
        "/stadt/99999999",
    ],
)
def test_more_views_have_no_axe_violations(server, browser, path):
    open_page(browser, server + path)
    assert axe_violations(browser) == []


def map_rows(browser, published, title: str) -> tuple[dict, list, list[dict[str, str]]]:
    """Published values of 2025, the towns and the map card's rows (one per town, in order)."""
    towns = areas(published)[:-1]
    rows = card_table(browser, title)
    assert [r["Stadt"] for r in rows] == [name for _, name, _, _ in towns]
    return published_values(published, "2025"), towns, rows


def test_the_map_shows_published_rates_offline_and_a_click_opens_the_town(
    server, browser, published
):
    open_page(browser, server + "/staedte?zeitraum=2025")
    # Everything the page loaded came from this server: no map tiles, no map data, no CDN.
    hosts = browser.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)"
    )
    assert hosts and set(hosts) == {urlparse(server).netloc}

    values, towns, rows = map_rows(browser, published, "Karte der Städte")
    for (gebiet, _, einwohner, _), row in zip(towns, rows, strict=True):
        wert, secret = values[("faelle_aktiv", "2025", gebiet, "alle", "alle", "")]
        assert_shown(row["Betreute Fälle"], wert, secret, 0)
        rate = None if wert is None else wert * 10_000 / einwohner
        assert_shown(row["Betreute Fälle je 10.000 Einwohner"], rate, secret, 1)

    # The browser holds, per town, its name and the rate as shown: nothing a table hides.
    labels_in_figure = in_card(
        browser,
        "Karte der Städte",
        "return [...card.querySelectorAll('.textpoint')].map(t => t.textContent);",
    )
    for (_, name, _, _), row in zip(towns, rows, strict=True):
        assert f"{name}{row['Betreute Fälle je 10.000 Einwohner']}" in labels_in_figure

    # A click on Witten's circle opens Witten's page for the same period.
    from selenium.webdriver.common.action_chains import ActionChains

    index = [name for _, name, _, _ in towns].index("Witten")
    point = browser.driver.find_elements(
        "xpath",
        "//section[.//h2[starts-with(., 'Karte der Städte')]]//*[local-name()='path' and "
        "contains(@class, 'point')]",
    )[index]
    ActionChains(browser.driver).move_to_element(point).click().perform()
    wait_until_idle(browser)
    assert urlparse(browser.driver.current_url).path == f"/stadt/{WITTEN}"
    assert query_of(browser)["zeitraum"] == ["2025"]
    assert heading(browser) == "Witten 2025"


def test_the_map_shows_the_indicator_chosen_above_it(server, browser, published):
    open_page(browser, server + "/staedte?zeitraum=2025")
    link = browser.driver.find_element(
        "xpath", "//nav[contains(@class, 'kartenwahl')]//a[.='Zielerreichungsquote']"
    )
    assert link.get_attribute("aria-current") is None
    link.click()
    wait_until_idle(browser)
    assert query_of(browser)["karte"] == ["quote_ziele_erreicht"]
    assert query_of(browser)["zeitraum"] == ["2025"]
    current = browser.driver.find_element("css selector", "nav.kartenwahl a[aria-current]")
    assert current.text == "Zielerreichungsquote"
    values, towns, rows = map_rows(browser, published, "Karte der Städte: Zielerreichungsquote")
    for (gebiet, _, _, _), row in zip(towns, rows, strict=True):
        wert, secret = values[("quote_ziele_erreicht", "2025", gebiet, "alle", "alle", "")]
        assert_shown(row["Zielerreichungsquote"].removesuffix(" %"), wert, secret, 1)
    # A filter change keeps the chosen indicator.
    choose(browser, "filter-zeitraum", "2024")
    assert query_of(browser)["karte"] == ["quote_ziele_erreicht"]
