"""Chart content of the Überblick page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd

from views import dimensions, display, queries, trends
from views.charts import ChartData, chart
from views.filters import Filters, monthly_span
from warehouse.schema import kreis_ags

HEADLINES = (*display.HEADLINE_CASES, "vermittlungen", "b3_antraege", "besetzungsquote")


def source_name(quelle: str, names: dict[str, str]) -> str:
    """A source's German name: towns by name, the Kreis as coordination office and authority."""
    if quelle == kreis_ags():
        return display.kreis_source()
    return names.get(quelle, quelle)


@chart("ueberblick-faelle-monat", indikatoren=("faelle_neu", "faelle_aktiv"))
def cases_by_month(filters: Filters) -> ChartData:
    """New and active cases of the Kreis per month of the filter's half-year or quarter,
    else of its year."""
    span, months = monthly_span(filters)
    return dimensions.cases_by_month(
        "ueberblick-faelle-monat",
        f"Neue und betreute Fälle je Monat {display.period(span)}",
        "im Kreis",
        queries.values(list(dimensions.MONTHLY), months, [kreis_ags()]),
        queries.values(["faelle_neu"], [span], [kreis_ags()]),
        span,
    )


CHANGE = "Betreute Fälle, Veränderung"


@chart("ueberblick-staedte", indikatoren=("faelle_neu", "faelle_aktiv", "faelle_je_vzae"))
def towns(filters: Filters) -> ChartData:
    """Per town: cases, cases per filled post and the status of its goals."""
    areas = queries.areas()
    earlier = trends.earlier_periods(filters.zeitraum)
    frame = queries.values(
        ["faelle_aktiv", "faelle_neu", "faelle_je_vzae"],
        [filters.zeitraum, *earlier.values()],
        list(areas["gebiet"]),
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
            cells[column] = display.first_value(part[part["zeitraum"] == filters.zeitraum], fmt)
        cared = frame[(frame["gebiet"] == gebiet) & (frame["indikator"] == "faelle_aktiv")]
        for against, period in earlier.items():
            cells[f"{CHANGE} zum {against}"] = trends.change_cell(
                cared, filters.zeitraum, period, "ganzzahl"
            )
        own = goals[goals["gebiet"] == gebiet]
        cells[f"Ziele {filters.jahr}"] = (
            "; ".join(
                f"{n}: {display.status_label(s, t)}"
                for n, s, t in own[["indikator_name", "status", "status_text"]].itertuples(
                    index=False
                )
            )
            or "kein Ziel gesetzt"
        )
        rows.append(cells)
    table = pd.DataFrame(rows)
    kreis = table.iloc[-1]
    sentence = (
        f"Im Kreis wurden {display.say(kreis['Betreute Fälle'])} Fälle betreut, "
        f"{display.say(kreis['Fälle je besetzter Stelle'])} je besetzter Stelle."
    )
    for against in list(earlier)[-1:]:
        shift = kreis[f"{CHANGE} zum {against}"]
        if shift not in (display.SUPPRESSED, display.NOT_APPLICABLE):
            sentence += f" Veränderung der betreuten Fälle zum {against}: {shift}."
    return ChartData(
        key="ueberblick-staedte",
        title=f"Städte im Überblick, {display.period(filters.zeitraum)}",
        sentence=sentence,
        table=table,
    )
