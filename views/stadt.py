"""Chart content of the Stadt page (shared by the dashboard and the reports)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import pandas as pd

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters, monthly_span, periods_in_year
from warehouse import profile
from warehouse.schema import kreis_ags
from warehouse.settings import load_settings

HEADLINES = (*display.HEADLINE_CASES, "kontakte", "vermittlungen", "faelle_je_vzae")


STAFF = (
    ("vzae_soll", "Stellen (Soll, VZÄ)", "dezimal2"),
    ("vzae_ist", "Stellen (Ist, VZÄ)", "dezimal2"),
    ("besetzungsquote", "Besetzungsquote", "prozent"),
    ("faelle_je_vzae", "Fälle je besetzter Stelle", "dezimal1"),
)


B3 = (
    ("b3_angesprochen", "Aktiv angesprochen"),
    ("b3_antraege", "Anträge"),
    ("b3_erteilt", "Erteilungen / Einbürgerungen"),
)


KREIS_TABLES = ("stellen", "ziele", "verfahren")


def town_name(ags: str | None) -> str | None:
    """The name of a town (not the Kreis), or None for an unknown AGS."""
    areas = queries.areas()
    match = areas[(areas["gebiet"] == ags) & ~areas["ist_kreis"].astype(bool)]
    return str(match["name"].iloc[0]) if len(match) else None


def _name(filters: Filters) -> str:
    """The name of the filters' town."""
    return town_name(filters.gebiet) or filters.gebiet


def town_values(filters: Filters) -> pd.DataFrame:
    """The town's values of the period, and its new and active cases per month of the year."""
    year_periods = (*periods_in_year("monat", filters.jahr), str(filters.jahr))
    return queries.stadt_values(filters.gebiet, filters.zeitraum, year_periods)


def town_rows(
    filters: Filters,
    indicators: Sequence[str],
    periods: Sequence[str] | None = None,
    breakdown: str = "",
) -> pd.DataFrame:
    """Rows for all groups and topics in `periods` (the filter's), in total or by `breakdown`."""
    frame = town_values(filters)
    split = frame["aufschluesselung"]
    return frame[
        frame["indikator"].isin(indicators)
        & frame["zeitraum"].isin(periods or [filters.zeitraum])
        & (frame["zielgruppe"] == "alle")
        & (frame["handlungsfeld"] == "alle")
        & (split.str.startswith(f"{breakdown}=") if breakdown else split == "")
    ].reset_index(drop=True)


@chart("stadt-faelle-monat", indikatoren=("faelle_neu", "faelle_aktiv"))
def cases_by_month(filters: Filters) -> ChartData:
    """New and active cases of the town per month of the filter's half-year or quarter,
    else of its year."""
    name = _name(filters)
    span, months = monthly_span(filters)
    return dimensions.cases_by_month(
        "stadt-faelle-monat",
        f"Neue und betreute Fälle je Monat {display.period(span)}, {name}",
        f"in {name}",
        town_rows(filters, list(dimensions.MONTHLY), months),
        town_rows(filters, ["faelle_neu"], [span]),
        span,
    )


def _groups(filters: Filters, dimension: str) -> tuple[pd.DataFrame, str]:
    """Cases in care per target group or topic (without `alle`) and the total as shown."""
    other = "handlungsfeld" if dimension == "zielgruppe" else "zielgruppe"
    values = town_values(filters)
    frame = values[
        (values["indikator"] == "faelle_aktiv")
        & (values["zeitraum"] == filters.zeitraum)
        & (values[other] == "alle")
        & (values["aufschluesselung"] == "")
    ]
    shown = display.first_value(frame[frame[dimension] == "alle"], "ganzzahl")
    return _coded(frame[frame[dimension] != "alle"], dimension, dimension), shown


def _coded(frame: pd.DataFrame, column: str, dimension: str) -> pd.DataFrame:
    """Rows in the order of `dimension`'s codes in `column`, with name, text and visible value."""
    order = {code: i for i, code in enumerate(display.codes(dimension))}
    frame = frame.assign(rang=frame[column].map(order).fillna(len(order)))
    frame = frame.sort_values(["rang", column]).reset_index(drop=True)
    frame["Gruppe"] = [display.label(dimension, g) for g in frame[column]]
    frame["text"] = display.values(frame, "ganzzahl")
    frame["wert_sichtbar"] = display.visible_values(frame)
    return frame


