"""Roles on the server: the role × page × callback matrix, crafted cross-town requests as a
`stadt` user, downloads by role, page views and downloads in the audit trail, headers."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Kim
from tests.dashboard.conftest import (
    PASSWORD,
    USER,
    Client,
    add_account,
    axe_violations,
    open_page,
    sign_in,
    update,
)

TOWNS_CSV = (
    Path(__file__).resolve().parents[2] / "warehouse" / "profiles" / "ennepe-ruhr" / "gebiete.csv"
)
KREIS = "05954"
HATTINGEN = "05954016"
# The accounts of the matrix, one per role (the koordination one is the published fixture's).
ACCOUNTS = {"leitung": "lena", "koordination": USER, "stadt": "stefan", "admin": "adam"}
READERS = {"leitung", "koordination", "stadt"}
# Record counts are for those who process the data (dashboard/access.py OPERATORS).
OPERATORS = {"koordination", "stadt"}
# The charts of the Datenqualität page (views/datenqualitaet.py).
DATENQUALITAET_CHARTS = (
    "datenqualitaet-stand",
    "datenqualitaet-quarantaene",
    "datenqualitaet-gruende",
    "datenqualitaet-fehlerliste",
    "datenqualitaet-vollstaendigkeit",
    "datenqualitaet-lieferungen",
)
# What each page is open to, as the access rules say (issue 6, docs/access.md).
PAGES = {
    "/": READERS,
    "/staedte": READERS,
    f"/stadt/{HATTINGEN}": READERS,
    "/zielgruppen": READERS,
    "/handlungsfelder": READERS,
    "/personal": READERS,
    "/baustein3": READERS,
    "/ziele": READERS,
    "/strukturthemen": READERS,
    "/datenqualitaet": OPERATORS,
    "/berichte": {"leitung", "koordination"},
    "/kennzahlen": READERS | {"admin"},
    "/barrierefreiheit": READERS | {"admin"},
    "/datenschutz": READERS | {"admin"},
    "/leichte-sprache": READERS | {"admin"},
    "/benutzer": {"admin"},
}
ROUTER = ".._pages_content.children..._pages_store.data.."


def towns() -> dict[str, str]:
    """AGS → name of the nine towns (reference data)."""
    with TOWNS_CSV.open(encoding="utf-8") as handle:
        return {row["ags"]: row["name"] for row in csv.DictReader(handle)}


def others() -> dict[str, str]:
    """The towns the `stadt` account (Hattingen) must never see."""
    return {ags: name for ags, name in towns().items() if ags != HATTINGEN}


@pytest.fixture(scope="module")
def clients(published: Kim, server: str) -> dict[str, Client]:
    """One signed-in client per role."""
    add_account(published, ACCOUNTS["leitung"], "leitung")
    add_account(published, ACCOUNTS["stadt"], "stadt", "--gebiet", HATTINGEN)
    add_account(published, ACCOUNTS["admin"], "admin")
    signed = {}
    for role, name in ACCOUNTS.items():
        client = Client(server)
        assert client.sign_in(name)[0] == 302
        signed[role] = client
    return signed


def page(client: Client, path: str, search: str = "") -> tuple[int, str]:
    """The page content Dash's router callback returns for a path."""
    location = [
        {"id": "_pages_location", "property": "pathname", "value": path},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    return update(
        client,
        {
            "output": ROUTER,
            "outputs": [
                {"id": "_pages_content", "property": "children"},
                {"id": "_pages_store", "property": "data"},
            ],
            "inputs": location,
            "changedPropIds": ["_pages_location.pathname"],
            "state": [],
        },
    )


def download(client: Client, chart: str, path: str, search: str) -> tuple[int, str]:
    """The download callback of a chart card, as a click on its CSV button sends it."""
    button = {"chart": chart, "format": "csv", "type": "download-knopf"}
    button_id = json.dumps(button, separators=(",", ":"), sort_keys=True)
    return update(
        client,
        {
            "output": '{"chart":["MATCH"],"type":"download"}.data',
            "outputs": {"id": {"chart": chart, "type": "download"}, "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "changedPropIds": [f"{button_id}.n_clicks"],
            "state": [
                {"id": "url", "property": "pathname", "value": path},
                {"id": "url", "property": "search", "value": search},
            ],
        },
    )


def downloaded(text: str) -> str:
    """The file a download callback sent, decoded (empty when it sent none)."""
    if not text:
        return ""
    for value in json.loads(text)["response"].values():
        data = value.get("data") or {}
        if data.get("content"):
            raw = data["content"]
            return base64.b64decode(raw).decode("utf-8-sig") if data.get("base64") else raw
    return ""


def cells(node: object) -> Iterator[str]:
    """The texts of every table header and data cell in a Dash component tree (JSON)."""
    if isinstance(node, dict):
        if node.get("type") in ("Th", "Td"):
            children = node.get("props", {}).get("children")
            if isinstance(children, str):
                yield children
            elif isinstance(children, dict):  # a link in a row header
                inner = children.get("props", {}).get("children")
                if isinstance(inner, str):
                    yield inner
        for value in node.values():
            yield from cells(value)
    elif isinstance(node, list):
        for value in node:
            yield from cells(value)


def leaks(text: str) -> set[str]:
    """Other towns named in table cells or by AGS anywhere in a response."""
    found = {ags for ags in others() if ags in text}
    body = json.loads(text) if text.startswith("{") else {}
    names = set(cells(body))
    return found | {name for name in others().values() if name in names}


def test_role_page_matrix(clients):
    for path, roles in PAGES.items():
        for role, client in clients.items():
            status, text = page(client, path)
            assert status == 200, (role, path, text[:200])
            refused = "Kein Zugriff" in text
            assert refused == (role not in roles), (role, path)


def links(node: object) -> Iterator[str]:
    """Every `href` in a Dash component tree (JSON)."""
    if isinstance(node, dict):
        if isinstance(node.get("href"), str):
            yield node["href"]
        for value in node.values():
            yield from links(value)
    elif isinstance(node, list):
        for value in node:
            yield from links(value)


def test_navigation_lists_only_the_roles_pages(clients):
    for role, client in clients.items():
        status, _, text = client.request("/_dash-layout")
        assert status == 200
        shown = set(links(json.loads(text))) & set(PAGES)
        listed = {path for path, roles in PAGES.items() if role in roles and "/stadt/" not in path}
        assert shown == listed, role


def outputs_of(client, part: str) -> tuple[str, list[dict[str, str]]]:
    """The output string of the callback whose outputs name `part`, and its outputs (Dash
    names an output shared with another callback with a hash)."""
    _, _, listed = client.request("/_dash-dependencies")
    [output] = [c["output"] for c in json.loads(listed) if part in c["output"]]
    parts = output.strip(".").split("...")
    return output, [{"id": p.split(".")[0], "property": p.split(".")[1]} for p in parts]


def test_report_and_comment_callbacks_by_role(clients, published: Kim):
    report_output, report_outputs = outputs_of(clients["koordination"], "bericht-download")
    report = {
        "output": report_output,
        "outputs": report_outputs,
        "inputs": [
            [
                {
                    "id": {"format": "xlsx", "type": "bericht-erstellen"},
                    "property": "n_clicks",
                    "value": 1,
                }
            ]
        ],
        "changedPropIds": ['{"format":"xlsx","type":"bericht-erstellen"}.n_clicks'],
        "state": [
            {"id": "bericht-zeitraum", "property": "value", "value": "2025"},
            {"id": "bericht-art", "property": "value", "value": "lenkungsgruppe"},
            {"id": "bericht-auftrag", "property": "data", "value": "rollentest"},
        ],
    }
    comment = {
        "output": "..kommentar-liste.children...kommentar-status.children...kommentar-text.value..",
        "outputs": [
            {"id": "kommentar-liste", "property": "children"},
            {"id": "kommentar-status", "property": "children"},
            {"id": "kommentar-text", "property": "value"},
        ],
        "inputs": [
            {"id": "kommentar-speichern", "property": "n_clicks", "value": 1},
            [],
            {"id": "kommentar-zeitraum", "property": "value", "value": "2025"},
        ],
        "changedPropIds": ["kommentar-speichern.n_clicks"],
        "state": [
            {"id": "kommentar-kennzahl", "property": "value", "value": "faelle_neu"},
            {"id": "kommentar-gebiet", "property": "value", "value": KREIS},
            {"id": "kommentar-text", "property": "value", "value": "Rollentest"},
        ],
    }
    # The sign-off also updates the report form's note.
    output, outputs = outputs_of(clients["koordination"], "freigabe-liste")
    signoff = {
        "output": output,
        "outputs": outputs,
        "inputs": [{"id": "freigabe-bestaetigen", "property": "submit_n_clicks", "value": 1}],
        "changedPropIds": ["freigabe-bestaetigen.submit_n_clicks"],
        "state": [
            {"id": "freigabe-zeitraum", "property": "value", "value": "2024"},
            {"id": "bericht-zeitraum", "property": "value", "value": "2024"},
        ],
    }
    for role in ("stadt", "admin"):
        assert update(clients[role], report)[0] == 403, role
        assert update(clients[role], comment)[0] == 403, role
        assert update(clients[role], signoff)[0] == 403, role
    status, text = update(clients["leitung"], signoff)
    assert status == 200 and "Koordinierungsstelle" in text
    signed = json.loads(published.run("freigabe", "--liste", "--json", check=True).stdout)
    assert "2024" not in [s["zeitraum"] for s in signed]
    status, text = update(clients["leitung"], report)
    assert status == 200 and "xlsx" in text
    status, text = update(clients["leitung"], comment)
    assert status == 200 and "Koordinierungsstelle" in text
    listed = published.run("kommentar", "list", "--json", check=True).stdout
    assert "Rollentest" not in listed
    status, text = update(clients["koordination"], comment)
    assert status == 200 and "gespeichert" in text
    notes = json.loads(published.run("kommentar", "list", "--json", check=True).stdout)
    written = [n for n in notes if n["text"] == "Rollentest"]
    assert [n["autor"] for n in written] == [USER]
    published.run("kommentar", "remove", str(written[0]["id"]), check=True)


def test_a_town_account_gets_nothing_of_other_towns(clients):
    stadt, leitung = clients["stadt"], clients["leitung"]
    crafted = [
        ("/", "?zeitraum=2025"),
        ("/staedte", "?zeitraum=2025"),
        (f"/stadt/{others().popitem()[0]}", "?zeitraum=2025"),
        ("/zielgruppen", "?zeitraum=2025&gebiet=05954008"),
        ("/handlungsfelder", "?zeitraum=2025&gebiet=05954036"),
        ("/personal", "?zeitraum=2025&gebiet=05954004"),
        ("/baustein3", "?zeitraum=2025"),
        ("/ziele", "?zeitraum=2025"),
        ("/datenqualitaet", "?gebiet=05954012"),
    ]
    seen_by_leitung = set()
    for path, search in crafted:
        status, text = page(stadt, path, search)
        assert status == 200
        assert not leaks(text), (path, search, leaks(text))
        seen_by_leitung |= leaks(page(leitung, path, search)[1])
    # The same requests show other towns to an account that may see them.
    assert len(seen_by_leitung) >= len(others())
    own = page(stadt, f"/stadt/{HATTINGEN}", "?zeitraum=2025")[1]
    assert "Hattingen" in set(cells(json.loads(own))) or "Hattingen 2025" in own


def test_downloads_follow_the_roles_and_the_town(clients, published: Kim):
    stadt = clients["stadt"]
    status, text = download(stadt, "staedte-faelle", "/staedte", "?zeitraum=2025")
    table = downloaded(text)
    assert status == 200 and "Hattingen" in table
    assert not [name for name in others().values() if name in table]
    full = downloaded(
        download(clients["leitung"], "staedte-faelle", "/staedte", "?zeitraum=2025")[1]
    )
    assert all(name in full for name in others().values())
    # A town's page of another town, asked for by URL: the Kreis' numbers at most.
    other = downloaded(
        download(stadt, "stadt-faelle-monat", "/stadt/05954036", "?zeitraum=2025")[1]
    )
    assert "Witten" not in other
    # Report-only tables are for the report roles.
    assert not downloaded(download(stadt, "bericht-vergleich", "/berichte", "?zeitraum=2025")[1])
    assert not downloaded(
        download(clients["admin"], "staedte-faelle", "/staedte", "?zeitraum=2025")[1]
    )
    entries = json.loads(
        published.run("audit", "--json", "--benutzer", "stefan", check=True).stdout
    )
    actions = {e["aktion"] for e in entries}
    assert {"anmeldung", "seitenaufruf", "download"} <= actions
    views = [e["details"] for e in entries if e["aktion"] == "download"]
    assert {"diagramm": "staedte-faelle", "format": "csv"}.items() <= views[0].items()
    assert published.run("audit", "--pruefen").returncode == 0


def test_leitung_gets_no_record_counts_of_the_datenqualitaet_page(clients, published: Kim):
    """Rows per delivery and their changes count a town's cases outside the attacker check:
    `leitung` gets neither the page (nor its link) nor any of its charts as a download,
    whatever the filters; the operators get them, a town its own deliveries only."""
    leitung, koordination, stadt = clients["leitung"], clients["koordination"], clients["stadt"]
    for search in ("", f"?gebiet={KREIS}", "?gebiet=05954012"):
        status, text = page(leitung, "/datenqualitaet", search)
        assert status == 200 and "Kein Zugriff" in text
        assert "Lieferungen im Zeitverlauf" not in text and "Zeilen geladen" not in text
    _, _, layout = leitung.request("/_dash-layout")
    assert "/datenqualitaet" not in set(links(json.loads(layout)))
    for chart in DATENQUALITAET_CHARTS:
        for search in ("", "?gebiet=05954012"):
            status, text = download(leitung, chart, "/datenqualitaet", search)
            assert status == 200 and not downloaded(text), (chart, search)
            # ... asked for from a page leitung may open, too
            assert not downloaded(download(leitung, chart, "/", "?zeitraum=2025")[1]), chart
        assert downloaded(download(koordination, chart, "/datenqualitaet", "")[1]), chart
    deliveries = ("datenqualitaet-lieferungen", "/datenqualitaet", "")
    every = downloaded(download(koordination, *deliveries)[1])
    own = downloaded(download(stadt, *deliveries)[1])
    assert all(name in every for name in others().values())
    assert "Hattingen" in own and not [name for name in others().values() if name in own]
    logged = json.loads(published.run("audit", "--json", "--benutzer", "lena", check=True).stdout)
    refused = [e["details"] for e in logged if e["aktion"] == "zugriff_verweigert"]
    assert {"seite": "/datenqualitaet"} in refused
    downloads = [e["details"] for e in logged if e["aktion"] == "download"]
    assert not [d for d in downloads if d["diagramm"].startswith("datenqualitaet-")]


def test_page_views_with_filters_are_recorded(clients, published: Kim):
    page(clients["leitung"], "/zielgruppen", "?zeitraum=2024&gebiet=05954008")
    page(clients["admin"], "/ziele", "?zeitraum=2025")
    lena = json.loads(published.run("audit", "--json", "--benutzer", "lena", check=True).stdout)
    views = [e["details"] for e in lena if e["aktion"] == "seitenaufruf"]
    assert {"seite": "/zielgruppen", "zeitraum": "2024", "gebiet": "05954008"} in views
    adam = json.loads(published.run("audit", "--json", "--benutzer", "adam", check=True).stdout)
    refused = [e["details"] for e in adam if e["aktion"] == "zugriff_verweigert"]
    assert {"seite": "/ziele", "zeitraum": "2025"} in refused


def test_security_headers_and_no_internals(clients, server: str):
    client = clients["koordination"]
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    request = urllib.request.Request(
        server + "/", headers={"Cookie": cookie, "Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        headers, html = response.headers, response.read().decode("utf-8")
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    executable = [body for attrs, body in inline if "application/json" not in attrs]
    assert executable, "Dash starts its renderer with an inline script"
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    status, text = update(client, {"output": ROUTER, "outputs": [], "inputs": "kaputt"})
    assert status == 500 and "Interner Fehler" in text and "Traceback" not in text


def test_pages_run_under_the_content_security_policy(browser, server: str):
    browser.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.cspVerstoesse = []; document.addEventListener("
            "'securitypolicyviolation', e => window.cspVerstoesse.push("
            "e.violatedDirective + ' ' + e.blockedURI));"
        },
    )
    for path in ("/handlungsfelder?zeitraum=2025", "/staedte?zeitraum=2025", "/berichte"):
        open_page(browser, server + path)
        if path != "/berichte":  # charts drawn: Plotly's scripts and styles ran
            assert browser.driver.find_elements("css selector", ".js-plotly-plot .main-svg")
        assert browser.driver.execute_script("return window.cspVerstoesse") == [], path


def accounts(client: Client, trigger: str, **state: str) -> tuple[int, str]:
    """The account form's callback (create or delete) as the browser sends it."""
    fields = {
        "benutzer-name": "",
        "benutzer-rolle": "leitung",
        "benutzer-gebiet": "-",
        "benutzer-passwort": "",
        "benutzer-auswahl-wert": "",
        **state,
    }
    return update(
        client,
        {
            "output": "..benutzer-liste.children...benutzer-auswahl.children..."
            "benutzer-status.children...benutzer-passwort.value..",
            "outputs": [
                {"id": "benutzer-liste", "property": "children"},
                {"id": "benutzer-auswahl", "property": "children"},
                {"id": "benutzer-status", "property": "children"},
                {"id": "benutzer-passwort", "property": "value"},
            ],
            "inputs": [
                {"id": "benutzer-anlegen", "property": "n_clicks", "value": 1},
                {"id": "benutzer-loeschen", "property": "submit_n_clicks", "value": 1},
            ],
            "changedPropIds": [trigger],
            "state": [
                {"id": key, "property": "value", "value": value} for key, value in fields.items()
            ],
        },
    )


def told(text: str) -> str:
    """The status line the account form's callback answered."""
    return json.loads(text)["response"]["benutzer-status"]["children"]


def test_only_the_admin_manages_accounts(clients, published: Kim):
    new = {
        "benutzer-name": "Sven",
        "benutzer-rolle": "stadt",
        "benutzer-gebiet": "05954024",
        "benutzer-passwort": "ein-anderes-passwort",
    }
    for role in ("leitung", "koordination", "stadt"):
        assert accounts(clients[role], "benutzer-anlegen.n_clicks", **new)[0] == 403, role
    status, text = accounts(clients["admin"], "benutzer-anlegen.n_clicks", **new)
    assert status == 200 and told(text) == "Konto sven angelegt."
    assert "ein-anderes-passwort" not in text
    listed = json.loads(published.run("benutzer", "list", "--json", check=True).stdout)
    assert {"name": "sven", "rolle": "stadt", "gebiet": "05954024"}.items() <= next(
        u for u in listed if u["name"] == "sven"
    ).items()
    short = accounts(
        clients["admin"],
        "benutzer-anlegen.n_clicks",
        **new | {"benutzer-name": "kurz", "benutzer-passwort": "kurz"},
    )
    assert told(short[1]).startswith("Nicht gespeichert")
    own = accounts(
        clients["admin"], "benutzer-loeschen.submit_n_clicks", **{"benutzer-auswahl-wert": "adam"}
    )
    assert "anderes Konto" in told(own[1])
    status, text = accounts(
        clients["admin"], "benutzer-loeschen.submit_n_clicks", **{"benutzer-auswahl-wert": "sven"}
    )
    assert status == 200 and told(text) == "Konto sven gelöscht."
    listed = json.loads(published.run("benutzer", "list", "--json", check=True).stdout)
    assert "sven" not in {u["name"] for u in listed} and "kurz" not in {u["name"] for u in listed}
    logged = json.loads(published.run("audit", "--json", "--benutzer", "adam", check=True).stdout)
    actions = [(e["aktion"], e["details"].get("name")) for e in logged]
    assert ("benutzer_angelegt", "sven") in actions and ("benutzer_geloescht", "sven") in actions


def test_admin_pages_pass_axe(browser, server: str, clients):
    from selenium.webdriver.common.by import By

    open_page(browser, server + "/kennzahlen")
    browser.driver.find_element(By.CSS_SELECTOR, "form.abmelden button").click()
    browser.driver.get(server + "/login")
    sign_in(browser, ACCOUNTS["admin"], PASSWORD)
    try:
        for path, heading in (("/benutzer", "Benutzer"), ("/ziele", "Kein Zugriff")):
            open_page(browser, server + path)
            assert browser.driver.find_element(By.CSS_SELECTOR, "main h1").text == heading
            assert axe_violations(browser) == [], path
    finally:
        open_page(browser, server + "/kennzahlen")
        browser.driver.find_element(By.CSS_SELECTOR, "form.abmelden button").click()


def owner(output: str) -> str | None:
    """The page a callback belongs to, read off its component ids (None: the shell)."""
    if any(prefix in output for prefix in ("bericht-", "kommentar-", "freigabe-")):
        return "/berichte"
    return "/benutzer" if "benutzer-" in output else None


def bare(callback: dict) -> dict:
    """A request for a callback with every input and state empty."""

    def props(items: list[dict]) -> list[dict]:
        return [{"id": i["id"], "property": i["property"], "value": None} for i in items]

    return {
        "output": callback["output"],
        "outputs": [],
        "inputs": props(callback["inputs"]),
        "changedPropIds": [],
        "state": props(callback["state"]),
    }


def test_every_callback_by_role_and_without_login(clients, server: str):
    _, _, text = clients["koordination"].request("/_dash-dependencies")
    callbacks = [c for c in json.loads(text) if not c.get("clientside_function")]
    assert len(callbacks) >= 7
    anonymous = Client(server)
    for callback in callbacks:
        payload = json.dumps(bare(callback)).encode()
        refused = anonymous.request(
            "/_dash-update-component", payload, **{"Content-Type": "application/json"}
        )
        assert refused[0] == 401, callback["output"]
        page_path = owner(callback["output"])
        for role, client in clients.items():
            status, _ = update(client, bare(callback))
            allowed = page_path is None or role in PAGES[page_path]
            assert (status == 403) != allowed, (role, callback["output"], status)
