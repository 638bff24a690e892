"""Browser tests: one published sample installation, the real `kim serve`, headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Kim

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Kim:
    """Sample data generated, loaded and built once for all dashboard tests."""
    root = tmp_path_factory.mktemp("dashboard")
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    kim.run("generate", "--out", str(kim.exports), check=True)
    assert kim.run("load").returncode in (0, 1)
    kim.run("build", check=True)
    return kim


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(published: Kim) -> Iterator[str]:
    """`kim serve` (waitress) on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "warehouse.cli", "serve", "--port", str(port)],
        env=published.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kim serve did not start:\n{process.stdout.read()}") from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator:
    """Headless Debian Chromium driven through dash[testing]'s Browser (selenium)."""
    from dash.testing.browser import Browser

    os.environ.setdefault("DASH_TEST_CHROMEPATH", CHROMIUM)
    downloads = tmp_path_factory.mktemp("downloads")
    with Browser(
        browser="chrome",
        headless=True,
        download_path=str(downloads),
        percy_run=False,
        percy_finalize=False,
        wait_timeout=20,
    ) as chrome:
        chrome.driver.set_window_size(1400, 1000)
        yield chrome


def open_page(browser, url: str) -> None:
    """Open a URL and wait until Dash has rendered it and no callback is pending."""
    browser.driver.get(url)
    wait_until_idle(browser)


def wait_until_idle(browser, timeout: float = 20) -> None:
    """Wait for the page heading and for every Dash callback to finish."""
    script = """
        return document.querySelector('main h1') !== null
            && document.querySelector('._dash-loading') === null
            && document.querySelectorAll('[data-dash-is-loading="true"]').length === 0;
    """
    deadline = time.monotonic() + timeout
    while not browser.driver.execute_script(script):
        if time.monotonic() > deadline:
            raise TimeoutError(f"page not ready: {browser.driver.current_url}")
        time.sleep(0.1)
    time.sleep(0.2)
    while not browser.driver.execute_script(script):
        time.sleep(0.1)


def axe_violations(browser) -> list[dict]:
    """Run axe-core (from the npm registry, tests/dashboard/package.json) on the open page."""
    browser.driver.execute_script(AXE.read_text(encoding="utf-8"))
    return browser.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
            .then(result => done(result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5)
                    .map(n => n.html.slice(0, 200) + ' :: ' + n.failureSummary)
            }))))
            .catch(err => done([{id: 'axe-error', help: String(err), nodes: []}]));
        """,
        WCAG_TAGS,
    )


SUPPRESSED = "."


def parse_shown(text: str) -> float | str | None:
    """A displayed cell read back: `.` secret, `–` zero, `x` none, German numbers as float."""
    text = text.strip()
    if text == SUPPRESSED:
        return SUPPRESSED
    if text == "–":
        return 0.0
    if text == "x":
        return None
    return float(text.removesuffix("%").strip().replace(".", "").replace(",", "."))


def assert_shown(text: str, wert: float | None, unterdrueckt: bool, decimals: int) -> None:
    """A displayed cell equals a `kim indicators` value (rounded as displayed)."""
    shown = parse_shown(text)
    if unterdrueckt:
        assert shown == SUPPRESSED, f"{text!r} should be suppressed"
    elif wert is None:
        assert shown is None, f"{text!r} should be empty (x)"
    else:
        assert shown == round(wert, decimals), f"{text!r} != {wert}"


def published_values(kim: Kim, *periods: str) -> dict[tuple[str, ...], tuple[float | None, bool]]:
    """`kim indicators --format json` for some periods, keyed by the cell."""
    args = [a for p in periods for a in ("--zeitraum", p)]
    rows = json.loads(kim.run("indicators", *args, "--format", "json", check=True).stdout)
    return {
        (
            r["indikator"],
            r["zeitraum"],
            r["gebiet"],
            r["zielgruppe"],
            r["handlungsfeld"],
            r["aufschluesselung"],
        ): (r["wert"], r["unterdrueckt"])
        for r in rows
    }


def card_table(browser, title_start: str) -> list[dict[str, str]]:
    """The rows of the table in the card whose heading starts with `title_start`."""
    rows = browser.driver.execute_script(
        """
        const card = [...document.querySelectorAll('section.karte')]
            .find(s => s.querySelector('h2')?.textContent.startsWith(arguments[0]));
        if (!card) return null;
        const table = card.querySelector('table');
        const head = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
        return [...table.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.children].map((cell, i) => [head[i], cell.textContent.trim()])));
        """,
        title_start,
    )
    assert rows is not None, f"no card titled {title_start!r} on {browser.driver.current_url}"
    return rows


def card_sentence(browser, title_start: str) -> str:
    """The sentence under a card's heading."""
    return browser.driver.execute_script(
        """
        const card = [...document.querySelectorAll('section.karte')]
            .find(s => s.querySelector('h2')?.textContent.startsWith(arguments[0]));
        return card ? card.querySelector('p.aussage').textContent : null;
        """,
        title_start,
    )


def choose(browser, dropdown_id: str, option_text: str) -> None:
    """Pick an option of a filter dropdown with the mouse, then wait for the page."""
    from selenium.webdriver.common.by import By

    browser.driver.find_element(By.ID, dropdown_id).click()
    deadline = time.monotonic() + 10
    while True:
        options = [
            o
            for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
            if o.text.strip() == option_text
        ]
        if options:
            options[0].click()
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"option {option_text!r} not offered by {dropdown_id}")
        time.sleep(0.1)
    time.sleep(0.3)
    wait_until_idle(browser)
