"""Every shipped Kreis profile end to end: generate → load → build → indicators → every page
and chart → both reports, with nothing of another Kreis on screen."""

from __future__ import annotations

import io
import json
from pathlib import Path

import dash
import flask
import pandas as pd
import plotly.io
import pytest

from dashboard import access, auth
from dashboard.app import create_app
from tests.conftest import Kim
from tests.dashboard.conftest import (
    PAGES,
    USER,
    add_account,
    axe_violations,
    open_page,
    serving,
)
from views import builders, charts, queries  # noqa: F401  (builders registers the charts)
from views.filters import Filters
from warehouse import profile

# Life size: smaller samples have more small cells and take longer to protect.
SCALES = {"herne": "1", "coesfeld": "1"}
# Words that belong to the default profile only.
FOREIGN = ("Ennepe", "Witten", "Breckerfeld", "05954")


@pytest.fixture(scope="module", params=sorted(SCALES))
def installation(request, tmp_path_factory) -> Kim:
    """A profile's generated sample, loaded and built."""
    root = tmp_path_factory.mktemp(request.param)
    kim = Kim(home=root / "home", exports=root / "exports", profile=request.param)
    kim.exports.mkdir()
    kim.run("generate", "--out", str(kim.exports), "--scale", SCALES[request.param], check=True)
    assert kim.run("load").returncode in (0, 1)
    kim.run("build", check=True)
    return kim


def indicators(kim: Kim) -> pd.DataFrame:
    """`kim indicators --format csv` as a frame (codes as text)."""
    text = kim.run("indicators", "--format", "csv", check=True).stdout
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_indicators_cover_the_profiles_areas_and_target_groups(installation: Kim) -> None:
    active = profile.load(installation.profile)
    frame = indicators(installation)
    assert set(frame["gebiet"]) == {active.ags, *active.town_codes}
    assert set(frame["zielgruppe"]) == {"alle", *(g.code for g in active.target_groups)}
    assert set(frame["handlungsfeld"]) == {"alle", *active.topic_codes}
    secret = frame[frame["unterdrueckt"] == "true"]
    assert len(secret) and (secret["wert"] == "").all()


def test_the_arrival_window_of_the_profile_counts(installation: Kim) -> None:
    """New cases of `neuzugewandert` in the last full year, counted here from the loaded rows
    with the profile's window."""
    active = profile.load(installation.profile)
    rows = installation.query("SELECT fallbeginn, einreisedatum FROM aktuell.faelle")
    cases = pd.DataFrame(rows, columns=["beginn", "einreise"]).dropna()
    year = max(b.year for b, _ in rows) - 1
    cases = cases[[b.year == year for b in cases["beginn"]]]
    months = [12 * (b.year - e.year) + b.month - e.month for b, e in cases.itertuples(index=False)]
    counted = {w: sum(0 <= m <= w for m in months) for w in (24, 36)}
    frame = indicators(installation)
    published = frame[
        (frame["indikator"] == "faelle_neu")
        & (frame["zeitraum"] == str(year))
        & (frame["gebiet"] == active.ags)
        & (frame["zielgruppe"] == "neuzugewandert")
        & (frame["handlungsfeld"] == "alle")
        & (frame["aufschluesselung"] == "")
    ]
    assert float(published["wert"].iloc[0]) == counted[active.arrival_months]
    assert counted[24] != counted[36]


def test_the_profiles_own_topics_are_loaded_and_counted(installation: Kim) -> None:
    """New cases per own topic in the last full year, counted here from the loaded rows."""
    active = profile.load(installation.profile)
    own = [t.code for t in active.topics if t.code != t.land]
    if not own:
        pytest.skip("the profile keeps the Land's list of topics")
    rows = installation.query(
        "SELECT f.fallbeginn, h.handlungsfeld FROM aktuell.faelle f "
        "JOIN aktuell.handlungsfelder h USING (quelle, fall_id)"
    )
    year = max(beginn.year for beginn, _ in rows) - 1
    frame = indicators(installation)
    for code in own:
        counted = sum(beginn.year == year and topic == code for beginn, topic in rows)
        published = frame[
            (frame["indikator"] == "faelle_neu")
            & (frame["zeitraum"] == str(year))
            & (frame["gebiet"] == active.ags)
            & (frame["zielgruppe"] == "alle")
            & (frame["handlungsfeld"] == code)
            & (frame["aufschluesselung"] == "")
        ]
        assert counted > 2 and float(published["wert"].iloc[0]) == counted


def rendered(component: object) -> str:
    """A layout or figure as the JSON the browser would receive."""
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_every_page_and_chart_renders_with_the_profiles_names(
    installation: Kim, monkeypatch
) -> None:
    monkeypatch.setenv("KIM_HOME", str(installation.home))
    monkeypatch.setenv("KIM_PROFIL", installation.profile)
    active = profile.load(installation.profile)
    app = create_app()
    areas = [active.ags, active.town_codes[-1]]
    seen = []
    with app.server.test_request_context("/"):
        flask.g.kim_user = auth.SignedIn("test", "koordination", None, "x")
        for page in dash.page_registry.values():
            for gebiet in areas:
                if page["path"].startswith("/stadt"):
                    seen.append(rendered(page["layout"](ags=gebiet)))
                else:
                    seen.append(rendered(page["layout"](gebiet=gebiet)))
        for key in charts.BUILDERS:
            for gebiet in areas:
                data = charts.build(key, Filters(zeitraum="2025", gebiet=gebiet))
                seen.append(" ".join([data.title, data.sentence, data.note]))
                seen.append(data.table.to_csv())
                if data.figure is not None:
                    seen.append(plotly.io.to_json(data.figure))
    text = "\n".join(seen)
    assert active.name in text
    # own topics by name, with the topic of the Land's list each counts for there
    for topic in active.topics:
        if topic.code != topic.land:
            assert topic.name in text and f"{topic.name} → " in text
    assert not [word for word in FOREIGN if word in text]


