"""What every command shares (interfaces): `--version`, one German sentence and a non-zero
exit for an operating error, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import Kim


def test_version_names_the_package_version(kim: Kim) -> None:
    result = kim.run("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("kim ") and result.stdout.strip()[4].isdigit()


@pytest.mark.parametrize("command", [("status",), ("load",), ("build",), ("indicators",)])
def test_kim_home_that_is_a_file_is_one_german_sentence(kim: Kim, command: tuple[str]) -> None:
    kim.home.write_text("kein Ordner", "utf-8")
    result = kim.run(*command)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"KIM_HOME {kim.home} ist kein Ordner: Setzen Sie KIM_HOME auf einen Ordner "
        "(ein fehlender wird angelegt)."
    ]
    assert kim.home.read_text("utf-8") == "kein Ordner"


def test_serve_on_a_port_in_use_says_so_and_stops(kim: Kim) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cli", "serve", "--port", str(port)],
            env=kim.env | {"KIM_AUTH": "header"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "läuft auf" not in result.stdout
    assert result.stderr.strip().splitlines() == [
        f"Adresse 127.0.0.1:{port} ist nicht verfügbar (schon belegt): Beenden Sie den Dienst, "
        "der sie belegt, oder wählen Sie mit --port und --host eine andere."
    ]


def test_output_cut_off_by_the_reader_ends_quietly(sample: Kim) -> None:
    """`kim status | head -1`, with a reader that has already gone when kim writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cli", "status"],
            env=sample.env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141, result.stderr
    assert result.stderr == ""
