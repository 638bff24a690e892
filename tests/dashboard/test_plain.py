"""Pages open to everyone: plain HTML of the same components, reachable before signing in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from dash import dcc, html

from dashboard.plain import PUBLIC_LINKS, to_html
from tests.dashboard.conftest import Client, axe_violations, wait_until_idle


class Outline(HTMLParser):
    """Headings, links and script tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2"):
            self._in = tag
            self.headings.append("")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings[-1] += data


def outline(text: str) -> Outline:
    """The parsed outline of an HTML page."""
    parsed = Outline()
    parsed.feed(text)
    return parsed


def test_components_become_escaped_html_with_their_attributes():
    tree = html.Section(
        [html.H2("A & B <c>", id="t"), html.P(["x ", html.A("y", href="/p?a=1&b=2")])],
        className="karte",
        **{"aria-labelledby": "t"},
    )
    assert to_html(tree) == (
        '<section class="karte" aria-labelledby="t"><h2 id="t">A &amp; B &lt;c&gt;</h2>'
        '<p>x <a href="/p?a=1&amp;b=2">y</a></p></section>'
    )
    with pytest.raises(TypeError):
        to_html(html.Div(dcc.Link("z", href="/")))


@pytest.mark.parametrize(
    ("path", "title", "sections"),
    [
        (
            "/leichte-sprache",
            "Der KIM Monitor in Leichter Sprache",
            [
                "Was ist der KIM Monitor?",
                "So benutzen Sie den KIM Monitor",
                "Ist der KIM Monitor barriere-frei?",
                "Gibt es noch mehr in Leichter Sprache?",
            ],
        ),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit", ["Geltungsbereich"]),
        ("/datenschutz", "Datenschutzhinweise", ["Verantwortliche Stelle", "Ihre Rechte"]),
    ],
)
def test_open_pages_are_served_without_signing_in(server, path, title, sections):
    status, _, text = Client(server).request(path, Accept="text/html")
    assert status == 200
    page = outline(text)
    assert page.headings[0] == title
    assert set(sections) <= set(page.headings[1:])
    assert page.scripts == 0
    assert set(PUBLIC_LINKS) | {"/login"} <= set(page.links)


def test_easy_language_writes_the_kreis_name_as_it_is_written(server):
    _, _, text = Client(server).request("/leichte-sprache", Accept="text/html")
    assert "Im Ennepe-Ruhr-Kreis gibt es ein Programm." in text


def test_the_login_page_links_the_open_pages_and_the_rest_stays_closed(server):
    anonymous = Client(server)
    status, _, text = anonymous.request("/login", Accept="text/html")
    assert status == 200 and set(PUBLIC_LINKS) <= set(outline(text).links)
    for path in ("/", "/staedte", "/kennzahlen", "/leichte-sprache/x"):
        status, location, _ = anonymous.request(path, Accept="text/html")
        assert status == 302 and location.startswith("/login"), path
    status, _, _ = anonymous.request("/datenschutz", b"x=1", Accept="text/html")
    assert status != 200


def test_open_pages_have_no_axe_violations_before_signing_in(server, browser):
    browser.driver.delete_all_cookies()
    for path in (*PUBLIC_LINKS, "/login"):
        browser.driver.get(server + path)
        wait_until_idle(browser)
        assert "/login" in browser.driver.current_url or browser.driver.current_url.endswith(path)
        assert axe_violations(browser) == [], path
    text = browser.driver.find_element("css selector", "main").text
    assert re.search(r"Benutzername", text)
