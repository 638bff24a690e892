"""Headline figures of an area: value, unit, changes, recent course and goal status (no Dash)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import pandas as pd

from views import display, queries, trends
from views.filters import Filters
from warehouse.schema import CUMULATIVE, kreis_ags


@dataclass(frozen=True)
class Headline:
    """One headline figure as a tile shows it."""

    indikator: str
    name: str
    value: str
    unit: str
    changes: tuple[str, ...]
    course: trends.Course | None
    status: str | None = None
    status_text: str | None = None
    goal: str | None = None


def headlines(indicators: Sequence[str], filters: Filters, gebiet: str) -> list[Headline]:
    """The area's headline figures for the filters' period, compared with earlier periods.

    Goal status is a statement about the year to date, so beside it stands the year's value
    to date, not the period's.
    """
    version, limit = queries.build_version(), queries.scope()
    return list(_headlines(version, date.today(), limit, tuple(indicators), filters, gebiet))


@lru_cache(maxsize=256)
def _headlines(
    version: tuple[str, int, int],
    today: date,
    limit: queries.Scope | None,
    indicators: tuple[str, ...],
    filters: Filters,
    gebiet: str,
) -> tuple[Headline, ...]:
    """`headlines`, cached: the same build, day, scope and filters give the same figures."""
    del version, today, limit  # cache keys only
    earlier = trends.earlier_periods(filters.zeitraum)
    course = trends.course_periods(filters.zeitraum, queries.periods())
    wanted = sorted({filters.zeitraum, *earlier.values(), *course})
    frame = queries.values(list(indicators), wanted, [gebiet])
    goals = queries.goals(filters.jahr)
    goals = goals[goals["gebiet"] == gebiet].set_index("indikator")
    found = []
    by_indicator = dict(tuple(frame.groupby("indikator", sort=False)))
    for indikator in indicators:
        info = queries.indicator(indikator)
        fmt, einheit = str(info["format"]), str(info["einheit"])
        own = by_indicator.get(indikator, frame.iloc[0:0])
        now = own[own["zeitraum"] == filters.zeitraum]
        changes = []
        for against, period in earlier.items():
            change = trends.change(own, filters.zeitraum, against, period, fmt)
            changes.append(
                change.describe(fmt, einheit)
                if change is not None
                else f"Kein Vergleich mit dem {against} ({display.period(period)}): "
                "ein Wert fehlt oder ist geheim gehalten."
            )
        headline = Headline(
            indikator=indikator,
            name=str(info["name"]),
            value=display.first_value(now, fmt),
            unit="" if fmt == "prozent" else einheit,
            changes=tuple(changes),
            course=trends.course(own, course, fmt),
        )
        if indikator in goals.index:
            headline = _with_goal(headline, goals.loc[indikator], filters, fmt, headline.unit)
        found.append(headline)
    return tuple(found)


def unfinished(zeitraum: str) -> str | None:
    """A note when the data end before the period does: its values are not yet complete.
    For the cumulative period: what it spans, and what is published for it."""
    if zeitraum == CUMULATIVE:
        return (
            f"Seit Beginn: alle Daten {_span()}, ohne Vergleich mit einem früheren Zeitraum. "
            "Für diesen Zeitraum werden nur die neuen Fälle und die erreichten Personen des "
            "ganzen Kreises veröffentlicht (sonst x): weitere Summen über alle Jahre würden "
            "dazu zwingen, mehr Jahreswerte geheim zu halten. Die Jahreswerte stehen bei der "
            "Zeitraumart „Jahr“."
        )
    periods = queries.periods()
    end = periods.loc[periods["zeitraum"] == zeitraum, "ende"]
    data_end = queries.data_end()
    if end.empty or pd.Timestamp(end.iloc[0]) <= data_end:
        return None
    return (
        f"{display.period(zeitraum)} ist noch nicht abgeschlossen: die Daten reichen bis "
        f"{display.day(data_end)}. Vergleiche mit früheren, ganzen Zeiträumen zeigen bei "
        "Fallzahlen daher zu wenig."
    )


def since_start() -> str | None:
    """The Kreis's cases and persons since the beginning as a sentence; None where either is
    not published."""
    frame = queries.values(["faelle_neu", "personen_erreicht"], [CUMULATIVE], [kreis_ags()])
    shown = {
        r.indikator: display.value(r.wert, bool(r.unterdrueckt), "ganzzahl")
        for r in frame.itertuples(index=False)
    }
    found = [shown.get(indikator) for indikator in ("faelle_neu", "personen_erreicht")]
    if any(text in (None, display.SUPPRESSED, display.NOT_APPLICABLE) for text in found):
        return None
    cases, persons = found
    return (
        f"Seit Beginn ({_span()}) wurden im Kreis {cases} Fälle begonnen und {persons} "
        "Personen erreicht."
    )


def _span() -> str:
    """`vom 01.04.2021 bis 31.10.2026`: the data the cumulative period holds."""
    periods = queries.periods()
    # The period starts on 1 January; the data may start later in that year.
    start = max(
        periods.loc[periods["zeitraum"] == CUMULATIVE, "beginn"].iloc[0],
        periods.loc[periods["periodentyp"] == "monat", "beginn"].min(),
    )
    return f"vom {display.day(start)} bis {display.day(queries.data_end())}"


def _with_goal(headline: Headline, goal, filters: Filters, fmt: str, unit: str) -> Headline:
    """The headline with its yearly goal's status, and the year-to-date value beside it."""
    target = f"{display.direction(goal['richtung'])} {display.plain(goal['zielwert'], fmt)}"
    target += f" {unit}" if unit else ""
    text = f"Jahresziel {filters.jahr}: {target}"
    if filters.periodentyp != "jahr":
        so_far = display.value(goal["ist"], bool(goal["unterdrueckt"]), fmt)
        so_far = display.say(so_far, f" {unit}" if unit else "")
        if goal["jahr_abgeschlossen"]:
            text += f"; Ergebnis des Jahres: {so_far} – der Status gilt für das ganze Jahr"
        else:
            until = goal["letzter_stichtag"]
            until = f" bis {display.day(until)}" if pd.notna(until) else ""
            text += f"; Stand des Jahres{until}: {so_far} – der Status gilt für das Jahr bis dahin"
    return replace(
        headline, status=str(goal["status"]), status_text=str(goal["status_text"]), goal=text
    )
