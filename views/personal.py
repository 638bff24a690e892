"""Chart content of the Personal page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters, periods_in_year
from warehouse import profile
from warehouse.schema import CUMULATIVE, kreis_ags

STAFFING = ("vzae_soll", "vzae_ist", "besetzungsquote", "faelle_je_vzae")


POSTS = ("vzae_soll", "vzae_ist", "besetzungsquote")


BAUSTEINE = ("1", "2", "3")


SCOPE = (
    "Stellen in Vollzeitäquivalenten (VZÄ) zum Ende des Zeitraums. Für eine Stadt zählt ihr "
    "Case Management (Baustein II), für den Kreis zählen alle Stellen. Unbesetzt = Soll − Ist. "
    "Stellenzahlen sind keine personenbezogenen Daten und werden nie geheim gehalten."
)


TIME_COLUMNS = (
    "Soll (VZÄ)",
    "Ist (VZÄ)",
    "Unbesetzt (VZÄ)",
    "Besetzungsquote",
    "Fälle je besetzter Stelle",
)


def posts_text(cells: dimensions.Cells, key: tuple[str, str, str, str], fmt: str) -> str:
    """The shown text of one published cell (`x` when the cell does not exist)."""
    if key not in cells:
        return display.NOT_APPLICABLE
    wert, secret = cells[key]
    return display.value(wert, secret, fmt)


def _number(cells: dimensions.Cells, key: tuple[str, str, str, str]) -> float | None:
    """One staffing value as a number (staffing is never suppressed)."""
    wert, secret = cells.get(key, (None, True))
    return None if secret else wert


def _vacancy(soll: float | None, ist: float | None) -> float | None:
    """Unfilled posts: Soll − Ist in VZÄ, rounded to the shown hundredths."""
    if soll is None or ist is None:
        return None
    gap = round(soll - ist, 2)
    return 0.0 if abs(gap) < 0.005 else gap


def _vacant(posts: dict[str, object]) -> bool:
    """Some funded posts are not filled (Soll > Ist)."""
    gap = posts["gap"]
    return isinstance(gap, float) and gap > 0


def _vacancy_text(gap: float | None) -> str:
    """Unfilled posts as shown (`–` for none)."""
    return display.value(gap, False, "dezimal2")


def posts_of(
    cells: dimensions.Cells, zeitraum: str, gebiet: str, auspraegung: str = ""
) -> dict[str, object]:
    """Soll, Ist, vacancy and Besetzungsquote of one area (or Baustein) and period."""
    soll = _number(cells, ("vzae_soll", zeitraum, gebiet, auspraegung))
    ist = _number(cells, ("vzae_ist", zeitraum, gebiet, auspraegung))
    gap = _vacancy(soll, ist)
    return {
        "soll": soll,
        "ist": ist,
        "gap": gap,
        "Soll (VZÄ)": posts_text(cells, ("vzae_soll", zeitraum, gebiet, auspraegung), "dezimal2"),
        "Ist (VZÄ)": posts_text(cells, ("vzae_ist", zeitraum, gebiet, auspraegung), "dezimal2"),
        "Unbesetzt (VZÄ)": _vacancy_text(gap),
        "Besetzungsquote": posts_text(
            cells, ("besetzungsquote", zeitraum, gebiet, auspraegung), "prozent"
        ),
    }


def in_area(gebiet: str) -> str:
    """`im Ennepe-Ruhr-Kreis` or `in Witten`."""
    if gebiet == kreis_ags():
        return profile.current().in_phrase
    return f"in {queries.area_name(gebiet)}"


def _roman(baustein: str) -> str:
    """`1` → `I`, `2` → `II`, `3` → `III`."""
    return "I" * int(baustein)


def _periods_of_year(filters: Filters) -> list[str]:
    """Months of the year for a yearly view (and of the last year since the beginning), else
    the periods of the chosen type in its year."""
    kind = "monat" if filters.periodentyp in ("jahr", CUMULATIVE) else filters.periodentyp
    return periods_in_year(kind, filters.jahr)


def _lines(points: list[dict[str, object]], series: str) -> go.Figure | None:
    """A line figure of prepared points, or none without points."""
    if not points:
        return None
    figure = figures.lines(pd.DataFrame(points), "Zeitraum", "wert", "text", series, "VZÄ")
    # Posts start at zero, so a small gap does not look like an empty office.
    return figure.update_yaxes(rangemode="tozero")


@chart(
    "personal-staedte", indikatoren=("vzae_soll", "vzae_ist", "besetzungsquote", "faelle_je_vzae")
)
def towns(filters: Filters) -> ChartData:
    """Per town Soll, Ist, vacancies, Besetzungsquote and cases per filled post."""
    areas = queries.areas()
    zeitraum = filters.zeitraum
    cells = dimensions.cells(queries.values(STAFFING, [zeitraum], list(areas["gebiet"])))
    cells |= dimensions.cells(
        queries.values(POSTS, [zeitraum], [kreis_ags()], breakdown="baustein")
    )
    rows = []
    bars = []
    vacant = []
    for gebiet, name in areas[["gebiet", "name"]].itertuples(index=False):
        if gebiet == kreis_ags():
            # The towns' posts are Baustein II; the Kreis row shows the same scope.
            posts = posts_of(cells, zeitraum, gebiet, "2")
            name = f"{name} (Baustein II)"
        else:
            posts = posts_of(cells, zeitraum, gebiet)
        load = posts_text(cells, ("faelle_je_vzae", zeitraum, gebiet, ""), "dezimal1")
        rows.append({"Gebiet": name, **posts, "Fälle je besetzter Stelle": load})
        if gebiet == kreis_ags() and profile.current().has_towns:
            continue
        if _vacant(posts):
            vacant.append(f"{name} {posts['Unbesetzt (VZÄ)']}")
        for kind, key in (("Soll", "soll"), ("Ist", "ist")):
            bars.append(
                {
                    "Gebiet": name,
                    "Stellen": kind,
                    "wert": posts[key],
                    "text": posts[f"{kind} (VZÄ)"],
                }
            )
    table = pd.DataFrame(rows)[["Gebiet", *TIME_COLUMNS]]
    total = rows[-1]
    sentence = (
        f"Im Case Management waren zum Ende des Zeitraums {display.say(total['Ist (VZÄ)'])} "
        f"von {display.say(total['Soll (VZÄ)'])} VZÄ besetzt"
        f"{display.aside(total['Besetzungsquote'])}; "
    )
    if vacant:
        sentence += (
            f"unbesetzt waren {display.say(total['Unbesetzt (VZÄ)'])} VZÄ ({', '.join(vacant)})."
        )
    else:
        sentence += "alle geförderten Stellen waren besetzt."
    return ChartData(
        key="personal-staedte",
        title=f"Case-Management-Stellen je Stadt, {display.period(zeitraum)}",
        sentence=sentence,
        table=table,
        figure=figures.bars(
            pd.DataFrame(bars), "Gebiet", "wert", "text", series="Stellen", unit="VZÄ"
        ),
        note="Die Kreiszeile zeigt das Case Management (Baustein II) aller Städte zusammen; "
        "Fälle je besetzter Stelle = Fallbestand zum Stichtag je besetzter Stelle.",
    )


@chart("personal-bausteine", indikatoren=("vzae_soll", "vzae_ist", "besetzungsquote"))
def bausteine(filters: Filters) -> ChartData:
    """The Kreis' posts per Baustein in the chosen period."""
    zeitraum = filters.zeitraum
    cells = dimensions.cells(queries.values(POSTS, [zeitraum], [kreis_ags()], breakdown="baustein"))
    cells |= dimensions.cells(queries.values(POSTS, [zeitraum], [kreis_ags()]))
    rows = [
        {"Baustein": display.label("baustein", b), **posts_of(cells, zeitraum, kreis_ags(), b)}
        for b in BAUSTEINE
    ]
    rows.append({"Baustein": "Alle Stellen", **posts_of(cells, zeitraum, kreis_ags())})
    table = pd.DataFrame(rows)[["Baustein", *TIME_COLUMNS[:4]]]
    bars = pd.DataFrame(
        [
            {"Baustein": r["Baustein"], "Stellen": kind, "wert": r[key], "text": r[f"{kind} (VZÄ)"]}
            for r in rows[:-1]
            for kind, key in (("Soll", "soll"), ("Ist", "ist"))
        ]
    )
    gaps = [f"{r['Baustein']} {r['Unbesetzt (VZÄ)']}" for r in rows[:-1] if _vacant(r)]
    last = rows[-1]
    sentence = (
        f"Im Kreis waren zum Ende des Zeitraums {display.say(last['Ist (VZÄ)'])} von "
        f"{display.say(last['Soll (VZÄ)'])} VZÄ besetzt"
        f"{display.aside(last['Besetzungsquote'])}; "
    )
    if gaps:
        sentence += (
            f"unbesetzt waren {display.say(last['Unbesetzt (VZÄ)'])} VZÄ ({', '.join(gaps)})."
        )
    else:
        sentence += "in keinem Baustein war eine Stelle unbesetzt."
    return ChartData(
        key="personal-bausteine",
        title=f"Stellen des Kreises je Baustein, {display.period(zeitraum)}",
        sentence=sentence,
        table=table,
        figure=figures.bars(bars, "Baustein", "wert", "text", series="Stellen", unit="VZÄ"),
    )


