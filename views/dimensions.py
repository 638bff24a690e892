"""Frames the pages share: values per code of a dimension (target group, topic, partner),
cases per month, and published cells for look-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from views import display, figures, queries
from views.charts import ChartData
from views.filters import Filters, to_search
from warehouse.schema import CUMULATIVE

# One measure of a card: (indikator, column name, format).
Measure = tuple[str, str, str]
# (indikator, zeitraum, gebiet, auspraegung) -> (wert, unterdrueckt)
Cells = dict[tuple[str, str, str, str], tuple[float | None, bool]]
HEADERS = {"zielgruppe": "Zielgruppe", "handlungsfeld": "Handlungsfeld", "partner": "Partner"}
MONTHLY = {"faelle_neu": "Neue Fälle", "faelle_aktiv": "Betreute Fälle"}
# Period types, shortest first, in the plural.
PERIOD_TYPES = {"monat": "Monate", "quartal": "Quartale", "halbjahr": "Halbjahre", "jahr": "Jahre"}
PERIOD_UNITS = {"monat": "Monat", "quartal": "Quartal", "halbjahr": "Halbjahr", "jahr": "Jahr"}
# What the other dimension narrows a by-code view to.
WITHIN = {
    "zielgruppe": "innerhalb eines Handlungsfelds",
    "handlungsfeld": "innerhalb einer Zielgruppe",
}


def by_code(
    frame: pd.DataFrame, dimension: str, measures: Sequence[Measure]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measures per code of `dimension`: long frame (name, visible value, text) and table."""
    rows = []
    for indikator, column, fmt in measures:
        part = frame[frame["indikator"] == indikator].set_index("gruppe")
        for code in display.codes(dimension):
            if code in part.index:
                wert, secret = part.at[code, "wert"], bool(part.at[code, "unterdrueckt"])
                text = display.value(wert, secret, fmt)
            else:
                wert, secret, text = None, False, display.NOT_APPLICABLE
            rows.append(
                {
                    "gruppe": code,
                    "name": display.label(dimension, code),
                    "Kennzahl": column,
                    "wert_sichtbar": display.visible(wert, secret),
                    "text": text,
                }
            )
    long = pd.DataFrame(rows)
    return long, _wide(long, HEADERS[dimension], [column for _, column, _ in measures])


