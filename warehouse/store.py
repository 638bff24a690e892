"""The loader's DuckDB warehouse: load log, quarantine, snapshots and current state."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.formatting import seconds
from warehouse.lock import retrying
from warehouse.schema import TABLES
from warehouse.validation import SQL_TYPES

SCHEMA_VERSION = 1


def _ddl() -> str:
    """DDL for every warehouse object (idempotent)."""
    snapshot_tables = "\n".join(
        f"CREATE TABLE IF NOT EXISTS snapshot.{t.name} (lieferung_id INTEGER NOT NULL, "
        f"zeile INTEGER NOT NULL, "
        + ", ".join(f"{c.name} {SQL_TYPES[c.kind]}" for c in t.columns)
        + ");"
        for t in TABLES.values()
    )
    current_views = "\n".join(
        f"CREATE OR REPLACE VIEW aktuell.{t.name} AS SELECT a.quelle, a.stichtag, "
        f"s.* EXCLUDE (lieferung_id, zeile) FROM snapshot.{t.name} s "
        f"JOIN main.aktueller_stand a ON a.lieferung_id = s.lieferung_id;"
        for t in TABLES.values()
    )
    return f"""
    CREATE SCHEMA IF NOT EXISTS snapshot;
    CREATE SCHEMA IF NOT EXISTS aktuell;
    CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
    CREATE SEQUENCE IF NOT EXISTS lieferung_seq START 1;
    CREATE SEQUENCE IF NOT EXISTS ladelauf_seq START 1;
    CREATE TABLE IF NOT EXISTS ladelauf (
        lauf_id INTEGER PRIMARY KEY,
        gestartet TIMESTAMP NOT NULL,
        beendet TIMESTAMP
    );
    CREATE TABLE IF NOT EXISTS lieferung (
        lieferung_id INTEGER PRIMARY KEY,
        lauf_id INTEGER NOT NULL,
        datei VARCHAR NOT NULL,
        teil VARCHAR,
        archiv_datei VARCHAR,
        quelle VARCHAR,
        stichtag DATE,
        tabelle VARCHAR,
        sha256 VARCHAR,
        status VARCHAR NOT NULL,
        ablehnung VARCHAR,
        zeilen_gelesen INTEGER NOT NULL,
        zeilen_geladen INTEGER NOT NULL,
        zeilen_quarantaene INTEGER NOT NULL,
        format VARCHAR,
        unbekannte_spalten VARCHAR[],
        meldungen VARCHAR[],
        verarbeitet_am TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS quarantaene (
        lieferung_id INTEGER NOT NULL,
        datei VARCHAR NOT NULL,
        zeile INTEGER,
        spalte VARCHAR,
        wert VARCHAR,
        grund VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS gesicherte_kennzahlen (
        indikator VARCHAR NOT NULL,
        zeitraum VARCHAR NOT NULL,
        gebiet VARCHAR NOT NULL,
        zielgruppe VARCHAR NOT NULL,
        handlungsfeld VARCHAR NOT NULL,
        aufschluesselung VARCHAR NOT NULL,
        wert DOUBLE,
        unterdrueckt BOOLEAN NOT NULL,
        gesichert_am TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS bereinigung_offen (
        datei VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS aktueller_stand (
        quelle VARCHAR NOT NULL,
        tabelle VARCHAR NOT NULL,
        stichtag DATE NOT NULL,
        lieferung_id INTEGER NOT NULL,
        seit TIMESTAMP NOT NULL,
        PRIMARY KEY (quelle, tabelle)
    );
    {snapshot_tables}
    {current_views}
    """


def connect(path: Path, *, read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writer also creates or upgrades the schema. While another
    process holds the file (say, a DuckDB shell), wait up to `wait` seconds, then `Busy`."""
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = retrying(
        lambda: duckdb.connect(str(path)),
        lambda err: isinstance(err, duckdb.IOException) and "lock" in str(err).lower(),
        wait,
        f"Das Warehouse {path} ist seit über {seconds(wait)} von einem anderen "
        "Prozess geöffnet; abgebrochen. Beenden Sie ihn (etwa eine DuckDB-Sitzung) "
        "und versuchen Sie es erneut.",
    )
    con.execute(_ddl())
    if con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 0:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
    return con
