"""Pages that cannot show anything speak German to a reader and lead on: an unknown address,
and an installation that has published nothing yet."""

from __future__ import annotations

from tests.conftest import Kim
from tests.dashboard.conftest import USER, add_account, heading, open_page, serving


def page_text(browser) -> str:
    """The text of the page's main area."""
    return browser.driver.execute_script("return document.querySelector('main').innerText")


def links(browser) -> dict[str, str]:
    """Link texts of the main area and where they lead (path only)."""
    return browser.driver.execute_script(
        """
        return Object.fromEntries([...document.querySelectorAll('main a')]
            .map(a => [a.textContent, new URL(a.href).pathname]));
        """
    )


def test_an_unknown_address_gets_a_german_page_with_the_users_pages(server, browser):
    open_page(browser, server + "/gibt-es-nicht?zeitraum=2025")
    assert heading(browser) == "Seite nicht gefunden"
    assert "Page not found" not in page_text(browser)
    assert browser.driver.title == "Seite nicht gefunden – KIM Monitor"
    shown = links(browser)
    assert shown["Überblick"] == "/" and shown["Städte"] == "/staedte"
    assert "Seite nicht gefunden" not in shown  # the page itself is not a destination


def test_without_published_numbers_a_reader_is_told_so_without_commands(browser, tmp_path):
    kim = Kim(home=tmp_path / "home", exports=tmp_path / "exports")
    kim.exports.mkdir()
    add_account(kim, USER, "leitung")
    with serving(kim.env) as url:
        open_page(browser, url + "/?zeitraum=2025")
        assert heading(browser) == "Noch keine Zahlen veröffentlicht"
        text = page_text(browser)
        assert "Koordinierungsstelle" in text
        assert "kim " not in text and "build" not in text
        # Signed in as someone else than the session fixture's account: leave signed out.
        browser.driver.delete_all_cookies()
