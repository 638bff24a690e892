"""Recognise input files by name: source AGS, Stichtag, table and container kind."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse.schema import TABLES, provider_codes

_NAME = re.compile(
    r"^(?P<ags>\d{5}|\d{8}|[a-z][a-z0-9-]{2,40})_(?P<stichtag>\d{4}-\d{2}-\d{2}|\d{8})"
    r"(?:_(?P<table>[A-Za-z]+))?\.(?P<ext>csv|xlsx|zip)$",
    re.IGNORECASE,
)
IGNORED_NAMES = {"readme.md"}


@dataclass(frozen=True)
class InputName:
    """What a file name says about its content."""

    ags: str
    stichtag: date
    table: str | None  # None for a workbook or zip holding several tables
    ext: str  # "csv", "xlsx" or "zip"


def parse_name(name: str) -> InputName | None:
    """Parse `<AGS>_<STICHTAG>[_<table>].<ext>`; None when the name does not fit."""
    match = _NAME.match(name)
    if not match:
        return None
    stichtag = parse_stichtag(match["stichtag"])
    table = match["table"].lower() if match["table"] else None
    ext = match["ext"].lower()
    if stichtag is None or (table is not None and table not in TABLES):
        return None
    source = match["ags"].lower()
    # a welfare provider is named by its id in the Kreis profile; other words are no source
    if not source.isdigit() and source not in provider_codes():
        return None
    if table is None and ext == "csv":
        return None
    if table is not None and ext == "zip":
        return None
    return InputName(source, stichtag, table, ext)


def misnamed(name: str) -> str | None:
    """Why a file named like an export (`<AGS>_<STICHTAG>[_<table>].<ext>`) is none, in
    German; None for a name of another shape or one that fits."""
    match = _NAME.match(name)
    if not match or parse_name(name) is not None:
        return None
    if parse_stichtag(match["stichtag"]) is None:
        return f"Stichtag „{match['stichtag']}“ im Dateinamen ist kein gültiges Datum"
    table, ext = match["table"], match["ext"].lower()
    if table is not None and table.lower() not in TABLES:
        return f"Tabelle „{table}“ im Dateinamen gibt es nicht (bekannt: {', '.join(TABLES)})"
    if table is None and ext == "csv":
        return "eine CSV-Datei braucht die Tabelle im Dateinamen (<AGS>_<STICHTAG>_<tabelle>.csv)"
    if table is not None and ext == "zip":
        return "ein ZIP-Archiv heißt <AGS>_<STICHTAG>.zip, ohne Tabelle im Dateinamen"
    return f"„{match['ags']}“ ist weder AGS noch Träger des Kreisprofils"


def parse_stichtag(text: str) -> date | None:
    """A Stichtag spelled `YYYY-MM-DD` or `YYYYMMDD`; None when it is no real date."""
    digits = text.replace("-", "")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def discover(paths: list[Path]) -> list[Path]:
    """Files to consider: given files, and the files directly inside given folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.is_file()
                and not p.name.startswith(".")
                and p.name.lower() not in IGNORED_NAMES
            )
        else:
            found.append(path)
    return found


def sha256(path: Path) -> str:
    """Content hash of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
