"""Shared fixtures: an isolated KIM installation and a way to run the real `kim` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest


@dataclass
class Kim:
    """An isolated installation: its own KIM_HOME and landing folder."""

    home: Path
    exports: Path
    profile: str = ""  # KIM_PROFIL (empty: the default profile)

    @property
    def env(self) -> dict[str, str]:
        """Environment for subprocesses."""
        env = os.environ | {"KIM_HOME": str(self.home), "KIM_EXPORTS": str(self.exports)}
        return env | {"KIM_PROFIL": self.profile} if self.profile else env

    def run(
        self,
        *args: str,
        check: bool = False,
        timeout: float = 600,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess:
        """Run `kim ARGS` as a subprocess (the real console entry point), with `env` added."""
        result = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=self.env | (env or {}),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kim {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def load_json(self, *paths: Path | str) -> tuple[int, dict]:
        """`kim load --json [PATHS]`: exit code and parsed report."""
        result = self.run("load", "--json", *map(str, paths))
        assert result.returncode in (0, 1), result.stderr
        return result.returncode, json.loads(result.stdout)

    def query(
        self, sql: str, params: list | None = None, database: str = "warehouse.duckdb"
    ) -> list[tuple]:
        """Run a read-only query against the loader's warehouse file (or another `database`)."""
        con = duckdb.connect(str(self.home / database), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def sample_installation(root: Path) -> Kim:
    """The generated sample data, loaded and built, in an installation under `root`."""
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    kim.run("generate", "--out", str(kim.exports), check=True)
    assert kim.run("load").returncode in (0, 1)
    kim.run("build", check=True)
    return kim


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Kim:
    """The sample installation, built once for the whole run: read it, or change a copy."""
    return sample_installation(tmp_path_factory.mktemp("beispiel"))


def copy_installation(kim: Kim, root: Path) -> Kim:
    """A private copy of an installation under `root` (its archived files stay shared)."""
    copy = Kim(home=root / "home", exports=root / "exports")
    shutil.copytree(kim.home, copy.home, ignore=shutil.ignore_patterns("builds", "*.lock"))
    shutil.copytree(kim.exports, copy.exports)
    return copy


def wait_for(condition, timeout: float = 10):
    """Poll until `condition()` is true (e.g. a grid's filter, a server's background work)."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.1)
    return result


@pytest.fixture
def kim(tmp_path: Path) -> Kim:
    """A fresh installation in a temporary folder."""
    exports = tmp_path / "exports"
    exports.mkdir()
    return Kim(home=tmp_path / "home", exports=exports)
