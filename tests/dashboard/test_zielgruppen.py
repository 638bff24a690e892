"""Zielgruppen in the browser: numbers equal `kim indicators`, filters live in the URL."""

from __future__ import annotations

from tests.dashboard.conftest import (
    as_shown,
    assert_cards_per_code,
    assert_grain_note,
    card_note,
    card_table,
    choose,
    heading,
    hidden_filter_groups,
    open_page,
    parse_shown,
    published_values,
    query_of,
)
from views.display import MONTHS

KREIS = "05954"
BRECKERFELD = "05954004"
GROUPS = {
    "alle": "Alle Zielgruppen",
    "neuzugewandert": "Neuzugewanderte (bis 24 Monate)",
    "alleinerziehend": "Alleinerziehende",
    "junger_mensch_ohne_familie": "Junge Menschen ohne Familie",
    "analphabetismus": "Analphabetismus",
    "ohne_berufsausbildung": "Ohne Berufsausbildung",
    "geringe_deutschkenntnisse": "Geringe Deutschkenntnisse",
}
CARDS = {
    "Reichweite je Zielgruppe": (
        ("Betreute Fälle", "faelle_aktiv", 0),
        ("Neue Fälle", "faelle_neu", 0),
        ("Erreichte Personen", "personen_erreicht", 0),
    ),
    "Zielerreichung je Zielgruppe": (
        ("Ziele erreicht", "quote_ziele_erreicht", 1),
        ("Ziele mindestens teilweise erreicht", "quote_ziele_teilweise", 1),
    ),
    "Mittlere Falldauer je Zielgruppe": (
        ("Mittlere Falldauer (Median, Tage)", "falldauer_median_tage", 0),
    ),
}
SHARES = "Anteile der Zielgruppen"


def zeitraum_of(label: str) -> str:
    """`März 2025` → `2025-03`, `2. Quartal 2025` → `2025-Q2`, `1. Halbjahr 2025` → `2025-H1`."""
    first, *_, year = label.split()
    if "Quartal" in label:
        return f"{year}-Q{first.rstrip('.')}"
    if "Halbjahr" in label:
        return f"{year}-H{first.rstrip('.')}"
    return f"{year}-{MONTHS.index(first) + 1:02d}"


def assert_cards_equal_published(browser, values, zeitraum: str, gebiet: str, topic: str):
    """Every by-group card shows the published value of every group and measure."""
    assert_cards_per_code(
        browser,
        CARDS,
        "Zielgruppe",
        GROUPS,
        lambda indikator, code: values[(indikator, zeitraum, gebiet, code, topic, "")],
    )
    for title, measures in CARDS.items():
        note = card_note(browser, title)
        assert note and "mehreren Zielgruppen" in note, title
        keys = [(m[1], zeitraum, gebiet, code, topic, "") for m in measures for code in GROUPS]
        assert_grain_note(browser, title, any(k in values for k in keys if k[3] != "alle"))


def assert_shares_equal_published(browser, values, gebiet: str, topic: str, periods: int):
    """Every share is group ÷ all from published counts; `.` when either is suppressed."""
    rows = card_table(browser, SHARES)
    assert len(rows) == periods
    checked = 0
    for row in rows:
        zeitraum = zeitraum_of(row.get("Monat") or row.get("Quartal") or row["Halbjahr"])
        total, total_secret = values[("faelle_aktiv", zeitraum, gebiet, "alle", topic, "")]
        for code, name in list(GROUPS.items())[1:]:
            count, secret = values[("faelle_aktiv", zeitraum, gebiet, code, topic, "")]
            shown = parse_shown(row[name])
            if secret or total_secret:
                assert shown == ".", (zeitraum, name, row[name])
            elif not total:
                assert shown is None, (zeitraum, name, row[name])
            else:
                assert shown == as_shown(100 * count / total, 1), (zeitraum, name, row[name])
                checked += 1
    assert checked, "no visible share compared"
    note = card_note(browser, SHARES)
    assert "mehreren Zielgruppen" in note and "geheim" in note
    shown = [zeitraum_of(row.get("Monat") or row.get("Quartal") or row["Halbjahr"]) for row in rows]
    keys = [("faelle_aktiv", z, gebiet, code, topic, "") for z in shown for code in GROUPS]
    assert_grain_note(browser, SHARES, any(k in values for k in keys if k[3] != "alle"))


def test_kreis_year_equals_kim_indicators(server, browser, published):
    open_page(browser, server + "/zielgruppen?zeitraum=2025")
    assert heading(browser) == "Zielgruppen 2025"
    notice = browser.driver.find_element("css selector", "main .meldung").text
    assert "mehreren Zielgruppen" in notice and "nicht die Gesamtzahl" in notice
    # Only the filters this page uses are offered.
    assert hidden_filter_groups(browser) == [False, False, True, False]
    # Target groups are published from half-years on (docs/confidentiality.md), so the
    # shares of a year run by half-year.
    halves = ["2025-H1", "2025-H2"]
    values = published_values(published, "2025", *halves)
    assert_cards_equal_published(browser, values, "2025", KREIS, "alle")
    assert_shares_equal_published(browser, values, KREIS, "alle", periods=2)


def test_filters_change_numbers_and_url(server, browser, published):
    open_page(browser, server + "/zielgruppen?zeitraum=2025")
    choose(browser, "filter-gebiet", "Breckerfeld")
    choose(browser, "filter-handlungsfeld", "Arbeit")
    choose(browser, "filter-periodentyp", "Monat")
    choose(browser, "filter-zeitraum", "März 2025")
    query = query_of(browser)
    assert query["zeitraum"] == ["2025-03"]
    assert query["gebiet"] == [BRECKERFELD]
    assert query["handlungsfeld"] == ["arbeit"]
    assert "März 2025" in heading(browser)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    values = published_values(published, *months)
    assert_cards_equal_published(browser, values, "2025-03", BRECKERFELD, "arbeit")
    # A town's target groups are published from half-years on (docs/confidentiality.md):
    # the monthly shares stay empty, never a number.
    shares = card_table(browser, SHARES)
    assert len(shares) == 12
    names = list(GROUPS.values())[1:]
    assert all(parse_shown(row[name]) is None for row in shares for name in names)

    # Small town, one topic, a half-year: suppressed cells are shown as `.` with the legend.
    open_page(browser, server + f"/zielgruppen?zeitraum=2025-H1&gebiet={BRECKERFELD}")
    values = published_values(published, "2025-H1")
    assert_cards_equal_published(browser, values, "2025-H1", BRECKERFELD, "alle")
    reach = card_table(browser, "Reichweite je Zielgruppe")
    assert any(cell == "." for row in reach for cell in row.values())
    legend = browser.driver.find_elements("css selector", "section.karte .legende")
    assert legend and "geheim" in legend[0].text

    # The URL alone restores the view.
    open_page(browser, server + "/zielgruppen?zeitraum=2025-Q2&gebiet=05954036")
    values = published_values(published, "2025-Q2", *(f"2025-Q{q}" for q in range(1, 5)))
    assert_cards_equal_published(browser, values, "2025-Q2", "05954036", "alle")
