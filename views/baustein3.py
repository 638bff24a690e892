"""Chart content of the Baustein III page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters, period_type, periods_in_year
from warehouse.schema import KREIS_AGS, PROCEDURES, WITTEN_AGS

STAGES = ("b3_angesprochen", "b3_antraege", "b3_erteilt")


VERFAHREN = PROCEDURES


ALL = "alle"


KREISBEHOERDE = "Ausländerbehörde des Kreises (Kreis − Witten)"


WITTEN = "Ausländerbehörde Witten"


KREIS = "Kreis insgesamt"


RESPONSIBILITY = (
    "Witten hat eine eigene Ausländerbehörde; die Ausländerbehörde des Kreises ist für die "
    "übrigen acht Städte zuständig. Veröffentlicht sind die Zahlen für Witten und für den "
    "Kreis insgesamt."
)


DIFFERENCE_RULE = (
    "Die Zahlen der Ausländerbehörde des Kreises sind Kreis insgesamt minus Witten. Sie werden "
    "nur berechnet, wenn beide veröffentlichten Werte sichtbar sind; ist einer davon geheim "
    "gehalten, steht dort „.“."
)


def _stage_names(verfahren: str) -> dict[str, str]:
    """German names of the three stages (`Einbürgerungen` for naturalisation)."""
    granted = {
        "einbuergerung": "Einbürgerungen",
        ALL: "Erteilungen / Einbürgerungen",
    }.get(verfahren, "Erteilungen")
    return {
        "b3_angesprochen": "Aktiv angesprochen",
        "b3_antraege": "Anträge",
        "b3_erteilt": granted,
    }


def _authorities(
    cells: dimensions.Cells, key: tuple[str, str, str]
) -> dict[str, tuple[float | None, str]]:
    """Witten, Kreis total (published) and the Kreis authority (difference, only if both shown)."""
    indikator, zeitraum, auspraegung = key
    shown = {}
    for name, gebiet in ((WITTEN, WITTEN_AGS), (KREIS, KREIS_AGS)):
        wert, secret = cells.get((indikator, zeitraum, gebiet, auspraegung), (None, False))
        shown[name] = (None if secret else wert, display.value(wert, secret, "ganzzahl"))
    witten, kreis = shown[WITTEN][0], shown[KREIS][0]
    secret = display.SUPPRESSED in (shown[WITTEN][1], shown[KREIS][1])
    if secret:
        own: tuple[float | None, str] = (None, display.SUPPRESSED)
    elif witten is None or kreis is None:
        own = (None, display.NOT_APPLICABLE)
    else:
        own = (kreis - witten, display.value(kreis - witten, False, "ganzzahl"))
    return {KREISBEHOERDE: own, WITTEN: shown[WITTEN], KREIS: shown[KREIS]}


def _say(text: str) -> str:
    """A shown value inside a sentence; a secret one is named as such."""
    if text == display.SUPPRESSED:
        return "„.“ (geheim)"
    return "keine" if text == display.ZERO else text


def _in_period(zeitraum: str) -> str:
    """`Im Jahr 2025`, `Im 2. Quartal 2025`, `Im März 2025`."""
    if period_type(zeitraum) == "jahr":
        return f"Im Jahr {zeitraum}"
    return f"Im {display.period(zeitraum)}"


def _stages_chart(verfahren: str, filters: Filters) -> ChartData:
    """Approached → applications → granted for one procedure (or all) in the chosen period."""
    zeitraum = filters.zeitraum
    breakdown = "" if verfahren == ALL else "verfahrensart"
    auspraegung = "" if verfahren == ALL else verfahren
    frame = queries.values(STAGES, [zeitraum], [KREIS_AGS, WITTEN_AGS], breakdown=breakdown)
    cells = dimensions.cells(frame)
    names = _stage_names(verfahren)
    rows = []
    bars = []
    for indikator in STAGES:
        shown = _authorities(cells, (indikator, zeitraum, auspraegung))
        rows.append({"Stufe": names[indikator], **{k: v[1] for k, v in shown.items()}})
        for authority, (wert, text) in shown.items():
            bars.append(
                {
                    "Stufe": names[indikator],
                    "Behörde": authority.removesuffix(" (Kreis − Witten)"),
                    "wert": wert,
                    "text": text,
                }
            )
    table = pd.DataFrame(rows, columns=["Stufe", KREISBEHOERDE, WITTEN, KREIS])
    kreis = [_say(r[KREIS]) for r in rows]
    witten = [_say(r[WITTEN]) for r in rows]
    title = "Alle Verfahren" if verfahren == ALL else display.label("verfahrensart", verfahren)
    sentence = (
        f"{_in_period(zeitraum)} wurden im Kreis insgesamt {kreis[0]} Personen aktiv "
        f"angesprochen, {kreis[1]} Anträge gestellt und {kreis[2]} Verfahren positiv "
        f"entschieden; davon Witten: {witten[0]}, {witten[1]} und {witten[2]}."
    )
    return ChartData(
        key=f"baustein3-{verfahren}",
        title=f"{title}: angesprochen, Anträge, {names['b3_erteilt']} – {display.period(zeitraum)}",
        sentence=sentence,
        table=table,
        figure=figures.funnel(pd.DataFrame(bars), "Stufe", "wert", "text", "Behörde"),
        note=DIFFERENCE_RULE + _grain(verfahren, zeitraum),
    )


def _grain(verfahren: str, zeitraum: str) -> str:
    """Why Witten's cells by procedure type are empty (x) for periods not published."""
    if verfahren == ALL:
        return ""
    published = queries.period_types(WITTEN_AGS, breakdown="verfahrensart")
    what = "Zahlen nach Verfahrensart"
    note = dimensions.grain_note(
        what, "die Ausländerbehörde Witten", period_type(zeitraum), published
    )
    if not note:
        return ""
    return f" {note} Damit bleibt auch die Spalte „{KREISBEHOERDE}“ leer."