def _largest(frame: pd.DataFrame) -> str:
    """`Arbeit (12)`: the code with the highest visible value, or nothing."""
    visible = frame[frame["wert_sichtbar"] > 0]
    if not len(visible):
        return ""
    top = visible.loc[visible["wert_sichtbar"].idxmax()]
    return f"{top['Gruppe']} ({top['text']})"


def _coded_card(
    key: str,
    title: str,
    frame: pd.DataFrame,
    columns: tuple[str, str],
    *,
    start: str,
    before: str,
    otherwise: str = "",
    note: str = "",
) -> ChartData:
    """One count per code: table, bars and a sentence naming the largest code (if any)."""
    largest = _largest(frame)
    return ChartData(
        key=key,
        title=title,
        sentence=f"{start}{before}{largest}." if largest else f"{start}{otherwise}.",
        table=pd.DataFrame({columns[0]: frame["Gruppe"], columns[1]: frame["text"]}),
        figure=figures.bars(frame, "Gruppe", "wert_sichtbar", "text", horizontal=True),
        note=note,
    )


@chart("stadt-zielgruppen", indikatoren=("faelle_aktiv",))
def target_groups(filters: Filters) -> ChartData:
    """Cases in care of the town per target group."""
    name = _name(filters)
    frame, total = _groups(filters, "zielgruppe")
    return _coded_card(
        "stadt-zielgruppen",
        f"Betreute Fälle nach Zielgruppe, {display.period(filters.zeitraum)}, {name}",
        frame,
        ("Zielgruppe", "Betreute Fälle"),
        start=f"In {name} wurden {display.in_period(filters.zeitraum)} {display.say(total)} Fälle "
        "betreut",
        before="; die größte Zielgruppe waren ",
        note=dimensions.noted(
            "Ein Fall kann zu mehreren Zielgruppen gehören; die Zielgruppen überschneiden sich.",
            filters,
            "zielgruppe",
            other="alle",
        ),
    )


@chart("stadt-handlungsfelder", indikatoren=("faelle_aktiv",))
def topics(filters: Filters) -> ChartData:
    """Cases in care of the town per topic."""
    name = _name(filters)
    frame, total = _groups(filters, "handlungsfeld")
    return _coded_card(
        "stadt-handlungsfelder",
        f"Betreute Fälle nach Handlungsfeld, {display.period(filters.zeitraum)}, {name}",
        frame,
        ("Handlungsfeld", "Betreute Fälle"),
        start=f"Von {display.say(total)} betreuten Fällen in {name} "
        f"{display.in_period(filters.zeitraum)}",
        before=" hatten die meisten das Handlungsfeld ",
        otherwise=" ist keine Zahl je Handlungsfeld darstellbar",
        note=dimensions.noted(
            "Ein Fall kann in mehreren Handlungsfeldern betreut werden; die Handlungsfelder "
            "überschneiden sich.",
            filters,
            "handlungsfeld",
            other="alle",
        ),
    )


@chart("stadt-vermittlungen", indikatoren=("vermittlungen",))
def referrals(filters: Filters) -> ChartData:
    """Referrals of the town per partner."""
    name = _name(filters)
    shown = display.first_value(town_rows(filters, ["vermittlungen"]), "ganzzahl")
    frame = town_rows(filters, ["vermittlungen"], breakdown="partner")
    return _coded_card(
        "stadt-vermittlungen",
        f"Vermittlungen nach Partner, {display.period(filters.zeitraum)}, {name}",
        _coded(frame, "auspraegung", "partner"),
        ("Partner", "Vermittlungen"),
        start=f"{name} hat {display.in_period(filters.zeitraum)} {display.say(shown)} "
        "Vermittlungen an Partner erfasst",
        before=", am häufigsten an: ",
        otherwise="; nach Partner werden Vermittlungen nur für den ganzen Kreis veröffentlicht "
        "(Seite Handlungsfelder), je Stadt wären die Zahlen zu klein",
    )


