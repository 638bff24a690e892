"""Browser tests: one published sample installation, the real `kim serve`, headless Chromium."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import Kim, copy_installation

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LABELS = Path(__file__).resolve().parents[2] / "warehouse" / "reference" / "bezeichnungen.csv"
FILTER_GROUPS = ("zeitraum", "gebiet", "zielgruppe", "handlungsfeld")
# Every page of the app, one town's page as the Ennepe-Ruhr sample names it.
PAGES = [
    "/",
    "/staedte",
    "/stadt/05954036",
    "/zielgruppen",
    "/handlungsfelder",
    "/personal",
    "/baustein3",
    "/ziele",
    "/strukturthemen",
    "/datenqualitaet",
    "/berichte",
    "/kennzahlen",
    "/barrierefreiheit",
    "/datenschutz",
    "/leichte-sprache",
    "/?praesentation=1",
]
# The key of a published cell, in the order of `kim indicators` columns.
# The account the browser tests sign in with.
USER = "pruefer"
PASSWORD = "ein-sicheres-testpasswort"
CELL = ("indikator", "zeitraum", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung")
# Binds `card` to the card (section) whose heading starts with the script's first argument.
CARD = """
    const card = [...document.querySelectorAll('section.karte')]
        .find(s => s.querySelector('h2, h3')?.textContent.startsWith(arguments[0]));
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the browser, so that `-m "not browser"` skips them."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def published(sample: Kim, tmp_path_factory) -> Kim:
    """The sample installation with the test account, for all dashboard tests."""
    kim = copy_installation(sample, tmp_path_factory.mktemp("dashboard"))
    add_account(kim, USER, "koordination")
    return kim


def add_account(kim: Kim, name: str, role: str, *args: str, password: str = PASSWORD) -> None:
    """`kim benutzer add` with the password on stdin."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "benutzer",
            "add",
            name,
            "--rolle",
            role,
            *args,
            "--passwort-stdin",
        ],
        input=password + "\n",
        env=kim.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep redirects as responses."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, list[str]], str]:
    """One request without following redirects: status, headers, body."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            status, head, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        status, head, body = err.code, err.headers, err.read()
    cookies = {}
    for line in head.get_all("Set-Cookie") or []:
        name, _, value = line.split(";")[0].partition("=")
        cookies[name] = value
    return (
        status,
        {"location": [head.get("Location", "")], **{k: [v] for k, v in cookies.items()}},
        body.decode("utf-8", "replace"),
    )


class Client:
    """A browser-like client: keeps cookies, signs in through the form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | bytes | None = None, **headers: str):
        """GET (or POST with `data`) with the kept cookies."""
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, head, text = call(self.base + path, body, {"Cookie": cookie, **headers})
        for name, value in head.items():
            if name != "location":
                self.cookies[name] = value[0]
        return status, head["location"][0], text

    def sign_in(self, name: str, password: str = PASSWORD) -> tuple[int, str, str]:
        """Open the login page and send the form."""
        _, _, page = self.request("/login", Accept="text/html")
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return self.request("/login", {"csrf": token, "name": name, "passwort": password})

    @property
    def csrf(self) -> str:
        """The CSRF cookie's value (what Dash's renderer sends as header)."""
        return next(v for k, v in self.cookies.items() if k.startswith("kim_csrf_"))


def update(client: Client, payload: dict) -> tuple[int, str]:
    """One Dash callback request as the renderer sends it (JSON, CSRF header)."""
    status, _, text = client.request(
        "/_dash-update-component",
        json.dumps(payload).encode(),
        **{"Content-Type": "application/json", "X-CSRFToken": client.csrf},
    )
    return status, text


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(command: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """`kim COMMAND --port PORT` in the background, its output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`kim serve` (waitress) on a free port while the block runs; yields its base URL."""
    port = free_port()
    process = spawn("serve", port, env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                break
        except urllib.error.HTTPError:
            break  # the server answers (a refusal is an answer)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kim serve did not start:\n{process.stdout.read()}") from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(published: Kim) -> Iterator[str]:
    """`kim serve` of the published sample installation; yields its base URL."""
    with serving(published.env) as url:
        yield url


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
    """Open a URL (signing in first when the server asks) and wait until Dash is idle."""
    browser.driver.get(url)
    if "/login" in browser.driver.current_url and "/login" not in url:
        sign_in(browser)
    wait_until_idle(browser)


def sign_in(browser, name: str = USER, password: str = PASSWORD) -> None:
    """Fill in and send the login form on the current page."""
    from selenium.webdriver.common.by import By

    browser.driver.find_element(By.ID, "name").send_keys(name)
    browser.driver.find_element(By.ID, "passwort").send_keys(password)
    browser.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


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


def as_shown(value: float, decimals: int) -> float:
    """A value rounded as the dashboard shows it: half away from zero (DIN 1333)."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def assert_shown(text: str, wert: float | None, unterdrueckt: bool, decimals: int) -> None:
    """A displayed cell equals a `kim indicators` value (rounded as displayed)."""
    shown = parse_shown(text)
    if unterdrueckt:
        assert shown == SUPPRESSED, f"{text!r} should be suppressed"
    elif wert is None:
        assert shown is None, f"{text!r} should be empty (x)"
    else:
        assert shown == as_shown(wert, decimals), f"{text!r} != {wert}"


