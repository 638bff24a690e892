"""Überblick: the year's headline figures with goal status, cases by month, towns, Datenstand."""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash import html

from dashboard import display, figures, queries
from dashboard.charts import ChartData, build, chart
from dashboard.components import (
    guarded,
    make_chart_card,
    make_kpi,
    make_notice,
    make_page_header,
    make_status,
    status_label,
)
from dashboard.filters import Filters, from_query
from warehouse.schema import KREIS_AGS
from warehouse.settings import load_settings

dash.register_page(
    __name__,
    path="/",
    name="Überblick",
    title="Überblick – KIM Monitor",
    order=0,
    filters=("zeitraum",),
)

HEADLINES = (
    "faelle_neu",
    "faelle_aktiv",
    "personen_erreicht",
    "quote_ziele_erreicht",
    "wartezeit_median_tage",
    "vermittlungen",
    "b3_antraege",
    "besetzungsquote",
)


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                f"Überblick {display.period(filters.zeitraum)}",
                "Die wichtigsten Kennzahlen des Ennepe-Ruhr-Kreises im gewählten Zeitraum, "
                f"mit dem Stand der Jahresziele {filters.jahr}.",
            ),
            make_datenstand(),
            make_headlines(filters),
            make_chart_card(build("ueberblick-faelle-monat", filters)),
            make_chart_card(build("ueberblick-staedte", filters)),
        ]
    )


def make_headlines(filters: Filters) -> html.Section:
    """Headline figures of the Kreis with the status of their yearly goal."""
    frame = queries.values(HEADLINES, [filters.zeitraum], [KREIS_AGS])
    goals = queries.goals(filters.jahr)
    goals = goals[goals["gebiet"] == KREIS_AGS].set_index("indikator")
    tiles = []
    for indikator in HEADLINES:
        info = queries.indicator(indikator)
        row = frame[frame["indikator"] == indikator]
        shown = display.values(row, info["format"])[0] if len(row) else display.NOT_APPLICABLE
        status = None
        detail = None
        if indikator in goals.index:
            goal = goals.loc[indikator]
            status = make_status(goal["status"], goal["status_text"])
            word = "höchstens" if goal["richtung"] == "hoechstens" else "mindestens"
            target = display.plain(goal["zielwert"], info["format"])
            detail = f"Jahresziel {filters.jahr}: {word} {target}"
        tiles.append(make_kpi(info["name"], shown, detail, status))
    return html.Section(
        [
            html.H2("Kennzahlen des Kreises", id="titel-kennzahlen"),
            html.Div(tiles, className="kpis"),
        ],
        className="karte",
        **{"aria-labelledby": "titel-kennzahlen"},
    )


def make_datenstand() -> html.Section:
    """Per source the latest Stichtag; a warning when it is older than the allowed days."""
    settings = load_settings()
    snapshots = queries.current_snapshots()
    names = dict(queries.areas()[["gebiet", "name"]].itertuples(index=False))
    latest = snapshots.groupby("quelle", as_index=False)["stichtag"].max()
    today = date.today()
    items = []
    stale = []
    for quelle, stichtag in latest.itertuples(index=False):
        day = pd.Timestamp(stichtag).date()
        name = _source_name(quelle, names)
        age = (today - day).days
        text = f"{name}: Stichtag {display.day(day)}"
        if age > settings.stale_after_days:
            stale.append(name)
            items.append(
                html.Li([text, html.Strong(f" – veraltet ({age} Tage alt)")], className="veraltet")
            )
        else:
            items.append(html.Li(text))
    parts: list = [html.H2("Datenstand", id="titel-datenstand")]
    if stale:
        parts.append(
            make_notice(
                f"Der Datenstand von {', '.join(stale)} ist älter als "
                f"{settings.stale_after_days} Tage.",
                warning=True,
            )
        )
    parts.append(html.Ul(items, className="datenstand"))
    return html.Section(parts, className="karte", **{"aria-labelledby": "titel-datenstand"})


