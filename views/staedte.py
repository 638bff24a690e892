"""Chart content of the Städte page (shared by the dashboard and the reports)."""

from __future__ import annotations

import math

import pandas as pd

from views import display, figures, queries
from views.charts import ChartData, chart
from views.filters import MAP_INDICATORS, Filters
from warehouse import profile
from warehouse.schema import kreis_ags, towns

CASES = (
    ("faelle_neu", "Neue Fälle"),
    ("faelle_aktiv", "Betreute Fälle"),
    ("personen_erreicht", "Erreichte Personen"),
)


# Map indicators shown per 10.000 inhabitants (counts); the others as they are.
PER_INHABITANTS = ("faelle_aktiv", "faelle_neu", "personen_erreicht")

PER_POST_NOTE = (
    "Fälle je besetzter Stelle: Fallbestand am Ende des Zeitraums je besetzter "
    "Case-Management-Stelle (Baustein II, Vollzeitäquivalente), immer über alle Zielgruppen "
    "und Handlungsfelder; „x“, wenn keine Stelle besetzt ist."
)


def town_href(gebiet: str, filters: Filters) -> str:
    """The address of a town's page for the view's period."""
    return f"/stadt/{gebiet}?zeitraum={filters.zeitraum}"


def town_links(filters: Filters) -> dict[str, str]:
    """Town name → address of its page (the Kreis has no town page)."""
    areas = queries.areas()
    towns = areas[~areas["ist_kreis"].astype(bool)]
    return {
        str(name): town_href(str(gebiet), filters)
        for gebiet, name in towns[["gebiet", "name"]].itertuples(index=False)
    }


def compared() -> str:
    """What the page sets beside the Kreis: `Die neun Städte`, or a town's user's own town."""
    if queries.scope() is None:
        return display.capital(display.towns_phrase())
    areas = queries.areas()
    return " und ".join(areas.loc[~areas["ist_kreis"].astype(bool), "name"])


def selection(filters: Filters) -> str:
    """The chosen target group and topic in words."""
    return (
        f"{display.label('zielgruppe', filters.zielgruppe)}, "
        f"{display.label('handlungsfeld', filters.handlungsfeld)}"
    )


def _suffix(filters: Filters) -> str:
    """Title suffix with the period and (if chosen) target group and topic."""
    parts = [display.period(filters.zeitraum)]
    if filters.zielgruppe != "alle":
        parts.append(display.label("zielgruppe", filters.zielgruppe))
    if filters.handlungsfeld != "alle":
        parts.append(f"Handlungsfeld {display.label('handlungsfeld', filters.handlungsfeld)}")
    return ", ".join(parts)


def _cell(frame: pd.DataFrame, indikator: str, gebiet: str) -> pd.Series | None:
    """The published row of one indicator and area, if any."""
    part = frame[(frame["indikator"] == indikator) & (frame["gebiet"] == gebiet)]
    return part.iloc[0] if len(part) else None


def _shown(row: pd.Series | None, fmt: str) -> str:
    """A published value as shown (`x` when the row is missing)."""
    if row is None:
        return display.NOT_APPLICABLE
    return display.value(row["wert"], bool(row["unterdrueckt"]), fmt)


def _visible(row: pd.Series | None) -> float:
    """The value for a figure: NaN when secret or missing."""
    if row is None:
        return math.nan
    return display.visible(row["wert"], bool(row["unterdrueckt"]))


def _in_order(areas: pd.DataFrame, values: list[float], filters: Filters) -> pd.DataFrame:
    """The areas by name, or with `nach_wert` the towns by their shown value, largest first.

    Secret values sort last, in name order, whatever they are: the position of a town says
    nothing about a suppressed value. The Kreis stays at the end.
    """
    if not filters.nach_wert:
        return areas
    ordered = areas.assign(_wert=values, _kreis=areas["ist_kreis"].astype(bool))
    ordered = ordered.assign(_geheim=ordered["_wert"].isna())
    ordered = ordered.sort_values(
        ["_kreis", "_geheim", "_wert"], ascending=[True, True, False], kind="stable"
    )
    return ordered.drop(columns=["_wert", "_kreis", "_geheim"])


