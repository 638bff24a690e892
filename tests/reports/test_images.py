"""Chart images are kept by digest: a report made again needs no Chromium."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree

import kaleido
import plotly.graph_objects as go
import plotly.io
import pypdf
import pytest
from kaleido._kaleido_tab._tab import _KaleidoTab
from plotly.subplots import make_subplots

from reports import images
from tests.conftest import Kim, copy_installation
from warehouse.errors import UserError

YEAR = "2025"


def pdf_report(kim: Kim, out: Path, env: dict[str, str] | None = None):
    """`kim report` of the year as PDF into `out` (two minutes at most: no waiting for ever)."""
    command = ("report", "--zeitraum", YEAR, "--format", "pdf", "--out", str(out))
    return kim.run(*command, env=env, timeout=120)


def pages(path: Path) -> list[str]:
    """The text of every page of a PDF, without the minute it was made."""
    made = re.compile(r"Erstellt am \d\d\.\d\d\.\d{4} um \d\d:\d\d Uhr")
    return [made.sub("Erstellt", page.extract_text()) for page in pypdf.PdfReader(path).pages]


def bars(*values: float) -> go.Figure:
    """A small bar chart of two towns."""
    return go.Figure(go.Bar(x=["Witten", "Hattingen"], y=list(values)))


def drawing(image: bytes) -> list[tuple[str, list[tuple[str, str]], str]]:
    """An SVG image's elements with their attributes and texts, in order; the random ids
    Plotly gives each drawing and trace numbered as they come."""
    uids = re.findall(rb'id="defs-(\w+)"|class="trace \w+ trace(\w+)"', image)
    for number, uid in enumerate(dict.fromkeys(b"".join(pair) for pair in uids)):
        image = image.replace(uid, b"uid%d" % number)
    root = ElementTree.fromstring(image)
    return [(e.tag, sorted(e.attrib.items()), (e.text or "").strip()) for e in root.iter()]


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

    # A chart not in the store needs Chromium; without it the report stops in German, and
    # so it does when the program found does not start as a browser.
    (store / kept[0]).unlink()
    for browser in (without_chromium, {"BROWSER_PATH": "/bin/false"}):
        missing = pdf_report(kim, tmp_path / "fehlt", browser)
        assert missing.returncode == 1
        assert "wird Chromium gebraucht (Debian-Paket chromium)" in missing.stderr
        assert not (tmp_path / "fehlt").exists() or not any((tmp_path / "fehlt").iterdir())


def test_the_store_gives_each_image_its_own_file_and_renders_a_damaged_one_again(tmp_path):
    store = tmp_path / "grafiken"
    with images.renderer(store):
        first = images.svg(bars(12, 30))
        images.png(bars(12, 30))
        images.svg(bars(12, 31))
    files = {path.suffix: path for path in store.iterdir()}
    assert len(list(store.iterdir())) == 3 and set(files) == {".svg", ".png"}
    (kept,) = [path for path in store.glob("*.svg") if path.read_bytes() == first]

    os.utime(kept, (1_000_000, 1_000_000))
    with images.renderer(store):
        assert images.svg(bars(12, 30)) == first
    assert kept.stat().st_mtime > time.time() - 600, "a used image counts as used now"

    kept.write_bytes(first[: len(first) // 2][::-1])  # damaged, e.g. by a crash
    with images.renderer(store):
        again = images.svg(bars(12, 30))
    assert again.startswith(b"<svg") and b"Hattingen" in again
    assert kept.read_bytes() == again


def test_images_drawn_one_after_another_are_those_of_a_fresh_page(monkeypatch):
    # `images._Kaleido` keeps kaleido's page from one image to the next (it overrides a
    # method of kaleido 1.5.2: after an update of kaleido, check the override); nothing of a
    # figure may reach the next.
    assert version("kaleido") == "1.5.2" and "_return_kaleido_tab" in vars(kaleido.Kaleido)
    german = go.Figure(
        go.Scatter(x=["2025-01-01", "2025-02-01", "2025-03-01"], y=[1234.5, 17, 3]),
        layout={"separators": ",.", "template": "plotly_dark", "showlegend": True},
    )
    german.update_layout(title={"text": "Kontakte", "font": {"family": "DejaVu Serif"}})
    german.update_xaxes(tickfont={"family": "DejaVu Serif", "size": 19})
    plain = bars(1234.5, 30)
    reloaded = []

    async def reload(tab):  # a page loaded again would hide what one figure leaves behind
        reloaded.append(tab)

    monkeypatch.setattr(_KaleidoTab, "reload", reload)
    with images.renderer():
        in_turn = [images.svg(plain), images.svg(german), images.png(plain), images.svg(plain)]
    with images.renderer():
        fresh_german = images.svg(german)
    with images.renderer():
        fresh_png = images.png(plain)
    assert not reloaded
    assert drawing(in_turn[1]) == drawing(fresh_german)
    assert in_turn[2] == fresh_png
    assert drawing(in_turn[3]) == drawing(in_turn[0])  # the first came from a fresh page
    assert drawing(in_turn[3]) != drawing(fresh_german)


def test_after_a_failed_image_the_next_gets_a_fresh_page(monkeypatch):
    calc, navigate = _KaleidoTab._calc_fig, _KaleidoTab.navigate
    opened, failures = [], [RuntimeError("Plotly ist abgestürzt")]

    async def counted(tab, *args, **kwargs):
        opened.append(tab)
        return await navigate(tab, *args, **kwargs)

    async def failing_once(tab, *args, **kwargs):
        if failures:
            raise failures.pop()
        return await calc(tab, *args, **kwargs)

    monkeypatch.setattr(_KaleidoTab, "navigate", counted)
    monkeypatch.setattr(_KaleidoTab, "_calc_fig", failing_once)
    with images.renderer():
        with pytest.raises(UserError, match="ließ sich nicht erzeugen: Plotly ist abgestürzt"):
            images.svg(bars(12, 30))
        image = images.svg(bars(12, 30))
    assert image.startswith(b"<svg") and b"Hattingen" in image
    assert len(opened) == 2  # a page of its own for the image after the failure


def test_a_printable_figure_is_what_plotlys_own_updates_make_of_it():
    two_plots = make_subplots(rows=1, cols=2)
    two_plots.add_bar(x=["Witten"], y=[3], row=1, col=2)
    own_layout = go.Figure(
        go.Bar(x=["Witten"], y=[3]),
        layout={"font": {"color": "#1a1a1a"}, "xaxis": {"title": "Stadt", "automargin": False}},
    )
    second_axis_only = go.Figure(go.Bar(x=["Witten"], y=[3], xaxis="x2"))
    second_axis_only.update_layout(xaxis2={"title": "Stadt"})
    figures = (bars(12, 30), two_plots, own_layout, second_axis_only, go.Figure(go.Pie(values=[1])))
    for figure in figures:
        before = figure.to_json()
        printable = plotly.io.to_json(images._printable(figure), validate=False)
        assert figure.to_json() == before  # (a copy as go.Figure would reorder its keys)
        expected = go.Figure(figure)
        expected.update_layout(
            width=images.WIDTH,
            height=images.HEIGHT,
            font={"family": images.FONT, "size": 13},
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
        expected.update_xaxes(automargin=True)
        expected.update_yaxes(automargin=True)
        assert json.loads(printable) == json.loads(expected.to_json())


def test_the_store_keeps_the_images_used_last(tmp_path):
    store = tmp_path / "grafiken"
    store.mkdir()
    for number in range(images.KEPT + 3):
        path = store / f"{number:04d}.svg"
        path.write_text("<svg/>")
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    writing = store / ".0000.svg.1.2"  # a writer's file in flight is not the store's to prune
    writing.write_text("")
    left_by_a_crash = store / ".0001.svg.3.4"
    left_by_a_crash.write_text("")
    os.utime(left_by_a_crash, (1, 1))
    with images.renderer(store):
        pass
    left = sorted(path.name for path in store.glob("[!.]*"))
    assert left == [f"{number:04d}.svg" for number in range(3, images.KEPT + 3)]
    assert writing.exists() and not left_by_a_crash.exists()


def test_a_store_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "grafiken"
    blocked.write_text("a file where the store's folder should be")
    with images.renderer(blocked):
        image = images.svg(bars(12, 30))
    assert image.lstrip().startswith(b"<svg") and b"Hattingen" in image
    assert blocked.is_file()


def test_a_missing_chromium_is_a_german_error_that_leaves_nothing_running(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    threads = threading.active_count()
    descriptors = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(UserError, match="wird Chromium gebraucht"), images.renderer():
            images.svg(bars(1, 2))
    # At most as many: what an earlier test's browser left may end in the meantime.
    assert threading.active_count() <= threads
    assert len(os.listdir("/proc/self/fd")) <= descriptors


def test_images_are_made_inside_a_renderer():
    with pytest.raises(RuntimeError, match="renderer"):
        images.svg(bars(1, 2))
