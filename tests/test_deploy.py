"""The deployment files (deploy/) stay true to the code: every variable of the environment
file is one the settings read, and every command the units start exists."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

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