def test_a_town_account_gets_the_record_counts_of_its_own_deliveries_only(
    installation: Kim, monkeypatch
) -> None:
    """Datenqualität as the server serves it to a `stadt` account (the scope its requests
    get): the deliveries, row errors and case counts of the town's own source, none of the
    Kreis's sources, another town or a welfare provider delivering cases of the town."""
    monkeypatch.setenv("KIM_HOME", str(installation.home))
    monkeypatch.setenv("KIM_PROFIL", installation.profile)
    active = profile.load(installation.profile)
    town = active.town_codes[0]  # Herne: the city itself, beside its welfare provider
    files = {
        d for (d,) in installation.query("SELECT datei FROM lieferung WHERE quelle = ?", [town])
    }
    (deliveries,) = installation.query("SELECT count(*) FROM lieferung WHERE quelle = ?", [town])[0]
    (cases,) = installation.query("SELECT count(*) FROM aktuell.faelle WHERE quelle = ?", [town])[0]
    strangers = {t.name for t in active.towns if t.ags != town} | {p.name for p in active.providers}
    user = auth.SignedIn("stadtkonto", "stadt", town, "x")
    with queries.session(access.scope_of(user)):
        for gebiet in dict.fromkeys((active.ags, town)):
            filters = Filters(zeitraum="2025", gebiet=gebiet)
            shown = {
                key: charts.build(key, filters)
                for key in charts.BUILDERS
                if key.startswith("datenqualitaet-")
            }
            listed = shown["datenqualitaet-lieferungen"].table
            assert len(listed) == deliveries, gebiet
            for key in ("datenqualitaet-lieferungen", "datenqualitaet-fehlerliste"):
                assert {d.split(" › ")[0] for d in shown[key].table["Datei"]} <= files, key
            complete = shown["datenqualitaet-vollstaendigkeit"].table
            assert {int(n.replace(".", "")) for n in complete["Fälle"]} == {cases}, gebiet
            sources = {q for data in shown.values() for q in data.table.get("Quelle", [])}
            assert len(sources) == 1, sources
            text = " ".join(d.sentence + d.table.to_csv() for d in shown.values())
            assert not [name for name in strangers if name in text]


def test_both_reports_are_written(installation: Kim, tmp_path: Path) -> None:
    for art in ("land", "lenkungsgruppe"):
        out = tmp_path / art
        installation.run(
            "report",
            "--zeitraum",
            "2025",
            "--art",
            art,
            "--format",
            "xlsx",
            "--out",
            str(out),
            check=True,
        )
        (written,) = out.glob("*.xlsx")
        assert written.stat().st_size > 0


# Every page but the Ennepe-Ruhr town page: a profile adds its own first town.
PROFILE_PAGES = tuple(p for p in PAGES if not p.startswith("/stadt/"))


def test_every_page_has_no_axe_violations(installation: Kim, browser) -> None:
    add_account(installation, USER, "koordination")
    town = profile.load(installation.profile).town_codes[-1]
    found = {}
    with serving(installation.env) as url:
        for path in (*PROFILE_PAGES, f"/stadt/{town}"):
            open_page(browser, url + path)
            found[path] = [v["id"] for v in axe_violations(browser)]
    assert not any(found.values()), found


def test_a_welfare_providers_deliveries_count_for_its_town(installation: Kim) -> None:
    """Contacts of the last full year, counted here from every source's loaded rows."""
    active = profile.load(installation.profile)
    sources = {q for (q,) in installation.query("SELECT DISTINCT quelle FROM aktuell.kontakte")}
    assert sources == {*active.town_codes, *(p.id for p in active.providers)}
    year = max(d.year for (d,) in installation.query("SELECT datum FROM aktuell.kontakte")) - 1
    (counted,) = installation.query(
        "SELECT count(*) FROM aktuell.kontakte WHERE year(datum) = ?", [year]
    )[0]
    frame = indicators(installation)
    published = frame[
        (frame["indikator"] == "kontakte")
        & (frame["zeitraum"] == str(year))
        & (frame["gebiet"] == active.ags)
        & (frame["zielgruppe"] == "alle")
        & (frame["handlungsfeld"] == "alle")
    ]
    assert float(published["wert"].iloc[0]) == counted


def test_datenqualitaet_names_each_welfare_provider_as_a_source(
    installation: Kim, monkeypatch
) -> None:
    active = profile.load(installation.profile)
    if not active.providers:
        pytest.skip("the profile has no welfare provider")
    monkeypatch.setenv("KIM_HOME", str(installation.home))
    monkeypatch.setenv("KIM_PROFIL", installation.profile)
    data = charts.build("datenqualitaet-stand", Filters(zeitraum="2025", gebiet=active.ags))
    sources = set(data.table["Quelle"])
    for provider in active.providers:
        assert any(s.startswith(f"{provider.name} (Träger für ") for s in sources), sources
