"""Chart content of the Handlungsfelder page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd

from views import dimensions, display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters
from warehouse import profile

OVERLAP = (
    "Ein Fall kann in mehreren Handlungsfeldern betreut werden. Die Handlungsfelder "
    "überschneiden sich daher und ergeben zusammen nicht die Gesamtzahl „Alle Handlungsfelder“."
)


REFERRAL_TOPIC = (
    "Vermittlungen zählen im Handlungsfeld, in dem sie erfasst wurden; jede Vermittlung gehört "
    "zu genau einem Handlungsfeld."
)


NO_RESULTS = (
    "Der Kennzahlenkatalog veröffentlicht keine Vermittlungen nach Partner und Ergebnis. Das "
    "Ergebnis der Vermittlungen steht unter „Ergebnisse je Handlungsfeld“ als Quote der "
    "angenommenen Vermittlungen je Handlungsfeld."
)


NOT_PUBLISHED = (
    "Der veröffentlichte Stand enthält keine Vermittlungen nach Handlungsfeld und Partner "
    "zugleich, daher kann die Verbindung vom Handlungsfeld zum Partner nicht dargestellt werden. "
    "Die Vermittlungen je Handlungsfeld und je Partner zeigen die Karten oben."
)


PARTNER_ONLY_ALL = (
    "Vermittlungen nach Partner werden nur für alle Zielgruppen zusammen veröffentlicht; die "
    "gewählte Zielgruppe gilt für diese Karte nicht."
)


PARTNERS = (("vermittlungen", "Vermittlungen", "ganzzahl"),)


COUNTS = (
    ("faelle_aktiv", "Betreute Fälle", "ganzzahl"),
    ("vermittlungen", "Vermittlungen", "ganzzahl"),
)


RATES = (
    ("quote_handlungsfeld_ziel_erreicht", "Erreichte Handlungsfeldziele", "prozent"),
    ("quote_vermittlung_angenommen", "Angenommene Vermittlungen", "prozent"),
)


def land_note() -> str:
    """How the profile's own topics count in the Land's list (empty without own topics)."""
    mapped = display.own_topics()
    if not mapped:
        return ""
    return (
        f" Eigene Handlungsfelder {profile.current().genitive_phrase} und das Handlungsfeld der "
        f"Landesliste, dem sie zugeordnet sind: {mapped}. Ihre Fälle zählen hier nur im eigenen "
        "Handlungsfeld, nicht zusätzlich in dem der Landesliste."
    )


def view_context(filters: Filters, zielgruppe: bool = True) -> str:
    """Area and target group of the view, e.g. `Witten, Zielgruppe Alleinerziehende`."""
    text = queries.area_name(filters.gebiet)
    if zielgruppe and filters.zielgruppe != "alle":
        text += f", Zielgruppe {display.label('zielgruppe', filters.zielgruppe)}"
    return text


@chart("handlungsfelder-faelle", indikatoren=("faelle_aktiv",))
def cases(filters: Filters) -> ChartData:
    """Active cases and referrals per topic."""
    long, table = dimensions.per_code(filters, "handlungsfeld", COUNTS)
    total = table.iloc[0]
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters)}: insgesamt "
        f"{display.say(total['Betreute Fälle'])} betreute Fälle und "
        f"{display.say(total['Vermittlungen'])} Vermittlungen"
    )
    sentence += dimensions.largest(
        long, "Betreute Fälle", "; die meisten Fälle hatte „{name}“ mit {text}"
    )
    sentence += dimensions.largest(
        long, "Vermittlungen", ", die meisten Vermittlungen „{name}“ mit {text}"
    )
    return ChartData(
        key="handlungsfelder-faelle",
        title=f"Betreute Fälle und Vermittlungen je Handlungsfeld, "
        f"{display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long),
        note=dimensions.noted(f"{OVERLAP} {REFERRAL_TOPIC}{land_note()}", filters, "handlungsfeld"),
    )


@chart(
    "handlungsfelder-ergebnisse",
    indikatoren=("quote_handlungsfeld_ziel_erreicht", "quote_vermittlung_angenommen"),
)
def results(filters: Filters) -> ChartData:
    """Goal attainment of the topic goals and acceptance rate of referrals per topic."""
    long, table = dimensions.per_code(filters, "handlungsfeld", RATES)
    total = table.iloc[0]
    goals, accepted = (m[1] for m in RATES)
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters)}: über alle Handlungsfelder "
        f"wurden {display.say(total[goals], zero='0 %')} der entschiedenen Handlungsfeldziele "
        "erreicht und "
        f"{display.say(total[accepted], zero='0 %')} der Vermittlungen mit Ergebnis angenommen"
    )
    sentence += dimensions.largest(
        long, goals, "; die höchste Zielerreichung hatte „{name}“ mit {text}"
    )
    return ChartData(
        key="handlungsfelder-ergebnisse",
        title=f"Ergebnisse je Handlungsfeld, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long, unit="%"),
        note=dimensions.noted(
            f"{OVERLAP} Erreichte Handlungsfeldziele: Ziele mit Status „erreicht“ je Ziel mit "
            "Statusänderung im Zeitraum, das nicht mehr offen ist. Angenommene Vermittlungen: "
            "Vermittlungen mit Ergebnis „angenommen“ je Vermittlung mit Ergebnis (nicht offen).",
            filters,
            "handlungsfeld",
        ),
    )


def _partner_note(filters: Filters, *notes: str) -> str:
    """Notes of a partner card, with the target-group caveat when a group is chosen."""
    parts = list(notes)
    if filters.zielgruppe != "alle":
        parts.append(PARTNER_ONLY_ALL)
    return " ".join(part for part in parts if part)


def partner_grain(filters: Filters, dimension: str = "") -> str:
    """Why partner cells are empty (x) where referrals by partner are not published."""
    what = "Vermittlungen nach " + ("Handlungsfeld und Partner" if dimension else "Partner")
    published = queries.period_types(filters.gebiet, dimension, breakdown="partner")
    area = dimensions.for_area(filters.gebiet)
    return dimensions.grain_note(what, area, filters.periodentyp, published)


@chart("handlungsfelder-partner", indikatoren=("vermittlungen",))
def partners(filters: Filters) -> ChartData:
    """Referrals of all topics by partner."""
    frame = queries.values(
        ["vermittlungen"], [filters.zeitraum], [filters.gebiet], breakdown="partner"
    )
    long, table = dimensions.by_code(
        frame.rename(columns={"auspraegung": "gruppe"}), "partner", PARTNERS
    )
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters, zielgruppe=False)}, alle "
        "Zielgruppen: "
    )
    ranked = long[long["wert_sichtbar"] > 0].sort_values("wert_sichtbar", ascending=False)
    if len(ranked):
        first = ranked.iloc[0]
        sentence += f"die meisten Vermittlungen gingen an „{first['name']}“ ({first['text']})"
        if len(ranked) > 1:
            second = ranked.iloc[1]
            sentence += f", gefolgt von „{second['name']}“ ({second['text']})"
    else:
        sentence += "keine Vermittlungen nach Partner darstellbar"
    return ChartData(
        key="handlungsfelder-partner",
        title=f"Vermittlungen nach Partner, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=dimensions.bar_figure(long, series=None),
        note=_partner_note(filters, partner_grain(filters)),
    )


def flow_parts(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Published topic × partner referrals as a table (all cells) and the drawable links."""
    frame = frame.assign(
        text=display.values(frame, "ganzzahl"),
        Handlungsfeld=[display.label("handlungsfeld", h) for h in frame["handlungsfeld"]],
        Partner=[display.label("partner", p) for p in frame["partner"]],
    )
    topics = [display.label("handlungsfeld", h) for h in display.codes("handlungsfeld")[1:]]
    partner_names = [display.label("partner", p) for p in display.codes("partner")]
    table = (
        frame.pivot(index="Handlungsfeld", columns="Partner", values="text")
        .reindex(index=topics, columns=partner_names)
        .astype(object)  # a partner without any cell comes back as a float column
        .fillna(display.NOT_APPLICABLE)
        .reset_index()
        .rename_axis(None, axis=1)
    )
    # Suppressed flows are left out of the diagram (they stay `.` in the table); so are zeros.
    links = frame[~frame["unterdrueckt"].astype(bool) & (frame["wert"] > 0)]
    return table, links


