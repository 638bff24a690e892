"""What a report contains: sections of chart cards built by the dashboard's own builders.

Both reports read the published (protected) values only, through the same chart builders
as the dashboard, so every number equals the dashboard's. A signed-off period is read
from its frozen copy instead of the current build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from editorial import comments, signoffs
from views import charts, display, queries, trends
from views.charts import ChartData
from views.filters import Filters, period_type, previous_period
from views.headlines import since_start, unfinished
from warehouse.errors import UserError
from warehouse.progress import Progress, quiet
from warehouse.schema import kreis_ags
from warehouse.settings import Settings

# Columns of the delivery table that count rows (see `_without_row_counts`).
ROW_COUNTS = ("Zeilen geladen", "Zeilen in Quarantäne", "Veränderung zur Vorlieferung")

ARTS = {
    "land": "Bericht an das Land",
    "lenkungsgruppe": "Sitzungsunterlage Lenkungsgruppe",
    "stellennachweis": "Stellennachweis (Verwendungsnachweis)",
}
FILE_KINDS = {
    "land": "Bericht_Land",
    "lenkungsgruppe": "Lenkungsgruppe",
    "stellennachweis": "Stellennachweis",
}
METHODS = (
    "Alle Zahlen stammen aus dem Kennzahlenkatalog des KIM Monitors und werden einmal im "
    "Warehouse berechnet; Dashboard, Downloads und Berichte zeigen dieselben Werte.",
    "Statistische Geheimhaltung: Fallzahlen von 1 und 2 werden nicht ausgewiesen, ebenso "
    "Quoten, Mediane und Verhältniszahlen mit einer Basis unter 5. Weil sich aus Teilen und"
    " ihrer Summe (Städte und Kreis, Monate und Jahr, Aufschlüsselungen und Gesamtwert) und"
    " aus Beziehungen wie „betreute = Bestand + abgeschlossene Fälle“ geheime Werte "
    "errechnen ließen, werden weitere Werte geheim gehalten. Welche, wird über alle diese "
    "Beziehungen zugleich gewählt, und vor jeder Veröffentlichung wird mit linearer "
    "Optimierung geprüft, dass sich kein geheimer Wert aus den veröffentlichten Kennzahlen "
    "auf weniger als drei mögliche Werte eingrenzen lässt. Stellenangaben sind keine "
    "personenbezogenen Daten.",
    "Zielgruppen und Handlungsfelder überschneiden sich: ein Fall kann mehreren angehören, "
    "ihre Werte ergeben zusammen nicht den Gesamtwert.",
    "Ziele: Anzahlziele werden anteilig zum letzten Stichtag der Daten bewertet (Ziel × "
    "vergangene Tage ÷ Tage des Jahres), Quoten und Mediane am Ziel selbst. Stufen: erreicht "
    "(Jahresziel erfüllt), im Plan (mindestens 100 % der anteiligen Erwartung), leicht "
    "verzögert (85 bis 100 %), deutlich verzögert (unter 85 %); bei Höchstwerten umgekehrt.",
)
# The step of assembling a report as progress names it (charts and tables of its plan).
CHARTS = "Grafiken und Tabellen zusammenstellen"
# Report-only tables (not on a dashboard page), named like chart keys in the plans below.
COMPARISON = "bericht-vergleich"
PROBLEMS = "bericht-datenqualitaet"
LAND = (
    ("Reichweite je Stadt", ("staedte-faelle", "ueberblick-faelle-monat")),
    (
        "Zielgruppen",
        ("zielgruppen-reichweite", "zielgruppen-zielerreichung", "zielgruppen-falldauer"),
    ),
    (
        "Handlungsfelder und Zielerreichung",
        ("handlungsfelder-faelle", "handlungsfelder-ergebnisse"),
    ),
    ("Vermittlungen und Netzwerk", ("handlungsfelder-partner", "handlungsfelder-sankey")),
    ("Personal: Soll und Ist", ("personal-staedte", "personal-bausteine")),
    (
        "Baustein III: Bleiberecht und Einbürgerung",
        (
            "baustein3-alle",
            "baustein3-bleiberecht_25a",
            "baustein3-bleiberecht_25b",
            "baustein3-chancen_104c",
            "baustein3-einbuergerung",
            "baustein3-staatsangehoerigkeiten",
        ),
    ),
    ("Ziele und ihr Stand", ("ziele-fortschritt",)),
)
# The steering group pack: at most ten pages or slides with the cover.
LENKUNGSGRUPPE = (
    ("Kennzahlen und Ziele", ("ziele-fortschritt",)),
    ("Veränderung zum Vorzeitraum", (COMPARISON,)),
    ("Die Städte", ("ueberblick-staedte", "ueberblick-faelle-monat")),
    ("Personal", ("personal-staedte",)),
    ("Strukturthemen", ("strukturthemen-stufen", "strukturthemen-offen")),
    ("Offene Datenqualitätsprobleme", (PROBLEMS,)),
)
# The staffing proof for the Verwendungsnachweis: funded and filled VZÄ per post and month.
STELLENNACHWEIS = (("Stellennachweis", ("personal-nachweis", "personal-bausteine")),)
PLANS = {"land": LAND, "lenkungsgruppe": LENKUNGSGRUPPE, "stellennachweis": STELLENNACHWEIS}
# The state report's first page: these figures of the Kreis against a year before.
SUMMARY = "bericht-auf-einen-blick"
KEY_FIGURES = (
    "faelle_neu",
    "faelle_aktiv",
    "personen_erreicht",
    "faelle_abgeschlossen",
    "vermittlungen",
    "b3_erteilt",
    "besetzungsquote",
)
# Figures compared with the previous period in the steering group pack.
COMPARED = (
    "faelle_neu",
    "faelle_aktiv",
    "personen_erreicht",
    "faelle_abgeschlossen",
    "quote_ziele_erreicht",
    "kontakte",
    "vermittlungen",
    "quote_vermittlung_angenommen",
    "b3_antraege",
    "b3_erteilt",
    "vzae_ist",
    "besetzungsquote",
    "faelle_je_vzae",
)


@dataclass(frozen=True)
class Section:
    """A chapter: heading, paragraphs and chart cards."""

    title: str
    charts: tuple[ChartData, ...] = ()
    text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything a report file shows, in order."""

    art: str
    zeitraum: str
    build_id: str
    veroeffentlicht: str
    freigabe: str
    datenstand: ChartData
    sections: tuple[Section, ...]
    erstellt: datetime
    # a period the data do not yet cover to its end (`headlines.unfinished`), else empty
    unvollstaendig: str = ""

    @property
    def title(self) -> str:
        """`Bericht an das Land` or `Sitzungsunterlage Lenkungsgruppe`."""
        return ARTS[self.art]

    @property
    def filters(self) -> str:
        """The view every number belongs to, printed on every page."""
        return (
            f"Zeitraum: {display.period(self.zeitraum)} · Gebiet: {display.kreis_name()} · "
            "Zielgruppe: alle · Handlungsfeld: alle"
        )

    @property
    def file_stem(self) -> str:
        """File name without extension: `KIM_Bericht_Land_2025-H1`."""
        return f"KIM_{FILE_KINDS[self.art]}_{self.zeitraum}"

    @property
    def cover(self) -> tuple[str, ...]:
        """Lines of the cover under the title."""
        return (
            "Kommunales Integrationsmanagement (KIM)",
            display.kreis_name(),
            self.filters,
            f"Build {self.build_id}, veröffentlicht am {self.veroeffentlicht}",
            self.freigabe,
            *([f"Hinweis: {self.unvollstaendig}"] if self.unvollstaendig else []),
            f"Erstellt am {self.erstellt:%d.%m.%Y um %H:%M} Uhr",
        )


