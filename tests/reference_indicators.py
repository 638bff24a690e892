"""Independent reference implementation of the KIM indicator catalogue (indicators.md §1–§2).

Written in pandas/numpy straight from the specification text, without looking at
the production (SQL/dbt) models, so that a test can compare `kim indicators` with it.
Suppression (§3) is deliberately not applied: every value here is unprotected.

Conventions of the result:
- one row per (indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung),
  emitted for every combination, zeros included, so a comparison detects missing rows;
- `wert` is a float: counts with nothing to count are 0; rates, medians and ratios
  without a base are NaN; percentages are 0–100; medians are in days (pandas median:
  with an even count, the mean of the two middle values);
- `aufschluesselung` is "" for the total and `dimension=code` for a breakdown
  (`geschlecht=w`, `altersgruppe=18-26`, `aufenthaltsstatus=unbekannt`,
  `partner=jobcenter`, `baustein=2`, `verfahrensart=einbuergerung`,
  `staatsangehoerigkeit=SYR`).

How the data are modelled:
- a case is identified by (quelle, fall_id); its area is its `ags`; the child tables
  (handlungsfelder, kontakte, vermittlungen) reach their case through (quelle, fall_id);
- every row is counted once for its town and once more for the Kreis `05954`;
- each case is expanded to the (zielgruppe, handlungsfeld) cells it belongs to; the
  values of a cell are sums, medians or distinct counts over the rows of that cell.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from warehouse.schema import town_codes

# ---------------------------------------------------------------------------
# Code lists, transcribed from the specification (export-format.md §4 and
# indicators.md §1). A test checks that they agree with warehouse.schema.
# ---------------------------------------------------------------------------

KREIS = "05954"
# The 22 indicator ids of indicators.md §2, in catalogue order.
INDICATORS = (
    "faelle_neu",
    "faelle_aktiv",
    "faelle_abgeschlossen",
    "faelle_bestand",
    "personen_erreicht",
    "quote_ziele_erreicht",
    "quote_ziele_teilweise",
    "falldauer_median_tage",
    "wartezeit_median_tage",
    "kontakte",
    "kontakte_je_fall",
    "vermittlungen",
    "quote_vermittlung_angenommen",
    "quote_handlungsfeld_ziel_erreicht",
    "strukturhinweise",
    "vzae_soll",
    "vzae_ist",
    "besetzungsquote",
    "faelle_je_vzae",
    "b3_angesprochen",
    "b3_antraege",
    "b3_erteilt",
)
TOPICS = (
    "aufenthalt",
    "erstorientierung",
    "bildung",
    "arbeit",
    "wohnen",
    "gesundheit",
    "sonstiges",
)
FLAGS = (
    "alleinerziehend",
    "junger_mensch_ohne_familie",
    "analphabetismus",
    "ohne_berufsausbildung",
    "geringe_deutschkenntnisse",
)
ZIELGRUPPEN = ("alle", "neuzugewandert", *FLAGS)
HANDLUNGSFELDER = ("alle", *TOPICS)
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
PROCEDURES = ("bleiberecht_25a", "bleiberecht_25b", "chancen_104c", "einbuergerung")
BAUSTEINE = ("1", "2", "3")
UNKNOWN = "unbekannt"
# Age groups: (label, lowest age, highest age); age = Stichtag year − geburtsjahr.
AGE_GROUPS = (
    ("0-17", 0, 17),
    ("18-26", 18, 26),
    ("27-44", 27, 44),
    ("45-64", 45, 64),
    ("65+", 65, 10_000),
)
AGE_LABELS = (*(g[0] for g in AGE_GROUPS), UNKNOWN)

# Breakdowns (zielgruppe = handlungsfeld = alle): dimension -> every label that gets a row.
CASE_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "geschlecht": (*GENDERS, UNKNOWN),
    "altersgruppe": AGE_LABELS,
    "aufenthaltsstatus": (*RESIDENCE, UNKNOWN),
}
REFERRAL_BREAKDOWNS: dict[str, tuple[str, ...]] = {**CASE_BREAKDOWNS, "partner": PARTNERS}

OUTPUT_COLUMNS = [
    "indikator",
    "zeitraum",
    "gebiet",
    "zielgruppe",
    "handlungsfeld",
    "aufschluesselung",
    "wert",
]

# Columns used from each aktuell.* view (a missing table or column counts as empty).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "faelle": (
        "quelle",
        "stichtag",
        "fall_id",
        "person_id",
        "ags",
        "fallbeginn",
        "erstkontakt",
        "fallende",
        "abschlussgrund",
        "geschlecht",
        "geburtsjahr",
        "einreisedatum",
        "aufenthaltsstatus",
        *FLAGS,
        "strukturhinweis",
    ),
    "handlungsfelder": ("quelle", "fall_id", "handlungsfeld", "zielstatus", "zielstatus_am"),
    "kontakte": ("quelle", "fall_id", "datum"),
    "vermittlungen": ("quelle", "fall_id", "datum", "handlungsfeld", "partner", "ergebnis"),
    "verfahren": (
        "ags",
        "verfahrensart",
        "staatsangehoerigkeit",
        "anstoss",
        "antrag",
        "entscheidung",
        "ergebnis",
    ),
    "stellen": (
        "baustein",
        "ags",
        "funktion",
        "vzae_soll",
        "vzae_ist",
        "gueltig_ab",
        "gueltig_bis",
    ),
    "ziele": ("jahr", "indikator", "ags", "zielwert", "richtung"),
}
VIEWS = tuple(TABLE_COLUMNS)


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


# The published table design (docs/confidentiality.md): indicators published for all target
# groups and topics only, and the first period level (1 month, 2 quarter, 3 half-year,
# 4 year) from which a combination is published.
ONLY_FOR_ALL = {
    "faelle_abgeschlossen",
    "faelle_bestand",
    "wartezeit_median_tage",
    "kontakte",
    "kontakte_je_fall",
    "strukturhinweise",
}
# Not for a target group and a topic together: the closed cases behind them are unknowns of
# the check, and none is published.
NOT_FOR_GROUP_AND_TOPIC = {"quote_ziele_erreicht", "quote_ziele_teilweise", "falldauer_median_tage"}


def period_level(period: str) -> int:
    """1 for a month, 2 quarter, 3 half-year, 4 year, 5 since the beginning."""
    if period == "gesamt":
        return 5
    if "-Q" in period:
        return 2
    if "-H" in period:
        return 3
    return 1 if "-" in period else 4


def first_level(area: str, group: str, topic: str, breakdown: str) -> int | None:
    """The period level a combination is published from; None if it is not published."""
    kreis = area == KREIS
    dimension = breakdown.split("=")[0]
    if breakdown == "" and group == "alle" and topic == "alle":
        return 1
    if dimension == "baustein" and kreis:
        return 1
    if dimension == "staatsangehoerigkeit":
        return 4 if kreis else None
    if dimension in ("verfahrensart", "baustein"):
        return 2
    if not kreis:
        return None if breakdown or (group != "alle" and topic != "alle") else 3
    if dimension == "partner":
        return 2 if topic == "alle" else 4
    return 3


def designed(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the cells the table design publishes."""

    def published(row) -> bool:
        groups = (row.zielgruppe, row.handlungsfeld)
        if row.indikator in ONLY_FOR_ALL and groups != ("alle", "alle"):
            return False
        if row.indikator in NOT_FOR_GROUP_AND_TOPIC and "alle" not in groups:
            return False
        if row.zeitraum == "gesamt" and (
            row.gebiet != KREIS
            or row.indikator not in ("faelle_neu", "personen_erreicht")
            or groups != ("alle", "alle")
            or row.aufschluesselung
        ):
            return False
        level = first_level(row.gebiet, row.zielgruppe, row.handlungsfeld, row.aufschluesselung)
        return level is not None and period_level(row.zeitraum) >= level

    keep = [published(row) for row in frame.itertuples(index=False)]
    return frame[keep].reset_index(drop=True)


