"""Static chart images (SVG for PDF, PNG for slides) with kaleido and Debian's Chromium.

Rendered images are kept under a digest of everything that shapes them (figure, size,
format, kaleido and Plotly versions), so a report made again from the same figures, or
another report sharing them, needs no Chromium at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import kaleido
import plotly.graph_objects as go

from warehouse.errors import UserError

WIDTH = 900
HEIGHT = 430
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Images kept at most; the ones used longest ago go first.
KEPT = 500
# Kaleido's sync server is one per process; reports rendered at the same time take turns.
_LOCK = threading.RLock()
_DEPTH = 0
_STARTED = False
_STORE: Path | None = None


@contextmanager
def renderer(store: Path | None = None) -> Iterator[None]:
    """Render the images inside on one Chromium, started on the first image not in `store`
    (starting it costs about two seconds).

    Nested uses share the outer one and its store, so several formats of one report start
    Chromium at most once.
    """
    global _DEPTH, _STORE
    with _LOCK:
        if _DEPTH == 0:
            _STORE = store
        _DEPTH += 1
        try:
            yield
        finally:
            _DEPTH -= 1
            if _DEPTH == 0:
                _stop()
                if _STORE is not None:
                    _prune(_STORE)
                _STORE = None


def svg(figure: go.Figure) -> bytes:
    """Vector image of a figure (call inside `renderer()`)."""
    return _image(figure, {"format": "svg", "width": WIDTH, "height": HEIGHT})


def png(figure: go.Figure) -> bytes:
    """Raster image of a figure at twice the size, for slides (call inside `renderer()`)."""
    return _image(figure, {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": 2})


def _image(figure: go.Figure, opts: dict) -> bytes:
    """The image from the store, else rendered by Chromium (and kept in the store)."""
    printable = _printable(figure)
    with _LOCK:
        store = _STORE
        if store is None:
            return _render(printable, opts)
        path = store / f"{_digest(printable, opts)}.{opts['format']}"
        try:
            image = path.read_bytes()
        except OSError:
            pass
        else:
            with contextlib.suppress(OSError):
                os.utime(path)  # used now: pruned last
            return image
        image = _render(printable, opts)
        scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            store.mkdir(parents=True, exist_ok=True)
            scratch.write_bytes(image)
            os.replace(scratch, path)  # another process may write the same image: same bytes
        except OSError:  # a store that cannot be written only makes the next report slower
            with contextlib.suppress(OSError):
                scratch.unlink(missing_ok=True)
        return image


def _digest(printable: go.Figure, opts: dict) -> str:
    """SHA-256 over the figure's JSON, the image options and the renderers' versions."""
    shaping = [printable.to_json(), opts, version("kaleido"), version("plotly")]
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()


def _render(printable: go.Figure, opts: dict) -> bytes:
    """The image from Chromium, which starts with the first image a renderer needs."""
    global _STARTED
    if not _STARTED:
        try:
            # Looks for Chromium without starting it: the sync server's thread would die on
            # a missing browser and leave the first image waiting for ever.
            kaleido.Kaleido(mathjax=False)
            # mathjax=False: kaleido would otherwise fetch MathJax from a CDN per image.
            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        except Exception as err:  # kaleido raises several types when no browser is found
            raise UserError(
                "Für Grafiken in PDF- und PPTX-Berichten wird Chromium gebraucht "
                f"(Debian-Paket chromium), es ließ sich nicht starten: {err}"
            ) from err
        _STARTED = True
    return kaleido.calc_fig_sync(printable, opts=opts)


def _stop() -> None:
    """Stop Chromium if this renderer started it."""
    global _STARTED
    if _STARTED:
        kaleido.stop_sync_server(silence_warnings=True)
        _STARTED = False


def _prune(store: Path) -> None:
    """Keep the `KEPT` images used last."""
    used = []
    for path in store.glob("[!.]*"):  # not the scratch files of writers
        with contextlib.suppress(OSError):  # pruned by another process just now
            used.append((path.stat().st_mtime, path))
    for _, old in sorted(used, reverse=True)[KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)


def _printable(figure: go.Figure) -> go.Figure:
    """The dashboard's figure with a fixed size and print fonts."""
    printable = go.Figure(figure)
    printable.update_layout(
        width=WIDTH,
        height=HEIGHT,
        font={"family": FONT, "size": 13},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # Print fonts are wider than the browser's: let long category names take their space.
    printable.update_xaxes(automargin=True)
    printable.update_yaxes(automargin=True)
    return printable
