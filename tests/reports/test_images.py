"""Chart images are kept by digest: a report made again needs no Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go
import pypdf

from reports import images
from tests.conftest import Kim, copy_installation

YEAR = "2025"


def pdf_report(kim: Kim, out: Path, env: dict[str, str] | None = None):
    """`kim report` of the year as PDF into `out`."""
    return kim.run("report", "--zeitraum", YEAR, "--format", "pdf", "--out", str(out), env=env)


def pages(path: Path) -> list[str]:
    """The text of every page of a PDF."""
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_a_report_made_again_takes_its_charts_from_the_store_without_chromium(sample, tmp_path):
    kim = copy_installation(sample, tmp_path)
    first = pdf_report(kim, tmp_path / "erst")
    assert first.returncode == 0, first.stderr
    store = kim.home / "grafiken"
    kept = sorted(path.name for path in store.iterdir())
    assert kept and all(name.endswith(".svg") for name in kept)

    without_chromium = {"BROWSER_PATH": str(tmp_path / "kein-chromium")}
    again = pdf_report(kim, tmp_path / "wieder", without_chromium)
    assert again.returncode == 0, again.stderr
    assert pages(Path(again.stdout.strip())) == pages(Path(first.stdout.strip()))
    assert sorted(path.name for path in store.iterdir()) == kept

    # A chart not in the store needs Chromium; without it the report stops in German.
    (store / kept[0]).unlink()
    missing = pdf_report(kim, tmp_path / "fehlt", without_chromium)
    assert missing.returncode == 1
    assert "wird Chromium gebraucht (Debian-Paket chromium)" in missing.stderr
    assert not (tmp_path / "fehlt").exists() or not any((tmp_path / "fehlt").iterdir())


def test_the_store_keeps_the_images_used_last(tmp_path):
    store = tmp_path / "grafiken"
    store.mkdir()
    for number in range(images.KEPT + 3):
        path = store / f"{number:04d}.svg"
        path.write_text("<svg/>")
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    scratch = store / ".0000.svg.1.2"  # a writer's file in flight is not the store's to prune
    scratch.write_text("")
    os.utime(scratch, (1, 1))
    with images.renderer(store):
        pass
    left = sorted(path.name for path in store.glob("[!.]*"))
    assert left == [f"{number:04d}.svg" for number in range(3, images.KEPT + 3)]
    assert scratch.exists()


def test_a_store_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "grafiken"
    blocked.write_text("a file where the store's folder should be")
    figure = go.Figure(go.Bar(x=["Witten", "Hattingen"], y=[12, 30]))
    with images.renderer(blocked):
        image = images.svg(figure)
    assert image.lstrip().startswith(b"<svg") and b"Hattingen" in image
    assert blocked.is_file()
