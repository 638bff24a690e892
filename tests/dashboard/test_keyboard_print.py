"""Keyboard use, presentation mode and print layout in the browser."""

from __future__ import annotations

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import wait_for
from tests.dashboard.conftest import open_page, wait_until_idle


def focused(browser) -> dict[str, str]:
    """Tag, id, class and text of the focused element (of its option, inside a list)."""
    return browser.driver.execute_script(
        """
        const e = document.activeElement;
        const shown = e.closest('[role=option]') || e;
        return {tag: e.tagName, id: e.id, cls: e.className, text: shown.textContent.trim()};
        """
    )


def visible(browser, selector: str) -> bool:
    """Whether the first element matching `selector` is rendered."""
    return browser.driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return !!e && getComputedStyle(e).display !== 'none' && e.offsetParent !== null;",
        selector,
    )


def test_skip_link_comes_first_and_jumps_to_the_main_content(server, browser):
    open_page(browser, server + "/?zeitraum=2025")
    body = browser.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = focused(browser)
    assert first["text"] == "Zum Inhalt springen"
    outline = browser.driver.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle;"
    )
    assert outline != "none", "focus must be visible"
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.driver.current_url.endswith("#inhalt")


def test_filters_and_downloads_are_reachable_and_usable_by_keyboard(server, browser):
    open_page(browser, server + "/?zeitraum=2025")
    reached = []
    element = browser.driver.find_element(By.TAG_NAME, "body")
    for _ in range(60):
        element.send_keys(Keys.TAB)
        element = browser.driver.switch_to.active_element
        reached.append(focused(browser))
    ids = [r["id"] for r in reached]
    assert "filter-periodentyp" in ids and "filter-zeitraum" in ids
    assert any(r["tag"] == "SUMMARY" and r["text"] == "Tabelle" for r in reached)
    assert any(r["text"] == "CSV herunterladen" for r in reached)

    # Open the period type dropdown with the keyboard and choose "Quartal".
    button = browser.driver.find_element(By.ID, "filter-periodentyp")
    button.send_keys(Keys.ENTER)
    options = browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    labels = [o.text.strip() for o in options]
    assert "Quartal" in labels
    for _ in range(len(labels) + 1):
        before = focused(browser)["text"]
        if before == "Quartal":
            break
        browser.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        deadline = time.monotonic() + 2
        while focused(browser)["text"] == before and time.monotonic() < deadline:
            time.sleep(0.05)
    assert focused(browser)["text"] == "Quartal"
    target = browser.driver.switch_to.active_element
    target.send_keys(Keys.ENTER)
    wait_until_idle(browser)
    assert "-Q" in browser.driver.current_url


def test_presentation_mode_hides_every_control(server, browser):
    open_page(browser, server + "/?zeitraum=2025&praesentation=1")
    assert not visible(browser, "nav.navigation")
    assert not visible(browser, "form.filterleiste")
    assert not visible(browser, ".downloads")
    assert not visible(browser, "details.tabellenumschalter")
    assert visible(browser, "main h1")
    size = browser.driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize);"
    )
    open_page(browser, server + "/?zeitraum=2025")
    normal = browser.driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize);"
    )
    assert size > normal
    link = browser.driver.find_element(By.CSS_SELECTOR, ".praesentation-link")
    assert link.text == "Präsentationsmodus"


def test_print_layout_is_a4_landscape_without_controls_and_with_tables(server, browser):
    open_page(browser, server + "/?zeitraum=2025")
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not visible(browser, "nav.navigation")
        assert not visible(browser, "form.filterleiste")
        assert not visible(browser, ".downloads")
        tables_shown = browser.driver.execute_script(
            "return [...document.querySelectorAll('details.tabellenumschalter table')]"
            ".every(t => t.getBoundingClientRect().height > 0);"
        )
        assert tables_shown
        page_rule = browser.driver.execute_script(
            """
            for (const sheet of document.styleSheets) {
                for (const rule of sheet.cssRules) {
                    if (rule.type === CSSRule.PAGE_RULE) return rule.style.size;
                }
            }
            return null;
            """
        )
        assert page_rule.lower() == "a4 landscape"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_a_printed_grid_says_that_the_downloads_hold_the_whole_list(server, browser):
    open_page(browser, server + "/datenqualitaet")
    note = "Gedruckt wird die angezeigte Seite dieser Liste"
    assert not visible(browser, ".nur-druck"), "not on screen"
    wait_for(lambda: visible(browser, ".ag-paging-panel"))
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.driver.execute_script(
            "return [...document.querySelectorAll('.nur-druck')]"
            ".filter(p => p.getBoundingClientRect().height > 0).map(p => p.textContent);"
        )
        assert len(shown) == 2 and all(text.startswith(note) for text in shown)
        assert not visible(browser, ".ag-paging-panel")
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_tab_leaves_a_grid_and_arrow_keys_move_inside_it(server, browser):
    open_page(browser, server + "/datenqualitaet")
    cell = browser.driver.find_element(
        By.CSS_SELECTOR, ".raster .ag-center-cols-container .ag-row[row-index='0'] .ag-cell"
    )
    cell.click()
    start = browser.driver.switch_to.active_element
    assert "ag-cell" in start.get_attribute("class")
    outline = browser.driver.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, parseFloat(s.outlineWidth)];"
    )
    assert outline[0] != "none" and outline[1] >= 2, "the focused cell is clearly visible"
    start.send_keys(Keys.ARROW_RIGHT)
    right = browser.driver.switch_to.active_element
    assert "ag-cell" in right.get_attribute("class") and right.get_attribute("col-id") != (
        start.get_attribute("col-id")
    )
    right.send_keys(Keys.TAB)
    after = browser.driver.execute_script(
        "const e = document.activeElement;"
        "return {cell: !!e.closest('.ag-center-cols-container'), grid: !!e.closest('.raster')};"
    )
    assert not after["cell"], "Tab moves out of the rows, not to the next cell"
