"""The export format as data: sources, tables, columns, types and code lists."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import pycountry

from warehouse.profile import FLAG_COLUMNS, LAND_TOPICS, Town, current

# The cumulative period ("seit Beginn"): every year whose cases are still held.
CUMULATIVE = "gesamt"


class Kind(StrEnum):
    """Value types of the export format (export format §3 and §4)."""

    PSEUDONYM = "pseudonym"
    AGS = "ags"
    DATE = "date"
    MONTH = "month"
    CODE = "code"
    BOOL = "bool"
    DECIMAL = "decimal"
    INTEGER = "integer"
    YEAR = "year"
    TEXT = "text"  # short free text, checked for signs of personal data


@dataclass(frozen=True)
class Column:
    """One column of an export table."""

    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    not_after_stichtag: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Table:
    """One export table: its columns, its unique key and who delivers it."""

    name: str
    source_kind: str  # "stadt", "abh" or "koordination"
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    references_faelle: bool = False
    label: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all specified columns, in specification order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(c for c in self.columns if c.name == name)


def kreis_ags() -> str:
    """AGS of the Kreis (or kreisfreie Stadt) of the active profile."""
    return current().ags


def towns() -> tuple[Town, ...]:
    """The areas cases belong to (the towns, or the kreisfreie Stadt itself), by AGS."""
    return current().towns


def town_codes() -> tuple[str, ...]:
    """AGS of the areas cases belong to."""
    return current().town_codes


def topic_codes() -> tuple[str, ...]:
    """Codes of the active profile's topics (`handlungsfeld`)."""
    return current().topic_codes


def authority_codes() -> tuple[str, ...]:
    """AGS of the Ausländerbehörden."""
    return tuple(a.ags for a in current().authorities)


def authority_towns(authority_ags: str) -> tuple[str, ...]:
    """Towns whose residents an Ausländerbehörde serves."""
    found = (a.towns for a in current().authorities if a.ags == authority_ags)
    return next(found, ())


def provider_codes() -> tuple[str, ...]:
    """Ids of the welfare providers that deliver case management as sources of their own."""
    return tuple(p.id for p in current().providers)


def source_towns(source: str) -> tuple[str, ...]:
    """The towns whose cases a source delivers: a town its own, a provider those it serves."""
    provider = next((p for p in current().providers if p.id == source), None)
    return provider.towns if provider else (source,)


def source_kinds(ags: str) -> tuple[str, ...]:
    """Which kinds of source an AGS delivers as (the Kreis is two sources, a kreisfreie
    Stadt three)."""
    kinds = []
    if ags in town_codes() or ags in provider_codes():
        kinds.append("stadt")
    if ags in authority_codes():
        kinds.append("abh")
    if ags == kreis_ags():
        kinds.append("koordination")
    return tuple(kinds)


# The Land's topics; a Kreis profile may name its own (`topic_codes`), which loading accepts.
TOPICS = LAND_TOPICS
TARGET_FLAGS = FLAG_COLUMNS
STATUS = ("aktiv", "ruhend", "abgeschlossen")
CLOSURE_REASONS = (
    "ziele_erreicht",
    "ziele_teilweise_erreicht",
    "weitervermittelt",
    "wegzug",
    "abbruch",
    "kein_kontakt",
    "sonstiges",
)
GENDERS = ("w", "m", "d", "k")
RESIDENCE = (
    "gestattung",
    "duldung",
    "ae_humanitaer",
    "ae_24",
    "ae_familie",
    "ae_erwerb_bildung",
    "eu_freizuegigkeit",
    "niederlassung",
    "deutsch",
    "sonstiger",
    "ungeklaert",
)
ACCESS = (
    "selbstmelder",
    "auslaenderbehoerde",
    "jobcenter",
    "sozialamt",
    "beratungsstelle",
    "ehrenamt",
    "schule_kita",
    "sonstige",
)
GOAL_STATUS = ("offen", "erreicht", "teilweise", "nicht_erreicht")
CONTACT_TYPES = ("persoenlich", "telefonisch", "digital", "aufsuchend")
PARTNERS = (
    "auslaenderbehoerde",
    "jobcenter",
    "agentur_fuer_arbeit",
    "integrationskurs",
    "migrationsberatung",
    "schule_kita",
    "gesundheitswesen",
    "wohnungswesen",
    "sozialamt",
    "ehrenamt_mso",
    "beratungsstelle",
    "sonstige",
)
REFERRAL_RESULTS = ("offen", "angenommen", "nicht_angenommen")
# Chancen-Aufenthaltsrecht (§ 104c AufenthG): applications from 31.12.2022 to 31.12.2025.
PROCEDURES = ("bleiberecht_25a", "bleiberecht_25b", "chancen_104c", "einbuergerung")
PROCEDURE_RESULTS = ("offen", "erteilt", "abgelehnt", "zurueckgenommen")
BAUSTEINE = ("1", "2", "3")
FUNCTIONS = ("koordination", "verwaltungsassistenz", "case_management", "auslaenderbehoerde")
FUNCTION_BAUSTEIN = {
    "koordination": "1",
    "verwaltungsassistenz": "1",
    "case_management": "2",
    "auslaenderbehoerde": "3",
}
DIRECTIONS = ("mindestens", "hoechstens")
# The way of a structural issue (export format §4.8): the pipeline, then the two side exits.
STRUCTURE_STATUS = (
    "eingebracht",
    "priorisiert",
    "in_bearbeitung",
    "umgesetzt",
    "zurueckgestellt",
    "verworfen",
)


