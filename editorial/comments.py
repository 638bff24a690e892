"""Comments of the coordination office on one figure: (indicator, period, area)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from accounts import audit
from editorial import database
from warehouse.errors import UserError
from warehouse.schema import indicator_ids, kreis_ags, town_codes
from warehouse.settings import Settings

PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")
MAX_LENGTH = 2000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Comment:
    """One stored comment."""

    id: int
    indikator: str
    zeitraum: str
    gebiet: str
    text: str
    autor: str
    erstellt_am: str

    @property
    def figure(self) -> dict[str, object]:
        """What the audit trail keeps of it: the figure it belongs to, not its text."""
        return {k: getattr(self, k) for k in ("id", "indikator", "zeitraum", "gebiet")}


def add(
    settings: Settings, indikator: str, zeitraum: str, gebiet: str, text: str, autor: str
) -> Comment:
    """Store a comment after checking that it names a real figure."""
    # Control characters (Word pastes line breaks as \x0b) are not allowed in spreadsheets.
    text = CONTROL.sub(" ", text.replace("\r\n", "\n")).strip()
    if indikator not in indicator_ids():
        raise UserError(f"Unbekannte Kennzahl „{indikator}“ (siehe Kennzahlenkatalog).")
    if not PERIOD.match(zeitraum):
        raise UserError(
            f"Unbekannter Zeitraum „{zeitraum}“ (z. B. 2025, 2025-H1, 2025-Q3, 2025-03)."
        )
    if gebiet not in (kreis_ags(), *town_codes()):
        raise UserError(f"Unbekanntes Gebiet „{gebiet}“ (AGS einer Stadt oder {kreis_ags()}).")
    if not text:
        raise UserError("Der Kommentar ist leer.")
    if len(text) > MAX_LENGTH:
        raise UserError(f"Der Kommentar ist länger als {MAX_LENGTH} Zeichen.")
    with database.connect(settings) as con:
        cursor = con.execute(
            "INSERT INTO kommentare (indikator, zeitraum, gebiet, text, autor, erstellt_am)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (indikator, zeitraum, gebiet, text, autor, database.now()),
        )
        row = con.execute("SELECT * FROM kommentare WHERE id = ?", (cursor.lastrowid,)).fetchone()
    note = Comment(**dict(row))
    audit.record(settings, autor, audit.Action.KOMMENTAR_ANGELEGT, **note.figure)
    return note


def remove(settings: Settings, comment_id: int, *, by: str) -> Comment:
    """Delete a comment by id, audited as done `by`; the deleted comment is returned."""
    with database.connect(settings) as con:
        row = con.execute("SELECT * FROM kommentare WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise UserError(f"Es gibt keinen Kommentar mit der Nummer {comment_id}.")
        con.execute("DELETE FROM kommentare WHERE id = ?", (comment_id,))
    note = Comment(**dict(row))
    audit.record(settings, by, audit.Action.KOMMENTAR_GELOESCHT, **note.figure)
    return note


def listed(
    settings: Settings,
    zeitraum: str | None = None,
    indikatoren: Iterable[str] | None = None,
    gebiete: Iterable[str] | None = None,
) -> list[Comment]:
    """Comments, oldest first; each argument given narrows the list."""
    if not settings.editorial_path.exists():
        return []
    sql = "SELECT * FROM kommentare WHERE 1 = 1"
    params: list[str] = []
    if zeitraum is not None:
        sql += " AND zeitraum = ?"
        params.append(zeitraum)
    for column, wanted in (("indikator", indikatoren), ("gebiet", gebiete)):
        if wanted is not None:
            chosen = list(wanted)
            sql += f" AND {column} IN ({', '.join('?' * len(chosen)) or 'NULL'})"
            params += chosen
    with database.connect(settings, write=False) as con:
        rows = con.execute(sql + " ORDER BY erstellt_am, id", params).fetchall()
    return [Comment(**dict(row)) for row in rows]


def for_view(
    settings: Settings, indikatoren: Iterable[str], zeitraum: str, gebiet: str
) -> list[Comment]:
    """Comments beside a figure: its indicators and period; the Kreis view shows every town's."""
    gebiete = None if gebiet == kreis_ags() else [gebiet]
    chosen = list(indikatoren)
    if not chosen:
        return []
    try:
        return listed(settings, zeitraum=zeitraum, indikatoren=chosen, gebiete=gebiete)
    except sqlite3.Error:
        # A figure is worth more than its comments: an unreadable store must not hide it.
        return []
