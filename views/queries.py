"""Every query the dashboard runs, on short-lived read-only connections to the serving file.

Results are cached per published build: the cache key includes the serving file's inode
and modification time, which change with every `kim build` (atomic rename), so a new
build shows at once without a restart and an old result is never served for it. Inside
`session()` (one web request) the queries share one connection, opened on the first cache
miss and closed when the request ends; outside, every query opens and closes its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.errors import NotPublished
from warehouse.settings import load_settings

# The other dimension of a target group or topic breakdown (always `alle` or one code).
_OTHER = {"zielgruppe": "handlungsfeld", "handlungsfeld": "zielgruppe"}
# Connections of the current session (request), by build version.
_SESSION: ContextVar[dict[tuple[str, int, int], duckdb.DuckDBPyConnection] | None] = ContextVar(
    "kim_query_session", default=None
)
# A published file read instead of the serving one (a signed-off period's frozen values).
_SOURCE: ContextVar[Path | None] = ContextVar("kim_query_source", default=None)
# What the current user may see (None: everything, e.g. the command line).
_SCOPE: ContextVar[Scope | None] = ContextVar("kim_query_scope", default=None)
# Opening a DuckDB file costs more than most of these queries; no extensions are used.
_CONFIG = {"threads": 1, "autoload_known_extensions": False, "autoinstall_known_extensions": False}


@dataclass(frozen=True)
class Scope:
    """The areas (AGS) and delivering sources a user may see; every query is cut to them."""

    areas: frozenset[str]
    sources: frozenset[str]

    def cut(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Only the rows of permitted areas (`gebiet`) and sources (`quelle`)."""
        keep = pd.Series(True, index=frame.index)
        if "gebiet" in frame.columns:
            keep &= frame["gebiet"].isin(self.areas)
        if "quelle" in frame.columns:
            keep &= frame["quelle"].isin(self.sources)
        return frame[keep].reset_index(drop=True)


def scope() -> Scope | None:
    """The current user's scope (None: no limit)."""
    return _SCOPE.get()


def serving_path() -> Path:
    """The database queries read: KIM_HOME/kim.duckdb, or the file set by `reading()`."""
    return _SOURCE.get() or load_settings().serving_path


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Let the queries inside read another published file (e.g. frozen values)."""
    token = _SOURCE.set(path)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def _version(path: Path) -> tuple[str, int, int]:
    """Identity of the currently published file: changes with every build."""
    try:
        stat = os.stat(path)
    except FileNotFoundError as err:
        raise NotPublished("Es wurde noch kein Stand veröffentlicht (kim build).") from err
    return str(path), stat.st_ino, stat.st_mtime_ns


def _marks(values: Sequence[object]) -> str:
    """Placeholders of an IN list (constant lists let DuckDB skip row groups by min/max)."""
    return ", ".join("?" * len(values)) or "NULL"


def build_version() -> tuple[str, int, int]:
    """Identity of the published build (for caches of anything computed from it)."""
    return _version(serving_path())


def _query(sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one query on the current build (cached per build); callers get a copy cut to
    the user's scope.

    Every query that returns rows of an area or a source names it in a `gebiet` or
    `quelle` column, so the cut cannot be forgotten by a page or a callback.
    """
    key = tuple(tuple(p) if isinstance(p, list | tuple) else p for p in params)
    frame = _cached(build_version(), sql, key)
    limit = _SCOPE.get()
    return frame.copy() if limit is None else limit.cut(frame)


# `session()` without a limit keeps the scope it runs in (a nested session never widens it).
_KEEP: object = object()


@contextmanager
def session(limit: Scope | object | None = _KEEP) -> Iterator[None]:
    """Let the queries inside share one read-only connection (closed at the end) and see
    only what `limit` permits (default: what the enclosing code may see)."""
    connections: dict[tuple[str, int, int], duckdb.DuckDBPyConnection] = {}
    token = _SESSION.set(connections)
    scoped = _SCOPE.set(_SCOPE.get() if limit is _KEEP else limit)  # type: ignore[arg-type]
    try:
        yield
    finally:
        for con in connections.values():
            con.close()
        _SCOPE.reset(scoped)
        _SESSION.reset(token)


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection (DuckDB: many readers, no writer at the same time)."""
    try:
        return duckdb.connect(path, read_only=True, config=_CONFIG)
    except duckdb.Error as err:
        raise NotPublished(f"Der veröffentlichte Stand ist nicht lesbar: {err}") from err


@lru_cache(maxsize=1024)
def _cached(version: tuple[str, int, int], sql: str, params: tuple[object, ...]) -> pd.DataFrame:
    """Run a query on the session's connection or on a connection of its own."""
    values = [list(p) if isinstance(p, tuple) else p for p in params]
    shared = _SESSION.get()
    if shared is None:
        con = _connect(version[0])
        try:
            return con.execute(sql, values).df()
        finally:
            con.close()
    if version not in shared:
        shared[version] = _connect(version[0])
    return shared[version].execute(sql, values).df()


