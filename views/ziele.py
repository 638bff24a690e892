"""Chart content of the Ziele page (shared by the dashboard and the reports)."""

from __future__ import annotations

import math

import pandas as pd

from views import display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters

# Status thresholds as shares of the pro-rata expectation (dbt vars `schwelle_im_plan`,
# `schwelle_leicht_verzoegert`; catalogue §4). Used only to explain the published status.
ON_TRACK = 100


SLIGHTLY_LATE = 85


STATUSES = (
    ("erreicht", "erreicht"),
    ("im_plan", "im Plan"),
    ("leicht_verzoegert", "leicht verzögert"),
    ("deutlich_verzoegert", "deutlich verzögert"),
    ("nicht_bewertbar", "nicht bewertbar"),
)


DIRECTIONS = {"mindestens": "mindestens", "hoechstens": "höchstens"}


COLUMNS = [
    "Ziel",
    "Richtung",
    "Jahresziel",
    "Erwartung zum Stichtag",
    "Ist",
    "Erfüllung der Erwartung",
    "Status",
]


def stichtag_of(goals: pd.DataFrame) -> str:
    """The latest Stichtag the goals are measured at (`31.10.2026`)."""
    if not len(goals):
        return ""
    return display.day(pd.Timestamp(goals["letzter_stichtag"].iloc[0]).date())


def _plain(wert: float, fmt: str) -> str:
    """A target or expectation (never secret); `–` for zero."""
    return display.ZERO if wert == 0 else display.plain(wert, fmt)


def _fulfilment(erfuellung: float, unterdrueckt: bool) -> tuple[float | None, str]:
    """Fulfilment in % of the expectation, as number and text (`.` if the value is secret)."""
    if unterdrueckt:
        return None, display.SUPPRESSED
    if erfuellung is None or math.isnan(erfuellung):
        return None, display.NOT_APPLICABLE
    share = float(erfuellung) * 100
    return share, display.value(share, False, "prozent")


def _count_sentence(goals: pd.DataFrame, year: int) -> str:
    """How many goals have which status."""
    counts = goals["status"].value_counts()
    parts = [f"{int(counts.get(code, 0))} {text}" for code, text in STATUSES]
    known = {code for code, _ in STATUSES}
    for code, text in goals[["status", "status_text"]].drop_duplicates().itertuples(index=False):
        if code not in known:
            parts.append(f"{int(counts[code])} {text}")
    listed = ", ".join(parts[:-1]) + " und " + parts[-1]
    # A finished year's status is its result; a running year's is as of the latest data.
    if goals["jahr_abgeschlossen"].astype(bool).all():
        when = "Ergebnis des ganzen Jahres"
    else:
        when = f"Stand {stichtag_of(goals)}"
    return f"Von {len(goals)} Zielen {year} sind {listed} ({when})."


@chart("ziele-fortschritt")
def progress(filters: Filters) -> ChartData:
    """Every goal of the year: target, expectation, Ist, fulfilment and status."""
    goals = queries.goals(filters.jahr)
    rows = []
    bars = []
    for goal in goals.itertuples(index=False):
        fmt = str(goal.format)
        name = f"{goal.indikator_name}, {goal.gebiet_name}"
        share, share_text = _fulfilment(goal.erfuellung, bool(goal.unterdrueckt))
        expectation_fmt = "dezimal1" if fmt == "ganzzahl" else fmt
        status = display.status_label(str(goal.status), str(goal.status_text))
        rows.append(
            {
                "Ziel": name,
                "Richtung": DIRECTIONS.get(str(goal.richtung), str(goal.richtung)),
                "Jahresziel": _plain(float(goal.zielwert), fmt),
                "Erwartung zum Stichtag": _plain(float(goal.erwartung), expectation_fmt),
                "Ist": display.value(goal.ist, bool(goal.unterdrueckt), fmt),
                "Erfüllung der Erwartung": share_text,
                "Status": status,
            }
        )
        bars.append(
            {
                "Ziel": name,
                "anteil": share,
                "text": f"{share_text}<br>{status}",
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    if len(goals):
        sentence = _count_sentence(goals, filters.jahr)
        figure = figures.progress(pd.DataFrame(bars), "Ziel", "anteil", "text")
        figure.update_layout(margin={"l": 20})
        figure.update_yaxes(automargin=True)
    else:
        years = ", ".join(str(y) for y in queries.goal_years()) or "keines"
        sentence = f"Für {filters.jahr} sind keine Ziele gesetzt (Jahre mit Zielen: {years})."
        figure = None
    return ChartData(
        key="ziele-fortschritt",
        title=f"Fortschritt der Jahresziele {filters.jahr}",
        sentence=sentence,
        table=table,
        figure=figure,
        note="Erfüllung der Erwartung = Ist ÷ anteilige Erwartung in % (bei „höchstens“-Zielen "
        "Erwartung ÷ Ist); die gestrichelte Linie markiert 100 %.",
    )
