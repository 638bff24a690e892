"""Callback unit tests of the shell: filters ↔ URL, navigation, presentation mode, downloads."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import struct
from contextvars import copy_context
from urllib.parse import parse_qs
from xml.etree import ElementTree

import flask
import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import ids
from dashboard.app import create_app, download, mark_page, sync_filters
from dashboard.auth import SignedIn
from tests.dashboard.conftest import (
    USER,
    as_shown,
    assert_shown,
    published_query,
    published_values,
)


@pytest.fixture(scope="module")
def app():
    """The app object (registers the pages), created once."""
    return create_app()


@pytest.fixture
def home(app, published, monkeypatch):
    """The callbacks read the published sample installation, in a request of the
    coordination office's account (the role that may see everything)."""
    monkeypatch.setenv("KIM_HOME", str(published.home))
    with app.server.test_request_context():
        flask.g.kim_user = SignedIn(USER, "koordination", None, "")
        yield published


def run(callback, trigger: str, *args):
    """Call a callback as Dash does, with `trigger` as the triggering property."""

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": trigger, "value": None}]))
        return callback(*args)

    return copy_context().run(call)


def test_url_sets_the_filters_and_shows_only_the_page_filters(app, home):
    out = run(
        sync_filters,
        "url.search",
        "?zeitraum=2025-Q2&gebiet=05954036",
        "/",
        None,
        None,
        None,
        None,
        None,
    )
    assert out[0] is no_update
    assert out[1] == "quartal" and out[3] == "2025-Q2" and out[5] == "05954036"
    assert "2025-Q2" in [o["value"] for o in out[4]]
    assert all(o["value"].count("-Q") == 1 for o in out[4])
    hidden = dict(zip(["bar", *ids.FILTER_GROUPS], out[11:], strict=True))
    assert hidden == {
        "bar": False,
        "zeitraum": False,
        "gebiet": True,
        "zielgruppe": True,
        "handlungsfeld": True,
    }


def test_unknown_url_values_fall_back_to_defaults(app, home):
    out = run(
        sync_filters, "url.search", "?zeitraum=1999&gebiet=x&zielgruppe=<script>", "/", *[None] * 5
    )
    assert out[1] == "jahr" and out[5] == "05954" and out[7] == "alle"
    assert out[3] == max(o["value"] for o in out[4])


def test_changing_the_period_type_picks_its_latest_period_and_writes_the_url(app, home):
    out = run(
        sync_filters,
        f"{ids.FILTER_PERIOD_TYPE}.value",
        "?zeitraum=2025",
        "/",
        "monat",
        "2025",
        "05954",
        "alle",
        "alle",
    )
    query = parse_qs(out[0].lstrip("?"))
    months = [o["value"] for o in out[4]]
    assert query["zeitraum"] == [out[3]] == [max(months)]
    assert out[1] == "monat"


def test_changing_a_filter_keeps_the_presentation_mode(app, home):
    out = run(
        sync_filters,
        f"{ids.FILTER_GROUP}.value",
        "?zeitraum=2025&praesentation=1",
        "/zielgruppen",
        "jahr",
        "2025",
        "05954",
        "alleinerziehend",
        "alle",
    )
    query = parse_qs(out[0].lstrip("?"))
    assert query["zielgruppe"] == ["alleinerziehend"] and query["praesentation"] == ["1"]


def test_navigation_marks_the_current_page_and_toggles_presentation(app, home):
    nav, css, label, href = mark_page("/ziele", "?zeitraum=2025")
    current = [li.children for li in nav.children if li.children.className == "aktiv"]
    assert len(current) == 1 and current[0].href == "/ziele"
    assert css == "" and label == "Präsentationsmodus"
    assert parse_qs(href.partition("?")[2]) == {"zeitraum": ["2025"], "praesentation": ["1"]}
    _, css, label, href = mark_page("/ziele", "?zeitraum=2025&praesentation=1")
    assert css == "praesentation" and label == "Präsentationsmodus beenden"
    assert href == "/ziele?zeitraum=2025"


