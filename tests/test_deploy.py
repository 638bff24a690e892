"""The deployment files (deploy/) stay true to the code: every variable of the environment
file is one the settings read, every command the units start exists, and the nightly job
publishes what it loads."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Kim

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SETTINGS = Path(__file__).resolve().parents[1] / "warehouse" / "settings.py"


def test_every_variable_of_the_environment_file_is_read() -> None:
    names = re.findall(r"^(KIM_\w+)=", (DEPLOY / "kim.env").read_text("utf-8"), re.M)
    read = set(re.findall(r'"(KIM_\w+)"', SETTINGS.read_text("utf-8")))
    assert names and not set(names) - read


@pytest.mark.parametrize("unit", ["kim-serve.service", "kim-nacht.service"])
def test_every_command_a_unit_starts_exists(unit: str) -> None:
    commands = re.findall(r"^ExecStart=-?/opt/kim/bin/kim (.+)$", (DEPLOY / unit).read_text(), re.M)
    assert commands
    for command in commands:
        words = shlex.split(command)
        # the command and its action, up to the first option or path
        arguments = list(itertools.takewhile(lambda w: not w.startswith(("-", "/")), words))
        result = subprocess.run(
            [sys.executable, "-m", "cli", *arguments, "--help"], capture_output=True, text=True
        )
        assert result.returncode == 0, (command, result.stderr)
        assert all(option in result.stdout for option in words if option.startswith("--"))


def nightly_commands() -> list[tuple[bool, list[str]]]:
    """The nightly unit's kim commands in order: (failure ignored, arguments)."""
    found = re.findall(
        r"^ExecStart=(-?)/opt/kim/bin/kim (.+)$", (DEPLOY / "kim-nacht.service").read_text(), re.M
    )
    return [(ignored == "-", shlex.split(command)) for ignored, command in found]


def run_nightly(kim: Kim, backups: Path, after_load=None) -> dict[str, int]:
    """The nightly unit's commands in order, as systemd runs them; exit code per command."""
    codes = {}
    for ignored, arguments in nightly_commands():
        if arguments[0] == "versand":
            continue  # mails need a server: tests/reports/test_delivery.py
        arguments = [str(backups) if a.startswith("/") else a for a in arguments]
        result = kim.run(*arguments)
        codes[arguments[0]] = result.returncode
        assert ignored or result.returncode == 0, (arguments, result.stderr)
        if arguments[0] == "load" and after_load is not None:
            after_load()
    return codes


def test_the_nightly_job_publishes_the_deliveries_it_loads(kim: Kim, tmp_path: Path) -> None:
    kim.run("generate", "--out", str(kim.exports), check=True)
    backups = tmp_path / "sicherung"
    backups.mkdir()  # the unit's backup folder exists on the host
    run_nightly(kim, backups)
    # Every delivery the load recorded is in the published build, and a backup was taken.
    loaded = {row[0] for row in kim.query("select lieferung_id from lieferung")}
    assert loaded
    published = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        shown = {
            row[0]
            for row in published.execute("select lieferung_id from fct_lieferungen").fetchall()
        }
    finally:
        published.close()
    assert shown == loaded
    assert list(backups.glob("*.zip"))


def test_a_failed_nightly_build_still_leaves_a_backup(kim: Kim, tmp_path: Path) -> None:
    kim.run("generate", "--out", str(kim.exports), "--bis", "2025-06-30", check=True)
    backups = tmp_path / "sicherung"
    backups.mkdir()

    def break_a_status() -> None:
        """A status no export may carry, written past the loader: the build's tests stop it."""
        con = duckdb.connect(str(kim.home / "warehouse.duckdb"))
        try:
            con.execute(
                "UPDATE snapshot.faelle SET status = 'verschollen' WHERE fall_id IN "
                "(SELECT fall_id FROM snapshot.faelle LIMIT 1)"
            )
        finally:
            con.close()

    codes = run_nightly(kim, backups, after_load=break_a_status)
    assert codes["build"] == 1 and not (kim.home / "kim.duckdb").exists()
    assert codes["sicherung"] == 0 and list(backups.glob("*.zip"))