@chart("personal-verlauf", indikatoren=("vzae_soll", "vzae_ist", "besetzungsquote"))
def over_time(filters: Filters) -> ChartData:
    """Soll and Ist of the chosen area over the periods of the chosen year."""
    periods = _periods_of_year(filters)
    gebiet = filters.gebiet
    cells = dimensions.cells(queries.values(STAFFING, periods, [gebiet]))
    rows = []
    points = []
    for zeitraum in periods:
        posts = posts_of(cells, zeitraum, gebiet)
        load = posts_text(cells, ("faelle_je_vzae", zeitraum, gebiet, ""), "dezimal1")
        rows.append(
            {"Zeitraum": display.period(zeitraum), **posts, "Fälle je besetzter Stelle": load}
        )
        for kind, key in (("Soll", "soll"), ("Ist", "ist")):
            points.append(
                {
                    "Zeitraum": display.short_period(zeitraum),
                    "Stellen": kind,
                    "wert": posts[key],
                    "text": posts[f"{kind} (VZÄ)"],
                }
            )
    table = pd.DataFrame(rows, columns=["Zeitraum", *TIME_COLUMNS])
    where = in_area(gebiet)
    if rows:
        last = rows[-1]
        gaps = [f"{r['Zeitraum']} {r['Unbesetzt (VZÄ)']} VZÄ" for r in rows if _vacant(r)]
        sentence = (
            f"Zuletzt ({last['Zeitraum']}) waren {where} {display.say(last['Ist (VZÄ)'])} von "
            f"{display.say(last['Soll (VZÄ)'])} VZÄ besetzt; "
        )
        if gaps:
            sentence += (
                f"unbesetzte Stellen gab es in {len(gaps)} von {len(rows)} Zeiträumen: "
                f"{', '.join(gaps)}."
            )
        else:
            sentence += f"in allen {len(rows)} Zeiträumen waren alle Stellen besetzt."
    else:
        sentence = f"Für {filters.jahr} liegen keine Stellendaten vor."
    kind = "monat" if filters.periodentyp == "jahr" else filters.periodentyp
    return ChartData(
        key="personal-verlauf",
        title=f"Soll- und Ist-Stellen {where} je {display.label('periodentyp', kind)} "
        f"{filters.jahr}",
        sentence=sentence,
        table=table,
        figure=_lines(points, "Stellen"),
    )