def _case_values(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The areas and their published case counts (`CASES`) for the view's selection."""
    areas = queries.areas()
    indicators = [indikator for indikator, _ in CASES]
    frame = queries.values(
        indicators,
        [filters.zeitraum],
        list(areas["gebiet"]),
        filters.zielgruppe,
        filters.handlungsfeld,
    )
    return areas, frame


def per_10000(row: pd.Series | None, einwohner: float) -> tuple[str, float]:
    """A count per 10.000 inhabitants (shown text, value); `.` when the count is secret."""
    if row is None:
        return display.NOT_APPLICABLE, math.nan
    if bool(row["unterdrueckt"]):
        return display.SUPPRESSED, math.nan
    wert = _visible(row)
    if math.isnan(wert) or not einwohner or math.isnan(einwohner):
        return display.NOT_APPLICABLE, math.nan
    rate = wert * 10_000 / einwohner
    return display.value(rate, False, "dezimal1"), rate


def _extremes(texts: list[str], values: list[float], names: list[str]) -> str:
    """`von 12,3 in Breckerfeld bis 45,6 in Witten` over the visible values of the towns."""
    shown = [(v, n, t) for v, n, t in zip(values, names, texts, strict=True) if not math.isnan(v)]
    if len(shown) < 2:
        return ""
    low = min(shown, key=lambda item: item[0])
    high = max(shown, key=lambda item: item[0])
    if high[0] <= low[0]:
        return ""
    return f"von {low[2]} in {low[1]} bis {high[2]} in {high[1]}"


@chart("staedte-faelle", indikatoren=("faelle_neu", "faelle_aktiv", "personen_erreicht"))
def cases(filters: Filters) -> ChartData:
    """Per town and the Kreis: new cases, cases in care and persons reached."""
    areas, frame = _case_values(filters)
    cared = [_visible(_cell(frame, "faelle_aktiv", gebiet)) for gebiet in areas["gebiet"]]
    areas = _in_order(areas, cared, filters)
    rows = []
    for gebiet, name in areas[["gebiet", "name"]].itertuples(index=False):
        cells = {"Gebiet": name}
        for indikator, column in CASES:
            cells[column] = _shown(_cell(frame, indikator, gebiet), "ganzzahl")
        rows.append(cells)
    table = pd.DataFrame(rows, columns=["Gebiet", *(c for _, c in CASES)])
    kreis = table.iloc[-1]
    towns = areas[~areas["ist_kreis"].astype(bool)]
    active = [_visible(_cell(frame, "faelle_aktiv", g)) for g in towns["gebiet"]]
    sentence = (
        f"Im Kreis wurden {display.in_period(filters.zeitraum)} "
        f"{display.say(kreis['Betreute Fälle'])} Fälle betreut und "
        f"{display.say(kreis['Erreichte Personen'])} Personen erreicht, neue Fälle: "
        f"{display.say(kreis['Neue Fälle'])}"
    )
    visible = [(v, n) for v, n in zip(active, towns["name"], strict=True) if v > 0]
    if len(visible) > 1:  # a comparison, not a town's user's own town alone
        most, name = max(visible)
        sentence += (
            f"; die meisten Fälle betreute {name} ({display.value(most, False, 'ganzzahl')})"
        )
    return ChartData(
        key="staedte-faelle",
        title=f"Fälle und erreichte Personen je Stadt, {_suffix(filters)}",
        sentence=sentence + ".",
        table=table,
        note=(
            "Erreichte Personen des Kreises sind über alle Städte verschieden gezählt; eine "
            "Person, die in zwei Städten betreut wurde, zählt im Kreis einmal."
        ),
    )


@chart("staedte-einwohner", indikatoren=("faelle_neu", "faelle_aktiv", "personen_erreicht"))
def per_inhabitants(filters: Filters) -> ChartData:
    """Per town and the Kreis: the case counts per 10.000 inhabitants."""
    areas, frame = _case_values(filters)
    rates = [
        _visible(_cell(frame, "faelle_aktiv", gebiet)) / float(einwohner)
        for gebiet, einwohner in areas[["gebiet", "einwohner"]].itertuples(index=False)
    ]
    areas = _in_order(areas, rates, filters)
    rows = []
    bars = []
    for gebiet, name, einwohner in areas[["gebiet", "name", "einwohner"]].itertuples(index=False):
        cells = {"Gebiet": name, "Einwohner": display.plain(einwohner, "ganzzahl")}
        for indikator, column in CASES:
            text, rate = per_10000(_cell(frame, indikator, gebiet), float(einwohner))
            label = f"{column} je 10.000 Einwohner"
            cells[label] = text
            bars.append(
                {
                    "Gebiet": name,
                    "Kennzahl": column,
                    "wert": rate,
                    "text": text,
                    "href": "" if gebiet == kreis_ags() else town_href(gebiet, filters),
                }
            )
        rows.append(cells)
    table = pd.DataFrame(rows)
    bars_frame = pd.DataFrame(bars)
    column = "Betreute Fälle je 10.000 Einwohner"
    towns = table.iloc[:-1]
    active = bars_frame[(bars_frame["Kennzahl"] == "Betreute Fälle")].iloc[:-1]
    sentence = (
        f"Je 10.000 Einwohner wurden im Kreis {display.in_period(filters.zeitraum)} "
        f"{display.say(table.iloc[-1][column])} Fälle betreut"
    )
    spread = _extremes(list(towns[column]), list(active["wert"]), list(towns["Gebiet"]))
    if spread:
        sentence += f", in den Städten {spread}"
    stand = sorted({display.day(pd.Timestamp(d).date()) for d in areas["einwohner_stand"]})
    return ChartData(
        key="staedte-einwohner",
        title=f"Fälle je 10.000 Einwohner, {_suffix(filters)}",
        sentence=sentence + ".",
        table=table,
        figure=figures.bars(
            bars_frame, "Gebiet", "wert", "text", series="Kennzahl", horizontal=True, link="href"
        ),
        note=(
            f"Einwohner: {profile.current().population_base.source}, Stichtag "
            f"{', '.join(stand)}, wie im Kreisprofil hinterlegt; „x“, wo es keine Zahl hat. "
            "Je 10.000 Einwohner = Zahl ÷ Einwohner × 10.000; „.“, wenn die Zahl geheim "
            "gehalten wird."
        ),
    )


@chart("staedte-stellen", indikatoren=("faelle_je_vzae",))
def per_post(filters: Filters) -> ChartData:
    """Per town and the Kreis: cases per filled case-management post."""
    posts = queries.staedte_posts(filters.zeitraum)
    frame = posts[posts["aufschluesselung"] == ""]
    kreis_posts = posts[posts["aufschluesselung"] == "baustein=2"]
    areas = queries.areas()
    ratios = [_visible(_cell(frame, "faelle_je_vzae", gebiet)) for gebiet in areas["gebiet"]]
    areas = _in_order(areas, ratios, filters)
    rows = []
    values = []
    for gebiet, name, ist_kreis in areas[["gebiet", "name", "ist_kreis"]].itertuples(index=False):
        posts = kreis_posts if ist_kreis else frame
        ratio = _cell(frame, "faelle_je_vzae", gebiet)
        rows.append(
            {
                "Gebiet": name,
                "Fallbestand zum Stichtag": _shown(
                    _cell(frame, "faelle_bestand", gebiet), "ganzzahl"
                ),
                "Besetzte Stellen (VZÄ)": _shown(_cell(posts, "vzae_ist", gebiet), "dezimal2"),
                "Fälle je besetzter Stelle": _shown(ratio, "dezimal1"),
            }
        )
        values.append(_visible(ratio))
    table = pd.DataFrame(rows)
    column = "Fälle je besetzter Stelle"
    figure_frame = pd.DataFrame(
        {
            "Gebiet": table["Gebiet"],
            "wert": values,
            "text": table[column],
            "href": [town_href(str(g), filters) for g in areas["gebiet"]],
        }
    ).iloc[:-1]
    sentence = (
        f"Im Kreis kamen am Ende des Zeitraums {display.say(table.iloc[-1][column])} Fälle auf "
        "eine besetzte "
        "Case-Management-Stelle"
    )
    spread = _extremes(list(table[column][:-1]), values[:-1], list(table["Gebiet"][:-1]))
    if spread:
        sentence += f", in den Städten {spread}"
    return ChartData(
        key="staedte-stellen",
        title=f"Fälle je besetzter Stelle, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=figures.bars(
            figure_frame,
            "Gebiet",
            "wert",
            "text",
            horizontal=True,
            link="href",
            reference=(values[-1], f"Kreis: {table.iloc[-1][column]}"),
        ),
        note=PER_POST_NOTE + " Die gestrichelte Linie zeigt den Wert des Kreises.",
    )