def _register(verfahren: str) -> None:
    """Register the stage chart of one procedure (or all) under `baustein3-<code>`."""

    @chart(f"baustein3-{verfahren}", indikatoren=("b3_angesprochen", "b3_antraege", "b3_erteilt"))
    def stages(filters: Filters) -> ChartData:
        return _stages_chart(verfahren, filters)

    stages.__doc__ = f"Stages of {verfahren} in the chosen period."


for _code in (ALL, *VERFAHREN):
    _register(_code)


@chart("baustein3-verlauf", indikatoren=("b3_angesprochen", "b3_antraege", "b3_erteilt"))
def over_time(filters: Filters) -> ChartData:
    """The stages of all procedures for the Kreis and Witten by quarter (or month) of the year."""
    kind = "monat" if filters.periodentyp == "monat" else "quartal"
    zeitraeume = periods_in_year(kind, filters.jahr)
    cells = dimensions.cells(queries.values(STAGES, zeitraeume, [KREIS_AGS, WITTEN_AGS]))
    names = _stage_names(ALL)
    short = {"b3_angesprochen": "angesprochen", "b3_antraege": "Anträge", "b3_erteilt": "erteilt"}
    rows = []
    points = []
    for zeitraum in zeitraeume:
        row = {"Zeitraum": display.period(zeitraum)}
        for area, gebiet in (("Kreis", KREIS_AGS), ("Witten", WITTEN_AGS)):
            for indikator in STAGES:
                wert, secret = cells.get((indikator, zeitraum, gebiet, ""), (None, False))
                column = f"{names[indikator]} ({area})"
                row[column] = display.value(wert, secret, "ganzzahl")
                points.append(
                    {
                        "Zeitraum": display.short_period(zeitraum),
                        "Reihe": f"{area}: {short[indikator]}",
                        "wert": None if secret else wert,
                        "text": row[column],
                    }
                )
        rows.append(row)
    columns = ["Zeitraum"] + [
        f"{names[i]} ({area})" for area in ("Kreis", "Witten") for i in STAGES
    ]
    table = pd.DataFrame(rows, columns=columns)
    unit = display.label("periodentyp", kind)
    if rows:
        last = rows[-1]
        kreis = [_say(last[f"{names[i]} (Kreis)"]) for i in STAGES]
        witten = [_say(last[f"{names[i]} (Witten)"]) for i in STAGES]
        sentence = (
            f"Zuletzt ({last['Zeitraum']}) gab es im Kreis insgesamt {kreis[0]} aktiv "
            f"angesprochene Personen, {kreis[1]} Anträge und {kreis[2]} Erteilungen oder "
            f"Einbürgerungen, in Witten {witten[0]}, {witten[1]} und {witten[2]}."
        )
    else:
        sentence = f"Für {filters.jahr} liegen keine Zahlen vor."
    return ChartData(
        key="baustein3-verlauf",
        title=f"Baustein III je {unit} {filters.jahr}, alle Verfahren",
        sentence=sentence,
        table=table,
        figure=figures.lines(pd.DataFrame(points), "Zeitraum", "wert", "text", "Reihe")
        if points
        else None,
        note="Kreis = alle neun Städte einschließlich Witten.",
    )