def test_download_rebuilds_the_shown_table_from_the_url(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "ueberblick-staedte", "format": "csv"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    result = run(download, prop, [1, None], "/", "?zeitraum=2025")
    assert result["filename"] == "kim_ueberblick-staedte_05954_2025.csv"
    text = base64.b64decode(result["content"]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_name = {r["Gebiet"]: r for r in rows if r.get("Betreute Fälle")}
    assert len(by_name) == 10
    values = published_values(home, "2025")
    for gebiet, name in (("05954036", "Witten"), ("05954", "Ennepe-Ruhr-Kreis")):
        wert, secret = values[("faelle_aktiv", "2025", gebiet, "alle", "alle", "")]
        assert_shown(by_name[name]["Betreute Fälle"], wert, secret, 0)


def test_download_without_a_click_sends_nothing(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "ueberblick-staedte", "format": "xlsx"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    assert run(download, prop, [None, None], "/", "") is no_update


def test_a_crafted_download_request_for_an_unknown_chart_gets_nothing(app, home):
    for trigger in (
        {"type": ids.DOWNLOAD_BUTTON, "chart": "gibt-es-nicht", "format": "csv"},
        {"type": ids.DOWNLOAD_BUTTON, "chart": "ueberblick-staedte", "format": "exe"},
    ):
        prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        assert run(download, prop, [1], "/", "?zeitraum=2025") is no_update


def test_a_chart_downloads_as_an_image_of_the_shown_figure(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "staedte-einwohner", "format": "svg"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    result = run(download, prop, [None, None, None, 1], "/staedte", "?zeitraum=2025")
    assert result["filename"] == "kim_staedte-einwohner_05954_2025.svg"
    svg = ElementTree.fromstring(base64.b64decode(result["content"]))
    assert svg.tag.endswith("svg")
    texts = {node.text for node in svg.iter() if node.text and node.text.strip()}
    assert {"Witten", "Schwelm", "Breckerfeld"} <= texts

    trigger["format"] = "png"
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    result = run(download, prop, [None, None, 1, None], "/staedte", "?zeitraum=2025")
    png = base64.b64decode(result["content"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width > height > 400


def test_a_table_without_a_chart_offers_no_image(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "ueberblick-staedte", "format": "png"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    assert run(download, prop, [1], "/", "?zeitraum=2025") is no_update


def test_towns_ordered_by_value_put_published_values_first_and_secret_ones_by_name(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "staedte-einwohner", "format": "csv"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    search = "?zeitraum=2025-Q2&reihenfolge=wert"
    result = run(download, prop, [1, None, None, None], "/staedte", search)
    text = base64.b64decode(result["content"]).decode("utf-8-sig").split("\r\n\r\n")[0]
    shown = [row["Gebiet"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    values = published_values(home, "2025-Q2")
    areas = published_query(
        home, "SELECT gebiet, name, einwohner, ist_kreis FROM dim_gebiete ORDER BY name"
    )
    rates, secret = {}, []
    for gebiet, name, einwohner, ist_kreis in areas:
        wert, hidden = values[("faelle_aktiv", "2025-Q2", gebiet, "alle", "alle", "")]
        if ist_kreis:
            kreis = name
        elif hidden or wert is None:
            secret.append(name)
        else:
            rates[name] = wert / einwohner
    expected = sorted(rates, key=lambda name: -rates[name]) + sorted(secret) + [kreis]
    assert shown == expected
    assert len(rates) > 2 and secret, "the sample should show some towns and hide others here"


CHANGE = re.compile(r"^([↑↓→]) ([+−±])([\d.]+)(?: \(([+−±])([\d.]+,\d) %\))?$")


def test_town_rows_show_the_change_of_published_values_only(app, home):
    trigger = {"type": ids.DOWNLOAD_BUTTON, "chart": "ueberblick-staedte", "format": "csv"}
    prop = json.dumps(trigger, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    result = run(download, prop, [1, None], "/", "?zeitraum=2025-Q2")
    text = base64.b64decode(result["content"]).decode("utf-8-sig").split("\r\n\r\n")[0]
    rows = {r["Gebiet"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    names = dict(published_query(home, "SELECT name, gebiet FROM dim_gebiete"))
    values = published_values(home, "2025-Q2", "2025-Q1", "2024-Q2")
    seen = set()
    for column, earlier in (("Vorquartal", "2025-Q1"), ("Vorjahreszeitraum", "2024-Q2")):
        for name, row in rows.items():
            cell = row[f"Betreute Fälle, Veränderung zum {column}"]
            now = values.get(("faelle_aktiv", "2025-Q2", names[name], "alle", "alle", ""))
            before = values.get(("faelle_aktiv", earlier, names[name], "alle", "alle", ""))
            if now is None or before is None:
                assert cell == "x", (name, column)
                continue
            if now[1] or before[1]:
                assert cell == ".", (name, column)
                seen.add(".")
                continue
            arrow, sign, size, _, percent = CHANGE.match(cell).groups()
            delta = now[0] - before[0]
            direction = (delta > 0) - (delta < 0)
            assert arrow == "↑↓→"[[1, -1, 0].index(direction)], (name, cell)
            assert sign == "+−±"[[1, -1, 0].index(direction)]
            assert float(size.replace(".", "")) == abs(delta)
            if before[0]:
                share = as_shown(abs(100 * delta / before[0]), 1)
                assert float(percent.replace(".", "").replace(",", ".")) == share
            seen.add("shown")
    assert seen == {".", "shown"}, "the sample should show some changes and hide others"
