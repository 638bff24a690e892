"""Chart content of the Strukturthemen page: structural issues on their way to a measure."""

from __future__ import annotations

import pandas as pd

from views import display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters
from warehouse import profile
from warehouse.schema import STRUCTURE_STATUS, kreis_ags

STATUS_NAMES = {
    "eingebracht": "eingebracht",
    "priorisiert": "priorisiert",
    "in_bearbeitung": "in Bearbeitung",
    "umgesetzt": "umgesetzt",
    "zurueckgestellt": "zurückgestellt",
    "verworfen": "verworfen",
}
PIPELINE = STRUCTURE_STATUS[:4]
COUNTED = (
    "Gezählt werden Themen, nicht Personen; die Zahl der Fälle, die auf ein Thema hinweisen, "
    "steht nur bei 3 und mehr Fällen („.“ bei 1 oder 2 und wenn sie nicht angegeben ist)."
)


def _issues(filters: Filters) -> pd.DataFrame:
    """The issues of the chosen area: all for the Kreis (those a user may see), else the
    town's own."""
    frame = queries.structural_issues()
    if filters.gebiet != kreis_ags():
        frame = frame[frame["gebiet"] == filters.gebiet]
    return frame


def _as_of(frame: pd.DataFrame, filters: Filters) -> str:
    """`Stand 31.10.2026` of the delivery, and for the Kreis which issues a town's user sees."""
    if frame.empty:
        return "ohne Lieferung"
    stand = f"Stand {display.day(pd.Timestamp(frame['stichtag'].max()).date())}"
    limit = queries.scope()
    if limit is None or filters.gebiet != kreis_ags():
        return stand
    towns = [name for ags, name in _areas() if ags in limit.areas and ags != kreis_ags()]
    return f"{stand}, nur {' und '.join([*towns, 'kreisweite Themen'])}"


def _areas() -> list[tuple[str, str]]:
    """(AGS, name) of every town and, last, the Kreis for its Kreis-wide issues."""
    active = profile.current()
    areas = [(t.ags, t.name) for t in active.towns if t.ags != active.ags]
    areas.append((active.ags, f"{active.name} (kreisweit)" if active.has_towns else active.name))
    return areas