@chart("personal-verlauf-bausteine", indikatoren=("vzae_soll", "vzae_ist", "besetzungsquote"))
def bausteine_over_time(filters: Filters) -> ChartData:
    """The Kreis' Soll and Ist per Baustein over the periods of the chosen year."""
    periods = _periods_of_year(filters)
    cells = dimensions.cells(queries.values(POSTS, periods, [kreis_ags()], breakdown="baustein"))
    rows = []
    points = []
    for zeitraum in periods:
        row: dict[str, object] = {"Zeitraum": display.period(zeitraum)}
        for baustein in BAUSTEINE:
            posts = posts_of(cells, zeitraum, kreis_ags(), baustein)
            name = f"Baustein {_roman(baustein)}"
            for kind in ("Soll", "Ist"):
                row[f"{name} {kind}"] = posts[f"{kind} (VZÄ)"]
                points.append(
                    {
                        "Zeitraum": display.short_period(zeitraum),
                        "Reihe": f"{name} {kind}",
                        "wert": posts[kind.lower()],
                        "text": posts[f"{kind} (VZÄ)"],
                    }
                )
            row[f"{name} unbesetzt"] = posts["Unbesetzt (VZÄ)"]
            row[name] = posts
        rows.append(row)
    names = [f"Baustein {_roman(b)}" for b in BAUSTEINE]
    columns = ["Zeitraum", *(f"{n} {c}" for n in names for c in ("Soll", "Ist", "unbesetzt"))]
    table = pd.DataFrame(rows, columns=columns)
    if rows:
        last = rows[-1]
        filled = ", ".join(f"{n} {last[n]['Ist (VZÄ)']} von {last[n]['Soll (VZÄ)']}" for n in names)
        gaps = [f"{n} {last[n]['Unbesetzt (VZÄ)']}" for n in names if _vacant(last[n])]
        sentence = f"Zuletzt ({last['Zeitraum']}) waren im Kreis besetzt: {filled} VZÄ; " + (
            f"unbesetzt: {', '.join(gaps)} VZÄ." if gaps else "keine Stelle war unbesetzt."
        )
    else:
        sentence = f"Für {filters.jahr} liegen keine Stellendaten vor."
    return ChartData(
        key="personal-verlauf-bausteine",
        title=f"Soll- und Ist-Stellen des Kreises je Baustein {filters.jahr}",
        sentence=sentence,
        table=table,
        figure=_lines(points, "Reihe"),
        note="Baustein I: Koordinierung, Baustein II: Case Management, "
        "Baustein III: Ausländerbehörden. Unbesetzt = Soll − Ist in VZÄ.",
    )