@cache
def indicators() -> tuple[dict[str, str], ...]:
    """The indicator catalogue (reference/kennzahlen.csv), in catalogue order."""
    text = resources.files("warehouse").joinpath("reference/kennzahlen.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def indicator_ids() -> tuple[str, ...]:
    """Ids of all catalogued indicators."""
    return tuple(row["id"] for row in indicators())


@cache
def nationality_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-3 codes plus XXX (stateless), XXZ (unknown), XKX (Kosovo)."""
    return (*sorted(c.alpha_3 for c in pycountry.countries), "XKX", "XXX", "XXZ")


# Column names (normalised) that are direct identifiers: a file carrying one is
# refused whole and never stored (export format §5).
IDENTIFIER_TERMS = (
    "vorname",
    "nachname",
    "familienname",
    "geburtsdatum",
    "geburtsort",
    "strasse",
    "adresse",
    "anschrift",
    "telefon",
    "email",
    "e_mail",
    "iban",
    "aktenzeichen",
    "steuer_id",
    "steuerid",
    "versichertennummer",
)

P, A, D, M, C, B = Kind.PSEUDONYM, Kind.AGS, Kind.DATE, Kind.MONTH, Kind.CODE, Kind.BOOL

FAELLE = Table(
    name="faelle",
    source_kind="stadt",
    label="Fälle",
    unique=("fall_id",),
    columns=(
        Column("fall_id", P, required=True),
        Column("person_id", P, required=True),
        Column("ags", A, required=True),
        Column("fallbeginn", D, required=True, not_after_stichtag=True),
        Column("erstkontakt", D, not_after_stichtag=True),
        Column("fallende", D, not_after_stichtag=True),
        Column("status", C, required=True, codes=STATUS),
        Column("abschlussgrund", C, codes=CLOSURE_REASONS),
        Column("geschlecht", C, codes=GENDERS),
        Column("geburtsjahr", Kind.YEAR, minimum=1900),
        Column("staatsangehoerigkeit", C),
        Column("einreisedatum", M, not_after_stichtag=True),
        Column("aufenthaltsstatus", C, codes=RESIDENCE),
        *(Column(flag, B) for flag in TARGET_FLAGS),
        Column("zugang", C, codes=ACCESS),
        Column("strukturhinweis", B),
    ),
)
HANDLUNGSFELDER = Table(
    name="handlungsfelder",
    source_kind="stadt",
    label="Handlungsfelder",
    unique=("fall_id", "handlungsfeld"),
    references_faelle=True,
    columns=(
        Column("fall_id", P, required=True),
        Column("handlungsfeld", C, required=True, codes=TOPICS),
        Column("ziel_vereinbart_am", D, not_after_stichtag=True),
        Column("zielstatus", C, required=True, codes=GOAL_STATUS),
        Column("zielstatus_am", D, not_after_stichtag=True),
    ),
)
KONTAKTE = Table(
    name="kontakte",
    source_kind="stadt",
    label="Kontakte",
    unique=("kontakt_id",),
    references_faelle=True,
    columns=(
        Column("kontakt_id", P, required=True),
        Column("fall_id", P, required=True),
        Column("datum", D, required=True, not_after_stichtag=True),
        Column("art", C, required=True, codes=CONTACT_TYPES),
        Column("dauer_minuten", Kind.INTEGER, minimum=1, maximum=600),
        Column("dolmetscher", B),
    ),
)
VERMITTLUNGEN = Table(
    name="vermittlungen",
    source_kind="stadt",
    label="Vermittlungen",
    unique=("vermittlung_id",),
    references_faelle=True,
    columns=(
        Column("vermittlung_id", P, required=True),
        Column("fall_id", P, required=True),
        Column("datum", D, required=True, not_after_stichtag=True),
        Column("handlungsfeld", C, required=True, codes=TOPICS),
        Column("partner", C, required=True, codes=PARTNERS),
        Column("ergebnis", C, required=True, codes=REFERRAL_RESULTS),
    ),
)
VERFAHREN = Table(
    name="verfahren",
    source_kind="abh",
    label="Verfahren (Baustein III)",
    unique=("verfahren_id",),
    columns=(
        Column("verfahren_id", P, required=True),
        Column("person_id", P, required=True),
        Column("ags", A, required=True),
        Column("verfahrensart", C, required=True, codes=PROCEDURES),
        Column("staatsangehoerigkeit", C),
        Column("anstoss", D, not_after_stichtag=True),
        Column("antrag", D, not_after_stichtag=True),
        Column("entscheidung", D, not_after_stichtag=True),
        Column("ergebnis", C, required=True, codes=PROCEDURE_RESULTS),
    ),
)
STELLEN = Table(
    name="stellen",
    source_kind="koordination",
    label="Stellenplan",
    columns=(
        Column("baustein", C, required=True, codes=BAUSTEINE),
        Column("ags", A, required=True),
        Column("funktion", C, required=True, codes=FUNCTIONS),
        Column("vzae_soll", Kind.DECIMAL, required=True, minimum=0),
        Column("vzae_ist", Kind.DECIMAL, required=True, minimum=0),
        Column("gueltig_ab", D, required=True),
        Column("gueltig_bis", D),
    ),
)
ZIELE = Table(
    name="ziele",
    source_kind="koordination",
    label="Ziele",
    unique=("jahr", "indikator", "ags"),
    columns=(
        Column("jahr", Kind.YEAR, required=True, minimum=2000),
        Column("indikator", C, required=True, codes=indicator_ids()),
        Column("ags", A, required=True),
        Column("zielwert", Kind.DECIMAL, required=True, minimum=0),
        Column("richtung", C, codes=DIRECTIONS, default="mindestens"),
    ),
)

STRUKTURTHEMEN = Table(
    name="strukturthemen",
    source_kind="koordination",
    label="Strukturthemen",
    unique=("thema_id",),
    columns=(
        Column("thema_id", Kind.TEXT, required=True, maximum=40),
        Column("titel", Kind.TEXT, required=True, maximum=200),
        Column("handlungsfeld", C, codes=TOPICS),
        Column("ags", A),
        Column("eingebracht_am", D, required=True, not_after_stichtag=True),
        Column("status", C, required=True, codes=STRUCTURE_STATUS),
        Column("status_am", D, not_after_stichtag=True),
        Column("beschluss_lenkungsgruppe_am", D, not_after_stichtag=True),
        Column("massnahme", Kind.TEXT, maximum=300),
        Column("faelle_anzahl", Kind.INTEGER, minimum=0),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        FAELLE,
        HANDLUNGSFELDER,
        KONTAKTE,
        VERMITTLUNGEN,
        VERFAHREN,
        STELLEN,
        ZIELE,
        STRUKTURTHEMEN,
    )
}
TOWN_TABLES = ("faelle", "handlungsfelder", "kontakte", "vermittlungen")
# Columns holding pseudonyms (case, person, contact, referral and procedure ids): their values
# are never shown or published, not even the offending value of a row error (the dashboard's
# error list, and `kim build` hands them to dbt, whose staging models drop them).
PSEUDONYM_COLUMNS = frozenset(
    column.name
    for table in TABLES.values()
    for column in table.columns
    if column.kind is Kind.PSEUDONYM
)


def unit_tables(table: str) -> tuple[str, ...]:
    """The tables that must be delivered together with `table`."""
    return TOWN_TABLES if table in TOWN_TABLES else (table,)


def tables_for_source(ags: str) -> tuple[str, ...]:
    """Tables a source with this AGS may deliver."""
    kinds = source_kinds(ags)
    return tuple(t.name for t in TABLES.values() if t.source_kind in kinds)
