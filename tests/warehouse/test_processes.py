"""No process outlives its command: `kill -9` of `kim build` while dbt runs ends dbt too, and
the next writer can start at once; `kill -9` of `kim report` ends its Chromium (interfaces,
"Behaviour every command shares")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Kim, copy_installation
from warehouse.build import SCRATCH_NAME


def until(condition: Callable[[], bool], timeout: float = 120) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """Living processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if int(parent) == pid and state != "Z":
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    """Living processes below `pid`, at any depth."""
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def command_name(pid: int) -> str:
    """The process's name (empty once it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_9_of_kim_build_while_dbt_runs_leaves_no_process_and_no_lock(
    sample: Kim, tmp_path: Path
) -> None:
    kim = copy_installation(sample, tmp_path)
    build = subprocess.Popen(
        [sys.executable, "-m", "cli", "build"],
        env=kim.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    scratch = kim.home / "builds" / SCRATCH_NAME
    until(lambda: bool(children(build.pid)) and scratch.exists())
    (dbt,) = children(build.pid)
    assert "dbt" in (Path("/proc") / str(dbt) / "cmdline").read_text()
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    until(lambda: not alive(dbt), timeout=10)

    again = kim.run("build")
    assert again.returncode == 0, again.stderr
    code, report = kim.load_json()
    assert code in (0, 1) and report["files"] == []


def test_kill_9_of_kim_report_while_charts_render_leaves_no_browser(sample: Kim) -> None:
    report = subprocess.Popen(
        [sys.executable, "-m", "cli", "report", "--zeitraum", "2025", "--format", "pdf"],
        env=sample.env | {"KIM_HOME": str(sample.home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started: list[int] = []

    def chromium_runs() -> bool:
        started[:] = descendants(report.pid)
        return any("chromium" in command_name(p) for p in started)

    until(chromium_runs)
    os.kill(report.pid, signal.SIGKILL)
    report.wait()
    until(lambda: not any(alive(p) for p in started), timeout=10)