def _source_name(quelle: str, names: dict[str, str]) -> str:
    """A source's German name: towns by name, the Kreis as coordination office and authority."""
    if quelle == KREIS_AGS:
        return "Kreis (Koordinierungsstelle, Ausländerbehörde)"
    return names.get(quelle, quelle)


@chart("ueberblick-faelle-monat")
def cases_by_month(filters: Filters) -> ChartData:
    """New and active cases of the Kreis per month of the filter's year."""
    periods = queries.periods()
    months = periods[(periods["periodentyp"] == "monat") & (periods["jahr"] == filters.jahr)]
    frame = queries.values(["faelle_neu", "faelle_aktiv"], list(months["zeitraum"]), [KREIS_AGS])
    frame["text"] = display.values(frame, "ganzzahl")
    frame["Monat"] = [display.short_period(z) for z in frame["zeitraum"]]
    frame["Kennzahl"] = frame["indikator"].map(
        {"faelle_neu": "Neue Fälle", "faelle_aktiv": "Betreute Fälle"}
    )
    frame["wert_sichtbar"] = frame["wert"].where(~frame["unterdrueckt"].astype(bool))
    table = frame.pivot_table(
        index="zeitraum", columns="Kennzahl", values="text", aggfunc="first", sort=False
    ).reset_index()
    table.insert(0, "Monat", [display.period(z) for z in table.pop("zeitraum")])
    table = table[["Monat", "Neue Fälle", "Betreute Fälle"]]
    year = queries.values(["faelle_neu"], [str(filters.jahr)], [KREIS_AGS])
    total = display.values(year, "ganzzahl")[0] if len(year) else display.NOT_APPLICABLE
    last = table.iloc[-1] if len(table) else None
    sentence = f"Im Jahr {filters.jahr} gab es im Kreis {total} neue Fälle"
    if last is not None:
        sentence += f"; im {last['Monat']} wurden {last['Betreute Fälle']} Fälle betreut."
    return ChartData(
        key="ueberblick-faelle-monat",
        title=f"Neue und betreute Fälle je Monat {filters.jahr}",
        sentence=sentence,
        table=table,
        figure=figures.lines(frame, "Monat", "wert_sichtbar", "text", "Kennzahl", "Fälle"),
    )


@chart("ueberblick-staedte")
def towns(filters: Filters) -> ChartData:
    """Per town: cases, cases per filled post and the status of its goals."""
    areas = queries.areas()
    frame = queries.values(
        ["faelle_aktiv", "faelle_neu", "faelle_je_vzae"], [filters.zeitraum], list(areas["gebiet"])
    )
    goals = queries.goals(filters.jahr)
    rows = []
    for gebiet, name in areas[["gebiet", "name"]].itertuples(index=False):
        cells = {"Gebiet": name}
        for indikator, column, fmt in (
            ("faelle_neu", "Neue Fälle", "ganzzahl"),
            ("faelle_aktiv", "Betreute Fälle", "ganzzahl"),
            ("faelle_je_vzae", "Fälle je besetzter Stelle", "dezimal1"),
        ):
            part = frame[(frame["gebiet"] == gebiet) & (frame["indikator"] == indikator)]
            cells[column] = display.values(part, fmt)[0] if len(part) else display.NOT_APPLICABLE
        own = goals[goals["gebiet"] == gebiet]
        cells[f"Ziele {filters.jahr}"] = (
            "; ".join(
                f"{n}: {status_label(s, t)}"
                for n, s, t in own[["indikator_name", "status", "status_text"]].itertuples(
                    index=False
                )
            )
            or "kein Ziel gesetzt"
        )
        rows.append(cells)
    table = pd.DataFrame(rows)
    kreis = table.iloc[-1]
    return ChartData(
        key="ueberblick-staedte",
        title=f"Städte im Überblick, {display.period(filters.zeitraum)}",
        sentence=(
            f"Im Kreis wurden {kreis['Betreute Fälle']} Fälle betreut, "
            f"{kreis['Fälle je besetzter Stelle']} je besetzter Stelle."
        ),
        table=table,
    )
