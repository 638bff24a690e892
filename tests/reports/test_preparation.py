"""A report prepared ahead leaves what its download needs, and prepares nothing twice."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from accounts import audit
from reports import content, images, preparation, to_pdf
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


def test_in_the_background_the_latest_choice_is_prepared_once_per_build(installation, caplog):
    kim, settings = installation
    store = kim.home / "grafiken"

    finished(preparation.prepare_in_background(settings, "land", YEAR))
    assert list(store.glob("*.svg")), "the worker drew the report's charts"
    assert preparation.prepare_in_background(settings, "land", YEAR) is None

    # Chosen while another is prepared: one thread, one after the other, the latest last.
    worker = preparation.prepare_in_background(settings, "lenkungsgruppe", YEAR)
    assert preparation.prepare_in_background(settings, "stellennachweis", YEAR) is worker
    finished(worker)
    assert preparation.prepare_in_background(settings, "stellennachweis", YEAR) is None

    # A new build (the serving file's identity changes) is prepared again.
    os.utime(settings.serving_path)
    finished(preparation.prepare_in_background(settings, "land", YEAR))

    # Signed off, the period's report reads its frozen copy: prepared again, from that copy.
    assert kim.run("freigabe", YEAR).returncode == 0
    frozen = content.source(settings, YEAR)
    assert frozen != settings.serving_path
    finished(preparation.prepare_in_background(settings, "land", YEAR))
    assert preparation.prepare_in_background(settings, "land", YEAR) is None

    # A report that cannot be made is logged, not raised (the download tells the user),
    # and is tried again when chosen again.
    finished(preparation.prepare_in_background(settings, "land", "1999"))
    assert "Bericht land 1999 nicht vorbereitet" in caplog.text
    finished(preparation.prepare_in_background(settings, "land", "1999"))


def test_a_preparation_gives_way_to_a_download(installation):
    kim, settings = installation
    store = kim.home / "grafiken"
    report = content.assemble(settings, "land", YEAR)
    drawn = {figure.to_json() for figure in to_pdf.figures(report)}

    worker = preparation.prepare_in_background(settings, "land", YEAR)
    wait_for(lambda: list(store.glob("*.svg")), timeout=TIMEOUT)  # drawing has begun
    with images.renderer(store):  # as a download takes the renderer
        assert len(list(store.glob("*.svg"))) < len(drawn)
    finished(worker)
    # Not prepared: chosen again, it is prepared again.
    finished(preparation.prepare_in_background(settings, "land", YEAR))
    assert len(list(store.glob("*.svg"))) == len(drawn)
