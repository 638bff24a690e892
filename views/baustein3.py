"""Chart content of the Baustein III page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters, period_type, periods_in_year
from warehouse import profile
from warehouse.formatting import enumeration
from warehouse.profile import Authority
from warehouse.schema import PROCEDURES, kreis_ags

STAGES = ("b3_angesprochen", "b3_antraege", "b3_erteilt")


VERFAHREN = PROCEDURES


ALL = "alle"
NATIONALITY = "staatsangehoerigkeit"
OTHERS = display.NATIONALITIES["andere"]


def separate() -> tuple[Authority, ...]:
    """Ausländerbehörden of single towns beside the Kreis's own (Witten's in Ennepe-Ruhr)."""
    active = profile.current()
    return tuple(a for a in active.authorities if a.ags != active.ags)


def _town_names(authority: Authority) -> str:
    """`Witten`: the towns an authority serves."""
    return enumeration([t.name for t in profile.current().towns if t.ags in authority.towns])


def whole() -> str:
    """Column of the published total: `Kreis insgesamt` or `Stadt insgesamt`."""
    return "Kreis insgesamt" if profile.current().has_towns else "Stadt insgesamt"


def kreis_authority() -> str:
    """Column of the Kreis's own authority, computed as the total minus the separate ones."""
    own = next(a for a in profile.current().authorities if a.ags == kreis_ags())
    minus = " − ".join(_town_names(a) for a in separate())
    return f"{own.name} (Kreis − {minus})"


def responsibility() -> str:
    """Which authority serves which towns, and what is published."""
    active = profile.current()
    if not separate():
        return (
            f"Die {active.authorities[0].name} ist für {active.for_phrase} zuständig; "
            f"veröffentlicht sind die Zahlen für {active.for_phrase} insgesamt."
        )
    parts = "; ".join(f"{a.name}: {_town_names(a)}" for a in separate())
    return (
        f"Eigene Ausländerbehörden ({parts}); die Ausländerbehörde des Kreises ist für die "
        "übrigen Städte zuständig. Veröffentlicht sind die Zahlen dieser Städte und des "
        "Kreises insgesamt."
    )


def difference_rule() -> str:
    """How the Kreis authority's column is computed (empty without separate authorities)."""
    if not separate():
        return ""
    minus = " und ".join(_town_names(a) for a in separate())
    return (
        f"Die Zahlen der Ausländerbehörde des Kreises sind Kreis insgesamt minus {minus}. Sie "
        "werden nur berechnet, wenn alle veröffentlichten Werte sichtbar sind; ist einer davon "
        "geheim gehalten, steht dort „.“."
    )


def _including() -> str:
    """`Kreis = alle Städte einschließlich Witten.` (empty without separate authorities)."""
    names = " und ".join(_town_names(a) for a in separate())
    return f"Kreis = alle Städte einschließlich {names}." if names else ""


def _published_areas() -> list[str]:
    """The Kreis and the towns of separate authorities."""
    return [kreis_ags(), *(t for a in separate() for t in a.towns)]


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
    """The separate authorities' towns and the total (published), and the Kreis authority
    (their difference, only if all are shown)."""
    indikator, zeitraum, auspraegung = key

    def shown(gebiet: str) -> tuple[float | None, str]:
        wert, secret = cells.get((indikator, zeitraum, gebiet, auspraegung), (None, False))
        return (None if secret else wert, display.value(wert, secret, "ganzzahl"))

    total = shown(kreis_ags())
    others = {a.name: shown(a.towns[0]) for a in separate()}
    if not others:
        return {whole(): total}
    texts = [total[1], *(text for _, text in others.values())]
    values = [total[0], *(wert for wert, _ in others.values())]
    if display.SUPPRESSED in texts:
        own: tuple[float | None, str] = (None, display.SUPPRESSED)
    elif any(v is None for v in values):
        own = (None, display.NOT_APPLICABLE)
    else:
        rest = values[0] - sum(values[1:])
        own = (rest, display.value(rest, False, "ganzzahl"))
    return {kreis_authority(): own, **others, whole(): total}


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
    frame = queries.values(STAGES, [zeitraum], _published_areas(), breakdown=breakdown)
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
                    "Behörde": authority.split(" (Kreis − ")[0],
                    "wert": wert,
                    "text": text,
                }
            )
    table = pd.DataFrame(rows)
    kreis = [display.say(r[whole()]) for r in rows]
    where = "im Kreis insgesamt" if profile.current().has_towns else profile.current().in_phrase
    sentence = (
        f"{_in_period(zeitraum)} wurden {where} {kreis[0]} Personen aktiv "
        f"angesprochen, {kreis[1]} Anträge gestellt und {kreis[2]} Verfahren positiv "
        "entschieden"
    )
    for authority in separate():
        own = [display.say(r[authority.name]) for r in rows]
        sentence += f"; davon {_town_names(authority)}: {own[0]}, {own[1]} und {own[2]}"
    sentence += "."
    title = "Alle Verfahren" if verfahren == ALL else display.label("verfahrensart", verfahren)
    return ChartData(
        key=f"baustein3-{verfahren}",
        title=f"{title}: angesprochen, Anträge, {names['b3_erteilt']} – {display.period(zeitraum)}",
        sentence=sentence,
        table=table,
        figure=figures.funnel(pd.DataFrame(bars), "Stufe", "wert", "text", "Behörde"),
        note=(difference_rule() + _grain(verfahren, zeitraum)).strip(),
    )


