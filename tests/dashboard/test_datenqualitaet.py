"""Datenqualität in the browser: screen and error download equal the published tables."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import wait_for
from tests.dashboard.conftest import (
    as_shown,
    card_sentence,
    card_table,
    choose,
    grid_column,
    grid_header,
    heading,
    in_card,
    labels,
    open_page,
    published_query,
    query_of,
)
from warehouse.schema import PSEUDONYM_COLUMNS

KREIS = "05954"
GEVELSBERG = "05954012"
WITTEN = "05954036"
KREIS_SOURCE = "Kreis (Koordinierungsstelle, Ausländerbehörde)"
HIDDEN = "(Pseudonym, nicht angezeigt)"


# Deliveries of the newest Stichtag of each source and table: their errors are the ones
# still to fix (older snapshots are superseded). The sample has one delivery per Stichtag.
NEWEST = """
    SELECT l.* FROM fct_lieferungen l
    WHERE l.stichtag = (
        SELECT max(m.stichtag) FROM fct_lieferungen m
        WHERE m.quelle = l.quelle AND m.tabelle = l.tabelle
    )
"""


def source_names(published) -> dict[str, str]:
    """Source AGS → name as the page writes it."""
    names = dict(published_query(published, "SELECT gebiet, name FROM dim_gebiete"))
    names[KREIS] = KREIS_SOURCE
    return names


def number(text: str) -> float:
    """A German number or percentage read back."""
    return float(text.removesuffix("%").strip().replace(".", "").replace(",", "."))


def day(value) -> str:
    """A date as the page writes it."""
    return value.strftime("%d.%m.%Y")


def pseudonym_values(published) -> set[str]:
    """Pseudonyms (case, person, contact, … ids) the loader holds in quarantine: a duplicate
    key or a case missing from faelle makes a valid pseudonym the offending value. The
    published tables never carry them."""
    rows = published.query(
        "SELECT DISTINCT wert FROM quarantaene WHERE list_contains(?, spalte) "
        "AND wert IS NOT NULL AND wert <> ''",
        [sorted(PSEUDONYM_COLUMNS)],
    )
    found = {w for (w,) in rows}
    assert found, "the sample quarantines rows naming a missing case"
    return found


def town_errors(published, quelle: str) -> list[tuple]:
    """Quarantined rows of a town's newest deliveries: file, line, column, value, reason."""
    (per_stichtag,) = published_query(
        published,
        f"SELECT max(n) FROM (SELECT count(*) AS n FROM ({NEWEST}) WHERE quelle = ? "
        "GROUP BY tabelle)",
        [quelle],
    )[0]
    assert per_stichtag == 1, "one delivery per table and Stichtag in the sample"
    return published_query(
        published,
        f"SELECT datei, zeile, spalte, wert, grund FROM fct_quarantaene WHERE quelle = ? "
        f"AND lieferung_id IN (SELECT lieferung_id FROM ({NEWEST}))",
        [quelle],
    )


def main_text(browser) -> str:
    """All text of the page's main area."""
    return browser.driver.find_element("css selector", "main").text


def hidden(browser, element_id: str) -> bool:
    """Whether an element of the shell is hidden."""
    return browser.driver.execute_script(
        "return document.getElementById(arguments[0]).hidden;", element_id
    )