def check_period(zeitraum: str) -> None:
    """Reports cover a year or a half-year that has published data."""
    if period_type(zeitraum) not in ("jahr", "halbjahr"):
        raise UserError(
            f"Berichte gibt es für ein Jahr oder ein Halbjahr (z. B. 2025 oder 2025-H1), "
            f"nicht für „{zeitraum}“."
        )
    if zeitraum not in set(queries.periods()["zeitraum"]):
        raise UserError(f"Für den Zeitraum {zeitraum} gibt es keine veröffentlichten Daten.")


def source(settings: Settings, zeitraum: str) -> Path:
    """The published file a report of the period reads: its frozen copy once signed off."""
    return _source(settings, signoffs.current(settings, zeitraum))


def _source(settings: Settings, signed: signoffs.SignOff | None) -> Path:
    """The frozen file of the sign-off, or the current build without one."""
    return signed.path(settings) if signed else settings.serving_path


def assemble(settings: Settings, art: str, zeitraum: str, progress: Progress = quiet) -> Report:
    """Build a report from the frozen values of a signed-off period or the current build."""
    if art not in ARTS:
        raise UserError(f"Unbekannte Berichtsart „{art}“ ({', '.join(ARTS)}).")
    if art == "stellennachweis" and not re.fullmatch(r"\d{4}", zeitraum):
        raise UserError("Der Stellennachweis gilt für ein ganzes Jahr, z. B. --zeitraum 2025.")
    signed = signoffs.current(settings, zeitraum)
    with queries.reading(_source(settings, signed)), queries.session():
        check_period(zeitraum)
        filters = Filters(zeitraum=zeitraum)
        info = queries.build_info()
        if signed:
            freigabe = (
                f"Freigegeben am {display.day(date.fromisoformat(signed.freigegeben_am[:10]))} "
                f"von {signed.freigegeben_von}: der Bericht zeigt die eingefrorenen Werte."
            )
        else:
            freigabe = "Nicht freigegeben: vorläufige Werte des aktuellen Stands."
        plan = PLANS[art]
        total, done = sum(len(keys) for _, keys in plan), 0
        sections = []
        for title, keys in plan:
            built = []
            for key in keys:
                built.append(_chart(key, filters))
                done += 1
                progress(CHARTS, done, total)
            sections.append(Section(title, tuple(built)))
        if art != "stellennachweis":
            sections.append(
                Section("Kommentare der Koordinierungsstelle", (notes(settings, zeitraum),))
            )
        if art == "land":
            sections.insert(0, summary(filters))
            sections.append(Section("Zeichenerklärung", text=(display.LEGEND,)))
            sections.append(
                Section("Methodenanhang", (charts.build("kennzahlen-katalog", filters),), METHODS)
            )
        return Report(
            art=art,
            zeitraum=zeitraum,
            build_id=str(info["build_id"]),
            veroeffentlicht=pd.Timestamp(info["veroeffentlicht"]).strftime("%d.%m.%Y"),
            freigabe=freigabe,
            datenstand=_without_row_counts(charts.build("datenqualitaet-stand", filters)),
            sections=tuple(sections),
            erstellt=datetime.now(),
            unvollstaendig=unfinished(zeitraum) or "",
        )