def _grain(verfahren: str, zeitraum: str) -> str:
    """Why a separate authority's cells by procedure type are empty (x) for periods not
    published."""
    if verfahren == ALL:
        return ""
    notes = []
    for authority in separate():
        published = queries.period_types(authority.towns[0], breakdown="verfahrensart")
        what = "Zahlen nach Verfahrensart"
        note = dimensions.grain_note(
            what, f"die {authority.name}", period_type(zeitraum), published
        )
        if note:
            notes.append(f" {note} Damit bleibt auch die Spalte „{kreis_authority()}“ leer.")
    return "".join(notes)


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
    """The stages of all procedures for the Kreis and the separate authorities' towns by quarter
    (or month) of the year."""
    kind = "monat" if filters.periodentyp == "monat" else "quartal"
    zeitraeume = periods_in_year(kind, filters.jahr)
    cells = dimensions.cells(queries.values(STAGES, zeitraeume, _published_areas()))
    whole_name = "Kreis" if profile.current().has_towns else profile.current().name
    series = [(whole_name, kreis_ags())] + [(_town_names(a), a.towns[0]) for a in separate()]
    names = _stage_names(ALL)
    short = {"b3_angesprochen": "angesprochen", "b3_antraege": "Anträge", "b3_erteilt": "erteilt"}
    rows = []
    points = []
    for zeitraum in zeitraeume:
        row = {"Zeitraum": display.period(zeitraum)}
        for area, gebiet in series:
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
    columns = ["Zeitraum"] + [f"{names[i]} ({area})" for area, _ in series for i in STAGES]
    table = pd.DataFrame(rows, columns=columns)
    unit = display.label("periodentyp", kind)
    if rows:
        last = rows[-1]
        said = {
            area: [display.say(last[f"{names[i]} ({area})"]) for i in STAGES] for area, _ in series
        }
        kreis = said[whole_name]
        where = "im Kreis insgesamt" if profile.current().has_towns else profile.current().in_phrase
        sentence = (
            f"Zuletzt ({last['Zeitraum']}) gab es {where} {kreis[0]} aktiv "
            f"angesprochene Personen, {kreis[1]} Anträge und {kreis[2]} Erteilungen oder "
            "Einbürgerungen"
        )
        for area, _ in series[1:]:
            sentence += f", in {area} {said[area][0]}, {said[area][1]} und {said[area][2]}"
        sentence += "."
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
        note=_including(),
    )


@chart("baustein3-staatsangehoerigkeiten", indikatoren=STAGES)
def by_nationality(filters: Filters) -> ChartData:
    """The stages of all procedures by the most frequent nationalities in the chosen year."""
    jahr = str(filters.jahr)
    frame = queries.values(STAGES, [jahr], [kreis_ags()], breakdown="staatsangehoerigkeit")
    names = _stage_names(ALL)
    # in alphabetical order, the rest last: an order by size would tell secret values apart
    codes = sorted(
        set(frame["auspraegung"]) - {"andere"}, key=lambda c: display.label(NATIONALITY, c)
    )
    codes += ["andere"] if "andere" in set(frame["auspraegung"]) else []
    cells = dimensions.cells(frame)
    rows, bars = [], []
    for code in codes:
        name = display.label(NATIONALITY, code)
        row = {"Staatsangehörigkeit": name}
        for indikator in STAGES:
            wert, secret = cells[(indikator, jahr, kreis_ags(), code)]
            row[names[indikator]] = display.value(wert, secret, "ganzzahl")
            bars.append(
                {
                    "name": name,
                    "Stufe": names[indikator],
                    "wert": display.visible(wert, secret),
                    "text": row[names[indikator]],
                }
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=["Staatsangehörigkeit", *names.values()])
    where = "im Kreis insgesamt" if profile.current().has_towns else profile.current().in_phrase
    granted = [b for b in bars if b["Stufe"] == names["b3_erteilt"] and b["name"] != OTHERS]
    top = max(granted, key=lambda b: b["wert"], default=None)
    if not rows:
        sentence = (
            f"Für {jahr} gibt es keine Aufschlüsselung nach Staatsangehörigkeit: Die Lieferungen "
            "der Ausländerbehörden nennen sie nicht oft genug."
        )
    elif top is None or not top["wert"]:
        sentence = f"Im Jahr {jahr} ist {where} keine Erteilung nach Staatsangehörigkeit sichtbar."
    else:
        # a secret value may be the larger one: then only the shown values are compared
        among = "" if all(b["text"] != display.SUPPRESSED for b in granted) else " sichtbaren"
        sentence = (
            f"Im Jahr {jahr} gingen {where} die meisten{among} Erteilungen und "
            f"Einbürgerungen an Personen mit der Staatsangehörigkeit {top['name']} "
            f"({top['text']})."
        )
    bars_frame = pd.DataFrame(bars)
    return ChartData(
        key="baustein3-staatsangehoerigkeiten",
        title=f"Alle Verfahren nach Staatsangehörigkeit – {jahr}",
        sentence=sentence,
        table=table,
        figure=figures.bars(bars_frame, "name", "wert", "text", series="Stufe", horizontal=True)
        if rows
        else None,
        note=(
            "Gezeigt sind die häufigsten Staatsangehörigkeiten aller Verfahren seit Beginn "
            f"(höchstens fünf mit je mindestens zehn Verfahren); „{OTHERS}“ fasst die übrigen "
            "und fehlende Angaben zusammen. Nur Jahreswerte für "
            f"{'den Kreis' if profile.current().has_towns else profile.current().name} "
            "insgesamt, ohne Aufteilung nach Behörden."
        ),
    )
