"""How values, periods and codes are written for users (German, Destatis symbols)."""

from __future__ import annotations

import csv
import gettext
import math
from datetime import date
from functools import cache
from importlib import resources

import pandas as pd
import pycountry

from editorial.comments import Comment
from warehouse import profile
from warehouse.formatting import DECIMALS, number
from warehouse.schema import CUMULATIVE, indicators, kreis_ags, towns

SUPPRESSED = "."
ZERO = "–"
NOT_APPLICABLE = "x"
LEGEND = (
    "Zeichenerklärung: . = Zahlenwert geheim zu halten (statistische Geheimhaltung) · "
    "– = genau null · x = Aussage nicht sinnvoll (keine Basis)"
)
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
BREAKDOWNS = {
    "partner": "Partner",
    "baustein": "Baustein",
    "verfahrensart": "Verfahrensart",
    "geschlecht": "Geschlecht",
    "altersgruppe": "Altersgruppe",
    "aufenthaltsstatus": "Aufenthaltsstatus",
    "staatsangehoerigkeit": "Staatsangehörigkeit",
}
# Nationality codes outside ISO 3166-1, and the rest of a by-nationality breakdown.
NATIONALITIES = {
    "XKX": "Kosovo",
    "XXX": "Staatenlos",
    "XXZ": "Unbekannt",
    "andere": "Andere oder unbekannt",
}


def value(wert: float | None, unterdrueckt: bool, fmt: str) -> str:
    """A published value as shown: `.` suppressed, `–` zero, `x` no base, else German."""
    if unterdrueckt:
        return SUPPRESSED
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return NOT_APPLICABLE
    if wert == 0:
        return ZERO
    text = number(wert, DECIMALS.get(fmt, 1))
    return f"{text} %" if fmt == "prozent" else text


def visible(wert: float | None, unterdrueckt: bool) -> float:
    """The value a figure may draw: NaN when secret or missing."""
    if unterdrueckt or wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return math.nan
    return float(wert)


def say(text: str, unit: str = "", zero: str = "") -> str:
    """A shown value inside a sentence: symbols explained, numbers with their unit (a screen
    reader reads the sentence as the chart's text: a bare `.`, `–` or `x` says nothing).
    Zero is `0` with the unit, or `zero` (`0 %` for a rate, whose text carries its unit)."""
    if text == SUPPRESSED:
        return "„.“ (geheim)"
    if text == NOT_APPLICABLE:
        return "„x“ (nicht berechenbar)"
    if text == ZERO:
        return zero or f"0{unit}"
    return f"{text}{unit}"


def aside(rate: str) -> str:
    """` (56,7 %)`: a rate in brackets after a sentence's figures; nothing if it is secret or
    meaningless (its figures say so already)."""
    return "" if rate in (SUPPRESSED, NOT_APPLICABLE) else f" ({say(rate, zero='0 %')})"


def direction(richtung: str) -> str:
    """A goal's direction in words: `höchstens` or `mindestens`."""
    return "höchstens" if richtung == "hoechstens" else "mindestens"


