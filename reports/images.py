"""Static chart images (SVG for PDF, PNG for slides) with kaleido and Debian's Chromium.

Rendered images are kept under a digest of everything that shapes them (figure, size,
format, kaleido and Plotly versions), so a report made again from the same figures, or
another report sharing them, needs no Chromium at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import kaleido
import plotly.graph_objects as go
import plotly.io
from choreographer.browsers.chromium import Chromium

from warehouse.errors import UserError

WIDTH = 900
HEIGHT = 430
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Images kept at most; the ones used longest ago go first.
KEPT = 500
# A writer's scratch file older than this was left by a crash.
STALE_SECONDS = 3600
# Seconds Chromium may take to start, to render one image (kaleido's own limit), to stop.
START_TIMEOUT = 60
IMAGE_TIMEOUT = 90
STOP_TIMEOUT = 10
# The first bytes of a whole image of each format.
MAGIC = {"svg": b"<svg", "png": b"\x89PNG\r\n\x1a\n"}
NO_CHROMIUM = (
    "Für Grafiken in PDF- und PPTX-Berichten wird Chromium gebraucht (Debian-Paket chromium), "
    "es ließ sich nicht starten: {}"
)
NO_IMAGE = "Eine Grafik für den Bericht ließ sich nicht erzeugen: {}"
# One Chromium per process; reports rendered at the same time take turns.
_LOCK = threading.RLock()
_DEPTH = 0
_STORE: Path | None = None
# Threads waiting for the renderer (a report prepared ahead gives way to them).
_waiting = 0
_WAITING = threading.Lock()


class _Kaleido(kaleido.Kaleido):
    """kaleido keeping its page from one image to the next."""

    async def _return_kaleido_tab(self, tab: Any) -> None:
        # kaleido (1.5.2, locked) loads its page, plotly.js with it, again after every image,
        # so that each starts clean: two thirds of an image's time. Our figures are plain
        # Plotly charts (no MathJax, no maps) and come out as from a fresh page
        # (tests/reports/test_images.py), as the charts of one dashboard page do.
        await self.tabs_ready.put(tab)


class _Browser:
    """Headless Chromium with kaleido, driven from an event loop in its own thread.

    Unlike kaleido's sync server, a browser that cannot start, or an image that does not
    come, raises an error here instead of leaving the caller waiting for ever.
    """

    def __init__(self) -> None:
        # As kaleido looks: a Chrome it downloaded itself, else BROWSER_PATH, else the PATH.
        path = Chromium.find_browser(skip_local=False)
        if not path or not Path(path).is_file():
            raise UserError(NO_CHROMIUM.format(f"kein Programm unter {path or 'PATH'}"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._kaleido: _Kaleido | None = None
        try:
            # mathjax=False: kaleido would otherwise fetch MathJax from a CDN per image.
            self._kaleido = _Kaleido(mathjax=False, path=path, timeout=IMAGE_TIMEOUT)
            self._run(self._kaleido.open(), START_TIMEOUT, NO_CHROMIUM, "Start")
        except BaseException:
            self.close()
            raise

    def image(self, printable: dict, opts: dict) -> bytes:
        """One image of a printable figure."""
        assert self._kaleido is not None
        step = self._kaleido.calc_fig(printable, opts=opts)
        # kaleido stops an image after IMAGE_TIMEOUT; the loop's own limit comes after it.
        return self._run(step, IMAGE_TIMEOUT + STOP_TIMEOUT, NO_IMAGE, "Grafik")

    def close(self) -> None:
        """Stop Chromium and the event loop (also after a failed start)."""
        if self._kaleido is not None:
            try:
                self._run(self._kaleido.close(), STOP_TIMEOUT, NO_CHROMIUM, "Ende")
            except UserError:
                with contextlib.suppress(Exception):  # a browser that does not close is killed
                    self._kaleido.subprocess.kill()
            self._kaleido = None
        with contextlib.suppress(Exception):  # let cancelled steps finish, as asyncio.run does
            asyncio.run_coroutine_threadsafe(_finish_tasks(), self._loop).result(STOP_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT)
        if not self._thread.is_alive():
            self._loop.close()

    def _run(self, step: Coroutine[Any, Any, Any], timeout: float, error: str, what: str) -> Any:
        """Run a step on the loop; its result, or the German `error` (also after `timeout` s)."""
        future = asyncio.run_coroutine_threadsafe(step, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError as err:
            future.cancel()
            raise UserError(error.format(f"{what} nach {timeout:g} s abgebrochen")) from err
        except Exception as err:  # kaleido and choreographer raise many types
            raise UserError(error.format(err)) from err


async def _finish_tasks() -> None:
    """Cancel the loop's other tasks and wait until they have ended."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


