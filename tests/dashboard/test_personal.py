"""Personal in the browser: posts, vacancies and load equal `kim indicators`; filters in the URL."""

from __future__ import annotations

from tests.dashboard.conftest import (
    assert_headlines,
    assert_shown,
    card_sentence,
    card_table,
    choose,
    heading,
    open_page,
    parse_shown,
    published_values,
    query_of,
)

KREIS = "05954"
WITTEN = "05954036"
TOWNS = {
    "Breckerfeld": "05954004",
    "Ennepetal": "05954008",
    "Gevelsberg": "05954012",
    "Hattingen": "05954016",
    "Herdecke": "05954020",
    "Schwelm": "05954024",
    "Sprockhövel": "05954028",
    "Wetter (Ruhr)": "05954032",
    "Witten": WITTEN,
}
BAUSTEINE = {
    "Baustein I (Koordinierung)": "baustein=1",
    "Baustein II (Case Management)": "baustein=2",
    "Baustein III (Ausländerbehörden)": "baustein=3",
    "Alle Stellen": "",
}


def assert_posts(row: dict[str, str], values: dict, zeitraum: str, gebiet: str, split: str):
    """Soll, Ist, vacancy (Soll − Ist) and Besetzungsquote of a row equal the published cells."""
    soll, soll_secret = values[("vzae_soll", zeitraum, gebiet, "alle", "alle", split)]
    ist, ist_secret = values[("vzae_ist", zeitraum, gebiet, "alle", "alle", split)]
    assert not soll_secret and not ist_secret, "staffing is never suppressed"
    assert_shown(row["Soll (VZÄ)"], soll, False, 2)
    assert_shown(row["Ist (VZÄ)"], ist, False, 2)
    assert_shown(row["Unbesetzt (VZÄ)"], round(soll - ist, 2), False, 2)
    quote, secret = values[("besetzungsquote", zeitraum, gebiet, "alle", "alle", split)]
    assert_shown(row["Besetzungsquote"], quote, secret, 1)


def test_towns_and_bausteine_equal_kim_indicators(server, browser, published):
    open_page(browser, server + "/personal?zeitraum=2025")
    values = published_values(published, "2025")
    rows = card_table(browser, "Case-Management-Stellen je Stadt")
    assert [r["Gebiet"] for r in rows] == [*TOWNS, "Ennepe-Ruhr-Kreis (Baustein II)"]
    for row in rows:
        gebiet = TOWNS.get(row["Gebiet"], KREIS)
        split = "" if gebiet != KREIS else "baustein=2"
        assert_posts(row, values, "2025", gebiet, split)
        load, secret = values[("faelle_je_vzae", "2025", gebiet, "alle", "alle", "")]
        assert_shown(row["Fälle je besetzter Stelle"], load, secret, 1)
    # The towns' Case Management adds up to the Kreis' Baustein II.
    total = sum(parse_shown(r["Soll (VZÄ)"]) or 0 for r in rows[:-1])
    assert round(total, 2) == parse_shown(rows[-1]["Soll (VZÄ)"])
    vacancy = rows[-1]["Unbesetzt (VZÄ)"]
    sentence = card_sentence(browser, "Case-Management-Stellen je Stadt")
    assert rows[-1]["Ist (VZÄ)"] in sentence and rows[-1]["Soll (VZÄ)"] in sentence
    if vacancy != "–":
        assert vacancy in sentence

    bausteine = card_table(browser, "Stellen des Kreises je Baustein")
    assert [r["Baustein"] for r in bausteine] == list(BAUSTEINE)
    for row in bausteine:
        assert_posts(row, values, "2025", KREIS, BAUSTEINE[row["Baustein"]])

    assert_headlines(
        browser,
        values,
        "2025",
        KREIS,
        (
            ("Stellen (Soll)", "vzae_soll", 2),
            ("Stellen (Ist)", "vzae_ist", 2),
            ("Besetzungsquote", "besetzungsquote", 1),
            ("Fälle je besetzter Stelle", "faelle_je_vzae", 1),
        ),
    )

    # A yearly view shows the months of the year over time.
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    monthly = published_values(published, *months)
    timeline = card_table(browser, "Soll- und Ist-Stellen im Ennepe-Ruhr-Kreis je Monat 2025")
    assert len(timeline) == 12 and timeline[0]["Zeitraum"] == "Januar 2025"
    for zeitraum, row in zip(months, timeline, strict=True):
        assert_posts(row, monthly, zeitraum, KREIS, "")
    per_baustein = card_table(browser, "Soll- und Ist-Stellen des Kreises je Baustein 2025")
    for zeitraum, row in zip(months, per_baustein, strict=True):
        for number, roman in (("1", "I"), ("2", "II"), ("3", "III")):
            soll, _ = monthly[("vzae_soll", zeitraum, KREIS, "alle", "alle", f"baustein={number}")]
            ist, _ = monthly[("vzae_ist", zeitraum, KREIS, "alle", "alle", f"baustein={number}")]
            assert_shown(row[f"Baustein {roman} Soll"], soll, False, 2)
            assert_shown(row[f"Baustein {roman} Ist"], ist, False, 2)
            assert_shown(row[f"Baustein {roman} unbesetzt"], round(soll - ist, 2), False, 2)


def test_period_and_town_filters_live_in_the_url(server, browser, published):
    open_page(browser, server + "/personal?zeitraum=2025")
    choose(browser, "filter-periodentyp", "Quartal")
    choose(browser, "filter-zeitraum", "2. Quartal 2025")
    choose(browser, "filter-gebiet", "Witten")
    query = query_of(browser)
    assert query["zeitraum"] == ["2025-Q2"] and query["gebiet"] == [WITTEN]
    assert heading(browser) == "Personal 2. Quartal 2025"
    quarters = [f"2025-Q{q}" for q in range(1, 5)]
    values = published_values(published, *quarters)
    assert_headlines(
        browser,
        values,
        "2025-Q2",
        WITTEN,
        (
            ("Stellen (Soll)", "vzae_soll", 2),
            ("Stellen (Ist)", "vzae_ist", 2),
            ("Fälle je besetzter Stelle", "faelle_je_vzae", 1),
        ),
    )
    timeline = card_table(browser, "Soll- und Ist-Stellen in Witten je Quartal 2025")
    assert [r["Zeitraum"] for r in timeline] == [f"{q}. Quartal 2025" for q in range(1, 5)]
    for zeitraum, row in zip(quarters, timeline, strict=True):
        assert_posts(row, values, zeitraum, WITTEN, "")
        load, secret = values[("faelle_je_vzae", zeitraum, WITTEN, "alle", "alle", "")]
        assert_shown(row["Fälle je besetzter Stelle"], load, secret, 1)
    towns = {r["Gebiet"]: r for r in card_table(browser, "Case-Management-Stellen je Stadt")}
    assert_posts(towns["Witten"], values, "2025-Q2", WITTEN, "")

    # A bookmarked URL opens the same view.
    open_page(browser, server + f"/personal?zeitraum=2025-Q2&gebiet={WITTEN}")
    assert card_table(browser, "Soll- und Ist-Stellen in Witten je Quartal 2025") == timeline