@chart("handlungsfelder-sankey", indikatoren=("vermittlungen",))
def flows(filters: Filters) -> ChartData:
    """Referrals from topic to partner: a Sankey of the visible flows, the full matrix as table."""
    frame = queries.referrals_by_topic_and_partner(filters.zeitraum, filters.gebiet)
    table, links = flow_parts(frame)
    secret = int(frame["unterdrueckt"].astype(bool).sum())
    sentence = (
        f"{display.period(filters.zeitraum)}, {view_context(filters, zielgruppe=False)}, alle "
        "Zielgruppen: "
    )
    if len(links):
        top = links.loc[links["wert"].idxmax()]
        sentence += (
            f"die meisten Vermittlungen führten von „{top['Handlungsfeld']}“ zu "
            f"„{top['Partner']}“ ({top['text']}); {len(links)} Verbindungen sind dargestellt"
        )
        if secret:
            verbs = ("ist", "fehlt") if secret == 1 else ("sind", "fehlen")
            sentence += (
                f", {secret} weitere {verbs[0]} geheim gehalten und {verbs[1]} in der Grafik"
            )
    elif len(frame):
        sentence += "keine Verbindung zwischen Handlungsfeld und Partner darstellbar"
    else:
        sentence += NOT_PUBLISHED.rstrip(".")
    figure = (
        figures.sankey(links, "Handlungsfeld", "Partner", "wert", "text") if len(links) else None
    )
    return ChartData(
        key="handlungsfelder-sankey",
        title=f"Vermittlungen vom Handlungsfeld zum Partner, {display.period(filters.zeitraum)}",
        sentence=sentence + ".",
        table=table,
        figure=figure,
        note=_partner_note(
            filters,
            "Geheim gehaltene Verbindungen (.) fehlen in der Grafik und stehen in der Tabelle "
            "als „.“.",
            NO_RESULTS,
            partner_grain(filters, "handlungsfeld"),
        ),
    )
