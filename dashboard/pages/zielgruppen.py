"""Zielgruppen: reach and outcomes per target group and the groups' shares of all cases."""

from __future__ import annotations

import math

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import display, figures, queries
from dashboard.charts import ChartData, build, chart
from dashboard.components import guarded, make_chart_card, make_notice, make_page_header
from dashboard.filters import Filters, from_query

dash.register_page(
    __name__,
    path="/zielgruppen",
    name="Zielgruppen",
    title="Zielgruppen – KIM Monitor",
    order=2,
    filters=("zeitraum", "gebiet", "handlungsfeld"),
)

OVERLAP = (
    "Ein Fall kann zu mehreren Zielgruppen gehören. Die Zielgruppen überschneiden sich daher "
    "und ergeben zusammen nicht die Gesamtzahl „Alle Zielgruppen“."
)
SHARE_RULE = (
    "Anteil = betreute Fälle der Zielgruppe ÷ betreute Fälle aller Zielgruppen, nur aus "
    "veröffentlichten Zahlen berechnet; „.“, wenn eine der beiden Zahlen geheim gehalten wird."
)
REACH = (
    ("faelle_aktiv", "Betreute Fälle", "ganzzahl"),
    ("faelle_neu", "Neue Fälle", "ganzzahl"),
    ("personen_erreicht", "Erreichte Personen", "ganzzahl"),
)
GOALS = (
    ("quote_ziele_erreicht", "Ziele erreicht", "prozent"),
    ("quote_ziele_teilweise", "Ziele mindestens teilweise erreicht", "prozent"),
)
DURATION = (("falldauer_median_tage", "Mittlere Falldauer (Median, Tage)", "tage"),)


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                f"Zielgruppen {display.period(filters.zeitraum)}",
                f"Reichweite und Ergebnisse je Zielgruppe für {_context(filters)} und die "
                "Anteile der Zielgruppen an allen betreuten Fällen im Jahresverlauf.",
            ),
            make_notice(OVERLAP),
            make_chart_card(build("zielgruppen-reichweite", filters)),
            make_chart_card(build("zielgruppen-zielerreichung", filters)),
            make_chart_card(build("zielgruppen-falldauer", filters)),
            make_chart_card(build("zielgruppen-anteile", filters)),
        ]
    )


def _area_name(gebiet: str) -> str:
    """A town's or the Kreis' name."""
    areas = queries.areas()
    return str(areas.loc[areas["gebiet"] == gebiet, "name"].iloc[0])


def _topic(filters: Filters) -> str:
    """`, Handlungsfeld Arbeit` when a topic is chosen, else nothing."""
    if filters.handlungsfeld == "alle":
        return ""
    return f", Handlungsfeld {display.label('handlungsfeld', filters.handlungsfeld)}"


def _context(filters: Filters) -> str:
    """Area and topic of the view, e.g. `Witten, Handlungsfeld Arbeit`."""
    return _area_name(filters.gebiet) + _topic(filters)


def _visible(wert: float | None, secret: bool) -> float:
    """The value a figure may draw: NaN when secret or missing."""
    if secret or wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return math.nan
    return float(wert)


def _by_group(filters: Filters, measures: tuple[tuple[str, str, str], ...]) -> pd.DataFrame:
    """One row per target group and measure: label, measure, visible value and shown text."""
    frame = queries.zielgruppen_by_group(
        [m[0] for m in measures], filters.zeitraum, filters.gebiet, filters.handlungsfeld
    )
    rows = []
    for indikator, name, fmt in measures:
        part = frame[frame["indikator"] == indikator].set_index("gruppe")
        for code in display.codes("zielgruppe"):
            if code in part.index:
                wert, secret = part.at[code, "wert"], bool(part.at[code, "unterdrueckt"])
                text = display.value(wert, secret, fmt)
            else:
                wert, secret, text = None, False, display.NOT_APPLICABLE
            rows.append(
                {
                    "gruppe": code,
                    "Zielgruppe": display.label("zielgruppe", code),
                    "Kennzahl": name,
                    "wert_sichtbar": _visible(wert, secret),
                    "text": text,
                }
            )
    return pd.DataFrame(rows)


