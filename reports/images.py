"""Static chart images (SVG for PDF, PNG for slides) with kaleido and Debian's Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import kaleido
import plotly.graph_objects as go

from warehouse.errors import UserError

WIDTH = 900
HEIGHT = 430
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Kaleido's sync server is one per process; reports rendered at the same time take turns.
_LOCK = threading.RLock()
_DEPTH = 0


@contextmanager
def renderer() -> Iterator[None]:
    """One Chromium for all images of a report (starting it costs about two seconds).

    Nested uses share the outer one, so several formats of one report start it once.
    """
    global _DEPTH
    with _LOCK:
        if _DEPTH == 0:
            try:
                # mathjax=False: kaleido would otherwise fetch MathJax from a CDN per image.
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            except Exception as err:  # kaleido raises several types when no browser is found
                raise UserError(
                    "Für Grafiken in PDF- und PPTX-Berichten wird Chromium gebraucht "
                    f"(Debian-Paket chromium), es ließ sich nicht starten: {err}"
                ) from err
        _DEPTH += 1
        try:
            yield
        finally:
            _DEPTH -= 1
            if _DEPTH == 0:
                kaleido.stop_sync_server(silence_warnings=True)


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


def svg(figure: go.Figure) -> bytes:
    """Vector image of a figure (call inside `renderer()`)."""
    opts = {"format": "svg", "width": WIDTH, "height": HEIGHT}
    return kaleido.calc_fig_sync(_printable(figure), opts=opts)


def png(figure: go.Figure) -> bytes:
    """Raster image of a figure at twice the size, for slides (call inside `renderer()`)."""
    opts = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": 2}
    return kaleido.calc_fig_sync(_printable(figure), opts=opts)
