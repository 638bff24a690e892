"""Berichte in the browser: reports built on the server and downloaded, sign-offs, comments."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pypdf
from openpyxl import load_workbook
from pptx import Presentation

from reports import content, to_pdf
from tests.conftest import copy_installation, wait_for
from tests.dashboard.conftest import (
    USER,
    Client,
    assert_shown,
    card_text,
    choose,
    open_page,
    published_values,
    serving,
    update,
    wait_until_idle,
)
from warehouse.settings import load_settings

KREIS = "05954"
WITTEN = "05954036"
HATTINGEN = "05954020"


def click_button(browser, text: str) -> None:
    """Click the button with this text."""
    button = browser.driver.execute_script(
        """
        const button = [...document.querySelectorAll('button')]
            .find(b => b.textContent.trim() === arguments[0]);
        button.scrollIntoView({block: 'center'});
        return button;
        """,
        text,
    )
    button.click()


def search_choose(browser, dropdown_id: str, option_text: str) -> None:
    """Pick an option of a long (virtualised, searchable) dropdown by typing its text."""
    from selenium.webdriver.common.by import By

    browser.driver.find_element(By.ID, dropdown_id).click()
    time.sleep(0.3)
    browser.driver.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search").send_keys(
        option_text
    )
    time.sleep(0.3)
    options = [
        o
        for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
        if o.text.strip() == option_text
    ]
    assert options, f"option {option_text!r} not offered by {dropdown_id}"
    options[0].click()
    time.sleep(0.3)
    wait_until_idle(browser)


def downloaded(browser, name: str, timeout: float = 90) -> Path:
    """Wait for a finished download of that name (Chromium writes `.crdownload` first)."""
    path = Path(browser.download_path) / name
    deadline = time.monotonic() + timeout
    while not path.exists() or path.stat().st_size == 0:
        assert time.monotonic() < deadline, f"no download {name}"
        time.sleep(0.3)
    time.sleep(0.5)
    return path


def status(browser, element_id: str) -> str:
    """Text of a status line."""
    return browser.driver.execute_script(
        "return document.getElementById(arguments[0]).textContent;", element_id
    )


def test_reports_are_built_on_the_server_with_the_published_numbers(server, browser, published):
    for old in Path(browser.download_path).glob("KIM_*"):
        old.unlink()
    open_page(browser, server + "/berichte")
    choose(browser, "bericht-zeitraum", "2025")
    # Every text the progress line shows, however briefly.
    browser.driver.execute_script(
        """
        const line = document.getElementById('bericht-fortschritt');
        window.shownProgress = [];
        new MutationObserver(() => window.shownProgress.push(line.textContent))
            .observe(line, {childList: true, subtree: true, characterData: true});
        const step = document.getElementById('bericht-schritt');
        window.shownSteps = [];
        new MutationObserver(() => window.shownSteps.push(step.textContent))
            .observe(step, {childList: true, subtree: true, characterData: true});
        """
    )
    click_button(browser, "Excel (XLSX) erstellen")
    book = load_workbook(downloaded(browser, "KIM_Bericht_Land_2025.xlsx"))
    wait_until_idle(browser)
    assert "KIM_Bericht_Land_2025.xlsx wurde erstellt" in status(browser, "bericht-status")
    shown = browser.driver.execute_script("return window.shownProgress;")
    assert any(text.startswith("Der Bericht wird erstellt") for text in shown), shown
    assert status(browser, "bericht-fortschritt") == ""

    (sheet,) = [s for s in book.worksheets if s["A1"].value.startswith("Fälle und erreichte")]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(["Gebiet", "Neue Fälle", "Betreute Fälle", "Erreichte Personen"])
    values = published_values(published, "2025")
    towns = dict(published.query("SELECT name, gebiet FROM dim_gebiete", database="kim.duckdb"))
    seen = 0
    for row in rows[header + 1 :]:
        if row[0] not in towns:
            break
        for cell, indikator in zip(
            row[1:], ("faelle_neu", "faelle_aktiv", "personen_erreicht"), strict=True
        ):
            wert, secret = values[(indikator, "2025", towns[row[0]], "alle", "alle", "")]
            if secret:
                assert cell == "."
            elif wert == 0:
                assert cell == "–"
            else:
                assert isinstance(cell, int | float) and cell == wert
        seen += 1
    assert seen == 10

    choose(browser, "bericht-art", "Sitzungsunterlage Lenkungsgruppe")
    click_button(browser, "PowerPoint (PPTX) erstellen")
    deck = Presentation(downloaded(browser, "KIM_Lenkungsgruppe_2025.pptx"))
    assert 2 <= len(deck.slides) <= 10
    wait_until_idle(browser)
    click_button(browser, "PDF erstellen")
    pdf = pypdf.PdfReader(downloaded(browser, "KIM_Lenkungsgruppe_2025.pdf"))
    wait_until_idle(browser)
    # While the builds ran, their steps were polled from the server; afterwards the line is gone.
    steps = browser.driver.execute_script("return window.shownSteps;")
    told = {m[1] for m in (re.fullmatch(r" ?(.+): \d+ von \d+", text) for text in steps) if m}
    assert any(
        step == "Grafiken und Tabellen zusammenstellen" or step.startswith("Dateien schreiben")
        for step in told
    ), steps
    assert browser.driver.execute_script(
        "return document.getElementById('bericht-schritt-rahmen').hidden;"
    )
    assert len(pdf.pages) <= 10
    first = pdf.pages[0].extract_text()
    assert "Sitzungsunterlage Lenkungsgruppe" in first and "Zeitraum: 2025" in first
    betreut = values[("faelle_aktiv", "2025", KREIS, "alle", "alle", "")]
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert_shown(
        next(line for line in text.splitlines() if line.startswith("Betreute Fälle ")).split()[2],
        *betreut,
        0,
    )


def test_a_sign_off_is_listed_and_reports_say_they_show_frozen_values(server, browser, published):
    published.run("freigabe", "2025-H1", "--autor", "Testkoordination", check=True)
    build_id = published.query("SELECT build_id FROM build_info", database="kim.duckdb")[0][0]
    open_page(browser, server + "/berichte")
    table = browser.driver.execute_script(
        """
        const card = document.querySelector('section[aria-labelledby="titel-freigaben"]');
        return [...card.querySelectorAll('tbody tr')].map(
            r => [...r.querySelectorAll('th, td')].map(c => c.textContent));
        """
    )
    row = next(r for r in table if r[0] == "1. Halbjahr 2025")
    assert row[1] == build_id and row[3] == "Testkoordination" and row[4] == "0"
    choose(browser, "bericht-zeitraum", "1. Halbjahr 2025")
    assert "eingefrorenen Werte" in status(browser, "bericht-freigabe")
    choose(browser, "bericht-zeitraum", "2. Halbjahr 2025")
    assert "nicht freigegeben" in status(browser, "bericht-freigabe")


def test_a_comment_written_in_the_page_shows_beside_its_figures(server, browser, published):
    text = f"Testkommentar {time.time_ns()}: neue Unterkunft eröffnet"
    open_page(browser, server + "/berichte")
    choose(browser, "kommentar-kennzahl", "Neue Fälle")
    search_choose(browser, "kommentar-zeitraum", "2025")
    choose(browser, "kommentar-gebiet", "Witten")
    browser.driver.find_element("id", "kommentar-text").send_keys(text)
    click_button(browser, "Kommentar speichern")
    wait_until_idle(browser)
    assert "gespeichert" in status(browser, "kommentar-status")
    stored = json.loads(published.run("kommentar", "list", "--json", check=True).stdout)
    (note,) = [c for c in stored if c["text"] == text]
    assert (note["indikator"], note["zeitraum"], note["gebiet"]) == ("faelle_neu", "2025", WITTEN)
    assert text in status(browser, "kommentar-liste")
    try:
        open_page(browser, server + f"/stadt/{WITTEN}?zeitraum=2025")
        assert text in card_text(browser, "Neue und betreute Fälle je Monat")
        open_page(browser, server + f"/staedte?zeitraum=2025&gebiet={KREIS}")
        assert text in card_text(browser, "Fälle und erreichte Personen je Stadt")
        open_page(browser, server + f"/stadt/{HATTINGEN}?zeitraum=2025")
        assert text not in card_text(browser, "Neue und betreute Fälle je Monat")
        open_page(browser, server + f"/stadt/{WITTEN}?zeitraum=2024")
        assert text not in card_text(browser, "Neue und betreute Fälle je Monat")

        open_page(browser, server + "/berichte")
        search_choose(browser, "kommentar-zeitraum", "2025")
        click_button(browser, "Löschen")  # the only comment on 2025 in this installation
        dialog = browser.driver.switch_to.alert
        assert "wirklich löschen" in dialog.text and text[:40] in dialog.text
        dialog.dismiss()  # a slip: nothing is deleted
        wait_until_idle(browser)
        assert text in status(browser, "kommentar-liste")
        click_button(browser, "Löschen")
        browser.driver.switch_to.alert.accept()
        wait_until_idle(browser)
        assert "gelöscht" in status(browser, "kommentar-status")
        assert text not in status(browser, "kommentar-liste")
        stored = json.loads(published.run("kommentar", "list", "--json", check=True).stdout)
        assert all(c["text"] != text for c in stored)
    finally:
        for c in json.loads(published.run("kommentar", "list", "--json").stdout):
            published.run("kommentar", "remove", str(c["id"]))


def test_the_coordination_office_signs_off_a_period_in_the_page(server, browser, published):
    def signed() -> dict[str, dict]:
        listed = json.loads(published.run("freigabe", "--liste", "--json", check=True).stdout)
        return {s["zeitraum"]: s for s in listed}

    assert "2024-H2" not in signed()
    build_id = published.query("SELECT build_id FROM build_info", database="kim.duckdb")[0][0]
    open_page(browser, server + "/berichte")
    choose(browser, "bericht-zeitraum", "2. Halbjahr 2024")
    assert "nicht freigegeben" in status(browser, "bericht-freigabe")
    choose(browser, "freigabe-zeitraum", "2. Halbjahr 2024")
    click_button(browser, "Zeitraum freigeben")
    dialog = browser.driver.switch_to.alert
    assert dialog.text.startswith("2. Halbjahr 2024 freigeben?") and "ersetzt" not in dialog.text
    dialog.dismiss()  # a slip: nothing is signed off
    wait_until_idle(browser)
    assert "2024-H2" not in signed() and status(browser, "freigabe-status") == ""

    click_button(browser, "Zeitraum freigeben")
    browser.driver.switch_to.alert.accept()
    wait_until_idle(browser)
    assert "2. Halbjahr 2024 ist freigegeben" in status(browser, "freigabe-status")
    assert "eingefrorenen Werte" in status(browser, "bericht-freigabe")  # the report form too
    given = signed()["2024-H2"]
    assert (given["build_id"], given["freigegeben_von"]) == (build_id, "pruefer")
    rows = browser.driver.execute_script(
        """
        return [...document.querySelectorAll('#freigabe-liste tbody tr')].map(
            r => [...r.querySelectorAll('th, td')].map(c => c.textContent));
        """
    )
    assert ["2. Halbjahr 2024", build_id] == next(r for r in rows if r[0] == "2. Halbjahr 2024")[:2]
    audit = (published.home / "audit.jsonl").read_text("utf-8").splitlines()
    assert any('"2024-H2"' in line and '"pruefer"' in line for line in audit)

    # Signing the same period off again says that it replaces the first sign-off.
    choose(browser, "freigabe-zeitraum", "2024")
    choose(browser, "freigabe-zeitraum", "2. Halbjahr 2024")
    click_button(browser, "Zeitraum freigeben")
    dialog = browser.driver.switch_to.alert
    assert "bisherige Freigabe vom" in dialog.text and build_id in dialog.text
    dialog.dismiss()
    wait_until_idle(browser)


def test_choosing_a_report_draws_its_charts_on_the_server_ahead(published, tmp_path, monkeypatch):
    kim = copy_installation(published, tmp_path)
    store = kim.home / "grafiken"
    shutil.rmtree(store, ignore_errors=True)
    monkeypatch.setenv("KIM_HOME", str(kim.home))
    report = content.assemble(load_settings(), "land", "2025")
    figures = {figure.to_json() for figure in to_pdf.figures(report)}
    chosen = [
        {"id": "bericht-zeitraum", "property": "value", "value": "2025"},
        {"id": "bericht-art", "property": "value", "value": "land"},
    ]
    with serving(kim.env) as url:
        client = Client(url)
        assert client.sign_in(USER)[0] == 302
        status, text = update(
            client,
            {
                "output": "bericht-vorbereitet.data",
                "outputs": {"id": "bericht-vorbereitet", "property": "data"},
                "inputs": chosen,
                "changedPropIds": ["bericht-zeitraum.value"],
            },
        )
        assert status == 200, text
        assert json.loads(text)["response"]["bericht-vorbereitet"]["data"] == ["land", "2025"]
        # Nothing downloaded: every chart of the PDF is drawn into the image store.
        wait_for(lambda: len(list(store.glob("*.svg"))) == len(figures), timeout=180)
