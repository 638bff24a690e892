"""The coordination office's own records: comments and sign-offs (KIM_HOME/redaktion.sqlite).

These outlive every build, so they cannot live in the published DuckDB file, which each
`kim build` replaces. SQLite fits small transactional writes from several processes (the
command line and the dashboard) with readers at the same time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from warehouse.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS kommentare (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indikator TEXT NOT NULL,
    zeitraum TEXT NOT NULL,
    gebiet TEXT NOT NULL,
    text TEXT NOT NULL,
    autor TEXT NOT NULL,
    erstellt_am TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kommentare_zeitraum ON kommentare (zeitraum, indikator);
CREATE TABLE IF NOT EXISTS freigaben (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    zeitraum TEXT NOT NULL,
    build_id TEXT NOT NULL,
    datei TEXT NOT NULL,
    freigegeben_am TEXT NOT NULL,
    freigegeben_von TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS freigaben_zeitraum ON freigaben (zeitraum, id);
"""


@contextmanager
def connect(settings: Settings, write: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction: committed on success, rolled back on error.

    Readers open the file read-only (and never create it); writers create the schema.
    """
    if write:
        settings.home.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(settings.editorial_path, timeout=30)
    else:
        con = sqlite3.connect(f"{settings.editorial_path.as_uri()}?mode=ro", uri=True, timeout=30)
    con.row_factory = sqlite3.Row
    try:
        if write:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)
        with con:
            yield con
    finally:
        con.close()


def now() -> str:
    """The current time as stored (UTC, ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
