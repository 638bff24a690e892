"""What every command shares (interfaces): `--version`, one German sentence and a non-zero
exit for an operating error, never a traceback."""

from __future__ import annotations

import os
import re
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


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("nix",), "kim: Fehler: Angabe BEFEHL: ungültige Wahl 'nix' (möglich: 'generate', "),
        (("status", "--alles"), "kim: Fehler: unbekannte Angaben: --alles"),
        (("report",), "kim report: Fehler: es fehlt: --zeitraum"),
        (("kommentar", "add"), "Fehler: es fehlen: --indikator, --zeitraum, --text"),
        (("indicators", "--zeitraum"), "Angabe --zeitraum: erwartet mindestens einen Wert"),
        (("status", "--json=1"), "Angabe --json: nimmt keinen Wert an ('1')"),
        (
            ("indicators", "--zeitraum", "2025-13"),
            "kim indicators: Fehler: Angabe --zeitraum: kein Zeitraum: 2025-13 (z. B. 2025, ",
        ),
        (("indicators", "--format", "xml"), "kim indicators: Fehler: Angabe --format: ungültige"),
        (("serve", "--port", "99999"), "kim serve: Fehler: Angabe --port: kein Port (1 bis 65535)"),
        (("generate", "--out", "x", "--scale", "0"), "Angabe --scale: keine Zahl größer als 0: 0"),
        (("generate", "--out", "x", "--historie", "1.5"), "--historie: keine ganze Zahl größer"),
        (("generate", "--out", "x", "--scale", "inf"), "Angabe --scale: keine Zahl größer als 0"),
        (("serve", "--port", "²"), "Angabe --port: kein Port (1 bis 65535): ²"),
    ],
)
def test_a_wrong_call_is_answered_in_german(kim: Kim, arguments: tuple[str], message: str) -> None:
    result = kim.run(*arguments)
    assert result.returncode == 2
    usage, error = result.stderr.strip().split("\n")[0], result.stderr.strip().split("\n")[-1]
    assert usage.startswith("Aufruf: kim")
    assert message in error
    assert not (kim.home / "x").exists()


def test_help_is_german(kim: Kim) -> None:
    result = kim.run("indicators", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Aufruf: kim indicators [-h] [--zeitraum P [P ...]]")
    assert "Optionen:" in result.stdout
    assert re.search(r"-h, --help +diese Hilfe zeigen und beenden", result.stdout)
    for english in ("usage:", "options:", "show this help"):
        assert english not in result.stdout


def test_a_path_that_cannot_be_written_is_one_german_sentence(sample: Kim, tmp_path) -> None:
    taken = tmp_path / "schon-da"
    taken.write_text("", "utf-8")
    exists = sample.run("generate", "--out", str(taken))
    folder = sample.run("indicators", "--zeitraum", "2025", "--out", str(tmp_path))
    early = sample.run("generate", "--out", str(tmp_path / "neu"), "--bis", "2021-03-31")
    for result, line in (
        (exists, f"Abgebrochen: Datei oder Ordner {taken} lässt sich nicht verwenden (gibt es "),
        (folder, f"Abgebrochen: Datei oder Ordner {tmp_path} lässt sich nicht verwenden (ist ein "),
        (early, "Größenfaktor und Historie müssen größer als 0 sein, der letzte Stichtag "),
    ):
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith(line)
    assert not (tmp_path / "neu").exists()


def test_serve_on_an_address_that_is_none_says_so_and_stops(kim: Kim) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--host", "256.1.1.1", "--port", "8050"],
        env=kim.env | {"KIM_AUTH": "header"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Adresse 256.1.1.1:8050 ist keine gültige Adresse: Wählen Sie mit --host eine Adresse "
        "dieses Rechners, z. B. 127.0.0.1 oder 0.0.0.0."
    ]


def test_several_periods_follow_one_option_or_repeat_it(sample: Kim) -> None:
    listed = sample.run("indicators", "--zeitraum", "2025-Q1", "2025-Q2", check=True).stdout
    repeated = sample.run(
        "indicators", "--zeitraum", "2025-Q1", "--zeitraum", "2025-Q2", check=True
    ).stdout
    periods = {line.split(",")[1] for line in listed.splitlines()[1:]}
    assert listed == repeated and periods == {"2025-Q1", "2025-Q2"}
