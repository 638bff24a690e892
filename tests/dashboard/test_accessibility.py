"""axe-core (WCAG 2.1 A/AA rules) on every page, in the browser, with real data."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import axe_violations, open_page

PAGES = [
    "/",
    "/staedte",
    "/stadt/05954036",
    "/zielgruppen",
    "/handlungsfelder",
    "/personal",
    "/baustein3",
    "/ziele",
    "/datenqualitaet",
    "/berichte",
    "/kennzahlen",
    "/barrierefreiheit",
    "/datenschutz",
    "/leichte-sprache",
    "/?praesentation=1",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(server, browser, path):
    open_page(browser, server + path)
    violations = axe_violations(browser)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in violations
    )