def build_info() -> dict[str, object]:
    """Id and time of the published build and the snapshots it used."""
    frame = _query("SELECT build_id, veroeffentlicht, staende FROM build_info")
    return frame.iloc[0].to_dict()


def periods() -> pd.DataFrame:
    """All periods with data, newest first within each period type."""
    return _query(
        """
        SELECT zeitraum, periodentyp, jahr, beginn, ende
        FROM dim_perioden
        WHERE beginn <= (SELECT max(stichtag) FROM fct_lieferungen WHERE ist_aktuell)
        ORDER BY periodenrang, beginn DESC
        """
    )


def reference_day() -> date:
    """The day ages are measured from: today, or the publication day of a frozen copy."""
    if _SOURCE.get() is None:
        return date.today()
    return pd.Timestamp(build_info()["veroeffentlicht"]).date()


def age_in_days(stichtag: object) -> int:
    """Days from a Stichtag to the reference day."""
    return (reference_day() - pd.Timestamp(stichtag).date()).days


def is_stale(age: int) -> bool:
    """A Stichtag this many days old counts as outdated (KIM_DATENSTAND_TAGE)."""
    return age > load_settings().stale_after_days


def data_end() -> pd.Timestamp:
    """The latest Stichtag of the current deliveries: the data reach up to this day."""
    frame = _query("SELECT max(stichtag) AS ende FROM fct_lieferungen WHERE ist_aktuell")
    return pd.Timestamp(frame["ende"].iloc[0])


def areas() -> pd.DataFrame:
    """The towns (by name) and the Kreis last, with population (NaN where the profile has no
    figure)."""
    return _query(
        """
        SELECT gebiet, name, ist_kreis, CAST(einwohner AS DOUBLE) AS einwohner, einwohner_stand
        FROM dim_gebiete ORDER BY ist_kreis, name
        """
    )


def catalogue() -> pd.DataFrame:
    """The indicator catalogue as published (names, units, formats, definitions)."""
    return _query("SELECT * FROM dim_kennzahlen ORDER BY nr")


def values(
    indicators: Sequence[str],
    periods: Sequence[str],
    areas: Sequence[str] | None = None,
    zielgruppe: str = "alle",
    handlungsfeld: str = "alle",
    breakdown: str = "",
) -> pd.DataFrame:
    """Protected indicator values; `breakdown` is a dimension name or '' for the total row."""
    sql = f"""
        SELECT indikator, zeitraum, periodentyp, zeitraum_beginn, zeitraum_ende, gebiet,
            zielgruppe, handlungsfeld, aufschluesselung,
            split_part(aufschluesselung, '=', 2) AS auspraegung, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE indikator IN ({_marks(indicators)}) AND zeitraum IN ({_marks(periods)})
          AND zielgruppe = ? AND handlungsfeld = ?
    """
    params: list[object] = [*indicators, *periods, zielgruppe, handlungsfeld]
    if breakdown:
        sql += " AND aufschluesselung LIKE ?"
        params.append(f"{breakdown}=%")
    else:
        sql += " AND aufschluesselung = ''"
    if areas is not None:
        sql += f" AND gebiet IN ({_marks(areas)})"
        params += list(areas)
    return _query(sql + " ORDER BY indikator, zeitraum_beginn, gebiet, aufschluesselung", params)


def by_group(
    indicators: Sequence[str], period: str, area: str, dimension: str, other: str = "alle"
) -> pd.DataFrame:
    """Total rows of one period and area for every code of `dimension` (the other one: `other`)."""
    return _query(
        f"""
        SELECT indikator, gebiet, {dimension} AS gruppe, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE indikator IN ({_marks(indicators)}) AND zeitraum = ? AND gebiet = ?
          AND {_OTHER[dimension]} = ? AND aufschluesselung = ''
        ORDER BY indikator, gruppe
        """,
        [*indicators, period, area, other],
    )


