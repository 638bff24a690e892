"""A report made ready ahead of its download, while the user still looks at the form.

The dashboard's first PDF after a new build pays for the chart data, Chromium drawing
every chart, and WeasyPrint loading its German hyphenation dictionary. Preparing does all
of that ahead, in a background thread, and keeps the results where the download looks:
the chart data in the build's cache, the images in the image store, the dictionary in the
process. Nothing is written out or audited; the download makes the report itself.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from reports import content, images, to_pdf
from views import queries
from warehouse.errors import UserError
from warehouse.settings import Settings

LOG = logging.getLogger("kim.berichte")
# Reports prepared (or being prepared) for the current build: (build, file read, scope, art,
# period); the file read is the frozen copy of a signed-off period.
_STARTED: set[tuple[object, ...]] = set()
# The report asked for while another was prepared: only the latest waits, so that no
# preparation is made for choices passed over.
_waiting: _Job | None = None
_worker: threading.Thread | None = None
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Job:
    """One report to prepare, within the scope of the user who chose it."""

    settings: Settings
    art: str
    zeitraum: str
    scope: queries.Scope | None
    version: tuple[str, int, int]
    source: tuple[str, int, int]

    @property
    def key(self) -> tuple[object, ...]:
        """What makes it the same preparation: build, file read, scope, kind and period."""
        return (self.version, self.source, self.scope, self.art, self.zeitraum)


def prepare(settings: Settings, art: str, zeitraum: str) -> bool:
    """Assemble the report, draw its PDF's chart images into the store, warm the layout;
    False if it gave way to a report waiting for the chart renderer before it was done."""
    report = content.assemble(settings, art, zeitraum)
    with images.renderer(settings.chart_images_dir):
        for figure in to_pdf.figures(report):
            if images.others_waiting():  # a download waits: it comes first
                return False
            images.svg(figure)
    to_pdf.warm_layout()
    return True


def prepare_in_background(settings: Settings, art: str, zeitraum: str) -> threading.Thread | None:
    """Prepare the report in a background thread after the one being prepared, in place of
    any report waiting; the thread, or None if it was prepared for this build and scope (and
    for the period's sign-off, if any)."""
    global _waiting, _worker
    try:
        with queries.reading(content.source(settings, zeitraum)):
            source = queries.build_version()
    except UserError as err:  # e.g. a sign-off's frozen file gone: the download tells the user
        LOG.warning("Bericht %s %s nicht vorbereitet: %s", art, zeitraum, err)
        return None
    job = _Job(settings, art, zeitraum, queries.scope(), queries.build_version(), source)
    with _LOCK:
        if job.key in _STARTED:
            return None
        _waiting = job
        if _worker is None:
            worker = threading.Thread(target=_work, name="bericht-vorbereiten")
            try:
                worker.start()
            except RuntimeError as err:  # no thread to be had now: no head start this time
                LOG.warning("Bericht %s %s nicht vorbereitet: %s", art, zeitraum, err)
                _waiting = None
                return None
            _worker = worker
        return _worker


def _work() -> None:
    """Prepare the waiting reports one by one until none waits. A report not prepared
    (an error, or a download came first) may be asked for again; an error is only logged:
    the download meets it again and tells the user."""
    global _waiting, _worker
    try:
        while True:
            with _LOCK:
                job, _waiting = _waiting, None
                if job is None:
                    _worker = None  # in the lock: a report asked for from now on gets a new one
                    return
                _STARTED.difference_update({k for k in _STARTED if k[0] != job.version})
                _STARTED.add(job.key)
            try:
                with queries.session(job.scope):
                    done = prepare(job.settings, job.art, job.zeitraum)
            except Exception as err:  # a head start only: nothing of it may break the server
                LOG.warning("Bericht %s %s nicht vorbereitet: %s", job.art, job.zeitraum, err)
                done = False
            if not done:
                with _LOCK:
                    _STARTED.discard(job.key)
    except BaseException:
        with _LOCK:
            _worker = None
        raise
