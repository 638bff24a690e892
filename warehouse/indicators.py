"""`kim indicators`: the published (protected) indicator table as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb

from warehouse.errors import NotPublished
from warehouse.schema import CUMULATIVE

COLUMNS = (
    "indikator",
    "zeitraum",
    "gebiet",
    "zielgruppe",
    "handlungsfeld",
    "aufschluesselung",
    "wert",
    "unterdrueckt",
)


def rows(serving: Path, periods: list[str] | None = None) -> list[tuple]:
    """Protected indicator rows, optionally for some periods only, in catalogue order.

    Without periods: the calendar periods of the contract; the cumulative period only when
    asked for by name.
    """
    if not serving.exists():
        raise NotPublished("Es gibt noch keinen veröffentlichten Build (zuerst kim build).")
    con = duckdb.connect(str(serving), read_only=True)
    try:
        where = (
            "WHERE i.zeitraum IN (SELECT unnest(?))"
            if periods
            else f"WHERE i.zeitraum <> '{CUMULATIVE}'"
        )
        return con.execute(
            f"""
            SELECT i.indikator, i.zeitraum, i.gebiet, i.zielgruppe, i.handlungsfeld,
                i.aufschluesselung, i.wert, i.unterdrueckt
            FROM fct_indikatoren i JOIN dim_kennzahlen k USING (indikator)
            {where}
            ORDER BY k.nr, i.zeitraum_beginn, i.zeitraum_ende DESC, i.gebiet, i.zielgruppe,
                i.handlungsfeld, i.aufschluesselung
            """,
            [periods] if periods else [],
        ).fetchall()
    finally:
        con.close()


def plain_number(value: float | None) -> str:
    """`12`, `56.6667`: a plain number with `.` as decimal point; empty for None."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def as_csv(data: list[tuple]) -> str:
    """The interface's CSV format."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for *keys, value, suppressed in data:
        writer.writerow([*keys, plain_number(value), "true" if suppressed else "false"])
    return buffer.getvalue()


def as_json(data: list[tuple]) -> str:
    """The same rows as a JSON list of objects."""
    return json.dumps(
        [dict(zip(COLUMNS, row, strict=True)) for row in data], ensure_ascii=False, indent=1
    )