def period_types(
    area: str, dimension: str = "", other: str = "alle", breakdown: str = ""
) -> set[str]:
    """Period types published for an area by `dimension` (its codes other than `alle`, the
    other dimension at `other`) and/or by `breakdown` (docs/confidentiality.md, design)."""
    where = ["gebiet = ?"]
    params: list[object] = [area]
    if dimension:
        where += [f"{dimension} <> 'alle'", f"{_OTHER[dimension]} = ?"]
        params.append(other)
    else:
        where.append("zielgruppe = 'alle' AND handlungsfeld = 'alle'")
    if breakdown:
        where.append("aufschluesselung LIKE ?")
        params.append(f"{breakdown}=%")
    else:
        where.append("aufschluesselung = ''")
    frame = _query(
        f"SELECT DISTINCT gebiet, periodentyp FROM fct_indikatoren WHERE {' AND '.join(where)}",
        params,
    )
    return set(frame["periodentyp"])


def referrals_by_topic_and_partner(period: str, area: str) -> pd.DataFrame:
    """Referrals per topic and partner (protected counts) for the Sankey diagram."""
    return _query(
        """
        SELECT gebiet, handlungsfeld, split_part(aufschluesselung, '=', 2) AS partner, wert,
            unterdrueckt
        FROM fct_indikatoren
        WHERE indikator = 'vermittlungen' AND zeitraum = ? AND gebiet = ?
          AND zielgruppe = 'alle' AND handlungsfeld <> 'alle'
          AND aufschluesselung LIKE 'partner=%'
        ORDER BY handlungsfeld, partner
        """,
        [period, area],
    )


def goals(year: int) -> pd.DataFrame:
    """Goal progress of one year (fct_zielerreichung) with indicator names."""
    return _query(
        """
        SELECT z.*, k.name AS indikator_name, k.format, k.nr, g.name AS gebiet_name
        FROM fct_zielerreichung z
        JOIN dim_kennzahlen k USING (indikator)
        JOIN dim_gebiete g USING (gebiet)
        WHERE z.jahr = ?
        ORDER BY g.ist_kreis DESC, g.name, k.nr
        """,
        [year],
    )


def goal_years() -> list[int]:
    """Years with goals, newest first."""
    frame = _query("SELECT DISTINCT jahr FROM fct_zielerreichung ORDER BY jahr DESC")
    return [int(y) for y in frame["jahr"]]


def current_snapshots() -> pd.DataFrame:
    """Per source and table the current Stichtag (no record counts: the pages that show the
    Datenstand are open to every reader, the counts only to the Datenqualität page's)."""
    return _query(
        """
        SELECT quelle, tabelle, stichtag
        FROM fct_lieferungen WHERE ist_aktuell ORDER BY quelle, tabelle
        """
    )


def area_name(gebiet: str) -> str:
    """A town's or the Kreis' name; the code itself when it is unknown."""
    names = dict(areas()[["gebiet", "name"]].itertuples(index=False))
    return str(names.get(gebiet, gebiet))


def indicator(indikator: str) -> dict[str, object]:
    """One indicator's catalogue entry (name, unit, format, definition, rule)."""
    return dict(_catalogue_entries(build_version())[indikator])


@lru_cache(maxsize=4)
def _catalogue_entries(version: tuple[str, int, int]) -> dict[str, dict[str, object]]:
    """The catalogue by indicator, once per build (it names no area: nothing to cut)."""
    frame = catalogue().reset_index(drop=True)
    return {str(name): frame.iloc[i].to_dict() for i, name in enumerate(frame["indikator"])}


def zielgruppen_series(
    indicator: str, periods: Sequence[str], area: str, handlungsfeld: str
) -> pd.DataFrame:
    """One indicator for every target group (incl. `alle`) over some periods of one topic."""
    return _query(
        f"""
        SELECT zeitraum, zeitraum_beginn, gebiet, zielgruppe AS gruppe, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE indikator = ? AND zeitraum IN ({_marks(periods)}) AND gebiet = ?
          AND handlungsfeld = ? AND aufschluesselung = ''
        ORDER BY zeitraum_beginn, gruppe
        """,
        [indicator, *periods, area, handlungsfeld],
    )


def datenqualitaet_deliveries(source: str | None = None) -> pd.DataFrame:
    """Every delivery (optionally of one source) with its outcome, newest first."""
    sql = """
        SELECT lieferung_id, datei, teil, quelle, tabelle, stichtag, status, ablehnung,
            zeilen_gelesen, zeilen_geladen, zeilen_quarantaene, veraenderung_zeilen,
            meldungen, verarbeitet_am, ist_aktuell
        FROM fct_lieferungen
    """
    params: list[object] = []
    if source:
        sql += " WHERE quelle = ?"
        params.append(source)
    return _query(sql + " ORDER BY verarbeitet_am DESC, lieferung_id DESC", params)