def _wide(long: pd.DataFrame, measures: tuple[tuple[str, str, str], ...]) -> pd.DataFrame:
    """The table of a by-group chart: target groups as rows, measures as columns."""
    table = long.pivot(index="Zielgruppe", columns="Kennzahl", values="text")
    order = list(dict.fromkeys(long["Zielgruppe"]))
    return table.loc[order, [m[1] for m in measures]].reset_index().rename_axis(None, axis=1)


def say(text: str, unit: str = "") -> str:
    """A shown value inside a sentence: symbols explained, numbers with their unit."""
    if text == display.SUPPRESSED:
        return "geheim gehalten (.)"
    if text == display.NOT_APPLICABLE:
        return "nicht berechenbar (x)"
    return f"{text}{unit}"


def bar_figure(
    long: pd.DataFrame, x: str, *, series: str | None = "Kennzahl", unit: str = ""
) -> go.Figure | None:
    """Horizontal bars of the visible values; no figure when nothing can be drawn."""
    if not (long["wert_sichtbar"] > 0).any():
        return None
    figure = figures.bars(
        long, x, "wert_sichtbar", "text", series=series, horizontal=True, unit=unit
    )
    figure.update_xaxes(rangemode="nonnegative", ticksuffix=" %" if unit == "%" else "")
    return figure


def _largest(long: pd.DataFrame, measure: str) -> pd.Series | None:
    """The target group (not `alle`) with the highest visible value of a measure."""
    part = long[(long["Kennzahl"] == measure) & (long["gruppe"] != "alle")]
    part = part[part["wert_sichtbar"] > 0]
    if part.empty:
        return None
    return part.loc[part["wert_sichtbar"].idxmax()]


@chart("zielgruppen-reichweite")
def reach(filters: Filters) -> ChartData:
    """Active and new cases and persons reached per target group."""
    long = _by_group(filters, REACH)
    table = _wide(long, REACH)
    total = table.iloc[0]
    sentence = (
        f"{display.period(filters.zeitraum)}, {_context(filters)}: insgesamt "
        f"{total['Betreute Fälle']} betreute Fälle, {total['Neue Fälle']} neue Fälle und "
        f"{total['Erreichte Personen']} erreichte Personen"
    )
    top = _largest(long, "Betreute Fälle")
    if top is not None:
        sentence += (
            f"; die meisten betreuten Fälle hatte die Gruppe „{top['Zielgruppe']}“ "
            f"mit {top['text']}."
        )
    else:
        sentence += "."
    return ChartData(
        key="zielgruppen-reichweite",
        title=f"Reichweite je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence,
        table=table,
        figure=bar_figure(long, "Zielgruppe"),
        note=OVERLAP,
    )


@chart("zielgruppen-zielerreichung")
def goal_rates(filters: Filters) -> ChartData:
    """Shares of closed cases that reached their goals (fully, at least partly) per group."""
    long = _by_group(filters, GOALS)
    table = _wide(long, GOALS)
    total = table.iloc[0]
    sentence = (
        f"{display.period(filters.zeitraum)}, {_context(filters)}: über alle Zielgruppen "
        f"Ziele erreicht bei {say(total['Ziele erreicht'])} der abgeschlossenen Fälle ohne "
        f"Wegzug, mindestens teilweise bei {say(total['Ziele mindestens teilweise erreicht'])}"
    )
    top = _largest(long, "Ziele erreicht")
    if top is not None:
        sentence += f"; am höchsten war die Quote bei „{top['Zielgruppe']}“ mit {top['text']}."
    else:
        sentence += "."
    return ChartData(
        key="zielgruppen-zielerreichung",
        title=f"Zielerreichung je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence,
        table=table,
        figure=bar_figure(long, "Zielgruppe", unit="%"),
        note=OVERLAP + " Basis: im Zeitraum abgeschlossene Fälle ohne Wegzug.",
    )


