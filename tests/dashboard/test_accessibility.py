"""axe-core (WCAG 2.1 A/AA rules) on every page, in the browser, with real data."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from tests.dashboard.conftest import PAGES, axe_violations, open_page


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(server, browser, path):
    open_page(browser, server + path)
    violations = axe_violations(browser)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in violations
    )


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(server, browser):
    # WCAG 1.4.10: content at 320 CSS pixels (400 % zoom) without two-way scrolling.
    metrics = {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        for path in (
            "/",
            "/staedte",
            "/stadt/05954036",
            "/ziele",
            "/berichte",
            "/kennzahlen",
            "/datenschutz",
            "/barrierefreiheit",
            "/leichte-sprache",
        ):
            open_page(browser, server + path)
            found = browser.driver.execute_script(
                """
                const width = document.documentElement.clientWidth;
                const outside = [...document.querySelectorAll(
                    'header *, nav *, #filterleiste *, main h1, main .karte')]
                    .filter(e => { const b = e.getBoundingClientRect();
                                   return b.width > 0 && (b.right > width + 1 || b.left < 0); })
                    .map(e => e.tagName + '.' + e.className);
                return {width, scroll: document.documentElement.scrollWidth, outside};
                """
            )
            assert found["scroll"] <= found["width"], (path, found)
            assert found["outside"] == [], (path, found)
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("path", ["/stadt/05954036?zeitraum=2025", "/datenqualitaet"])
def test_long_pages_open_with_links_to_every_section(server, browser, path):
    open_page(browser, server + path)
    found = browser.driver.execute_script(
        """
        const links = [...document.querySelectorAll('nav.seiteninhalt a')];
        const headings = [...document.querySelectorAll(
            'main section[aria-labelledby] > h2, main section[aria-labelledby] > h3')];
        const groups = [...document.querySelectorAll('main section.abschnitt')];
        return {links: links.map(a => [a.getAttribute('href'), a.textContent]),
                sections: headings.map(h => ['#' + h.id, h.textContent]),
                // each group: its h2, and only h3 cards inside (one heading level down)
                groups: groups.map(g => [g.querySelector(':scope > h2') !== null,
                    g.querySelectorAll('section.karte > h2').length,
                    g.querySelectorAll('section.karte > h3').length])};
        """
    )
    assert found["links"] == found["sections"] and len(found["links"]) >= 5
    assert len(found["groups"]) >= 3
    assert all(h2 and not card_h2 and cards >= 1 for h2, card_h2, cards in found["groups"])
    last, title = found["links"][-1]
    browser.driver.find_element("css selector", f"nav.seiteninhalt a[href='{last}']").click()
    top = browser.driver.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top;", last[1:]
    )
    # in view (scrolled to its top, give or take a fraction of a pixel)
    assert -1 < top < browser.driver.execute_script("return window.innerHeight;"), title


@pytest.mark.parametrize("width", [320, 600])
def test_charts_keep_room_for_their_bars_and_labels_on_narrow_screens(server, browser, width):
    # A chart squeezed to the screen cuts its labels and leaves no room to draw; it keeps a
    # readable width and scrolls inside its frame, while the page itself does not scroll.
    metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        for path in ("/ziele", "/personal", "/staedte"):
            open_page(browser, server + path)
            WebDriverWait(browser.driver, 20).until(
                lambda d: d.execute_script(
                    "const g = document.querySelectorAll('main .grafik');"
                    "return g.length > 0 && [...g].every(e => e.querySelector('.main-svg'));"
                )
            )
            charts = browser.driver.execute_script(
                """
                return [...document.querySelectorAll('main .grafik')].map(g => {
                    const frame = g.getBoundingClientRect();
                    const plot = g.querySelector('.draglayer .nsewdrag');
                    const ticks = [...g.querySelectorAll('.ytick text, .xtick text')]
                        .map(t => t.getBoundingClientRect());
                    return {title: g.closest('.karte').querySelector('h2, h3').textContent,
                            width: frame.width,
                            plot: plot ? plot.getBoundingClientRect().width : null,
                            cut: ticks.filter(t => t.left < frame.left - 1
                                                   || t.right > frame.right + 1).length};
                });
                """
            )
            page = browser.driver.execute_script(
                "return [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth];"
            )
            assert page[0] <= page[1], path
            drawn = [c for c in charts if c["plot"] is not None]
            assert drawn, path
            for chart in drawn:
                assert chart["cut"] == 0, (path, chart)
                assert chart["plot"] >= max(120, chart["width"] / 4), (path, chart)
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
