"""Every query the dashboard runs, on short-lived read-only connections to the serving file.

Results are cached per published build: the cache key includes the serving file's inode
and modification time, which change with every `kim build` (atomic rename), so a new
build shows at once without a restart and an old result is never served for it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.settings import load_settings


class NoData(Exception):
    """No build has been published yet (or the serving file cannot be read)."""


def serving_path() -> Path:
    """The published database (KIM_HOME/kim.duckdb)."""
    return load_settings().serving_path


def _version(path: Path) -> tuple[str, int, int]:
    """Identity of the currently published file: changes with every build."""
    try:
        stat = os.stat(path)
    except FileNotFoundError as err:
        raise NoData("Es wurde noch kein Stand veröffentlicht (kim build).") from err
    return str(path), stat.st_ino, stat.st_mtime_ns


def _query(sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one query on the current build (cached per build); callers get a copy."""
    key = tuple(tuple(p) if isinstance(p, list | tuple) else p for p in params)
    return _cached(_version(serving_path()), sql, key).copy()


@lru_cache(maxsize=1024)
def _cached(version: tuple[str, int, int], sql: str, params: tuple[object, ...]) -> pd.DataFrame:
    """Run a query on a fresh read-only connection (DuckDB: many readers, no writer)."""
    try:
        con = duckdb.connect(version[0], read_only=True)
    except duckdb.Error as err:
        raise NoData(f"Der veröffentlichte Stand ist nicht lesbar: {err}") from err
    try:
        return con.execute(sql, [list(p) if isinstance(p, tuple) else p for p in params]).df()
    finally:
        con.close()


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


def areas() -> pd.DataFrame:
    """The nine towns (by name) and the Kreis last, with population."""
    return _query(
        """
        SELECT gebiet, name, ist_kreis, einwohner, einwohner_stand
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
    sql = """
        SELECT indikator, zeitraum, periodentyp, zeitraum_beginn, zeitraum_ende, gebiet,
            zielgruppe, handlungsfeld, aufschluesselung,
            split_part(aufschluesselung, '=', 2) AS auspraegung, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE list_contains(?, indikator) AND list_contains(?, zeitraum)
          AND zielgruppe = ? AND handlungsfeld = ?
    """
    params: list[object] = [list(indicators), list(periods), zielgruppe, handlungsfeld]
    if breakdown:
        sql += " AND aufschluesselung LIKE ?"
        params.append(f"{breakdown}=%")
    else:
        sql += " AND aufschluesselung = ''"
    if areas is not None:
        sql += " AND list_contains(?, gebiet)"
        params.append(list(areas))
    return _query(sql + " ORDER BY indikator, zeitraum_beginn, gebiet, aufschluesselung", params)


def by_group(
    indicators: Sequence[str],
    period: str,
    area: str,
    dimension: str,
) -> pd.DataFrame:
    """Values of one period and area for every target group or every topic (`dimension`)."""
    other = "handlungsfeld" if dimension == "zielgruppe" else "zielgruppe"
    return _query(
        f"""
        SELECT indikator, {dimension} AS gruppe, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE list_contains(?, indikator) AND zeitraum = ? AND gebiet = ?
          AND {other} = 'alle' AND aufschluesselung = ''
        ORDER BY indikator, gruppe
        """,
        [list(indicators), period, area],
    )


def group_series(
    indicator: str, period_type: str, year: int, area: str, dimension: str
) -> pd.DataFrame:
    """One indicator per target group or topic over the periods of one type in a year."""
    other = "handlungsfeld" if dimension == "zielgruppe" else "zielgruppe"
    return _query(
        f"""
        SELECT zeitraum, zeitraum_beginn, {dimension} AS gruppe, wert, unterdrueckt
        FROM fct_indikatoren
        WHERE indikator = ? AND periodentyp = ? AND year(zeitraum_beginn) = ? AND gebiet = ?
          AND {other} = 'alle' AND aufschluesselung = ''
        ORDER BY zeitraum_beginn, gruppe
        """,
        [indicator, period_type, year, area],
    )


def referrals_by_topic_and_partner(period: str, area: str) -> pd.DataFrame:
    """Referrals per topic and partner (protected counts) for the Sankey diagram."""
    return _query(
        """
        SELECT handlungsfeld, split_part(aufschluesselung, '=', 2) AS partner, wert,
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


def deliveries() -> pd.DataFrame:
    """Every delivery (file or table) with its outcome, newest first."""
    return _query("SELECT * FROM fct_lieferungen ORDER BY verarbeitet_am DESC, lieferung_id DESC")


def current_snapshots() -> pd.DataFrame:
    """Per source and table the current Stichtag."""
    return _query(
        """
        SELECT quelle, tabelle, stichtag, zeilen_geladen, veraenderung_zeilen
        FROM fct_lieferungen WHERE ist_aktuell ORDER BY quelle, tabelle
        """
    )


def quarantine(source: str | None = None) -> pd.DataFrame:
    """Rejected rows with file, line, column and reason (optionally of one source)."""
    sql = "SELECT * FROM fct_quarantaene"
    params: list[object] = []
    if source:
        sql += " WHERE quelle = ?"
        params.append(source)
    return _query(sql + " ORDER BY quelle, stichtag DESC, datei, zeile", params)


def completeness() -> pd.DataFrame:
    """Per town and optional field the share of current cases that fill it."""
    return _query("SELECT * FROM fct_vollstaendigkeit ORDER BY gebiet, feld")


def indicator(indikator: str) -> dict[str, object]:
    """One indicator's catalogue entry (name, unit, format, definition, rule)."""
    frame = catalogue()
    return frame[frame["indikator"] == indikator].iloc[0].to_dict()
