"""Stadt: everything for one town in the chosen period (`/stadt/<ags>`)."""

from __future__ import annotations

import math
from datetime import date

import dash
import pandas as pd
from dash import dcc, html

from dashboard import display, figures, queries
from dashboard.charts import ChartData, build, chart
from dashboard.components import (
    guarded,
    make_chart_card,
    make_kpi,
    make_page_header,
    make_status,
    status_label,
)
from dashboard.filters import Filters, from_query
from warehouse.schema import KREIS_AGS
from warehouse.settings import load_settings


def _title(ags: str | None = None, **_: str) -> str:
    """The browser tab's title: the town's name."""
    try:
        name = town_name(ags)
    except queries.NoData:
        name = None
    return f"{name or 'Stadt'} – KIM Monitor"


dash.register_page(
    __name__,
    path_template="/stadt/<ags>",
    name="Stadt",
    title=_title,
    nav=False,
    filters=("zeitraum",),
)

HEADLINES = (
    "faelle_neu",
    "faelle_aktiv",
    "personen_erreicht",
    "quote_ziele_erreicht",
    "wartezeit_median_tage",
    "kontakte",
    "vermittlungen",
    "faelle_je_vzae",
)
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


def in_period(zeitraum: str) -> str:
    """`im Jahr 2025`, `im 2. Quartal 2025`, `im März 2025`."""
    text = display.period(zeitraum)
    return f"im Jahr {text}" if "-" not in zeitraum else f"im {text}"


@guarded
def layout(ags: str | None = None, **query: str) -> html.Div:
    """The page of the town in the path for the filters in the URL."""
    name = town_name(ags)
    if name is None:
        return make_not_found(ags)
    filters = from_query(query).with_(gebiet=ags)
    back = f"/staedte?zeitraum={filters.zeitraum}"
    parts: list = [
        make_page_header(
            f"{name} {display.period(filters.zeitraum)}",
            f"Alle Kennzahlen von {name} im gewählten Zeitraum: Fälle, Zielgruppen, "
            f"Handlungsfelder, Vermittlungen, Personal, die Ziele {filters.jahr} und der "
            "Datenstand.",
        ),
        html.P(dcc.Link("Zurück zum Vergleich der Städte", href=back), className="zurueck"),
        make_headlines(filters, name),
        make_chart_card(build("stadt-faelle-monat", filters)),
        make_chart_card(build("stadt-zielgruppen", filters)),
        make_chart_card(build("stadt-handlungsfelder", filters)),
        make_chart_card(build("stadt-vermittlungen", filters)),
        make_chart_card(build("stadt-personal", filters)),
        make_goals(filters),
    ]
    b3 = build("stadt-baustein3", filters)
    if len(b3.table):
        parts.append(make_chart_card(b3))
    parts.append(make_chart_card(build("stadt-datenstand", filters)))
    return html.Div(parts)


def make_not_found(ags: str | None) -> html.Div:
    """A clear page for an unknown AGS with a way back to the towns."""
    shown = (ags or "")[:20]
    return html.Div(
        [
            make_page_header(
                "Stadt nicht gefunden",
                f"Zur Kennung „{shown}“ gibt es keine Stadt im Ennepe-Ruhr-Kreis. Die Seiten "
                "der neun Städte sind über den Vergleich der Städte erreichbar.",
            ),
            html.P(dcc.Link("Zum Vergleich der Städte", href="/staedte")),
        ]
    )


def make_headlines(filters: Filters, name: str) -> html.Section:
    """Headline figures of the town with the status of its yearly goals."""
    frame = totals(filters, HEADLINES)
    goals = queries.goals(filters.jahr)
    goals = goals[goals["gebiet"] == filters.gebiet].set_index("indikator")
    tiles = []
    for indikator in HEADLINES:
        info = queries.indicator(indikator)
        row = frame[frame["indikator"] == indikator]
        shown = display.values(row, info["format"])[0] if len(row) else display.NOT_APPLICABLE
        status = None
        detail = None
        if indikator in goals.index:
            goal = goals.loc[indikator]
            status = make_status(goal["status"], goal["status_text"])
            word = "höchstens" if goal["richtung"] == "hoechstens" else "mindestens"
            target = display.plain(goal["zielwert"], info["format"])
            detail = f"Jahresziel {filters.jahr}: {word} {target}"
        tiles.append(make_kpi(info["name"], shown, detail, status))
    return html.Section(
        [
            html.H2(f"Kennzahlen von {name}", id="titel-kennzahlen"),
            html.Div(tiles, className="kpis"),
        ],
        className="karte",
        **{"aria-labelledby": "titel-kennzahlen"},
    )


