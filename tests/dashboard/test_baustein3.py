"""Baustein III in the browser: Witten and Kreis equal `kim indicators`, the Kreis authority is
their difference only where both are visible, and the period filter lives in the URL."""

from __future__ import annotations

from tests.dashboard.conftest import (
    assert_grain_note,
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
OWN = "Ausländerbehörde des Kreises (Kreis − Witten)"
CARDS = {
    "Alle Verfahren": "",
    "Bleiberecht § 25a AufenthG": "verfahrensart=bleiberecht_25a",
    "Bleiberecht § 25b AufenthG": "verfahrensart=bleiberecht_25b",
    "Chancen-Aufenthaltsrecht § 104c AufenthG": "verfahrensart=chancen_104c",
    "Einbürgerung": "verfahrensart=einbuergerung",
}
STAGES = ("b3_angesprochen", "b3_antraege", "b3_erteilt")


def check_stage_cards(browser, values: dict, zeitraum: str) -> list[str]:
    """Every stage card equals the published cells; returns the shown Kreis-authority texts."""
    own = []
    for title, split in CARDS.items():
        rows = card_table(browser, f"{title}: ")
        assert [r["Stufe"] for r in rows][:2] == ["Aktiv angesprochen", "Anträge"]
        for indikator, row in zip(STAGES, rows, strict=True):
            witten, witten_secret = values[(indikator, zeitraum, WITTEN, "alle", "alle", split)]
            kreis, kreis_secret = values[(indikator, zeitraum, KREIS, "alle", "alle", split)]
            assert_shown(row["Ausländerbehörde Witten"], witten, witten_secret, 0)
            assert_shown(row["Kreis insgesamt"], kreis, kreis_secret, 0)
            if witten_secret or kreis_secret:
                assert row[OWN] == ".", f"{title} {indikator}: difference of a secret value"
            elif witten is None or kreis is None:
                # not published at this grain (towns by procedure from quarters on)
                assert parse_shown(row[OWN]) is None, f"{title} {indikator}: {row[OWN]}"
            else:
                assert_shown(row[OWN], kreis - witten, False, 0)
            own.append(row[OWN])
        # Witten by procedure type is published from quarters on: the card says so where
        # its cells stay empty.
        keys = [(indikator, zeitraum, WITTEN, "alle", "alle", split) for indikator in STAGES]
        assert_grain_note(browser, f"{title}: ", any(k in values for k in keys))
        sentence = card_sentence(browser, f"{title}: ")
        for row in rows:
            said = {".": "„.“ (geheim)", "–": "0"}.get(row["Kreis insgesamt"])
            assert (said or row["Kreis insgesamt"]) in sentence
    return own


def test_stages_equal_kim_indicators_for_the_year(server, browser, published):
    open_page(browser, server + "/baustein3?zeitraum=2025")
    values = published_values(published, "2025")
    check_stage_cards(browser, values, "2025")
    rows = card_table(browser, "Alle Verfahren: ")
    assert f"{rows[1]['Kreis insgesamt']} Anträge" in card_sentence(browser, "Alle Verfahren: ")

    quarters = [f"2025-Q{q}" for q in range(1, 5)]
    by_quarter = published_values(published, *quarters)
    timeline = card_table(browser, "Baustein III je Quartal 2025")
    assert [r["Zeitraum"] for r in timeline] == [f"{q}. Quartal 2025" for q in range(1, 5)]
    for zeitraum, row in zip(quarters, timeline, strict=True):
        for indikator, column in zip(
            STAGES,
            ("Aktiv angesprochen", "Anträge", "Erteilungen / Einbürgerungen"),
            strict=True,
        ):
            for area, gebiet in (("Kreis", KREIS), ("Witten", WITTEN)):
                wert, secret = by_quarter[(indikator, zeitraum, gebiet, "alle", "alle", "")]
                assert_shown(row[f"{column} ({area})"], wert, secret, 0)


def test_period_filter_lives_in_the_url_and_secret_values_stay_secret(server, browser, published):
    open_page(browser, server + "/baustein3?zeitraum=2025")
    choose(browser, "filter-periodentyp", "Quartal")
    choose(browser, "filter-zeitraum", "2. Quartal 2025")
    assert query_of(browser)["zeitraum"] == ["2025-Q2"]
    assert heading(browser) == "Baustein III 2. Quartal 2025"
    check_stage_cards(browser, published_values(published, "2025-Q2"), "2025-Q2")

    # Single months have small counts: suppressed cells show `.`, never a difference.
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    values = published_values(published, *months)
    shown = []
    for zeitraum in months:
        open_page(browser, server + f"/baustein3?zeitraum={zeitraum}")
        shown += check_stage_cards(browser, values, zeitraum)
    assert "." in shown
    timeline = card_table(browser, "Baustein III je Monat 2025")
    assert len(timeline) == 12
    wert, secret = values[("b3_antraege", "2025-12", WITTEN, "alle", "alle", "")]
    assert_shown(timeline[-1]["Anträge (Witten)"], wert, secret, 0)


# German short names of the nationalities the sample delivers most often.
NATIONALITIES = {
    "Afghanistan": "AFG",
    "Irak": "IRQ",
    "Iran": "IRN",
    "Kosovo": "XKX",
    "Russische Föderation": "RUS",
    "Syrien": "SYR",
    "Türkei": "TUR",
    "Ukraine": "UKR",
    "Andere oder unbekannt": "andere",
}


def test_nationalities_equal_kim_indicators_and_add_up_to_the_total(server, browser, published):
    open_page(browser, server + "/baustein3?zeitraum=2025-Q3")
    values = published_values(published, "2025")
    title = "Alle Verfahren nach Staatsangehörigkeit – 2025"
    rows = card_table(browser, title)
    published_codes = {
        split.split("=")[1]
        for (_, _, gebiet, _, _, split) in values
        if split.startswith("staatsangehoerigkeit=") and gebiet == KREIS
    }
    shown = [r["Staatsangehörigkeit"] for r in rows]
    assert {NATIONALITIES[name] for name in shown} == published_codes
    assert 3 <= len(shown) <= 6 and shown[-1] == "Andere oder unbekannt"
    assert shown[:-1] == sorted(shown[:-1]), "alphabetical, so no order tells a secret apart"
    for row in rows:
        split = f"staatsangehoerigkeit={NATIONALITIES[row['Staatsangehörigkeit']]}"
        for indikator, column in zip(
            STAGES, ("Aktiv angesprochen", "Anträge", "Erteilungen / Einbürgerungen"), strict=True
        ):
            wert, secret = values[(indikator, "2025", KREIS, "alle", "alle", split)]
            assert_shown(row[column], wert, secret, 0)
    for indikator in STAGES:
        total, _ = values[(indikator, "2025", KREIS, "alle", "alle", "")]
        parts = [
            values[(indikator, "2025", KREIS, "alle", "alle", f"staatsangehoerigkeit={c}")]
            for c in published_codes
        ]
        if not any(secret for _, secret in parts):
            assert sum(wert for wert, _ in parts) == total
    # Towns and the Kreis authority are not broken down by nationality.
    assert not any(
        split.startswith("staatsangehoerigkeit=") and gebiet != KREIS
        for (_, _, gebiet, _, _, split) in values
    )
    assert "Staatsangehörigkeit" in card_sentence(browser, title)