@chart("stadt-personal", indikatoren=("vzae_soll", "vzae_ist", "besetzungsquote", "faelle_je_vzae"))
def staffing(filters: Filters) -> ChartData:
    """Case-management posts of the town at the end of the period."""
    name = _name(filters)
    frame = town_rows(filters, [i for i, _, _ in STAFF])
    shown = {
        indikator: display.first_value(frame[frame["indikator"] == indikator], fmt)
        for indikator, _, fmt in STAFF
    }
    table = pd.DataFrame(
        {"Kennzahl": [label for _, label, _ in STAFF], "Wert": [shown[i] for i, _, _ in STAFF]}
    )
    return ChartData(
        key="stadt-personal",
        title=f"Personal im Case Management, {display.period(filters.zeitraum)}, {name}",
        sentence=(
            f"Am Ende des Zeitraums waren in {name} {display.say(shown['vzae_ist'])} von "
            f"{display.say(shown['vzae_soll'])} geförderten Stellen besetzt"
            f"{display.aside(shown['besetzungsquote'])}; auf eine besetzte Stelle kamen "
            f"{display.say(shown['faelle_je_vzae'])} Fälle."
        ),
        table=table,
        note=(
            "Stellen in Vollzeitäquivalenten (VZÄ), Case Management (Baustein II) der Stadt. "
            "Fälle je besetzter Stelle: Fallbestand am Ende des Zeitraums je besetzter Stelle."
        ),
    )


@chart("stadt-ziele")
def goals(filters: Filters) -> ChartData:
    """The town's goals of the year with progress against the pro-rata expectation."""
    name = _name(filters)
    frame = queries.goals(filters.jahr)
    frame = frame[frame["gebiet"] == filters.gebiet].reset_index(drop=True)
    rows = []
    shares = []
    for goal in frame.itertuples(index=False):
        secret = bool(goal.unterdrueckt)
        share = None if secret or pd.isna(goal.erfuellung) else float(goal.erfuellung) * 100
        rows.append(
            {
                "Ziel": goal.indikator_name,
                "Zielwert": f"{display.direction(goal.richtung)} "
                f"{display.plain(goal.zielwert, goal.format)}",
                "Erwartung anteilig": display.plain(goal.erwartung, goal.format),
                "Ist": display.value(goal.ist, secret, goal.format),
                "Erfüllung der Erwartung": display.value(share, secret, "prozent"),
                "Status": display.status_label(goal.status, goal.status_text),
            }
        )
        shares.append(math.nan if share is None else share)
    table = pd.DataFrame(
        rows,
        columns=[
            "Ziel",
            "Zielwert",
            "Erwartung anteilig",
            "Ist",
            "Erfüllung der Erwartung",
            "Status",
        ],
    )
    title = f"Ziele {filters.jahr}, {name}"
    if not len(table):
        return ChartData(
            key="stadt-ziele",
            title=title,
            sentence=f"Für {name} sind für {filters.jahr} keine eigenen Ziele gesetzt.",
            table=table,
        )
    stichtag = pd.Timestamp(frame["letzter_stichtag"].iloc[0]).date()
    until = display.day(min(stichtag, date(filters.jahr, 12, 31)))
    counts = frame["status_text"].value_counts()
    summary = ", ".join(f"{n} {text}" for text, n in counts.items())
    word = "Ziel" if len(table) == 1 else "Ziele"
    figure_frame = pd.DataFrame(
        {"Ziel": table["Ziel"], "wert": shares, "text": table["Erfüllung der Erwartung"]}
    )
    return ChartData(
        key="stadt-ziele",
        title=title,
        sentence=f"{name} hat für {filters.jahr} {len(table)} {word} gesetzt: {summary}.",
        table=table,
        figure=figures.progress(figure_frame, "Ziel", "wert", "text"),
        note=(
            f"Erwartung: bei Anzahlen der Anteil des Jahresziels bis zum {until} (letzter "
            f"Stichtag der Daten: {display.day(stichtag)}), bei Quoten und Medianen das Ziel "
            "selbst. Ist: Jahreswert bis zum letzten Stichtag."
        ),
    )