def plain(wert: float | None, fmt: str) -> str:
    """A derived (never secret) number in German format; `x` when missing."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return NOT_APPLICABLE
    text = number(wert, DECIMALS.get(fmt, 1))
    return f"{text} %" if fmt == "prozent" else text


def period(zeitraum: str) -> str:
    """`2025-03` → `März 2025`, `2025-Q2` → `2. Quartal 2025`, `2025-H1` → `1. Halbjahr 2025`,
    `gesamt` → `seit Beginn`."""
    if zeitraum == CUMULATIVE:
        return "seit Beginn"
    year, _, part = zeitraum.partition("-")
    if not part:
        return year
    if part.startswith("Q"):
        return f"{part[1]}. Quartal {year}"
    if part.startswith("H"):
        return f"{part[1]}. Halbjahr {year}"
    return f"{MONTHS[int(part) - 1]} {year}"


def named_period(zeitraum: str) -> str:
    """The period after an article: `Jahr 2025`, `1. Halbjahr 2025`, `März 2025`,
    `Zeitraum seit Beginn`."""
    if zeitraum == CUMULATIVE:
        return "Zeitraum seit Beginn"
    return f"Jahr {zeitraum}" if "-" not in zeitraum else period(zeitraum)


def in_period(zeitraum: str) -> str:
    """`im Jahr 2025`, `im 2. Quartal 2025`, `im März 2025`, `seit Beginn`."""
    text = period(zeitraum)
    if zeitraum == CUMULATIVE:
        return text
    return f"im Jahr {text}" if "-" not in zeitraum else f"im {text}"


def short_period(zeitraum: str) -> str:
    """Axis label: `Mär 2025`, `Q2 2025`, `H1 2025`, `2025`, `seit Beginn`."""
    if zeitraum == CUMULATIVE:
        return period(zeitraum)
    year, _, part = zeitraum.partition("-")
    if not part:
        return year
    if part[0] in "QH":
        return f"{part} {year}"
    return f"{MONTHS[int(part) - 1][:3]} {year}"


def day(value_: date | None) -> str:
    """`30.06.2025`."""
    return value_.strftime("%d.%m.%Y") if value_ else ""


@cache
def _labels() -> dict[tuple[str, str], str]:
    """German names of codes (warehouse/reference/bezeichnungen.csv)."""
    path = resources.files("warehouse").joinpath("reference/bezeichnungen.csv")
    with path.open(encoding="utf-8") as handle:
        return {(r["dimension"], r["code"]): r["bezeichnung"] for r in csv.DictReader(handle)}


def _profile_labels() -> dict[tuple[str, str], str]:
    """The reference names, with the target groups and topics of the active profile instead
    of the shipped ones (a topic of the Land's list keeps its reference name)."""
    active = profile.current()
    labels = _labels()
    groups = {("zielgruppe", "alle"): "Alle Zielgruppen"} | {
        ("zielgruppe", g.code): g.name for g in active.target_groups
    }
    topics = {("handlungsfeld", "alle"): labels[("handlungsfeld", "alle")]} | {
        ("handlungsfeld", t.code): t.name or labels[("handlungsfeld", t.code)]
        for t in active.topics
    }
    others = {k: v for k, v in labels.items() if k[0] not in ("zielgruppe", "handlungsfeld")}
    return groups | topics | others


def own_topics() -> str:
    """The profile's own topics and the topic of the Land's list each belongs to
    (`Sprache → Bildung, …`); empty when the profile keeps the Land's list."""
    return ", ".join(
        f"{label('handlungsfeld', t.code)} → {label('handlungsfeld', t.land)}"
        for t in profile.current().topics
        if t.is_own
    )


def label(dimension: str, code: str) -> str:
    """German name of a code; the code itself when none is known."""
    if dimension == "staatsangehoerigkeit":
        return nationality(str(code))
    return _profile_labels().get((dimension, str(code)), str(code))


@cache
def _country_names() -> gettext.NullTranslations:
    """The German ISO 3166-1 names that come with pycountry."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])


def nationality(code: str) -> str:
    """`SYR` → `Syrien`: the German short name of a nationality code."""
    if code in NATIONALITIES:
        return NATIONALITIES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return _country_names().gettext(getattr(country, "common_name", country.name))


def codes(dimension: str) -> list[str]:
    """The codes of one dimension in their documented order."""
    return [code for (dim, code) in _profile_labels() if dim == dimension]


def values(frame: pd.DataFrame, fmt: str) -> list[str]:
    """The shown text of every row of a frame with `wert` and `unterdrueckt`."""
    return [
        value(w, bool(u), fmt) for w, u in zip(frame["wert"], frame["unterdrueckt"], strict=True)
    ]


def visible_values(frame: pd.DataFrame) -> pd.Series:
    """The values of a frame's rows a figure may draw: NaN where secret."""
    return frame["wert"].where(~frame["unterdrueckt"].astype(bool))


def first_value(frame: pd.DataFrame, fmt: str) -> str:
    """The shown text of a frame's first row; `x` when the frame is empty."""
    return values(frame, fmt)[0] if len(frame) else NOT_APPLICABLE


NUMBER_WORDS = (
    "null",
    "eine",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
)


def capital(text: str) -> str:
    """The text with its first letter upper case, the rest as it is (unlike `capitalize`)."""
    return text[:1].upper() + text[1:]


def towns_phrase() -> str:
    """`die neun Städte` (or `die Stadt` for a kreisfreie Stadt): the areas beneath the Kreis."""
    count = len(towns())
    if not profile.current().has_towns:
        return "die Stadt"
    word = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"die {word} Städte"


def kreis_name() -> str:
    """The Kreis's (or kreisfreie Stadt's) name from the active profile."""
    return profile.current().name


def kreis_source() -> str:
    """The Kreis as a source of deliveries (a kreisfreie Stadt also delivers its cases)."""
    active = profile.current()
    if active.has_towns:
        return "Kreis (Koordinierungsstelle, Ausländerbehörde)"
    return f"{active.name} (Fallmanagement, Koordinierungsstelle, Ausländerbehörde)"


def area_names() -> dict[str, str]:
    """German names of the towns and the Kreis by AGS (reference data)."""
    return {**{town.ags: town.name for town in towns()}, kreis_ags(): kreis_name()}


@cache
def indicator_names() -> dict[str, str]:
    """German names of the catalogued indicators by id."""
    return {row["id"]: row["name"] for row in indicators()}


def comment(note: Comment) -> str:
    """`Neue Fälle, Witten (Koordination, 12.03.2026): text` for cards, files and reports."""
    written = date.fromisoformat(note.erstellt_am[:10])
    return (
        f"{indicator_names().get(note.indikator, note.indikator)}, "
        f"{area_names().get(note.gebiet, note.gebiet)} ({note.autor}, {day(written)}): "
        f"{note.text}"
    )


def revisions(frame: pd.DataFrame) -> pd.DataFrame:
    """Revised values of a sign-off as shown: value then, value now (German labels)."""
    formats = {row["id"]: row["format"] for row in indicators()}

    def shown(wert: object, unterdrueckt: object, indikator: str) -> str:
        """One side of a revision as shown; a missing row says so."""
        if unterdrueckt is None or pd.isna(unterdrueckt):
            return "(kein Wert)"
        number_ = None if pd.isna(wert) else float(wert)
        return value(number_, bool(unterdrueckt), formats.get(indikator, "dezimal1"))

    rows = [
        {
            "Kennzahl": indicator_names().get(r.indikator, r.indikator),
            "Zeitraum": period(r.zeitraum),
            "Gebiet": area_names().get(r.gebiet, r.gebiet),
            "Zielgruppe": label("zielgruppe", r.zielgruppe),
            "Handlungsfeld": label("handlungsfeld", r.handlungsfeld),
            "Aufschlüsselung": breakdown(r.aufschluesselung),
            "Freigegeben": shown(r.wert_damals, r.unterdrueckt_damals, r.indikator),
            "Jetzt": shown(r.wert_jetzt, r.unterdrueckt_jetzt, r.indikator),
        }
        for r in frame.itertuples(index=False)
    ]
    columns = ["Kennzahl", "Zeitraum", "Gebiet", "Zielgruppe", "Handlungsfeld"]
    return pd.DataFrame(rows, columns=[*columns, "Aufschlüsselung", "Freigegeben", "Jetzt"])


def breakdown(aufschluesselung: str) -> str:
    """`partner=jobcenter` → `Partner: Jobcenter`; empty for the total row."""
    if not aufschluesselung:
        return ""
    dimension, _, code = aufschluesselung.partition("=")
    return f"{BREAKDOWNS.get(dimension, dimension)}: {label(dimension, code)}"


# Symbols of the goal status (shown beside the text, never alone): shapes, not triangles, so
# that none reads as a trend arrow (changes use ↑ ↓ →).
STATUS_ICONS = {
    "erreicht": "✔",
    "im_plan": "●",
    "leicht_verzoegert": "◆",
    "deutlich_verzoegert": "■",
    "nicht_bewertbar": "?",
}

# The figures every row of headline tiles starts with, for the Kreis and for a town.
HEADLINE_CASES = (
    "faelle_neu",
    "faelle_aktiv",
    "personen_erreicht",
    "quote_ziele_erreicht",
    "wartezeit_median_tage",
)


def status_label(status: str, text: str) -> str:
    """Goal status as symbol and text, for tables and downloads."""
    return f"{STATUS_ICONS.get(status, '?')} {text}"