class Published(dict):
    """Published cells by key; a cell the table design does not publish reads as no value."""

    def __missing__(self, key: tuple[str, ...]) -> tuple[float | None, bool]:
        return (None, False)


def published_values(kim: Kim, *periods: str) -> Published:
    """`kim indicators --format json` for some periods, keyed by the cell."""
    args = [a for p in periods for a in ("--zeitraum", p)]
    rows = json.loads(kim.run("indicators", *args, "--format", "json", check=True).stdout)
    return Published({tuple(r[key] for key in CELL): (r["wert"], r["unterdrueckt"]) for r in rows})


def published_query(published: Kim, sql: str, params: list | None = None) -> list[tuple]:
    """A read-only query on the published serving database (what the dashboard may read)."""
    return published.query(sql, params, database="kim.duckdb")


def labels(dimension: str) -> dict[str, str]:
    """Code → German name of one dimension (warehouse/reference/bezeichnungen.csv)."""
    with LABELS.open(encoding="utf-8") as handle:
        return {
            r["code"]: r["bezeichnung"]
            for r in csv.DictReader(handle)
            if r["dimension"] == dimension
        }


def in_card(browser, title_start: str, script: str, *args: object) -> object:
    """Run `script` with `card` bound to the card whose heading starts with `title_start`
    (further arguments: `arguments[1]` on)."""
    return browser.driver.execute_script(CARD + script, title_start, *args)


def card_table(browser, title_start: str) -> list[dict[str, str]]:
    """The rows of the table in the card whose heading starts with `title_start`.

    A grid's rows are all rows it holds after its filter and sort (every page).
    """
    deadline = time.monotonic() + 10
    while (rows := in_card(browser, title_start, CARD_ROWS)) == "wait":
        if time.monotonic() > deadline:
            raise TimeoutError(f"grid {title_start!r} not ready")
        time.sleep(0.1)
    assert rows is not None, f"no card titled {title_start!r} on {browser.driver.current_url}"
    return rows


CARD_ROWS = """
    if (!card) return null;
    const grid = card.querySelector('[id^="raster-"]');
    if (grid) {
        let api;
        try { api = dash_ag_grid.getApi(grid.id); } catch (error) { return 'wait'; }
        if (!api) return 'wait';
        const fields = api.getColumnDefs().map(c => [c.field, c.headerName]);
        const rows = [];
        api.forEachNodeAfterFilterAndSort(node => rows.push(
            Object.fromEntries(fields.map(([field, name]) => [name, node.data[field]]))));
        return rows;
    }
    const table = card.querySelector('table');
    if (!table) return [];  // a card without rows shows no table
    const head = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    return [...table.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
        [...tr.children].map((cell, i) => [head[i], cell.textContent.trim()])));
"""


def grid_column(browser, title: str, column: str) -> list[str]:
    """The texts of one column of a card's grid as the page shows them, top to bottom."""
    return in_card(
        browser,
        title,
        """
        const name = arguments[1];
        const header = [...card.querySelectorAll('.ag-header-cell')]
            .find(h => h.querySelector('.ag-header-cell-text')?.textContent.trim() === name);
        const id = header.getAttribute('col-id');
        return [...card.querySelectorAll('.ag-center-cols-container .ag-row')]
            .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
            .map(row => row.querySelector(`[col-id="${id}"]`).textContent.trim());
        """,
        column,
    )


