"""Property: random valid snapshots survive every CSV and XLSX dialect with identical values."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exports import (
    BOOL_SPELLINGS,
    HEADER_STYLES,
    NULL_SPELLINGS,
    Dialect,
    Row,
    write_csv,
    write_workbook,
)
from warehouse import schema
from warehouse.loader import load
from warehouse.schema import TABLES, Kind
from warehouse.settings import Settings

AGS = "05954020"
STICHTAG = date(2025, 6, 30)
START = date(2021, 2, 1)

days = st.integers(min_value=0, max_value=(STICHTAG - START).days)
maybe = st.booleans()


@st.composite
def case(draw: st.DrawFn, fall_id: str) -> Row:
    """One valid faelle row."""
    begin = START + timedelta(days=draw(days))
    status = draw(st.sampled_from(schema.STATUS))
    closed = status == "abgeschlossen"
    end = begin + timedelta(days=draw(st.integers(0, (STICHTAG - begin).days))) if closed else None
    first = begin - timedelta(days=draw(st.integers(0, 60))) if draw(maybe) else None
    arrival = begin - timedelta(days=draw(st.integers(0, 3000))) if draw(maybe) else None
    row: Row = {
        "fall_id": fall_id,
        "person_id": draw(st.from_regex(r"[A-Za-z0-9_-]{6,40}", fullmatch=True)),
        "ags": AGS,
        "fallbeginn": begin,
        "erstkontakt": first,
        "fallende": end,
        "status": status,
        "abschlussgrund": draw(st.sampled_from(schema.CLOSURE_REASONS)) if closed else None,
        "geschlecht": draw(st.none() | st.sampled_from(schema.GENDERS)),
        "geburtsjahr": draw(st.none() | st.integers(1930, 2024)),
        "staatsangehoerigkeit": draw(st.none() | st.sampled_from(["SYR", "UKR", "XXX", "DEU"])),
        "einreisedatum": arrival.replace(day=1) if arrival else None,
        "aufenthaltsstatus": draw(st.none() | st.sampled_from(schema.RESIDENCE)),
        "zugang": draw(st.none() | st.sampled_from(schema.ACCESS)),
        "strukturhinweis": draw(maybe),
    }
    row.update({flag: draw(maybe) for flag in schema.TARGET_FLAGS})
    return row


@st.composite
def town_tables(draw: st.DrawFn) -> dict[str, list[Row]]:
    """A valid snapshot of a town's four tables."""
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9_-]{6,64}", fullmatch=True),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    faelle = [draw(case(i)) for i in ids]
    topics, contacts, referrals = [], [], []
    for n, row in enumerate(faelle):
        for topic in draw(st.lists(st.sampled_from(schema.TOPICS), max_size=3, unique=True)):
            status = draw(st.sampled_from(schema.GOAL_STATUS))
            topics.append(
                {
                    "fall_id": row["fall_id"],
                    "handlungsfeld": topic,
                    "ziel_vereinbart_am": row["fallbeginn"] if draw(maybe) else None,
                    "zielstatus": status,
                    "zielstatus_am": STICHTAG if status != "offen" else None,
                }
            )
        for m in range(draw(st.integers(0, 2))):
            contacts.append(
                {
                    "kontakt_id": f"K{n}x{m}xx",
                    "fall_id": row["fall_id"],
                    "datum": row["fallbeginn"],
                    "art": draw(st.sampled_from(schema.CONTACT_TYPES)),
                    "dauer_minuten": draw(st.none() | st.integers(1, 600)),
                    "dolmetscher": draw(maybe),
                }
            )
        for m in range(draw(st.integers(0, 2))):
            referrals.append(
                {
                    "vermittlung_id": f"V{n}x{m}xx",
                    "fall_id": row["fall_id"],
                    "datum": row["fallbeginn"],
                    "handlungsfeld": draw(st.sampled_from(schema.TOPICS)),
                    "partner": draw(st.sampled_from(schema.PARTNERS)),
                    "ergebnis": draw(st.sampled_from(schema.REFERRAL_RESULTS)),
                }
            )
    return {
        "faelle": faelle,
        "handlungsfelder": topics,
        "kontakte": contacts,
        "vermittlungen": referrals,
    }


staffing = st.lists(
    st.builds(
        lambda town, soll, ist, start: {
            "baustein": "2",
            "ags": town,
            "funktion": "case_management",
            "vzae_soll": soll,
            "vzae_ist": ist,
            "gueltig_ab": start,
            "gueltig_bis": None,
        },
        st.sampled_from(schema.town_codes()),
        st.decimals(min_value=0, max_value=5, places=2),
        st.decimals(min_value=0, max_value=5, places=2),
        st.dates(START, STICHTAG),
    ),
    max_size=9,
    unique_by=lambda r: r["ags"],
)

dialects = st.builds(
    Dialect,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([";", ","]),
    newline=st.sampled_from(["\r\n", "\n"]),
    iso_dates=maybe,
    iso_months=maybe,
    decimal_comma=maybe,
    bools=st.sampled_from(BOOL_SPELLINGS),
    null=st.sampled_from(NULL_SPELLINGS),
    header_style=st.sampled_from(HEADER_STYLES),
    column_seed=st.none() | st.integers(0, 1000),
    quote_all=maybe,
)


def expected(table: str, rows: list[Row]) -> list[tuple]:
    """Rows as the warehouse should hold them: typed, empty booleans as false."""
    spec = TABLES[table]

    def value(kind: Kind, v: object) -> object:
        if kind == Kind.BOOL:
            return bool(v)
        if kind == Kind.DECIMAL and v is not None:
            return Decimal(str(v))
        return v

    return sorted(
        (tuple(value(c.kind, r.get(c.name)) for c in spec.columns) for r in rows), key=repr
    )


def stored(home: Path, table: str) -> list[tuple]:
    """Current rows of a table, in specification column order."""
    columns = ", ".join(TABLES[table].column_names)
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return sorted(con.execute(f"SELECT {columns} FROM aktuell.{table}").fetchall(), key=repr)
    finally:
        con.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tables=town_tables(), posts=staffing, dialect=dialects, workbook=maybe)
def test_valid_snapshots_survive_every_dialect(tables, posts, dialect, workbook):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exports"
        folder.mkdir()
        if workbook:
            write_workbook(folder, AGS, STICHTAG, tables)
        else:
            for table, rows in tables.items():
                write_csv(folder, AGS, STICHTAG, table, rows, dialect)
        write_csv(folder, schema.kreis_ags(), STICHTAG, "stellen", posts, dialect)
        home = Path(tmp) / "home"
        report = load(Settings(home=home, exports=folder), [folder])

        assert [r.status for r in report.files] == ["geladen"] * 5, report.files
        for table, rows in {**tables, "stellen": posts}.items():
            assert stored(home, table) == expected(table, rows), table