def per_code(
    filters: Filters, dimension: str, measures: Sequence[Measure]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`by_code` of the view's period and area, the other dimension as filtered."""
    other = filters.zielgruppe if dimension == "handlungsfeld" else filters.handlungsfeld
    indicators = [indikator for indikator, _, _ in measures]
    frame = queries.by_group(indicators, filters.zeitraum, filters.gebiet, dimension, other)
    long, table = by_code(frame, dimension, measures)
    long["href"] = long["name"].map(code_links(filters, dimension))
    return long, table


def code_links(filters: Filters, dimension: str) -> dict[str, str]:
    """Name of each code → the towns compared for it (where a click on its bar leads)."""
    return {
        display.label(dimension, c): f"/staedte{to_search(replace(filters, **{dimension: c}))}"
        for c in display.codes(dimension)
    }


def grain_note(what: str, area: str, chosen: str, published: set[str]) -> str:
    """Why a view's cells are empty (x) when `what` is not published for the chosen period type."""
    if chosen in published:
        return ""
    reason = "damit sich kein einzelner Fall erkennen lässt"
    if not published:
        return f"{what} werden für {area} nicht veröffentlicht, {reason} (x)."
    types = [name for kind, name in PERIOD_TYPES.items() if kind in published]
    listed = ", ".join(types[:-1]) + " und " + types[-1] if len(types) > 1 else types[0]
    empty = (
        "für den Zeitraum seit Beginn"
        if chosen == CUMULATIVE
        else f"für einzelne {PERIOD_TYPES[chosen]}"
    )
    return (
        f"{what} werden für {area} nur für {listed} veröffentlicht, {reason}; {empty} "
        "bleiben sie leer (x)."
    )


def for_area(gebiet: str) -> str:
    """The area as it reads after „für“: `Witten`, `den Ennepe-Ruhr-Kreis`."""
    areas = queries.areas()
    row = areas[areas["gebiet"] == gebiet]
    if row.empty:
        return gebiet
    name = str(row["name"].iloc[0])
    return f"den {name}" if bool(row["ist_kreis"].iloc[0]) else name


def code_grain_note(
    filters: Filters, dimension: str, chosen: str | None = None, other: str | None = None
) -> str:
    """`grain_note` of a by-code view of the filters' area (period type `chosen` or the view's,
    the other dimension `other` or the view's)."""
    if other is None:
        other = filters.zielgruppe if dimension == "handlungsfeld" else filters.handlungsfeld
    what = f"Zahlen nach {HEADERS[dimension]}"
    if other != "alle":
        what += " " + WITHIN[dimension]
    published = queries.period_types(filters.gebiet, dimension, other)
    return grain_note(what, for_area(filters.gebiet), chosen or filters.periodentyp, published)


def noted(
    text: str,
    filters: Filters,
    dimension: str,
    chosen: str | None = None,
    other: str | None = None,
) -> str:
    """A by-code card's note, then `code_grain_note` where its cells are not published."""
    return f"{text} {code_grain_note(filters, dimension, chosen, other)}".strip()


def _wide(long: pd.DataFrame, header: str, columns: list[str]) -> pd.DataFrame:
    """The table of a by-code frame: codes as rows (`header`), measures as `columns`."""
    table = long.pivot(index="name", columns="Kennzahl", values="text")
    order = list(dict.fromkeys(long["name"]))
    table = table.loc[order, columns].rename_axis(header)
    return table.reset_index().rename_axis(None, axis=1)


def largest(long: pd.DataFrame, measure: str, template: str) -> str:
    """`template` filled with {name} and {text} of the top code (not `alle`); empty if none."""
    part = long[(long["Kennzahl"] == measure) & (long["gruppe"] != "alle")]
    part = part[part["wert_sichtbar"] > 0]
    if part.empty:
        return ""
    top = part.loc[part["wert_sichtbar"].idxmax()]
    return template.format(name=top["name"], text=top["text"])


def bar_figure(
    long: pd.DataFrame, *, series: str | None = "Kennzahl", unit: str = ""
) -> go.Figure | None:
    """Horizontal bars of a by-code frame's visible values (a click opens its `href`, if it
    has one); no figure when nothing can be drawn."""
    if not (long["wert_sichtbar"] > 0).any():
        return None
    link = "href" if "href" in long.columns else None
    figure = figures.bars(
        long, "name", "wert_sichtbar", "text", series=series, horizontal=True, unit=unit, link=link
    )
    figure.update_xaxes(rangemode="nonnegative", ticksuffix=" %" if unit == "%" else "")
    return figure


def cells(frame: pd.DataFrame) -> Cells:
    """Published cells of a `queries.values` frame, for fast look-ups."""
    columns = ["indikator", "zeitraum", "gebiet", "auspraegung", "wert", "unterdrueckt"]
    return {
        (i, z, g, a): (None if pd.isna(w) else float(w), bool(u))
        for i, z, g, a, w, u in frame[columns].itertuples(index=False)
    }


def cases_by_month(
    key: str, title: str, where: str, months: pd.DataFrame, span: pd.DataFrame, zeitraum: str
) -> ChartData:
    """New and active cases per month (`months`) and the new cases of the period they lie in
    (`span`, of `zeitraum`) of an area."""
    frame = months.sort_values(["zeitraum", "indikator"]).reset_index(drop=True)
    frame["text"] = display.values(frame, "ganzzahl")
    frame["Monat"] = [display.short_period(z) for z in frame["zeitraum"]]
    frame["Kennzahl"] = frame["indikator"].map(MONTHLY)
    frame["wert_sichtbar"] = display.visible_values(frame)
    table = frame.pivot_table(
        index="zeitraum", columns="Kennzahl", values="text", aggfunc="first", sort=False
    ).reset_index()
    table.insert(0, "Monat", [display.period(z) for z in table.pop("zeitraum")])
    table = table.reindex(columns=["Monat", *MONTHLY.values()])
    new = display.say(display.first_value(span, "ganzzahl"))
    sentence = f"{display.capital(display.in_period(zeitraum))} gab es {where} {new} neue Fälle"
    if len(table):
        last = table.iloc[-1]
        sentence += (
            f"; im {last['Monat']} wurden {display.say(last['Betreute Fälle'])} Fälle betreut"
        )
    return ChartData(
        key=key,
        title=title,
        sentence=sentence + ".",
        table=table,
        figure=figures.lines(frame, "Monat", "wert_sichtbar", "text", "Kennzahl", "Fälle"),
    )