FUNCTION_NAMES = {
    "koordination": "Koordination",
    "verwaltungsassistenz": "Verwaltungsassistenz",
    "case_management": "Case Management",
    "auslaenderbehoerde": "Ausländerbehörde",
}


@chart("personal-nachweis", indikatoren=("vzae_soll", "vzae_ist"))
def staffing_proof(filters: Filters) -> ChartData:
    """Funded and filled VZÄ per post and month of the year: the staffing proof of the
    Verwendungsnachweis."""
    year = filters.jahr
    frame = queries.staffing_months(year)
    # Months the data reach (up to the latest Stichtag): later ones are not yet known, not 0.
    periods = queries.periods()
    months = sorted(
        periods.loc[(periods["periodentyp"] == "monat") & (periods["jahr"] == year), "zeitraum"]
    )
    until = f" bis {display.period(months[-1])}" if months and months[-1] < f"{year}-12" else ""
    rows = []
    for (baustein, funktion, _, name), post in frame.groupby(
        ["baustein", "funktion", "gebiet", "gebiet_name"], sort=False
    ):
        by_month = post.set_index("monat")
        for kind, column in (("Soll", "vzae_soll"), ("Ist", "vzae_ist")):
            values = [float(by_month[column].get(m, 0) or 0) for m in months]
            known = [float(by_month[column][m]) for m in months if m in by_month.index]
            rows.append(
                {
                    "Baustein": display.label("baustein", str(baustein)),
                    "Funktion": FUNCTION_NAMES.get(funktion, funktion),
                    "Stelle": name,
                    "VZÄ": kind,
                    **{
                        display.short_period(m): display.plain(v, "dezimal2")
                        for m, v in zip(months, values, strict=True)
                    },
                    "Jahresmittel": display.plain(
                        sum(known) / len(known) if known else None, "dezimal2"
                    ),
                }
            )
    table = pd.DataFrame(rows)
    if len(frame):
        soll = frame.groupby("monat")["vzae_soll"].sum().astype(float)
        ist = frame.groupby("monat")["vzae_ist"].sum().astype(float)
        sentence = (
            f"{year} waren im Mittel {display.plain(ist.mean(), 'dezimal2')} von "
            f"{display.plain(soll.mean(), 'dezimal2')} geförderten VZÄ besetzt "
            f"({len(table) // 2} Stellen in {len(soll)} Monaten)."
        )
    else:
        sentence = f"Für {year} liegt kein Stellenplan vor."
    return ChartData(
        key="personal-nachweis",
        title=f"Stellennachweis {year}{until}: Soll und Ist je Stelle und Monat (VZÄ)",
        sentence=sentence,
        table=table,
        note=(
            "Für den Verwendungsnachweis: je geförderter Stelle die geförderten (Soll) und "
            "besetzten (Ist) Vollzeitäquivalente je Monat, taggenau gemittelt (eine am 16. "
            "eines 30-Tage-Monats besetzte Stelle zählt zur Hälfte); Quelle ist der "
            "Stellenplan der Koordinierungsstelle. Stellenangaben sind keine "
            "personenbezogenen Daten."
        ),
    )
