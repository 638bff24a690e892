"""Barrierefreiheit: the statement's parts and the feedback contact from the environment."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from dashboard.app import create_app
from tests.conftest import Kim
from tests.dashboard.conftest import heading, open_page, serving, wait_until_idle

CONTACT = "inklusion.kim@en-kreis.example"


@pytest.fixture(scope="module")
def contact_server(published: Kim) -> Iterator[str]:
    """A second `kim serve` with its own feedback contact (KIM_KONTAKT_BARRIEREFREIHEIT)."""
    with serving(published.env | {"KIM_KONTAKT_BARRIEREFREIHEIT": CONTACT}) as url:
        yield url


def headings(browser) -> list[str]:
    """The h2 headings of the page."""
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('main h2')].map(h => h.textContent);"
    )


def test_statement_has_every_required_part(server, browser):
    open_page(browser, server + "/")
    browser.driver.find_element("css selector", "footer a[href='/barrierefreiheit']").click()
    wait_until_idle(browser)
    assert browser.driver.current_url.endswith("/barrierefreiheit")
    assert heading(browser) == "Erklärung zur Barrierefreiheit"
    assert browser.driver.execute_script("return document.getElementById('filterleiste').hidden")
    assert headings(browser) == [
        "Geltungsbereich",
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontakt",
        "Durchsetzungsverfahren",
    ]
    text = browser.driver.find_element("css selector", "main").text
    for phrase in (
        "BGG NRW",
        "BITV NRW",
        "WCAG) 2.1 auf Stufe AA",
        "teilweise vereinbar",
        "axe-core",
        "Tastatur",
        "Tabelle",
        "24.11.2026",
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen",
    ):
        assert phrase in text, phrase


def test_feedback_contact_comes_from_the_environment(contact_server, browser):
    open_page(browser, contact_server + "/barrierefreiheit")
    link = browser.driver.find_element("css selector", "main a.kontakt")
    assert link.text == CONTACT
    assert link.get_attribute("href") == f"mailto:{CONTACT}"


def test_a_contact_that_is_no_address_is_shown_as_text():
    create_app()  # Dash imports the page modules (as `pages.*`) and registers them
    make_contact = sys.modules["pages.barrierefreiheit"].make_contact
    phone = make_contact("Telefon: siehe Intranet, Zimmer 12")
    assert phone.children == "Telefon: siehe Intranet, Zimmer 12" and not hasattr(phone, "href")
    web = make_contact("https://example.org/kontakt")
    assert web.href == "https://example.org/kontakt"
    mail = make_contact(" team@example.org ")
    assert mail.href == "mailto:team@example.org"