def datenqualitaet_errors(source: str | None = None) -> pd.DataFrame:
    """Row errors of the latest checked delivery per source and table (what is still to fix).

    A delivery counts when its rows were checked: not a repeat (`bereits_geladen`), not a
    file refused as a whole. Older deliveries' errors are history (see the delivery log).
    """
    sql = """
        WITH letzte AS (
            SELECT lieferung_id, teil
            FROM fct_lieferungen
            WHERE status IN ('geladen', 'teilweise_geladen', 'abgelehnt', 'veraltet')
              AND ablehnung IS DISTINCT FROM 'datei'
              AND stichtag IS NOT NULL AND tabelle IS NOT NULL
              AND (? IS NULL OR quelle = ?)
            QUALIFY row_number() OVER (
                PARTITION BY quelle, tabelle ORDER BY stichtag DESC, lieferung_id DESC
            ) = 1
        )
        SELECT q.quelle, q.tabelle, q.stichtag, q.lieferung_id, q.datei, l.teil, q.zeile,
            q.spalte, q.wert, q.grund
        FROM fct_quarantaene q JOIN letzte l USING (lieferung_id)
        ORDER BY q.quelle, q.datei, l.teil, q.zeile, q.spalte
    """
    return _query(sql, [source, source])


def datenqualitaet_completeness(source: str | None = None) -> pd.DataFrame:
    """Per delivering source (optionally one), town and optional field: current cases and
    those filling it. Per source, so that a town's user gets its own delivery's counts only
    (a welfare provider delivers cases of the town as a source of its own)."""
    sql = "SELECT quelle, gebiet, feld, faelle, ausgefuellt FROM fct_vollstaendigkeit"
    params: list[object] = []
    if source:
        sql += " WHERE quelle = ?"
        params.append(source)
    return _query(sql + " ORDER BY gebiet, feld, quelle", params)


def staedte_posts(period: str) -> pd.DataFrame:
    """Case stock, filled Baustein II posts and cases per filled post of every area."""
    return _query(
        """
        SELECT indikator, gebiet, aufschluesselung, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE list_contains(['faelle_bestand', 'faelle_je_vzae', 'vzae_ist'], indikator)
          AND zeitraum = ? AND zielgruppe = 'alle' AND handlungsfeld = 'alle'
          AND (aufschluesselung = '' OR aufschluesselung = 'baustein=2')
        ORDER BY indikator, gebiet, aufschluesselung
        """,
        [period],
    )


def stadt_values(area: str, period: str, year_periods: Sequence[str]) -> pd.DataFrame:
    """One town's values of a period (totals, per target group or topic, by partner or
    procedure type) and its new and active cases in `year_periods` (months and year)."""
    return _query(
        """
        SELECT indikator, zeitraum, gebiet, zielgruppe, handlungsfeld, aufschluesselung,
            split_part(aufschluesselung, '=', 2) AS auspraegung, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE gebiet = ?
          AND (
            (zeitraum = ?
              AND (zielgruppe = 'alle' OR handlungsfeld = 'alle')
              AND (aufschluesselung = ''
                OR (zielgruppe = 'alle' AND handlungsfeld = 'alle'
                  AND (aufschluesselung LIKE 'partner=%'
                    OR aufschluesselung LIKE 'verfahrensart=%'))))
            OR (list_contains(?, zeitraum)
              AND list_contains(['faelle_neu', 'faelle_aktiv'], indikator)
              AND zielgruppe = 'alle' AND handlungsfeld = 'alle' AND aufschluesselung = '')
          )
        ORDER BY indikator, zeitraum_beginn, zielgruppe, handlungsfeld, aufschluesselung
        """,
        [area, period, list(year_periods)],
    )


def structural_issues() -> pd.DataFrame:
    """The coordination office's structural issues (fct_strukturthemen), pipeline order."""
    return _query("SELECT * FROM fct_strukturthemen ORDER BY status_rang, eingebracht_am, thema_id")


def staffing_months(year: int) -> pd.DataFrame:
    """Funded and filled VZÄ per post and month of one year (fct_stellen_monate)."""
    return _query(
        """
        SELECT s.*, coalesce(g.name, s.gebiet) AS gebiet_name
        FROM fct_stellen_monate s LEFT JOIN dim_gebiete g USING (gebiet)
        WHERE s.jahr = ?
        ORDER BY s.baustein, s.funktion, s.gebiet, s.monat
        """,
        [year],
    )