def make_goals(filters: Filters) -> html.Section:
    """The goals card, or a short note when the town has no goal for the year."""
    data = build("stadt-ziele", filters)
    if len(data.table):
        return make_chart_card(data)
    return html.Section(
        [html.H2(data.title, id=f"titel-{data.key}"), html.P(data.sentence, className="aussage")],
        className="karte",
        **{"aria-labelledby": f"titel-{data.key}"},
    )


def _name(filters: Filters) -> str:
    """The name of the filters' town."""
    return town_name(filters.gebiet) or filters.gebiet


def town_values(filters: Filters) -> pd.DataFrame:
    """The town's values of the period, and its new and active cases per month of the year."""
    periods = queries.periods()
    months = periods[(periods["periodentyp"] == "monat") & (periods["jahr"] == filters.jahr)]
    year_periods = (*sorted(months["zeitraum"]), str(filters.jahr))
    return queries.stadt_values(filters.gebiet, filters.zeitraum, year_periods)


def totals(filters: Filters, indicators: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Rows without breakdown for all target groups and topics in the filter's period."""
    frame = town_values(filters)
    return frame[
        frame["indikator"].isin(indicators)
        & (frame["zeitraum"] == filters.zeitraum)
        & (frame["zielgruppe"] == "alle")
        & (frame["handlungsfeld"] == "alle")
        & (frame["aufschluesselung"] == "")
    ].reset_index(drop=True)


def breakdown(
    filters: Filters, indicators: tuple[str, ...] | list[str], dimension: str
) -> pd.DataFrame:
    """Rows of the filter's period broken down by `dimension` (partner, verfahrensart)."""
    frame = town_values(filters)
    return frame[
        frame["indikator"].isin(indicators)
        & (frame["zeitraum"] == filters.zeitraum)
        & (frame["zielgruppe"] == "alle")
        & (frame["handlungsfeld"] == "alle")
        & frame["aufschluesselung"].str.startswith(f"{dimension}=")
    ].reset_index(drop=True)


def _visible(frame: pd.DataFrame) -> pd.Series:
    """Values for figures: NaN where secret."""
    return frame["wert"].where(~frame["unterdrueckt"].astype(bool))


@chart("stadt-faelle-monat")
def cases_by_month(filters: Filters) -> ChartData:
    """New and active cases of the town per month of the filter's year."""
    name = _name(filters)
    values = town_values(filters)
    monthly = (
        values["indikator"].isin(["faelle_neu", "faelle_aktiv"])
        & values["zeitraum"].str.match(rf"^{filters.jahr}-\d\d$")
        & (values["zielgruppe"] == "alle")
        & (values["handlungsfeld"] == "alle")
        & (values["aufschluesselung"] == "")
    )
    frame = values[monthly].sort_values(["zeitraum", "indikator"]).reset_index(drop=True)
    frame["text"] = display.values(frame, "ganzzahl")
    frame["Monat"] = [display.short_period(z) for z in frame["zeitraum"]]
    frame["Kennzahl"] = frame["indikator"].map(
        {"faelle_neu": "Neue Fälle", "faelle_aktiv": "Betreute Fälle"}
    )
    frame["wert_sichtbar"] = _visible(frame)
    table = frame.pivot_table(
        index="zeitraum", columns="Kennzahl", values="text", aggfunc="first", sort=False
    ).reset_index()
    table.insert(0, "Monat", [display.period(z) for z in table.pop("zeitraum")])
    table = table.reindex(columns=["Monat", "Neue Fälle", "Betreute Fälle"])
    year = values[
        (values["indikator"] == "faelle_neu")
        & (values["zeitraum"] == str(filters.jahr))
        & (values["zielgruppe"] == "alle")
        & (values["handlungsfeld"] == "alle")
        & (values["aufschluesselung"] == "")
    ]
    total = display.values(year, "ganzzahl")[0] if len(year) else display.NOT_APPLICABLE
    sentence = f"Im Jahr {filters.jahr} gab es in {name} {total} neue Fälle"
    if len(table):
        last = table.iloc[-1]
        sentence += f"; im {last['Monat']} wurden {last['Betreute Fälle']} Fälle betreut"
    return ChartData(
        key="stadt-faelle-monat",
        title=f"Neue und betreute Fälle je Monat {filters.jahr}, {name}",
        sentence=sentence + ".",
        table=table,
        figure=figures.lines(frame, "Monat", "wert_sichtbar", "text", "Kennzahl", "Fälle"),
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
    frame = frame.assign(gruppe=frame[dimension])
    total = frame[frame["gruppe"] == "alle"]
    order = {code: i for i, code in enumerate(display.codes(dimension))}
    frame = frame[frame["gruppe"] != "alle"].copy()
    frame["rang"] = frame["gruppe"].map(order).fillna(len(order))
    frame = frame.sort_values(["rang", "gruppe"]).reset_index(drop=True)
    frame["Gruppe"] = [display.label(dimension, g) for g in frame["gruppe"]]
    frame["text"] = display.values(frame, "ganzzahl")
    frame["wert_sichtbar"] = _visible(frame)
    shown = display.values(total, "ganzzahl")[0] if len(total) else display.NOT_APPLICABLE
    return frame, shown


def _largest(frame: pd.DataFrame) -> str:
    """`die meisten in Arbeit (12)` over the visible values, or nothing."""
    visible = frame[frame["wert_sichtbar"] > 0]
    if not len(visible):
        return ""
    top = visible.loc[visible["wert_sichtbar"].idxmax()]
    return f"{top['Gruppe']} ({top['text']})"


@chart("stadt-zielgruppen")
def target_groups(filters: Filters) -> ChartData:
    """Cases in care of the town per target group."""
    name = _name(filters)
    frame, total = _groups(filters, "zielgruppe")
    table = pd.DataFrame({"Zielgruppe": frame["Gruppe"], "Betreute Fälle": frame["text"]})
    sentence = f"In {name} wurden {in_period(filters.zeitraum)} {total} Fälle betreut"
    largest = _largest(frame)
    if largest:
        sentence += f"; die größte Zielgruppe waren {largest}"
    return ChartData(
        key="stadt-zielgruppen",
        title=f"Betreute Fälle nach Zielgruppe, {display.period(filters.zeitraum)}, {name}",
        sentence=sentence + ".",
        table=table,
        figure=figures.bars(frame, "Gruppe", "wert_sichtbar", "text", horizontal=True),
        note="Ein Fall kann zu mehreren Zielgruppen gehören; die Zielgruppen überschneiden sich.",
    )


@chart("stadt-handlungsfelder")
def topics(filters: Filters) -> ChartData:
    """Cases in care of the town per topic."""
    name = _name(filters)
    frame, total = _groups(filters, "handlungsfeld")
    table = pd.DataFrame({"Handlungsfeld": frame["Gruppe"], "Betreute Fälle": frame["text"]})
    sentence = f"Von {total} betreuten Fällen in {name} {in_period(filters.zeitraum)}"
    largest = _largest(frame)
    if largest:
        sentence += f" hatten die meisten das Handlungsfeld {largest}"
    else:
        sentence += " ist keine Zahl je Handlungsfeld veröffentlicht"
    return ChartData(
        key="stadt-handlungsfelder",
        title=f"Betreute Fälle nach Handlungsfeld, {display.period(filters.zeitraum)}, {name}",
        sentence=sentence + ".",
        table=table,
        figure=figures.bars(frame, "Gruppe", "wert_sichtbar", "text", horizontal=True),
        note=(
            "Ein Fall kann in mehreren Handlungsfeldern betreut werden; die Handlungsfelder "
            "überschneiden sich."
        ),
    )


@chart("stadt-vermittlungen")
def referrals(filters: Filters) -> ChartData:
    """Referrals of the town per partner."""
    name = _name(filters)
    total = totals(filters, ["vermittlungen"])
    frame = breakdown(filters, ["vermittlungen"], "partner")
    order = {code: i for i, code in enumerate(display.codes("partner"))}
    frame["rang"] = frame["auspraegung"].map(order).fillna(len(order))
    frame = frame.sort_values(["rang", "auspraegung"]).reset_index(drop=True)
    frame["Gruppe"] = [display.label("partner", p) for p in frame["auspraegung"]]
    frame["text"] = display.values(frame, "ganzzahl")
    frame["wert_sichtbar"] = _visible(frame)
    table = pd.DataFrame({"Partner": frame["Gruppe"], "Vermittlungen": frame["text"]})
    shown = display.values(total, "ganzzahl")[0] if len(total) else display.NOT_APPLICABLE
    sentence = f"{name} hat {in_period(filters.zeitraum)} {shown} Vermittlungen an Partner erfasst"
    largest = _largest(frame)
    if largest:
        sentence += f", am häufigsten an: {largest}"
    return ChartData(
        key="stadt-vermittlungen",
        title=f"Vermittlungen nach Partner, {display.period(filters.zeitraum)}, {name}",
        sentence=sentence + ".",
        table=table,
        figure=figures.bars(frame, "Gruppe", "wert_sichtbar", "text", horizontal=True),
    )


@chart("stadt-personal")
def staffing(filters: Filters) -> ChartData:
    """Case-management posts of the town at the end of the period."""
    name = _name(filters)
    frame = totals(filters, [i for i, _, _ in STAFF])
    shown = {}
    for indikator, _, fmt in STAFF:
        row = frame[frame["indikator"] == indikator]
        shown[indikator] = display.values(row, fmt)[0] if len(row) else display.NOT_APPLICABLE
    table = pd.DataFrame(
        {"Kennzahl": [label for _, label, _ in STAFF], "Wert": [shown[i] for i, _, _ in STAFF]}
    )
    return ChartData(
        key="stadt-personal",
        title=f"Personal im Case Management, {display.period(filters.zeitraum)}, {name}",
        sentence=(
            f"Am Ende des Zeitraums waren in {name} {shown['vzae_ist']} von "
            f"{shown['vzae_soll']} geförderten Stellen besetzt ({shown['besetzungsquote']}); "
            f"auf eine besetzte Stelle kamen {shown['faelle_je_vzae']} Fälle."
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
        word = "höchstens" if goal.richtung == "hoechstens" else "mindestens"
        share = None if secret or pd.isna(goal.erfuellung) else float(goal.erfuellung) * 100
        rows.append(
            {
                "Ziel": goal.indikator_name,
                "Zielwert": f"{word} {display.plain(goal.zielwert, goal.format)}",
                "Erwartung anteilig": display.plain(goal.erwartung, goal.format),
                "Ist": display.value(goal.ist, secret, goal.format),
                "Erfüllung der Erwartung": display.value(share, secret, "prozent"),
                "Status": status_label(goal.status, goal.status_text),
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


@chart("stadt-baustein3")
def baustein3(filters: Filters) -> ChartData:
    """Baustein III procedures of the town's residents by procedure type."""
    name = _name(filters)
    indicators = [i for i, _ in B3]
    parts = breakdown(filters, indicators, "verfahrensart")
    sums = totals(filters, indicators).assign(auspraegung="alle")
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
    chart_frame["wert_sichtbar"] = _visible(chart_frame)
    sentence = ""
    if len(table):
        total = table.iloc[-1]
        sentence = (
            f"I{in_period(filters.zeitraum)[1:]} wurden für Einwohner von {name} "
            f"{total['Aktiv angesprochen']} Personen aktiv angesprochen, "
            f"{total['Anträge']} Anträge gestellt und "
            f"{total['Erteilungen / Einbürgerungen']} Erteilungen oder Einbürgerungen "
            "entschieden."
        )
    authority = (
        "Witten hat eine eigene Ausländerbehörde."
        if filters.gebiet == "05954036"
        else "Zuständig ist die Ausländer- und Einbürgerungsbehörde des Kreises."
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
        (snapshots["quelle"] == KREIS_AGS)
        & snapshots["tabelle"].isin(KREIS_TABLES)
        & ~snapshots["tabelle"].isin(own["tabelle"])
    ]
    frame = pd.concat([own, kreis], ignore_index=True)
    frame = frame.groupby(["quelle", "tabelle"], as_index=False, sort=False)["stichtag"].max()
    today = date.today()
    rows = []
    stale = []
    for quelle, tabelle, stichtag in frame.itertuples(index=False):
        day = pd.Timestamp(stichtag).date()
        source = (
            name if quelle == filters.gebiet else "Kreis (Koordinierungsstelle, Ausländerbehörde)"
        )
        age = (today - day).days
        if age > settings.stale_after_days:
            stale.append(display.label("tabelle", tabelle))
        rows.append(
            {
                "Tabelle": display.label("tabelle", tabelle),
                "Geliefert von": source,
                "Stichtag": display.day(day),
                "Aktuell": f"nein, {age} Tage alt" if age > settings.stale_after_days else "ja",
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