def test_kreis_view_shows_every_source_as_published(server, browser, published):
    open_page(browser, server + "/datenqualitaet")
    assert "alle Quellen" in heading(browser)
    assert not hidden(browser, "filtergruppe-gebiet")
    assert hidden(browser, "filtergruppe-zeitraum")
    names = source_names(published)
    tables = labels("tabelle")

    # Datenstand: every current delivery with its Stichtag and rows.
    current = published_query(
        published,
        "SELECT quelle, tabelle, stichtag, zeilen_geladen, zeilen_quarantaene "
        "FROM fct_lieferungen WHERE ist_aktuell",
    )
    rows = card_table(browser, "Datenstand je Quelle und Tabelle")
    shown = {(r["Quelle"], r["Tabelle"]): r for r in rows}
    assert len(rows) == len(current) == len(shown)
    assert {q for q, *_ in current} == set(names)  # every source, the Kreis included
    for quelle, tabelle, stichtag, geladen, quarantaene in current:
        row = shown[(names[quelle], tables[tabelle])]
        assert row["Aktueller Stichtag"] == day(stichtag)
        assert number(row["Zeilen geladen"]) == geladen
        assert number(row["Zeilen in Quarantäne"]) == quarantaene
    assert shown[(KREIS_SOURCE, "Ziele")]
    assert shown[("Witten", tables["verfahren"])]  # Witten delivers Baustein III too

    # Quarantine per source: the newest deliveries.
    per_source = published_query(
        published,
        f"SELECT quelle, sum(zeilen_gelesen), sum(zeilen_quarantaene) FROM ({NEWEST}) "
        "GROUP BY quelle",
    )
    rows = {r["Quelle"]: r for r in card_table(browser, "Zeilen in Quarantäne je Quelle")}
    assert len(rows) == len(per_source)
    for quelle, gelesen, quarantaene in per_source:
        assert number(rows[names[quelle]]["Zeilen gelesen"]) == gelesen
        assert number(rows[names[quelle]]["Zeilen in Quarantäne"]) == quarantaene
    total = sum(q for *_, q in per_source)
    assert f"stehen {total} von" in card_sentence(browser, "Zeilen in Quarantäne je Quelle")

    # Errors of the newest deliveries by reason.
    reasons = dict(
        published_query(
            published,
            f"SELECT grund, count(*) FROM fct_quarantaene WHERE lieferung_id IN "
            f"(SELECT lieferung_id FROM ({NEWEST})) GROUP BY grund",
        )
    )
    rows = card_table(browser, "Fehler in Quarantäne nach Grund")
    assert {r["Grund"]: number(r["Fehler"]) for r in rows} == reasons

    # The error list of all sources: every row.
    (errors,) = published_query(
        published,
        f"SELECT count(*) FROM fct_quarantaene WHERE lieferung_id IN "
        f"(SELECT lieferung_id FROM ({NEWEST}))",
    )[0]
    assert errors > 0
    rows = card_table(browser, "Fehlerliste zum Korrigieren")
    assert len(rows) == errors
    assert card_sentence(browser, "Fehlerliste zum Korrigieren").startswith(f"{errors} Fehler")

    # Completeness per town and optional field, in %.
    fields = labels("feld")
    rows = {r["Stadt"]: r for r in card_table(browser, "Vollständigkeit der freiwilligen Angaben")}
    complete = published_query(
        published, "SELECT gebiet, feld, faelle, anteil_prozent FROM fct_vollstaendigkeit"
    )
    assert len(rows) == len({g for g, *_ in complete}) == 9
    for gebiet, feld, faelle, anteil in complete:
        row = rows[names[gebiet]]
        assert number(row[fields[feld]]) == as_shown(anteil, 1)
        assert number(row["Fälle"]) == faelle

    # Every delivery over time.
    (deliveries,) = published_query(published, "SELECT count(*) FROM fct_lieferungen")[0]
    rows = card_table(browser, "Lieferungen im Zeitverlauf")
    assert len(rows) == deliveries
    assert not any(v in main_text(browser) for v in pseudonym_values(published))


def test_town_filter_shows_its_own_sources_and_writes_the_url(server, browser, published):
    open_page(browser, server + "/datenqualitaet")
    choose(browser, "filter-gebiet", "Gevelsberg")
    assert query_of(browser)["gebiet"] == [GEVELSBERG]
    assert "Gevelsberg" in heading(browser)
    tables = labels("tabelle")

    current = published_query(
        published,
        "SELECT tabelle, stichtag, zeilen_geladen FROM fct_lieferungen "
        "WHERE ist_aktuell AND quelle = ?",
        [GEVELSBERG],
    )
    rows = card_table(browser, "Datenstand je Quelle und Tabelle")
    assert {r["Quelle"] for r in rows} == {"Gevelsberg"}
    assert {(r["Tabelle"], r["Aktueller Stichtag"], number(r["Zeilen geladen"])) for r in rows} == {
        (tables[t], day(s), n) for t, s, n in current
    }

    errors = town_errors(published, GEVELSBERG)
    assert errors, "the sample has errors in Gevelsberg"
    rows = card_table(browser, "Fehlerliste zum Korrigieren: Gevelsberg")
    assert "Quelle" not in rows[0]
    assert Counter(
        (r["Datei"], int(number(r["Zeile"])), r["Spalte"], r["Grund"]) for r in rows
    ) == Counter((d, z, s, g) for d, z, s, _, g in errors)
    secret = pseudonym_values(published)
    for d, z, s, w, _ in errors:
        row = next(
            r for r in rows if (r["Datei"], int(number(r["Zeile"])), r["Spalte"]) == (d, z, s)
        )
        assert row["Wert"] == (HIDDEN if s in PSEUDONYM_COLUMNS else w)
        assert row["Wert"] not in secret
    sentence = card_sentence(browser, "Fehlerliste zum Korrigieren: Gevelsberg")
    assert (
        sentence.startswith(f"{len(errors)} Fehler") and "Case Management in Gevelsberg" in sentence
    )

    complete = published_query(
        published,
        "SELECT feld, ausgefuellt, faelle, anteil_prozent FROM fct_vollstaendigkeit "
        "WHERE gebiet = ?",
        [GEVELSBERG],
    )
    fields = labels("feld")
    rows = {r["Angabe"]: r for r in card_table(browser, "Vollständigkeit der freiwilligen Angaben")}
    assert len(rows) == len(complete)
    for feld, ausgefuellt, faelle, anteil in complete:
        assert number(rows[fields[feld]]["Anteil ausgefüllt"]) == as_shown(anteil, 1)
        assert number(rows[fields[feld]]["Ausgefüllt (Fälle)"]) == ausgefuellt
        assert number(rows[fields[feld]]["Fälle"]) == faelle

    choose(browser, "filter-gebiet", "Witten")
    assert query_of(browser)["gebiet"] == [WITTEN]
    rows = card_table(browser, "Datenstand je Quelle und Tabelle")
    assert tables["verfahren"] in {r["Tabelle"] for r in rows}

    # A bookmarked URL opens the same view.
    open_page(browser, server + f"/datenqualitaet?gebiet={GEVELSBERG}")
    assert card_table(browser, "Fehlerliste zum Korrigieren: Gevelsberg")