def _without_row_counts(data: ChartData) -> ChartData:
    """The delivery table without its row counts: the rows of a town's case, contact or
    referral table count cases, and their changes count a month's new ones, which the
    attacker check does not protect. A report leaves the office: it names dates and status."""
    counts = [column for column in data.table.columns if column in ROW_COUNTS]
    note = f"{data.note} " if data.note else ""
    return replace(
        data,
        table=data.table.drop(columns=counts),
        note=note + "Zeilenzahlen und Quarantäne stehen im Dashboard, nicht im Bericht: sie "
        "zählen Fälle und sind nicht gegen Rückrechnung geschützt.",
    )


def _chart(key: str, filters: Filters) -> ChartData:
    """A report-only table or one of the dashboard's charts."""
    if key == COMPARISON:
        return comparison(filters.zeitraum)
    if key == PROBLEMS:
        return open_problems(filters)
    return charts.build(key, filters)


def summary(filters: Filters) -> Section:
    """The state report's first page: the Kreis since the beginning, key figures against the
    same period a year before, and where the goals stand."""
    before = trends.year_before(filters.zeitraum)
    figures = comparison(filters.zeitraum, before, KEY_FIGURES, SUMMARY)
    goals = charts.build("ziele-fortschritt", filters)
    since = since_start()
    return Section(
        "Auf einen Blick", (figures,), text=(*([since] if since else []), goals.sentence)
    )