def grid_header(browser, title: str, column: str):
    """The header cell of a grid column."""
    return in_card(
        browser,
        title,
        """
        return [...card.querySelectorAll('.ag-header-cell')]
            .find(h => h.querySelector('.ag-header-cell-text')?.textContent.trim()
                       === arguments[1]);
        """,
        column,
    )


def card_sentence(browser, title_start: str) -> str:
    """The sentence under a card's heading."""
    return in_card(
        browser, title_start, "return card ? card.querySelector('p.aussage').textContent : null;"
    )


def card_note(browser, title_start: str) -> str | None:
    """The note (`p.hinweis`) of a card."""
    return in_card(
        browser, title_start, "return card?.querySelector('p.hinweis')?.textContent ?? null;"
    )


def assert_grain_note(browser, title_start: str, published: bool) -> None:
    """The card explains its empty cells (x) exactly when its breakdown is not published for
    the chosen period type (docs/confidentiality.md, table design)."""
    note = card_note(browser, title_start) or ""
    assert ("damit sich kein einzelner Fall erkennen lässt" in note) == (not published), (
        title_start,
        note,
    )


def card_text(browser, title_start: str) -> str | None:
    """All text of the card (or section) whose heading starts with `title_start`."""
    return in_card(browser, title_start, "return card?.textContent ?? null;")


def heading(browser) -> str:
    """The page's h1."""
    return browser.driver.find_element("css selector", "main h1").text


def query_of(browser) -> dict[str, list[str]]:
    """The current URL's query parameters."""
    return parse_qs(urlparse(browser.driver.current_url).query)


def hidden_filter_groups(browser) -> list[bool]:
    """Whether each filter group of the shell (`FILTER_GROUPS`) is hidden."""
    return browser.driver.execute_script(
        "return arguments[0].map(k => document.getElementById('filtergruppe-' + k).hidden);",
        list(FILTER_GROUPS),
    )


def headline(browser, name: str) -> str | None:
    """The value of a headline tile (without its unit)."""
    return browser.driver.execute_script(
        """
        const tile = [...document.querySelectorAll('.kpi')]
            .find(t => t.querySelector('.kpi-name').textContent === arguments[0]);
        return tile ? tile.querySelector('.kpi-wert').childNodes[0].textContent : null;
        """,
        name,
    )


def headline_parts(browser, name: str) -> dict[str, object]:
    """A headline tile's unit, change lines, goal line and the text of its course."""
    return browser.driver.execute_script(
        """
        const tile = [...document.querySelectorAll('.kpi')]
            .find(t => t.querySelector('.kpi-name').textContent === arguments[0]);
        const text = (selector) => tile.querySelector(selector)?.textContent ?? null;
        return {
            unit: text('.kpi-einheit'),
            changes: [...tile.querySelectorAll('.kpi-veraenderung li')].map(li => li.textContent),
            goal: text('.kpi-detail'),
            course: tile.querySelector('img.kpi-verlauf')?.getAttribute('alt') ?? null,
        };
        """,
        name,
    )


def assert_headlines(browser, values: dict, zeitraum: str, gebiet: str, tiles: tuple) -> None:
    """Each headline tile (name, indikator, decimals) shows the area's published total."""
    for name, indikator, decimals in tiles:
        wert, secret = values[(indikator, zeitraum, gebiet, "alle", "alle", "")]
        assert_shown(headline(browser, name), wert, secret, decimals)


def assert_cards_per_code(
    browser,
    cards: dict[str, tuple],
    header: str,
    names: dict[str, str],
    cell: Callable[[str, str], tuple[float | None, bool]],
) -> None:
    """Each card lists every code (`names`, in order) with the published `cell` of each measure."""
    for title, measures in cards.items():
        rows = {r[header]: r for r in card_table(browser, title)}
        assert list(rows) == list(names.values()), title
        for code, name in names.items():
            for column, indikator, decimals in measures:
                assert_shown(rows[name][column], *cell(indikator, code), decimals)


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