def test_error_list_xlsx_holds_every_quarantined_row_of_the_town(server, browser, published):
    (older,) = published_query(
        published,
        f"SELECT count(*) FROM fct_quarantaene WHERE quelle = ? AND lieferung_id NOT IN "
        f"(SELECT lieferung_id FROM ({NEWEST}))",
        [WITTEN],
    )[0]
    assert older > 0, "the sample has superseded errors too; they must not be listed"
    folder = Path(browser.download_path)
    for old in folder.glob(f"kim_datenqualitaet-fehlerliste_{WITTEN}_*"):
        old.unlink()
    open_page(browser, server + f"/datenqualitaet?gebiet={WITTEN}")
    button = browser.driver.execute_script(
        """
        const card = [...document.querySelectorAll('section.karte')]
            .find(s => s.querySelector('h3').textContent.startsWith('Fehlerliste'));
        const button = [...card.querySelectorAll('button')]
            .find(b => b.textContent === 'XLSX herunterladen');
        button.scrollIntoView({block: 'center'});
        return button;
        """
    )
    button.click()
    deadline = time.monotonic() + 20
    while not (files := list(folder.glob(f"kim_datenqualitaet-fehlerliste_{WITTEN}_*.xlsx"))):
        assert time.monotonic() < deadline, "no download"
        time.sleep(0.2)
    time.sleep(0.5)
    sheet = load_workbook(files[0]).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1] == ["Datei", "Tabelle", "Stichtag", "Zeile", "Spalte", "Wert", "Grund"]
    data = []
    for row in cells[2:]:
        if all(v is None for v in row):
            break
        data.append(dict(zip(cells[1], row, strict=True)))

    errors = town_errors(published, WITTEN)
    assert len(data) == len(errors) > 0
    assert Counter(
        (r["Datei"].split(" › ")[0], int(r["Zeile"]), r["Spalte"], r["Grund"]) for r in data
    ) == Counter((d, z, s, g) for d, z, s, _, g in errors)
    secret = pseudonym_values(published)
    for r in data:
        assert r["Wert"] not in secret
        if r["Spalte"] in PSEUDONYM_COLUMNS:
            assert r["Wert"] == HIDDEN
    visible = {(d, z, s): w for d, z, s, w, _ in errors if s not in PSEUDONYM_COLUMNS}
    for r in data:
        key = (r["Datei"], int(r["Zeile"]), r["Spalte"])
        if key in visible and isinstance(r["Wert"], str):
            assert r["Wert"] == visible[key]


def test_long_lists_page_by_25_and_sort_lines_as_numbers(server, browser, published):
    (deliveries,) = published_query(published, "SELECT count(*) FROM fct_lieferungen")[0]
    assert deliveries > 25, "the sample delivers more than one page"
    title = "Lieferungen im Zeitverlauf"
    open_page(browser, server + "/datenqualitaet")
    # The grid draws its rows in animation frames: wait for the page's rows to be drawn.
    wait_for(lambda: len(grid_column(browser, title, "Datei")) == 25)
    panel = "return card.querySelector('.ag-paging-panel').textContent;"
    assert f"1 bis 25 von {deliveries}" in in_card(browser, title, panel)
    pages = -(-deliveries // 25)
    assert f"Seite 1 von {pages}" in in_card(browser, title, panel)
    next_page = in_card(
        browser, title, "return card.querySelector('[aria-label=\"Nächste Seite\"]');"
    )
    next_page.click()
    wait_for(lambda: f"26 bis {min(50, deliveries)} von" in in_card(browser, title, panel))
    second = min(25, deliveries - 25)
    wait_for(lambda: len(grid_column(browser, title, "Datei")) == second)

    # The error list's line numbers sort by value (a text sort puts 96 after 418).
    errors = "Fehlerliste zum Korrigieren"
    header = grid_header(browser, errors, "Zeile")
    header.click()
    wait_for(lambda: header.get_attribute("aria-sort") == "ascending")
    wait_for(lambda: len(grid_column(browser, errors, "Zeile")) == 25)
    lines = [int(number(z)) for z in grid_column(browser, errors, "Zeile")]
    assert lines == sorted(lines)
    everything = [int(number(r["Zeile"])) for r in card_table(browser, errors)]
    assert everything == sorted(everything) and lines == everything[:25]