@chart("zielgruppen-falldauer")
def duration(filters: Filters) -> ChartData:
    """Median duration of the cases closed in the period per target group."""
    long = _by_group(filters, DURATION)
    table = _wide(long, DURATION)
    name = DURATION[0][1]
    sentence = (
        f"{display.period(filters.zeitraum)}, {_context(filters)}: Median der Falldauer "
        f"über alle Zielgruppen {say(table.iloc[0][name], ' Tage')}"
    )
    top = _largest(long, name)
    if top is not None:
        sentence += f"; am längsten bei „{top['Zielgruppe']}“ mit {top['text']} Tagen."
    else:
        sentence += "."
    return ChartData(
        key="zielgruppen-falldauer",
        title=f"Mittlere Falldauer je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence,
        table=table,
        figure=bar_figure(long, "Zielgruppe", series=None, unit="Tage"),
        note=OVERLAP + " Basis: im Zeitraum abgeschlossene Fälle.",
    )


def _share_periods(filters: Filters) -> tuple[str, list[str]]:
    """Months of the filter's year for a monthly view, else its quarters (with data)."""
    kind = "monat" if filters.periodentyp == "monat" else "quartal"
    periods = queries.periods()
    rows = periods[(periods["periodentyp"] == kind) & (periods["jahr"] == filters.jahr)]
    return kind, list(rows.sort_values("beginn")["zeitraum"])


def share_frame(counts: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Per period and group (not `alle`): share of `alle` from visible counts only."""
    rows = []
    for zeitraum in periods:
        part = counts[counts["zeitraum"] == zeitraum].set_index("gruppe")
        total, total_secret = _count(part, "alle")
        for code in display.codes("zielgruppe")[1:]:
            count, secret = _count(part, code)
            secret = secret or total_secret
            if secret or math.isnan(count) or math.isnan(total) or total == 0:
                share = math.nan
            else:
                share = 100 * count / total
            rows.append(
                {
                    "zeitraum": zeitraum,
                    "Zeitraum": display.short_period(zeitraum),
                    "Zielgruppe": display.label("zielgruppe", code),
                    "wert_sichtbar": share,
                    "text": display.value(share, secret, "prozent"),
                }
            )
    return pd.DataFrame(rows)


def _count(part: pd.DataFrame, code: str) -> tuple[float, bool]:
    """A published count of one group: value (NaN if missing) and whether it is secret."""
    if code not in part.index:
        return math.nan, False
    wert, secret = part.at[code, "wert"], bool(part.at[code, "unterdrueckt"])
    return (math.nan if secret or pd.isna(wert) else float(wert)), secret


@chart("zielgruppen-anteile")
def shares(filters: Filters) -> ChartData:
    """Each group's share of all active cases per month or quarter of the year."""
    kind, periods = _share_periods(filters)
    counts = queries.zielgruppen_series(
        "faelle_aktiv", periods, filters.gebiet, filters.handlungsfeld
    )
    long = share_frame(counts, periods)
    unit = "Monat" if kind == "monat" else "Quartal"
    if long.empty:
        table = pd.DataFrame(columns=[unit])
    else:
        table = long.pivot(index="zeitraum", columns="Zielgruppe", values="text")
        groups = list(dict.fromkeys(long["Zielgruppe"]))
        table = table.loc[periods, groups].reset_index().rename_axis(None, axis=1)
        table.insert(0, unit, [display.period(z) for z in table.pop("zeitraum")])
    sentence = f"Anteile der Zielgruppen an allen betreuten Fällen ({_context(filters)})"
    last = (
        long[(long["zeitraum"] == periods[-1]) & (long["wert_sichtbar"] > 0)] if periods else long
    )
    if len(last):
        top = last.loc[last["wert_sichtbar"].idxmax()]
        sentence += (
            f": im {display.period(periods[-1])} hatte die Gruppe „{top['Zielgruppe']}“ mit "
            f"{top['text']} den größten Anteil."
        )
    else:
        sentence += ": für den letzten Zeitraum ist kein Anteil darstellbar."
    figure = None
    if len(long) and long["wert_sichtbar"].notna().any():
        figure = figures.lines(long, "Zeitraum", "wert_sichtbar", "text", "Zielgruppe", "%")
        figure.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return ChartData(
        key="zielgruppen-anteile",
        title=f"Anteile der Zielgruppen an allen betreuten Fällen je {unit} {filters.jahr}",
        sentence=sentence,
        table=table,
        figure=figure,
        note=f"{OVERLAP} Die Anteile ergeben daher zusammen nicht 100 %. {SHARE_RULE}",
    )
