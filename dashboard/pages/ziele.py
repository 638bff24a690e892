"""Ziele: every goal of the year against its pro-rata expectation, with its status."""

from __future__ import annotations

import math

import dash
import pandas as pd
from dash import html

from dashboard import access, display, figures, queries
from dashboard.charts import ChartData, build, chart
from dashboard.components import guarded, make_card, make_chart_card, make_page_header, make_status
from dashboard.components import status_label as with_icon
from dashboard.filters import Filters, from_query

dash.register_page(
    __name__,
    path="/ziele",
    name="Ziele",
    title="Ziele – KIM Monitor",
    order=6,
    filters=("zeitraum",),
    rollen=access.READERS,
)

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


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    goals = queries.goals(filters.jahr)
    return html.Div(
        [
            make_page_header(
                f"Ziele {filters.jahr}",
                f"Alle Jahresziele {filters.jahr} mit ihrem Fortschritt gegenüber der anteiligen "
                "Erwartung zum letzten Stichtag der Daten und ihrem Status.",
            ),
            make_chart_card(build("ziele-fortschritt", filters)),
            make_rules(goals),
        ]
    )


def _stichtag(goals: pd.DataFrame) -> str:
    """The latest Stichtag the goals are measured at (`31.10.2026`)."""
    if not len(goals):
        return ""
    return display.day(pd.Timestamp(goals["letzter_stichtag"].iloc[0]).date())


def make_rules(goals: pd.DataFrame) -> html.Section:
    """How the expectation and the status are determined."""
    when = ""
    if len(goals):
        first = goals.iloc[0]
        when = (
            f" Stand ist der letzte Stichtag der Daten, der {_stichtag(goals)}: "
            f"{int(first['vergangene_tage'])} von {int(first['tage_im_jahr'])} Tagen des Jahres "
            "sind vergangen."
        )
    rules = (
        ("erreicht", "erreicht", "Das Jahresziel ist bereits erfüllt."),
        (
            "im_plan",
            "im Plan",
            f"Der Ist-Wert erreicht mindestens {ON_TRACK} % der anteiligen Erwartung.",
        ),
        (
            "leicht_verzoegert",
            "leicht verzögert",
            f"{SLIGHTLY_LATE} bis unter {ON_TRACK} % der anteiligen Erwartung.",
        ),
        (
            "deutlich_verzoegert",
            "deutlich verzögert",
            f"Unter {SLIGHTLY_LATE} % der anteiligen Erwartung.",
        ),
        (
            "nicht_bewertbar",
            "nicht bewertbar",
            "Der Ist-Wert wird geheim gehalten („.“), daher ist keine Bewertung möglich.",
        ),
    )
    return make_card(
        "ziele-regeln",
        "So wird der Status bestimmt",
        html.P(
            "Die Erwartung ist anteilig: Bei Anzahlen ist sie Jahresziel × vergangene Tage "
            "÷ Tage des Jahres, bei Quoten und Medianen das Jahresziel selbst." + when
        ),
        html.Ul(
            [html.Li([make_status(code, text), f": {rule}"]) for code, text, rule in rules],
            className="statusregeln",
        ),
        html.P(
            "Bei „höchstens“-Zielen (z. B. Wartezeit) ist ein niedrigerer Wert besser: Die "
            "Erfüllung ist dann Erwartung ÷ Ist, und „erreicht“ gilt erst, wenn das Jahr "
            "abgeschlossen ist und der Wert das Ziel nicht überschreitet."
        ),
    )


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
    return f"Von {len(goals)} Zielen {year} sind {listed} (Stand {_stichtag(goals)})."


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
        rows.append(
            {
                "Ziel": name,
                "Richtung": DIRECTIONS.get(str(goal.richtung), str(goal.richtung)),
                "Jahresziel": _plain(float(goal.zielwert), fmt),
                "Erwartung zum Stichtag": _plain(float(goal.erwartung), expectation_fmt),
                "Ist": display.value(goal.ist, bool(goal.unterdrueckt), fmt),
                "Erfüllung der Erwartung": share_text,
                "Status": with_icon(str(goal.status), str(goal.status_text)),
            }
        )
        bars.append(
            {
                "Ziel": name,
                "anteil": share,
                "text": f"{share_text} {with_icon(str(goal.status), str(goal.status_text))}",
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    if len(goals):
        sentence = _count_sentence(goals, filters.jahr)
        figure = figures.progress(pd.DataFrame(bars), "Ziel", "anteil", "text")
        figure.update_layout(margin={"l": 20, "r": 220})
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