def map_title(indikator: str) -> str:
    """What the map shows: `Betreute Fälle je 10.000 Einwohner`, `Fälle je besetzter Stelle`."""
    name = str(queries.indicator(indikator)["name"])
    return f"{name} je 10.000 Einwohner" if indikator in PER_INHABITANTS else name


@chart("staedte-karte", indikatoren=MAP_INDICATORS)
def town_map(filters: Filters) -> ChartData:
    """The towns at their centres, sized and shaded by the chosen indicator (counts per
    10.000 inhabitants)."""
    indikator = filters.karte
    info = queries.indicator(indikator)
    fmt, name = str(info["format"]), str(info["name"])
    areas = queries.areas()
    # Cases per post are published for all target groups and topics only.
    cut = ("alle", "alle") if indikator == "faelle_je_vzae" else None
    frame = queries.values(
        [indikator],
        [filters.zeitraum],
        list(areas["gebiet"]),
        *(cut or (filters.zielgruppe, filters.handlungsfeld)),
    )
    places = {town.ags: town for town in towns()}
    column = map_title(indikator)
    per_inhabitants = indikator in PER_INHABITANTS
    rows = []
    points = []
    for gebiet, town, einwohner in areas[["gebiet", "name", "einwohner"]].itertuples(index=False):
        if gebiet not in places:
            continue
        row = _cell(frame, indikator, gebiet)
        if per_inhabitants:
            text, rate = per_10000(row, float(einwohner))
            cells = {
                name: _shown(row, fmt),
                "Einwohner": display.plain(einwohner, "ganzzahl"),
                column: text,
            }
        else:
            text, rate = _shown(row, fmt), _visible(row)
            cells = {column: text}
        rows.append({"Stadt": town, **cells})
        place = places[gebiet]
        points.append(
            {
                "name": town,
                "breite": place.lat,
                "laenge": place.lon,
                "wert": rate,
                "text": text,
                "href": town_href(gebiet, filters),
            }
        )
    table = pd.DataFrame(rows)
    points_frame = pd.DataFrame(points)
    spread = _extremes(list(table[column]), list(points_frame["wert"]), list(table["Stadt"]))
    sentence = f"{column} {display.in_period(filters.zeitraum)}"
    sentence += (
        f": {spread}." if spread else ": zu wenige veröffentlichte Werte für einen Vergleich."
    )
    more = f"desto mehr {column[0].lower() + column[1:]}" if per_inhabitants else "desto höher"
    return ChartData(
        key="staedte-karte",
        title=f"Karte der Städte: {column}, {_suffix(filters)}",
        sentence=sentence,
        table=table,
        figure=figures.town_map(
            points_frame, "breite", "laenge", "name", "wert", "text", link="href"
        ),
        note=(
            "Jede Stadt ist an ihrer Stadtmitte markiert (Koordinaten aus den Gebietsdaten, "
            f"ohne Gemeindegrenzen); je größer und dunkler die Fläche, {more}. Ein kleiner "
            "Ring mit „.“: Zahl geheim gehalten, mit „x“: nicht veröffentlicht oder ohne "
            "Basis. Ein Klick auf eine Stadt öffnet ihre Seite; die Tabelle enthält dieselben "
            "Zahlen."
        ),
    )