def _open_and_closed(
    header: str, groups: list[tuple[str, pd.DataFrame]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Open and closed issues per named group: counts, long form for bars, shown table."""
    table = pd.DataFrame(
        [
            {
                header: name,
                "offen": int(part["ist_offen"].sum()),
                "abgeschlossen": int((~part["ist_offen"].astype(bool)).sum()),
            }
            for name, part in groups
        ]
    )
    long = table.melt(header, var_name="Stand", value_name="Themen")
    long["text"] = [display.value(v, False, "ganzzahl") for v in long["Themen"]]
    shown = table.assign(
        **{
            c: [display.value(v, False, "ganzzahl") for v in table[c]]
            for c in ("offen", "abgeschlossen")
        }
    )
    return table, long, shown


def _most_open(table: pd.DataFrame, said: str, none: str) -> str:
    """The sentence naming the group with the most open issues (the first of equals)."""
    if not len(table) or table["offen"].max() == 0:
        return none
    top = table.sort_values("offen", ascending=False, kind="stable").iloc[0]
    return said.format(name=top.iloc[0], count=int(top["offen"]))


@chart("strukturthemen-stufen")
def pipeline(filters: Filters) -> ChartData:
    """How many issues stand at each step, and how many left the way aside."""
    frame = _issues(filters)
    counts = frame["status"].value_counts()
    rows = [
        {"Status": STATUS_NAMES[code], "Themen": int(counts.get(code, 0))}
        for code in STRUCTURE_STATUS
    ]
    table = pd.DataFrame(rows)
    table["text"] = [display.value(v, False, "ganzzahl") for v in table["Themen"]]
    open_count = int(frame["ist_offen"].sum()) if len(frame) else 0
    done = int(counts.get("umgesetzt", 0))
    sentence = (
        f"Von {len(frame)} eingebrachten Themen sind {open_count} offen und {done} mit einer "
        f"Maßnahme umgesetzt; {int(counts.get('zurueckgestellt', 0))} wurden zurückgestellt, "
        f"{int(counts.get('verworfen', 0))} verworfen."
    )
    return ChartData(
        key="strukturthemen-stufen",
        title=f"Strukturthemen nach Status, {_as_of(frame, filters)}",
        sentence=sentence,
        table=table[["Status", "Themen"]].assign(Themen=table["text"]),
        figure=figures.bars(table, "Status", "Themen", "text", unit="Themen"),
        note="Der Weg eines Themas: eingebracht → priorisiert (Lenkungsgruppe) → in Bearbeitung "
        "(Maßnahme beschlossen) → umgesetzt; zurückgestellt und verworfen verlassen ihn. "
        + COUNTED,
    )


@chart("strukturthemen-handlungsfelder")
def by_topic(filters: Filters) -> ChartData:
    """Issues by topic, open and closed."""
    frame = _issues(filters)
    groups = [
        (display.label("handlungsfeld", code), frame[frame["handlungsfeld"] == code])
        for code in display.codes("handlungsfeld")[1:]
    ]
    table, long, shown = _open_and_closed("Handlungsfeld", groups)
    sentence = _most_open(
        table,
        "Die meisten offenen Themen hat das Handlungsfeld {name} ({count}).",
        "Offene Themen gibt es in keinem Handlungsfeld.",
    )
    return ChartData(
        key="strukturthemen-handlungsfelder",
        title=f"Strukturthemen nach Handlungsfeld, {_as_of(frame, filters)}",
        sentence=sentence,
        table=shown,
        figure=figures.bars(
            long, "Handlungsfeld", "Themen", "text", series="Stand", horizontal=True
        ),
        note="Abgeschlossen = umgesetzt, zurückgestellt oder verworfen. " + COUNTED,
    )


@chart("strukturthemen-gebiete")
def by_area(filters: Filters) -> ChartData:
    """Issues by town (and the Kreis-wide ones), open and closed."""
    frame = _issues(filters)
    limit = queries.scope()
    groups = [
        (name, frame[frame["gebiet"] == ags])
        for ags, name in _areas()
        if filters.gebiet in (kreis_ags(), ags) and (limit is None or ags in limit.areas)
    ]
    table, long, shown = _open_and_closed("Gebiet", groups)
    sentence = _most_open(
        table,
        "Die meisten offenen Themen betreffen {name} ({count}).",
        "Offene Themen gibt es in keinem Gebiet.",
    )
    return ChartData(
        key="strukturthemen-gebiete",
        title=f"Strukturthemen nach Gebiet, {_as_of(frame, filters)}",
        sentence=sentence,
        table=shown,
        figure=figures.bars(long, "Gebiet", "Themen", "text", series="Stand", horizontal=True),
        note="Kreisweit = Themen, die die Koordinierungsstelle keiner einzelnen Stadt zuordnet. "
        "Abgeschlossen = umgesetzt, zurückgestellt oder verworfen. " + COUNTED,
    )


@chart("strukturthemen-offen")
def open_items(filters: Filters) -> ChartData:
    """The open issues, oldest first, with their age and the Lenkungsgruppe's decision."""
    frame = _issues(filters)
    frame = frame[frame["ist_offen"].astype(bool)].sort_values("alter_tage", ascending=False)
    table = pd.DataFrame(
        {
            "Thema": frame["titel"],
            "Gebiet": frame["gebiet_name"],
            "Handlungsfeld": [
                display.label("handlungsfeld", c) if isinstance(c, str) else display.NOT_APPLICABLE
                for c in frame["handlungsfeld"]
            ],
            "Status": [STATUS_NAMES[s] for s in frame["status"]],
            "Eingebracht": [display.day(pd.Timestamp(d).date()) for d in frame["eingebracht_am"]],
            "Offen seit (Tage)": [display.plain(d, "ganzzahl") for d in frame["alter_tage"]],
            "Beschluss Lenkungsgruppe": [
                display.day(pd.Timestamp(d).date()) if pd.notna(d) else "–"
                for d in frame["beschluss_lenkungsgruppe_am"]
            ],
            "Fälle": [
                # not given reads like secret: unknown or secret alike (Destatis „.“)
                display.SUPPRESSED if secret or pd.isna(n) else display.plain(n, "ganzzahl")
                for n, secret in zip(
                    frame["faelle_anzahl"], frame["faelle_anzahl_unterdrueckt"], strict=True
                )
            ],
        }
    )
    if len(frame):
        oldest = frame.iloc[0]
        counted = "1 Thema ist" if len(frame) == 1 else f"{len(frame)} Themen sind"
        sentence = (
            f"{counted} offen; am längsten wartet „{oldest['titel']}“ "
            f"({display.plain(oldest['alter_tage'], 'ganzzahl')} Tage)."
        )
        if len(frame) > 1:
            waiting = display.plain(frame["alter_tage"].median(), "ganzzahl")
            sentence += f" Im Mittel (Median) sind offene Themen {waiting} Tage alt."
    else:
        sentence = "Es gibt keine offenen Themen."
    as_of = _as_of(frame if len(frame) else _issues(filters), filters)
    return ChartData(
        key="strukturthemen-offen",
        title=f"Offene Strukturthemen, {as_of}",
        sentence=sentence,
        table=table,
        note="Alter = Tage vom Einbringen bis zum Stichtag der Lieferung. " + COUNTED,
    )
