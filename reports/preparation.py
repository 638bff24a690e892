"""A report made ready ahead of its download, while the user still looks at the form.

The dashboard's first PDF after a new build pays for the chart data, Chromium drawing
every chart, and WeasyPrint loading its German hyphenation dictionary. Preparing does all
of that ahead, in a background thread, and keeps the results where the download looks:
the chart data in the build's cache, the images in the image store, the dictionary in the
process. Nothing is written out or audited; the download makes the report itself.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass

from reports import content, images, to_pdf
from views import queries
from warehouse.settings import Settings

# Reports prepared (or being prepared) for the current build: (build, scope, art, period).
_STARTED: set[tuple[object, ...]] = set()
# The report asked for while another was prepared: only the latest waits, so that a
# download (which waits for the images being drawn) never waits behind choices passed over.
_waiting: _Job | None = None
_worker: threading.Thread | None = None
_LOCK = threading.Lock()
# The worker, and the Chromium it starts, yield the CPU to the pages' requests: it runs this
# much nicer than the server.
NICENESS = 10


@dataclass(frozen=True)
class _Job:
    """One report to prepare, within the scope of the user who chose it."""

    settings: Settings
    art: str
    zeitraum: str
    scope: queries.Scope | None
    version: tuple[str, int, int]

    @property
    def key(self) -> tuple[object, ...]:
        """What makes it the same preparation: build, scope, kind and period."""
        return (self.version, self.scope, self.art, self.zeitraum)


def prepare(settings: Settings, art: str, zeitraum: str) -> None:
    """Assemble the report, draw its PDF's chart images into the store, warm the layout."""
    report = content.assemble(settings, art, zeitraum)
    with images.renderer(settings.chart_images_dir):
        to_pdf.html_of(report)
    to_pdf.warm_layout()


def prepare_in_background(settings: Settings, art: str, zeitraum: str) -> threading.Thread | None:
    """Prepare the report in a background thread after the one being prepared, in place of
    any report waiting; the thread, or None if it was prepared for this build and scope."""
    global _waiting, _worker
    job = _Job(settings, art, zeitraum, queries.scope(), queries.build_version())
    with _LOCK:
        if job.key in _STARTED:
            return None
        _waiting = job
        if _worker is None:
            _worker = threading.Thread(target=_work, name="bericht-vorbereiten")
            _worker.start()
        return _worker


def _work() -> None:
    """Prepare the waiting reports one by one at a lower priority, until none waits; errors
    are dropped (a head start only: the download meets them again and tells the user)."""
    global _waiting, _worker
    me = threading.get_native_id()
    with contextlib.suppress(OSError):  # Linux: this thread only, and what it starts
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + NICENESS))
    while True:
        with _LOCK:
            job, _waiting = _waiting, None
            if job is None:
                _worker = None
                return
            _STARTED.difference_update({key for key in _STARTED if key[0] != job.version})
            _STARTED.add(job.key)
        with contextlib.suppress(Exception), queries.session(job.scope):
            prepare(job.settings, job.art, job.zeitraum)
