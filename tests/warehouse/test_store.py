"""A writer finds the warehouse file held by another process (a DuckDB shell, say): it waits
up to KIM_LOCK_TIMEOUT seconds, then stops with exit 3 and one German sentence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Kim, copy_installation

# Opens the file for writing, says so, and keeps it open until its standard input closes.
HOLD = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('offen', flush=True); input()"


@pytest.mark.parametrize("command", ["load", "build", "bereinigen"])
def test_a_writer_waits_for_a_process_holding_the_warehouse_then_exits_3(
    sample: Kim, tmp_path: Path, command: str
) -> None:
    kim = copy_installation(sample, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(kim.home / "warehouse.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "offen"
        result = subprocess.run(
            [sys.executable, "-m", "cli", command],
            env=kim.env | {"KIM_LOCK_TIMEOUT": "1"},
            capture_output=True,
            text=True,
        )
    finally:
        holder.communicate("\n")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "seit über 1 Sekunde von einem anderen Prozess geöffnet" in result.stderr
    if command == "load":
        assert kim.run("load").returncode == 0