def comparison(
    zeitraum: str,
    before: str | None = None,
    indicators: tuple[str, ...] = COMPARED,
    key: str = COMPARISON,
) -> ChartData:
    """Key figures of the Kreis against an earlier period (by default the one before)."""
    before = before or previous_period(zeitraum)
    catalogue = queries.catalogue().set_index("indikator")
    frame = queries.values(list(indicators), [zeitraum, before], [kreis_ags()])
    rows = []
    for indikator in indicators:
        fmt = str(catalogue.loc[indikator, "format"])
        own = frame[frame["indikator"] == indikator]
        rows.append(
            {
                "Kennzahl": str(catalogue.loc[indikator, "name"]),
                display.period(zeitraum): display.first_value(
                    own[own["zeitraum"] == zeitraum], fmt
                ),
                display.period(before): display.first_value(own[own["zeitraum"] == before], fmt),
                "Veränderung": trends.change_cell(own, zeitraum, before, fmt),
            }
        )
    table = pd.DataFrame(rows)
    return ChartData(
        key=key,
        note=unfinished(zeitraum) or "",
        title=f"Veränderung gegenüber dem {display.named_period(before)}",
        sentence=(
            f"Kennzahlen des Kreises {display.in_period(zeitraum)} im Vergleich zum "
            f"{display.named_period(before)}; Quoten ändern sich in Prozentpunkten."
        ),
        table=table,
    )


def open_problems(filters: Filters) -> ChartData:
    """Sources whose data are outdated or had rows quarantined in their current delivery."""
    stand = _without_row_counts(charts.build("datenqualitaet-stand", filters))
    table = stand.table
    hints = table[table["Hinweis"].astype(str) != ""]
    if hints.empty:
        sentence = "Keine offenen Probleme: alle Quellen sind aktuell und vollständig geladen."
    else:
        sentence = (
            "1 Tabelle braucht Aufmerksamkeit (Hinweis in der Tabelle)."
            if len(hints) == 1
            else f"{len(hints)} Tabellen brauchen Aufmerksamkeit (Hinweis in der Tabelle)."
        )
    return ChartData(
        key=PROBLEMS,
        title="Offene Datenqualitätsprobleme",
        sentence=sentence,
        table=hints.reset_index(drop=True) if not hints.empty else table.head(0),
    )


def notes(settings: Settings, zeitraum: str) -> ChartData:
    """The coordination office's comments on the period and the periods inside it."""
    periods = queries.periods()
    outer = periods[periods["zeitraum"] == zeitraum].iloc[0]
    inside = periods[(periods["beginn"] >= outer["beginn"]) & (periods["ende"] <= outer["ende"])]
    wanted = set(inside["zeitraum"])
    found = [c for c in comments.listed(settings) if c.zeitraum in wanted]
    table = pd.DataFrame(
        {
            "Kennzahl": [display.indicator_names().get(c.indikator, c.indikator) for c in found],
            "Zeitraum": [display.period(c.zeitraum) for c in found],
            "Gebiet": [display.area_names().get(c.gebiet, c.gebiet) for c in found],
            "Kommentar": [c.text for c in found],
            "Verfasst von": [c.autor for c in found],
            "Am": [display.day(date.fromisoformat(c.erstellt_am[:10])) for c in found],
        }
    )
    count = len(found)
    return ChartData(
        key="bericht-kommentare",
        title=f"Kommentare zum {display.named_period(zeitraum)}",
        sentence=(
            f"{count} Kommentare der Koordinierungsstelle."
            if count != 1
            else "1 Kommentar der Koordinierungsstelle."
        )
        if count
        else "Zu diesem Zeitraum gibt es keine Kommentare.",
        table=table,
    )
