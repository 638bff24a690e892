"""Chart content of the Zielgruppen page (shared by the dashboard and the reports)."""

from __future__ import annotations

import math

import pandas as pd

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters, periods_in_year

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


def _topic(filters: Filters) -> str:
    """`, Handlungsfeld Arbeit` when a topic is chosen, else nothing."""
    if filters.handlungsfeld == "alle":
        return ""
    return f", Handlungsfeld {display.label('handlungsfeld', filters.handlungsfeld)}"


def view_context(filters: Filters) -> str:
    """Area and topic of the view, e.g. `Witten, Handlungsfeld Arbeit`."""
    return queries.area_name(filters.gebiet) + _topic(filters)


@chart("zielgruppen-reichweite", indikatoren=("faelle_aktiv", "personen_erreicht"))
def reach(filters: Filters) -> ChartData:
    """Active and new cases and persons reached per target group."""
    long, table = dimensions.per_code(filters, "zielgruppe", REACH)
    total = table.iloc[0]
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters)}: insgesamt "
        f"{display.say(total['Betreute Fälle'])} betreute Fälle, "
        f"{display.say(total['Neue Fälle'])} neue Fälle und "
        f"{display.say(total['Erreichte Personen'])} erreichte Personen"
    )
    sentence += dimensions.largest(
        long, "Betreute Fälle", "; die meisten betreuten Fälle hatte die Gruppe „{name}“ mit {text}"
    )
    return ChartData(
        key="zielgruppen-reichweite",
        title=f"Reichweite je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long),
        note=dimensions.noted(OVERLAP, filters, "zielgruppe"),
    )


@chart("zielgruppen-zielerreichung", indikatoren=("quote_ziele_erreicht", "quote_ziele_teilweise"))
def goal_rates(filters: Filters) -> ChartData:
    """Shares of closed cases that reached their goals (fully, at least partly) per group."""
    long, table = dimensions.per_code(filters, "zielgruppe", GOALS)
    total = table.iloc[0]
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters)}: über alle Zielgruppen "
        f"Ziele erreicht bei {display.say(total['Ziele erreicht'], zero='0 %')} der "
        "abgeschlossenen Fälle ohne Wegzug, mindestens teilweise bei "
        f"{display.say(total['Ziele mindestens teilweise erreicht'], zero='0 %')}"
    )
    sentence += dimensions.largest(
        long, "Ziele erreicht", "; am höchsten war die Quote bei „{name}“ mit {text}"
    )
    return ChartData(
        key="zielgruppen-zielerreichung",
        title=f"Zielerreichung je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long, unit="%"),
        note=dimensions.noted(
            OVERLAP + " Basis: im Zeitraum abgeschlossene Fälle ohne Wegzug.", filters, "zielgruppe"
        ),
    )


@chart("zielgruppen-falldauer", indikatoren=("falldauer_median_tage",))
def duration(filters: Filters) -> ChartData:
    """Median duration of the cases closed in the period per target group."""
    long, table = dimensions.per_code(filters, "zielgruppe", DURATION)
    name = DURATION[0][1]
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters)}: Median der Falldauer "
        f"über alle Zielgruppen {display.say(table.iloc[0][name], ' Tage')}"
    )
    sentence += dimensions.largest(long, name, "; am längsten bei „{name}“ mit {text} Tagen")
    return ChartData(
        key="zielgruppen-falldauer",
        title=f"Mittlere Falldauer je Zielgruppe, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long, series=None, unit="Tage"),
        note=dimensions.noted(
            OVERLAP + " Basis: im Zeitraum abgeschlossene Fälle.", filters, "zielgruppe"
        ),
    )


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
    return display.visible(wert, secret), secret


def _share_period(filters: Filters) -> str:
    """Months when months are chosen, else quarters, or half-years where quarters of the
    groups are not published for the area."""
    if filters.periodentyp == "monat":
        return "monat"
    published = queries.period_types(filters.gebiet, "zielgruppe", filters.handlungsfeld)
    return "halbjahr" if "halbjahr" in published and "quartal" not in published else "quartal"


@chart("zielgruppen-anteile", indikatoren=("faelle_aktiv",))
def shares(filters: Filters) -> ChartData:
    """Each group's share of all active cases per month, quarter or half-year of the year."""
    kind = _share_period(filters)
    periods = periods_in_year(kind, filters.jahr)
    counts = queries.zielgruppen_series(
        "faelle_aktiv", periods, filters.gebiet, filters.handlungsfeld
    )
    long = share_frame(counts, periods)
    unit = dimensions.PERIOD_UNITS[kind]
    if long.empty:
        table = pd.DataFrame(columns=[unit])
    else:
        table = long.pivot(index="zeitraum", columns="Zielgruppe", values="text")
        groups = list(dict.fromkeys(long["Zielgruppe"]))
        table = table.loc[periods, groups].reset_index().rename_axis(None, axis=1)
        table.insert(0, unit, [display.period(z) for z in table.pop("zeitraum")])
    sentence = f"Anteile der Zielgruppen an allen betreuten Fällen ({view_context(filters)})"
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
        note=dimensions.noted(
            f"{OVERLAP} Die Anteile ergeben daher zusammen nicht 100 %. {SHARE_RULE}",
            filters,
            "zielgruppe",
            kind,
        ),
    )
