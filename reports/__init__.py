"""Reports for the state program and the steering group (PDF, XLSX, PPTX) from published values."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import views.builders  # noqa: F401  (registers every chart builder)
from accounts import audit
from reports import content, images, to_pdf, to_pptx, to_xlsx
from reports.content import Report
from warehouse.progress import Progress, quiet
from warehouse.settings import Settings

FORMATS: dict[str, Callable[[Report], bytes]] = {
    "pdf": to_pdf.render,
    "xlsx": to_xlsx.render,
    "pptx": to_pptx.render,
}
# The step of writing the files as progress names it.
WRITING = "Dateien schreiben (PDF mit Grafiken dauert am längsten)"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def write(
    settings: Settings,
    art: str,
    zeitraum: str,
    formats: Sequence[str],
    out: Path,
    *,
    by: str,
    progress: Progress = quiet,
) -> list[Path]:
    """Write one report in the given formats to `out` (each file complete or not at all);
    audited as made `by`."""
    report = content.assemble(settings, art, zeitraum, progress)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with _renderer(settings, formats):
        for number, fmt in enumerate(formats):
            progress(WRITING, number, len(formats))
            path = out / f"{report.file_stem}.{fmt}"
            scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                scratch.write_bytes(FORMATS[fmt](report))
                os.replace(scratch, path)
            finally:
                scratch.unlink(missing_ok=True)
            written.append(path)
    progress(WRITING, len(formats), len(formats))
    _record(settings, by, art, zeitraum, [path.name for path in written])
    return written


def download(
    settings: Settings, art: str, zeitraum: str, fmt: str, *, by: str, progress: Progress = quiet
) -> tuple[str, bytes]:
    """One report in one format for the browser: file name and content; audited as made `by`."""
    report = content.assemble(settings, art, zeitraum, progress)
    name = f"{report.file_stem}.{fmt}"
    progress(WRITING, 0, 1)
    with _renderer(settings, [fmt]):
        data = FORMATS[fmt](report)
    progress(WRITING, 1, 1)
    _record(settings, by, art, zeitraum, [name])
    return name, data


def _renderer(
    settings: Settings, formats: Sequence[str]
) -> contextlib.AbstractContextManager[None]:
    """One chart renderer with the image store for formats with charts (PDF, PPTX)."""
    if any(fmt in ("pdf", "pptx") for fmt in formats):
        return images.renderer(settings.chart_images_dir)
    return contextlib.nullcontext()


def _record(settings: Settings, by: str, art: str, zeitraum: str, names: list[str]) -> None:
    """The audit entry of a report made."""
    audit.record(settings, by, audit.Action.BERICHT, art=art, zeitraum=zeitraum, dateien=names)