@chart("stadt-baustein3", indikatoren=("b3_angesprochen", "b3_antraege", "b3_erteilt"))
def baustein3(filters: Filters) -> ChartData:
    """Baustein III procedures of the town's residents by procedure type."""
    name = _name(filters)
    indicators = [i for i, _ in B3]
    parts = town_rows(filters, indicators, breakdown="verfahrensart")
    sums = town_rows(filters, indicators).assign(auspraegung="alle")
    frame = pd.concat([parts, sums], ignore_index=True)
    labels = {code: display.label("verfahrensart", code) for code in frame["auspraegung"]}
    labels["alle"] = "Alle Verfahrensarten"
    order = [*display.codes("verfahrensart"), "alle"]
    frame["rang"] = frame["auspraegung"].map({c: i for i, c in enumerate(order)})
    frame = frame.sort_values(["rang", "auspraegung"]).reset_index(drop=True)
    frame["text"] = display.values(frame, "ganzzahl")
    frame["Verfahrensart"] = frame["auspraegung"].map(labels)
    frame["Stufe"] = frame["indikator"].map(dict(B3))
    table = frame.pivot_table(
        index="Verfahrensart", columns="Stufe", values="text", aggfunc="first", sort=False
    ).reset_index()
    table = table.reindex(columns=["Verfahrensart", *(label for _, label in B3)])
    chart_frame = frame[frame["auspraegung"] != "alle"].copy()
    chart_frame["wert_sichtbar"] = display.visible_values(chart_frame)
    sentence = ""
    if len(table):
        total = table.iloc[-1]
        sentence = (
            f"I{display.in_period(filters.zeitraum)[1:]} wurden für Einwohner von {name} "
            f"{display.say(total['Aktiv angesprochen'])} Personen aktiv angesprochen, "
            f"{display.say(total['Anträge'])} Anträge gestellt und "
            f"{display.say(total['Erteilungen / Einbürgerungen'])} Erteilungen oder "
            "Einbürgerungen "
            "entschieden."
        )
    serving = profile.current().authority_of(filters.gebiet)
    authority = (
        f"{name} hat eine eigene Ausländerbehörde."
        if serving.ags == filters.gebiet
        else f"Zuständig ist die {serving.name}."
    )
    return ChartData(
        key="stadt-baustein3",
        title=f"Baustein III, {display.period(filters.zeitraum)}, {name}",
        sentence=sentence,
        table=table,
        figure=figures.funnel(chart_frame, "Stufe", "wert_sichtbar", "text", "Verfahrensart"),
        note=(
            "Verfahren der Ausländer- und Einbürgerungsbehörden (Bleiberecht nach §§ 25a, 25b "
            f"AufenthG, Einbürgerung) für Personen mit Wohnort {name}. {authority}"
        ),
    )


@chart("stadt-datenstand")
def data_status(filters: Filters) -> ChartData:
    """Per table the current Stichtag of the town's data and of the Kreis data it uses."""
    name = _name(filters)
    settings = load_settings()
    snapshots = queries.current_snapshots()
    own = snapshots[snapshots["quelle"] == filters.gebiet]
    kreis = snapshots[
        (snapshots["quelle"] == kreis_ags())
        & snapshots["tabelle"].isin(KREIS_TABLES)
        & ~snapshots["tabelle"].isin(own["tabelle"])
    ]
    frame = pd.concat([own, kreis], ignore_index=True)
    frame = frame.groupby(["quelle", "tabelle"], as_index=False, sort=False)["stichtag"].max()
    rows = []
    stale = []
    for quelle, tabelle, stichtag in frame.itertuples(index=False):
        day = pd.Timestamp(stichtag).date()
        source = name if quelle == filters.gebiet else display.kreis_source()
        age = queries.age_in_days(day)
        if queries.is_stale(age):
            stale.append(display.label("tabelle", tabelle))
        rows.append(
            {
                "Tabelle": display.label("tabelle", tabelle),
                "Geliefert von": source,
                "Stichtag": display.day(day),
                "Aktuell": f"nein, {age} Tage alt" if queries.is_stale(age) else "ja",
            }
        )
    table = pd.DataFrame(rows, columns=["Tabelle", "Geliefert von", "Stichtag", "Aktuell"])
    own_days = sorted({r["Stichtag"] for r in rows if r["Geliefert von"] == name})
    sentence = (
        f"Die Lieferungen von {name} haben den Stichtag {', '.join(own_days)}"
        if own_days
        else f"Von {name} liegt noch keine Lieferung vor"
    )
    if stale:
        sentence += f"; älter als {settings.stale_after_days} Tage: {', '.join(stale)}"
    return ChartData(
        key="stadt-datenstand",
        title=f"Datenstand {name}",
        sentence=sentence + ".",
        table=table,
        note="Stellen, Ziele und Baustein-III-Verfahren liefert der Kreis, wenn die Stadt sie "
        "nicht selbst liefert.",
    )
