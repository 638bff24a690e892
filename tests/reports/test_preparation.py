"""A report prepared ahead leaves what its download needs, and prepares nothing twice."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from accounts import audit
from reports import preparation
from tests.conftest import Kim, copy_installation, wait_for
from warehouse.settings import Settings, load_settings

YEAR = "2025"
# Long enough for Chromium on a busy machine; a preparation that hangs fails the test.
TIMEOUT = 180


@pytest.fixture
def installation(sample: Kim, tmp_path, monkeypatch) -> tuple[Kim, Settings]:
    """A copy of the sample with an empty image store, and its settings."""
    kim = copy_installation(sample, tmp_path)
    shutil.rmtree(kim.home / "grafiken", ignore_errors=True)
    monkeypatch.setenv("KIM_HOME", str(kim.home))
    monkeypatch.setenv("KIM_EXPORTS", str(kim.exports))
    return kim, load_settings()


def finished(thread: threading.Thread | None) -> None:
    """Wait for a preparation's thread."""
    assert thread is not None
    thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_a_prepared_report_needs_no_chromium_and_nothing_is_handed_out(installation, tmp_path):
    kim, settings = installation
    audited = list(audit.entries(settings))
    preparation.prepare(settings, "land", YEAR)
    store = kim.home / "grafiken"
    kept = sorted(path.name for path in store.iterdir())
    assert kept and all(name.endswith(".svg") for name in kept)
    assert list(audit.entries(settings)) == audited, "a preparation is no report made"
    assert not list(tmp_path.rglob("KIM_*"))

    # The report itself, made by another process, finds every chart it draws in the store.
    out = tmp_path / "bericht"
    made = kim.run(
        *("report", "--zeitraum", YEAR, "--format", "pdf", "--out", str(out)),
        env={"BROWSER_PATH": str(tmp_path / "kein-chromium")},
        timeout=TIMEOUT,
    )
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in store.iterdir()) == kept


def test_in_the_background_the_latest_choice_is_prepared_once_per_build(installation, monkeypatch):
    _, settings = installation
    failed: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", failed.append)

    finished(preparation.prepare_in_background(settings, "land", YEAR))
    assert preparation.prepare_in_background(settings, "land", YEAR) is None

    # Chosen while another is prepared: one thread, one after the other, the latest last.
    worker = preparation.prepare_in_background(settings, "lenkungsgruppe", YEAR)
    assert preparation.prepare_in_background(settings, "stellennachweis", YEAR) is worker
    # The worker yields the CPU to the server's requests; the rest of the process does not.
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    wait_for(lambda: os.getpriority(os.PRIO_PROCESS, worker.native_id) == min(19, ours + 10))
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours
    finished(worker)
    assert preparation.prepare_in_background(settings, "stellennachweis", YEAR) is None

    # A new build (the serving file's identity changes) is prepared again.
    os.utime(settings.serving_path)
    finished(preparation.prepare_in_background(settings, "land", YEAR))

    # A report that cannot be made stops only its preparation, quietly: the download tells.
    finished(preparation.prepare_in_background(settings, "land", "1999"))
    finished(preparation.prepare_in_background(settings, "lenkungsgruppe", YEAR))
    assert not failed