def load_current(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Read the aktuell.* views into DataFrames (read-only connection)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {view: con.execute(f"SELECT * FROM aktuell.{view}").df() for view in VIEWS}
    finally:
        con.close()


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (both inclusive) of `2025`, `2025-H1`, `2025-Q3` or `2025-03`."""
    match = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?", period)
    if not match:
        raise ValueError(f"unknown period: {period!r}")
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 6 * (int(part[1]) - 1) + 1
        last = first + 5
    elif part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
    return pd.Timestamp(year, first, 1), pd.Timestamp(
        year, last, calendar.monthrange(year, last)[1]
    )


def _cumulative_bounds(
    tables: dict[str, pd.DataFrame], fallbeginn: pd.Series, procedure_dates: Iterable[pd.Series]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """ "Seit Beginn": from 1 January of the first year with a case or procedure date to
    31 December of the year of the latest Stichtag."""
    first = min(s.min() for s in (fallbeginn, *procedure_dates) if s.notna().any())
    last = max(_date(t["stichtag"]).max() for t in tables.values() if "stichtag" in t)
    return pd.Timestamp(first.year, 1, 1), pd.Timestamp(last.year, 12, 31)


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A copy of a table with every used column (absent table or column: empty)."""
    df = tables.get(name)
    df = pd.DataFrame() if df is None else df.copy()
    for col in TABLE_COLUMNS[name]:
        if col not in df.columns:
            df[col] = pd.Series([None] * len(df), index=df.index, dtype=object)
    return df.reset_index(drop=True)


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _date(s: pd.Series) -> pd.Series:
    """Dates as datetime64 (accepts DATE, datetime, ISO strings, None)."""
    return pd.to_datetime(s, errors="coerce")


def _flag(s: pd.Series) -> np.ndarray:
    """Booleans with missing = False."""
    return np.array([False if _missing(v) else bool(v) for v in s], dtype=bool)


def _text(s: pd.Series) -> pd.Series:
    """Codes and ids as Python strings (object dtype), missing = None."""
    return pd.Series([None if _missing(v) else str(v) for v in s], index=s.index, dtype=object)


def _between(s: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """start ≤ s ≤ end (missing: False)."""
    return ((s >= start) & (s <= end)).to_numpy(dtype=bool)


def _codes(values: Iterable, labels: Sequence[str]) -> np.ndarray:
    """Position of each value in `labels` (-1 when not there)."""
    return pd.Categorical(list(values), categories=list(labels)).codes.astype(np.int64)


def _percent(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / den, np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


# ---------------------------------------------------------------------------
# Cells: every output row of an indicator is a cell of a fixed grid
# ---------------------------------------------------------------------------


class _Grid:
    """The cells (gebiet × zielgruppe × handlungsfeld or gebiet × label) of indicators."""

    def __init__(self, keys: pd.DataFrame) -> None:
        self.keys = keys.reset_index(drop=True)
        self.size = len(self.keys)

    @classmethod
    def cases(cls, areas: list[str]) -> _Grid:
        index = pd.MultiIndex.from_product([areas, ZIELGRUPPEN, HANDLUNGSFELDER])
        keys = index.to_frame(index=False, name=["gebiet", "zielgruppe", "handlungsfeld"])
        return cls(keys.assign(aufschluesselung=""))

    @classmethod
    def breakdown(
        cls, areas: list[str], dim: str, labels: Sequence[str], topic: str = "alle"
    ) -> _Grid:
        index = pd.MultiIndex.from_product([areas, labels])
        keys = index.to_frame(index=False, name=["gebiet", "label"])
        return cls(
            pd.DataFrame(
                {
                    "gebiet": keys["gebiet"],
                    "zielgruppe": "alle",
                    "handlungsfeld": topic,
                    "aufschluesselung": dim + "=" + keys["label"],
                }
            )
        )

    @classmethod
    def areas_only(cls, areas: list[str]) -> _Grid:
        return cls(
            pd.DataFrame(
                {
                    "gebiet": areas,
                    "zielgruppe": "alle",
                    "handlungsfeld": "alle",
                    "aufschluesselung": "",
                }
            )
        )

    def count(self, cell: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
        """Sum of `weight` (default 1) per cell; `cell` holds the cell number of each row."""
        return np.bincount(
            cell, weights=None if weight is None else weight.astype(float), minlength=self.size
        ).astype(float)

    def median(self, cell: np.ndarray, value: np.ndarray) -> np.ndarray:
        """Median of the non-missing values per cell (NaN for an empty cell)."""
        keep = ~np.isnan(value)
        medians = pd.Series(value[keep]).groupby(cell[keep]).median()
        return medians.reindex(range(self.size)).to_numpy(dtype=float)

    def distinct(self, cell: np.ndarray, item: np.ndarray) -> np.ndarray:
        """Number of distinct items per cell."""
        pairs = np.unique(np.stack([cell, item]), axis=1) if len(cell) else np.empty((2, 0), int)
        return self.count(pairs[0].astype(np.int64))

    def rows(self, indikator: str, zeitraum: str, values: np.ndarray) -> pd.DataFrame:
        out = self.keys.copy()
        out.insert(0, "zeitraum", zeitraum)
        out.insert(0, "indikator", indikator)
        out["wert"] = np.asarray(values, dtype=float)
        return out


def _with_kreis(area: np.ndarray, areas: list[str], *arrays: np.ndarray) -> list[np.ndarray]:
    """Each row once for its own town and once for the Kreis: area codes plus repeated arrays."""
    codes = _codes(area, areas)
    kreis = np.full(len(codes), areas.index(KREIS), dtype=np.int64)
    return [np.concatenate([codes, kreis]), *(np.concatenate([a, a]) for a in arrays)]


# ---------------------------------------------------------------------------
# Case model
# ---------------------------------------------------------------------------


def _cases(faelle: pd.DataFrame) -> pd.DataFrame:
    """One row per case (index = case number) with the derived attributes."""
    f = faelle
    quelle = f["quelle"].where(f["quelle"].notna(), f["ags"])
    c = pd.DataFrame(
        {
            "quelle": _text(quelle),
            "fall_id": _text(f["fall_id"]),
            "area": _text(f["ags"]),
            "person": pd.factorize(_text(f["person_id"]), use_na_sentinel=True)[0],
            "fallbeginn": _date(f["fallbeginn"]),
            "fallende": _date(f["fallende"]),
            "abschlussgrund": _text(f["abschlussgrund"]),
            "strukturhinweis": _flag(f["strukturhinweis"]),
        }
    )
    c["dauer"] = (c["fallende"] - c["fallbeginn"]).dt.days.astype(float)
    c["wartezeit"] = (c["fallbeginn"] - _date(f["erstkontakt"])).dt.days.astype(float)

    # Target groups. neuzugewandert: whole calendar months from arrival to case start,
    # (12·year + month of fallbeginn) − (12·year + month of einreisedatum), in 0 … 24.
    arrival = _date(f["einreisedatum"])
    months = (c["fallbeginn"].dt.year * 12 + c["fallbeginn"].dt.month) - (
        arrival.dt.year * 12 + arrival.dt.month
    )
    c["zg_alle"] = True
    c["zg_neuzugewandert"] = ((months >= 0) & (months <= 24)).to_numpy(dtype=bool)
    for flag in FLAGS:
        c[f"zg_{flag}"] = _flag(f[flag])

    # Breakdown attributes.
    gender = _text(f["geschlecht"])
    c["geschlecht"] = gender.where(gender.isin(GENDERS), UNKNOWN)
    residence = _text(f["aufenthaltsstatus"])
    c["aufenthaltsstatus"] = residence.where(residence.isin(RESIDENCE), UNKNOWN)
    born = pd.to_numeric(f["geburtsjahr"], errors="coerce").astype("float64")
    age = _date(f["stichtag"]).dt.year.astype("float64") - born
    group = pd.Series(UNKNOWN, index=c.index, dtype=object)
    for label, low, high in AGE_GROUPS:
        group[(age >= low) & (age <= high)] = label
    c["altersgruppe"] = group
    return c


def _attach_case(rows: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Rows of a child table with the number of their case in `case` (orphans drop)."""
    rows = rows.copy()
    rows["quelle"] = _text(rows["quelle"])
    rows["fall_id"] = _text(rows["fall_id"])
    keys = cases[["quelle", "fall_id"]].rename_axis("case").reset_index()
    return rows.merge(keys, on=["quelle", "fall_id"], how="inner").reset_index(drop=True)


def _target_groups(cases: pd.DataFrame) -> pd.DataFrame:
    """Long table (case, zg): every target group each case belongs to."""
    parts = [
        pd.DataFrame({"case": cases.index[cases[f"zg_{zg}"].to_numpy(dtype=bool)], "zg": zg})
        for zg in ZIELGRUPPEN
    ]
    return pd.concat(parts, ignore_index=True)


def _cells(
    grid_areas: list[str], members: pd.DataFrame, cases: pd.DataFrame, item: str
) -> tuple[np.ndarray, np.ndarray]:
    """(cell, item) of each membership row (case, zg, hf), for the town and the Kreis."""
    area = cases["area"].to_numpy()[members["case"].to_numpy(dtype=np.int64)]
    zg = _codes(members["zg"], ZIELGRUPPEN)
    hf = _codes(members["hf"], HANDLUNGSFELDER)
    area_code, zg, hf, items = _with_kreis(
        area, grid_areas, zg, hf, members[item].to_numpy(dtype=np.int64)
    )
    cell = (area_code * len(ZIELGRUPPEN) + zg) * len(HANDLUNGSFELDER) + hf
    ok = (area_code >= 0) & (zg >= 0) & (hf >= 0)
    return cell[ok], items[ok]


def _own_topic(rows: pd.DataFrame, topic: pd.Series) -> pd.DataFrame:
    """(case, hf, row) for rows that carry their own topic: once as `alle`, once as the topic."""
    base = pd.DataFrame({"case": rows["case"].to_numpy(), "row": np.arange(len(rows))})
    return pd.concat([base.assign(hf="alle"), base.assign(hf=topic.to_numpy())], ignore_index=True)


def top_nationalities(nationality: pd.Series) -> tuple[str, ...]:
    """The nationalities Baustein III shows on their own: at most 5, each in at least 10
    procedures, most frequent first (ties by code); `XXZ` (unknown) is never one."""
    known = nationality[nationality.notna() & (nationality != "XXZ")]
    counts = known.value_counts().rename_axis("code").reset_index(name="n")
    counts = counts[counts["n"] >= 10].sort_values(["n", "code"], ascending=[False, True])
    return tuple(counts["code"].head(5))


def _label_cells(
    grid_areas: list[str], area: np.ndarray, labels: np.ndarray, codes: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(cell, row) of each row in an (area × label) grid, for the town and the Kreis."""
    area_code, label, row = _with_kreis(
        area, grid_areas, _codes(labels, codes), np.arange(len(area))
    )
    ok = (area_code >= 0) & (label >= 0)
    return (area_code * len(codes) + label)[ok], row[ok]


# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------


def compute(tables: dict[str, pd.DataFrame], periods: list[str]) -> pd.DataFrame:
    """Unprotected indicator values for the given periods (e.g. ["2025", "2025-H1",
    "2025-Q2", "2025-03"]).

    Columns: indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung,
    wert (float, NaN when undefined).
    """
    towns = list(town_codes())
    areas = [*towns, KREIS]
    case_grid = _Grid.cases(areas)
    area_grid = _Grid.areas_only(areas)

    # Cases and their (zielgruppe, handlungsfeld) membership.
    cases = _cases(_table(tables, "faelle"))
    groups = _target_groups(cases)
    topics = _attach_case(_table(tables, "handlungsfelder"), cases)
    topics["handlungsfeld"] = _text(topics["handlungsfeld"])
    case_topics = pd.concat(
        [
            pd.DataFrame({"case": cases.index, "hf": "alle"}),
            topics[["case", "handlungsfeld"]]
            .drop_duplicates()
            .rename(columns={"handlungsfeld": "hf"}),
        ],
        ignore_index=True,
    )
    members = groups.merge(case_topics, on="case")
    case_cell, case_of = _cells(areas, members, cases, "case")

    # Contacts: counted per case, then through the case's cells.
    contacts = _attach_case(_table(tables, "kontakte"), cases)
    contact_case = contacts["case"].to_numpy(dtype=np.int64)
    contact_date = _date(contacts["datum"])

    # Referrals: the topic is the referral's own handlungsfeld.
    referrals = _attach_case(_table(tables, "vermittlungen"), cases)
    referral_date = _date(referrals["datum"])
    referral_result = _text(referrals["ergebnis"]).to_numpy()
    referral_members = _own_topic(referrals, _text(referrals["handlungsfeld"])).merge(
        groups, on="case"
    )
    referral_cell, referral_of = _cells(areas, referral_members, cases, "row")
    referral_case = referrals["case"].to_numpy(dtype=np.int64)
    referral_area = cases["area"].to_numpy()[referral_case]
    referral_breakdowns = {}
    for dim, labels in REFERRAL_BREAKDOWNS.items():
        values = (
            _text(referrals["partner"]).to_numpy()
            if dim == "partner"
            else cases[dim].to_numpy()[referral_case]
        )
        grid = _Grid.breakdown(areas, dim, labels)
        referral_breakdowns[dim] = (grid, *_label_cells(areas, referral_area, values, labels))
    # Referrals by partner within each topic (the referral's own topic).
    referral_topic = _text(referrals["handlungsfeld"]).to_numpy()
    referral_partner = _text(referrals["partner"]).to_numpy()
    for topic in TOPICS:
        mask = referral_topic == topic
        grid = _Grid.breakdown(areas, "partner", PARTNERS, topic)
        cell, row = _label_cells(areas, referral_area[mask], referral_partner[mask], PARTNERS)
        referral_breakdowns[f"partner/{topic}"] = (grid, cell, np.flatnonzero(mask)[row])

    # Topic goals (14): the topic rows themselves; `alle` = all topic rows.
    goal_status = _text(topics["zielstatus"]).to_numpy()
    goal_date = _date(topics["zielstatus_am"])
    goal_members = _own_topic(topics, topics["handlungsfeld"]).merge(groups, on="case")
    goal_cell, goal_of = _cells(areas, goal_members, cases, "row")

    # Breakdowns of faelle_aktiv.
    case_breakdowns = {}
    for dim, labels in CASE_BREAKDOWNS.items():
        grid = _Grid.breakdown(areas, dim, labels)
        case_breakdowns[dim] = (
            grid,
            *_label_cells(areas, cases["area"].to_numpy(), cases[dim].to_numpy(), labels),
        )

    staffing = _table(tables, "stellen")
    for col in ("baustein", "ags", "funktion"):
        staffing[col] = _text(staffing[col])
    for col in ("gueltig_ab", "gueltig_bis"):
        staffing[col] = _date(staffing[col])
    for col in ("vzae_soll", "vzae_ist"):
        staffing[col] = pd.to_numeric(staffing[col], errors="coerce").astype("float64")
    baustein_grid = _Grid.breakdown([KREIS], "baustein", BAUSTEINE)

    procedures = _table(tables, "verfahren")
    procedure_result = _text(procedures["ergebnis"]).to_numpy()
    procedure_area = _text(procedures["ags"]).to_numpy()
    procedure_area_cell, procedure_area_of = _label_cells(
        areas, procedure_area, np.full(len(procedures), "-", dtype=object), ("-",)
    )
    procedure_grid = _Grid.breakdown(areas, "verfahrensart", PROCEDURES)
    procedure_kind_cell, procedure_kind_of = _label_cells(
        areas, procedure_area, _text(procedures["verfahrensart"]).to_numpy(), PROCEDURES
    )
    procedure_dates = {col: _date(procedures[col]) for col in ("anstoss", "antrag", "entscheidung")}
    nationality = _text(procedures["staatsangehoerigkeit"])
    shown = top_nationalities(nationality)
    nationality_labels = (*shown, "andere")
    nationality_grid = _Grid.breakdown(areas, "staatsangehoerigkeit", nationality_labels)
    nationality_cell, nationality_of = _label_cells(
        areas,
        procedure_area,
        np.where(nationality.isin(shown), nationality, "andere"),
        nationality_labels,
    )

    fb, fe = cases["fallbeginn"], cases["fallende"]
    grund = cases["abschlussgrund"]
    reached = (grund == "ziele_erreicht").to_numpy(dtype=bool)
    partly = grund.isin(["ziele_erreicht", "ziele_teilweise_erreicht"]).to_numpy(dtype=bool)
    not_moved = (grund != "wegzug").to_numpy(dtype=bool)  # a missing reason is not wegzug
    dauer = cases["dauer"].to_numpy(dtype=float)
    wartezeit = cases["wartezeit"].to_numpy(dtype=float)
    struktur = cases["strukturhinweis"].to_numpy(dtype=bool)
    person = cases["person"].to_numpy(dtype=np.int64)

    parts: list[pd.DataFrame] = []
    for period in periods:
        if period == "gesamt":
            start, end = _cumulative_bounds(tables, fb, procedure_dates.values())
        else:
            start, end = period_bounds(period)

        def emit(grid: _Grid, name: str, values: np.ndarray, period: str = period) -> None:
            parts.append(grid.rows(name, period, values))

        # -- 1–11, 15: case-based ----------------------------------------------------
        neu = _between(fb, start, end)
        aktiv = ((fb <= end) & (fe.isna() | (fe >= start))).to_numpy(dtype=bool)
        closed = _between(fe, start, end)
        bestand = ((fb <= end) & (fe.isna() | (fe > end))).to_numpy(dtype=bool)
        contacts_in_p = np.bincount(
            contact_case[_between(contact_date, start, end)], minlength=len(cases)
        )

        def case_count(per_case: np.ndarray) -> np.ndarray:
            return case_grid.count(case_cell, per_case[case_of])

        n_neu, n_aktiv, n_closed = case_count(neu), case_count(aktiv), case_count(closed)
        n_bestand = case_count(bestand)
        base = case_count(closed & not_moved)
        n_contacts = case_count(contacts_in_p)
        active_rows = aktiv[case_of] & (person[case_of] >= 0)
        emit(case_grid, "faelle_neu", n_neu)
        emit(case_grid, "faelle_aktiv", n_aktiv)
        emit(case_grid, "faelle_abgeschlossen", n_closed)
        emit(case_grid, "faelle_bestand", n_bestand)
        emit(
            case_grid,
            "personen_erreicht",
            case_grid.distinct(case_cell[active_rows], person[case_of][active_rows]),
        )
        emit(case_grid, "quote_ziele_erreicht", _percent(case_count(closed & reached), base))
        emit(case_grid, "quote_ziele_teilweise", _percent(case_count(closed & partly), base))
        emit(
            case_grid,
            "falldauer_median_tage",
            case_grid.median(case_cell, np.where(closed, dauer, np.nan)[case_of]),
        )
        emit(
            case_grid,
            "wartezeit_median_tage",
            case_grid.median(case_cell, np.where(neu, wartezeit, np.nan)[case_of]),
        )
        emit(case_grid, "kontakte", n_contacts)
        emit(case_grid, "kontakte_je_fall", _ratio(n_contacts, n_aktiv))

        # -- 12, 13: referrals ---------------------------------------------------------
        ref_in_p = _between(referral_date, start, end)
        n_ref = case_grid.count(referral_cell, ref_in_p[referral_of])
        accepted = ref_in_p & (referral_result == "angenommen")
        decided = ref_in_p & (referral_result != "offen")
        emit(case_grid, "vermittlungen", n_ref)
        emit(
            case_grid,
            "quote_vermittlung_angenommen",
            _percent(
                case_grid.count(referral_cell, accepted[referral_of]),
                case_grid.count(referral_cell, decided[referral_of]),
            ),
        )

        # -- 14: topic goals -------------------------------------------------------------
        goal_in_p = _between(goal_date, start, end)
        goal_reached = goal_in_p & (goal_status == "erreicht")
        goal_rated = goal_in_p & (goal_status != "offen")
        emit(
            case_grid,
            "quote_handlungsfeld_ziel_erreicht",
            _percent(
                case_grid.count(goal_cell, goal_reached[goal_of]),
                case_grid.count(goal_cell, goal_rated[goal_of]),
            ),
        )

        # -- 15 ------------------------------------------------------------------------
        emit(case_grid, "strukturhinweise", case_count(neu & struktur))

        # -- breakdowns of 2 and 12 ------------------------------------------------------
        for grid, cell, row in case_breakdowns.values():
            emit(grid, "faelle_aktiv", grid.count(cell, aktiv[row]))
        for grid, cell, row in referral_breakdowns.values():
            emit(grid, "vermittlungen", grid.count(cell, ref_in_p[row]))

        # -- 16–19: staffing on the period end -----------------------------------------
        valid = staffing.loc[
            (staffing["gueltig_ab"] <= end)
            & (staffing["gueltig_bis"].isna() | (staffing["gueltig_bis"] >= end))
        ]
        case_management = valid.loc[
            (valid["baustein"] == "2") & (valid["funktion"] == "case_management")
        ]
        town_posts = case_management.groupby("ags")[["vzae_soll", "vzae_ist"]].sum()
        town_posts = town_posts.reindex(towns, fill_value=0.0)
        soll = np.append(town_posts["vzae_soll"].to_numpy(), valid["vzae_soll"].sum())
        ist = np.append(town_posts["vzae_ist"].to_numpy(), valid["vzae_ist"].sum())
        by_baustein = valid.groupby("baustein")[["vzae_soll", "vzae_ist"]].sum()
        by_baustein = by_baustein.reindex(list(BAUSTEINE), fill_value=0.0)
        b_soll, b_ist = by_baustein["vzae_soll"].to_numpy(), by_baustein["vzae_ist"].to_numpy()
        emit(area_grid, "vzae_soll", soll)
        emit(baustein_grid, "vzae_soll", b_soll)
        emit(area_grid, "vzae_ist", ist)
        emit(baustein_grid, "vzae_ist", b_ist)
        emit(area_grid, "besetzungsquote", _percent(ist, soll))
        emit(baustein_grid, "besetzungsquote", _percent(b_ist, b_soll))

        # 19: faelle_bestand (alle, alle) ÷ Baustein II Ist; Kreis: sum of towns ÷ sum of towns.
        at_alle = (case_grid.keys["zielgruppe"] == "alle") & (
            case_grid.keys["handlungsfeld"] == "alle"
        )
        bestand_by_area = (
            pd.Series(n_bestand[at_alle.to_numpy()], index=case_grid.keys.loc[at_alle, "gebiet"])
            .reindex(towns)
            .to_numpy()
        )
        town_ist = town_posts["vzae_ist"].to_numpy()
        emit(
            area_grid,
            "faelle_je_vzae",
            _ratio(
                np.append(bestand_by_area, bestand_by_area.sum()),
                np.append(town_ist, town_ist.sum()),
            ),
        )

        # -- 20–22: Baustein III, by town of residence -----------------------------------
        selections = {
            "b3_angesprochen": _between(procedure_dates["anstoss"], start, end),
            "b3_antraege": _between(procedure_dates["antrag"], start, end),
            "b3_erteilt": _between(procedure_dates["entscheidung"], start, end)
            & (procedure_result == "erteilt"),
        }
        for name, selected in selections.items():
            emit(area_grid, name, area_grid.count(procedure_area_cell, selected[procedure_area_of]))
            emit(
                procedure_grid,
                name,
                procedure_grid.count(procedure_kind_cell, selected[procedure_kind_of]),
            )
            if shown:
                emit(
                    nationality_grid,
                    name,
                    nationality_grid.count(nationality_cell, selected[nationality_of]),
                )

    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    result = pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]
    result["wert"] = result["wert"].astype(float)
    return result


__all__ = ["compute", "load_current", "period_bounds"]