_BROWSER: _Browser | None = None


@contextmanager
def renderer(store: Path | None = None) -> Iterator[None]:
    """Render the images inside on one Chromium, started on the first image not in `store`
    (starting it costs about two seconds).

    Nested uses share the outer one and its store, so several formats of one report start
    Chromium at most once.
    """
    global _DEPTH, _STORE, _BROWSER
    with _waiting_for(_LOCK):
        if _DEPTH == 0:
            _STORE = store
        _DEPTH += 1
        try:
            yield
        finally:
            _DEPTH -= 1
            if _DEPTH == 0:
                if _BROWSER is not None:
                    _BROWSER.close()
                    _BROWSER = None
                if _STORE is not None:
                    _prune(_STORE)
                _STORE = None


@contextmanager
def _waiting_for(lock: threading.RLock) -> Iterator[None]:
    """Hold the lock, counted as waiting until it is held."""
    global _waiting
    with _WAITING:
        _waiting += 1
    try:
        lock.acquire()
    finally:
        with _WAITING:
            _waiting -= 1
    try:
        yield
    finally:
        lock.release()


def others_waiting() -> bool:
    """True while another report waits for the renderer."""
    return _waiting > 0


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
        if _DEPTH == 0:
            raise RuntimeError("chart images are made inside images.renderer()")
        store = _STORE
        if store is None:
            return _render(printable, opts)
        path = store / f"{_digest(printable, opts)}.{opts['format']}"
        with contextlib.suppress(OSError):
            image = path.read_bytes()
            if image.startswith(MAGIC[opts["format"]]):
                with contextlib.suppress(OSError):
                    os.utime(path)  # used now: pruned last
                return image
        image = _render(printable, opts)
        scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            store.mkdir(parents=True, exist_ok=True)
            with scratch.open("wb") as file:
                file.write(image)
                os.fsync(file.fileno())  # never a short image under the final name
            os.replace(scratch, path)  # another process may write the same image: same bytes
        except OSError:  # a store that cannot be written only makes the next report slower
            with contextlib.suppress(OSError):
                scratch.unlink(missing_ok=True)
        return image


def _digest(printable: dict, opts: dict) -> str:
    """SHA-256 over the figure's JSON, the image options and the renderers' versions."""
    shaping = [
        plotly.io.to_json(printable, validate=False, engine="json"),
        opts,
        version("kaleido"),
        version("plotly"),
    ]
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()


def _render(printable: dict, opts: dict) -> bytes:
    """The image from Chromium, which starts with the first image a renderer needs."""
    global _BROWSER
    if _BROWSER is None:
        _BROWSER = _Browser()
    try:
        return _BROWSER.image(printable, opts)
    except BaseException:
        # The page is kept between images: after a failed one, the next gets a fresh browser.
        _BROWSER.close()
        _BROWSER = None
        raise


def _prune(store: Path) -> None:
    """Keep the `KEPT` images used last; remove scratch files a crashed writer left."""
    used = []
    for path in store.glob("*"):
        with contextlib.suppress(OSError):  # pruned by another process just now
            changed = path.stat().st_mtime
            if not path.name.startswith("."):
                used.append((changed, path))
            elif changed < time.time() - STALE_SECONDS:
                path.unlink(missing_ok=True)
    for _, old in sorted(used, reverse=True)[KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)


def _printable(figure: go.Figure) -> dict:
    """The dashboard's figure as plain data, with a fixed size and print fonts."""
    # Plain data: a copy as a Plotly figure would validate every value again (30 ms a chart).
    printable = figure.to_dict()
    layout = printable.setdefault("layout", {})
    layout.update(
        width=WIDTH,
        height=HEIGHT,
        font={**layout.get("font", {}), "family": FONT, "size": 13},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # Print fonts are wider than the browser's: let long category names take their space
    # (every axis, as Plotly's `update_xaxes` and `update_yaxes` do: the first always).
    for first in ("xaxis", "yaxis"):
        for name in [first, *(n for n in layout if _numbered(n, first))]:
            layout[name] = {**layout.get(name, {}), "automargin": True}
    return printable


def _numbered(name: str, axis: str) -> bool:
    """True for `xaxis2`, `xaxis3`, … when `axis` is `xaxis`."""
    return name.startswith(axis) and name[len(axis) :].isdigit()
