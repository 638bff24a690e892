"""Atomicity and concurrency: kill -9 during a load, two loads at once, a held lock."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Kim
from tests.exports import town_snapshot, write_town
from warehouse.lock import exclusive
from warehouse.schema import TABLES, TOWN_TABLES

STICHTAG = date(2025, 6, 30)


def current_state(home: Path) -> dict[str, list[tuple]]:
    """Every current table as sorted rows."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM aktuell.{t}").fetchall(), key=repr)
            for t in TABLES
        }
    finally:
        con.close()


def assert_consistent(home: Path) -> None:
    """A town's tables share one Stichtag, and stored rows match every log entry's counts."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        mixed = con.execute(
            f"""
            SELECT quelle FROM aktueller_stand WHERE tabelle IN {TOWN_TABLES}
            GROUP BY quelle HAVING count(DISTINCT stichtag) > 1 OR count(*) <> 4
            """
        ).fetchall()
        assert mixed == []
        stored = " UNION ALL ".join(
            f"SELECT lieferung_id, count(*) AS n FROM snapshot.{t} GROUP BY lieferung_id"
            for t in TABLES
        )
        mismatched = con.execute(
            f"""
            WITH stored AS ({stored}),
            quarantined AS (
                SELECT lieferung_id, count(DISTINCT zeile) AS n FROM quarantaene GROUP BY 1
            )
            SELECT l.lieferung_id FROM lieferung l
            LEFT JOIN stored s USING (lieferung_id)
            LEFT JOIN quarantined q USING (lieferung_id)
            WHERE l.status IN ('geladen', 'teilweise_geladen', 'veraltet')
              AND (coalesce(s.n, 0) <> l.zeilen_geladen
                   OR coalesce(q.n, 0) <> l.zeilen_quarantaene
                   OR l.zeilen_gelesen <> l.zeilen_geladen + l.zeilen_quarantaene)
            """
        ).fetchall()
        assert mismatched == []
    finally:
        con.close()


def start_load(kim: Kim) -> subprocess.Popen:
    """Start `kim load` in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "load"],
        env=kim.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_kill_during_load_keeps_a_consistent_state_and_the_next_load_completes(kim, tmp_path):
    kim.run("generate", "--out", str(kim.exports), "--bis", "2025-06-30", check=True)
    delivered = sorted(p.name for p in kim.exports.iterdir())
    reference = Kim(home=tmp_path / "reference", exports=tmp_path / "reference_exports")
    shutil.copytree(kim.exports, reference.exports)
    started = time.monotonic()
    reference.run("load", check=False)
    duration = time.monotonic() - started

    interrupted = 0
    for fraction in (0.35, 0.5, 0.65, 0.8, 0.95):
        process = start_load(kim)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if (kim.home / "warehouse.duckdb").exists():
            assert_consistent(kim.home)
        remaining = {p.name for p in kim.exports.iterdir()}
        archived = {p.name.split("_", 1)[1] for p in (kim.home / "archiv").rglob("*.*")}
        assert set(delivered) <= remaining | archived, "a delivered file was lost"
        interrupted += bool(remaining) and bool(archived)

    assert interrupted, "no kill hit the middle of a load; the test proved nothing"

    result = kim.run("load")
    assert result.returncode in (0, 1), result.stderr
    assert_consistent(kim.home)
    assert list(kim.exports.iterdir()) == []
    assert current_state(kim.home) == current_state(reference.home)


def test_a_second_load_waits_for_the_first(kim):
    write_town(kim.exports, "05954016", STICHTAG, town_snapshot("05954016", ["FALL001"], STICHTAG))
    kim.home.mkdir()

    def release_later(event: threading.Event) -> None:
        with exclusive(kim.home / "kim.lock", timeout=5):
            event.set()
            time.sleep(1.5)

    held = threading.Event()
    holder = threading.Thread(target=release_later, args=(held,))
    holder.start()
    held.wait()
    result = kim.run("load")
    holder.join()
    assert result.returncode == 0, result.stderr
    assert "warte" in result.stderr
    assert kim.query("SELECT count(*) FROM aktuell.faelle") == [(1,)]


def test_a_load_that_cannot_get_the_lock_says_why_and_stops(kim):
    write_town(kim.exports, "05954016", STICHTAG, town_snapshot("05954016", ["FALL001"], STICHTAG))
    kim.home.mkdir()
    with exclusive(kim.home / "kim.lock", timeout=5):
        result = subprocess.run(
            [sys.executable, "-m", "cli", "load"],
            env=kim.env | {"KIM_LOCK_TIMEOUT": "1"},
            capture_output=True,
            text=True,
        )
    assert result.returncode == 3
    assert "belegt" in result.stderr
    assert len(list(kim.exports.iterdir())) == 4


def test_two_loads_at_once_both_complete(kim, tmp_path):
    second = tmp_path / "second"
    second.mkdir()
    write_town(kim.exports, "05954016", STICHTAG, town_snapshot("05954016", ["FALL001"], STICHTAG))
    write_town(second, "05954036", STICHTAG, town_snapshot("05954036", ["FALL002"], STICHTAG))
    first = start_load(kim)
    other = subprocess.run(
        [sys.executable, "-m", "cli", "load", str(second)],
        env=kim.env,
        capture_output=True,
        text=True,
    )
    assert first.wait() == 0
    assert other.returncode == 0, other.stderr
    assert kim.query("SELECT quelle, fall_id FROM aktuell.faelle ORDER BY 1") == [
        ("05954016", "FALL001"),
        ("05954036", "FALL002"),
    ]
    assert_consistent(kim.home)
