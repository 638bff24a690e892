"""`kim status`: what is current per source and table, with counts, quarantine and refusals."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from warehouse import profile, store
from warehouse.formatting import day, enumeration, moment, number
from warehouse.lock import exclusive
from warehouse.schema import TABLES, kreis_ags, towns
from warehouse.settings import Settings

_SOURCES_SQL = """
WITH latest AS (
    SELECT quelle, tabelle, max(lieferung_id) AS letzte_id,
        count(*) FILTER (WHERE status = 'abgelehnt') AS ablehnungen
    FROM lieferung
    WHERE quelle IS NOT NULL AND tabelle IS NOT NULL
    GROUP BY quelle, tabelle
)
SELECT
    l.quelle,
    l.tabelle,
    a.stichtag AS aktueller_stichtag,
    cur.zeilen_geladen AS zeilen,
    cur.zeilen_quarantaene AS quarantaene,
    last.stichtag AS letzte_lieferung_stichtag,
    last.status AS letzte_lieferung_status,
    last.verarbeitet_am AS letzte_lieferung_am,
    l.ablehnungen
FROM latest l
JOIN lieferung last ON last.lieferung_id = l.letzte_id
LEFT JOIN aktueller_stand a ON a.quelle = l.quelle AND a.tabelle = l.tabelle
LEFT JOIN lieferung cur ON cur.lieferung_id = a.lieferung_id
"""


def collect(settings: Settings) -> dict[str, Any]:
    """Status as plain data (also the `--json` output)."""
    if not settings.warehouse_path.exists():
        return {"warehouse": str(settings.warehouse_path), "quellen": [], "letzter_build": None}
    with exclusive(settings.lock_path, settings.lock_timeout_seconds, shared=True):
        con = store.connect(settings.warehouse_path, read_only=True)
        try:
            cursor = con.execute(_SOURCES_SQL)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            (quarantined,) = con.execute("SELECT count(*) FROM quarantaene").fetchone()
        finally:
            con.close()
    for row in rows:
        row["quelle_name"] = source_name(row["quelle"], row["tabelle"])
    tables = list(TABLES)
    kinds = ["stadt", "abh", "koordination"]
    rows.sort(
        key=lambda r: (
            kinds.index(TABLES[r["tabelle"]].source_kind),
            r["quelle"],
            tables.index(r["tabelle"]),
        )
    )
    return {
        "warehouse": str(settings.warehouse_path),
        "quellen": [_jsonable(r) for r in rows],
        "quarantaene_gesamt": quarantined,
        "letzter_build": _last_build(settings),
    }


def _last_build(settings: Settings) -> dict[str, Any] | None:
    """The newest build attempt."""
    from warehouse.build import last_builds

    builds = last_builds(settings)
    if not builds:
        return None
    record = builds[-1]
    return {
        "build_id": record.build_id,
        "beendet": record.beendet,
        "erfolgreich": record.erfolgreich,
        "meldung": record.meldung,
        "pruefung": record.pruefung,
    }


def source_name(ags: str, table: str | None) -> str:
    """German name of a source."""
    if table == "verfahren":
        return next((a.name for a in profile.current().authorities if a.ags == ags), ags)
    active = profile.current()
    if ags == kreis_ags() and (active.has_towns or table in ("stellen", "ziele", "strukturthemen")):
        return "Koordinierungsstelle (Kreis)" if active.has_towns else "Koordinierungsstelle"
    provider = next((p for p in profile.current().providers if p.id == ags), None)
    if provider is not None:
        names = enumeration([t.name for t in towns() if t.ags in provider.towns])
        return f"{provider.name} (Träger für {names})"
    return next((t.name for t in towns() if t.ags == ags), ags)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO strings."""
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def as_json(status: dict[str, Any]) -> str:
    """`kim status --json`."""
    return json.dumps(status, ensure_ascii=False, indent=2)


def as_text(status: dict[str, Any]) -> str:
    """`kim status` for people."""
    if not status["quellen"]:
        return f"Noch keine Daten geladen (Warehouse: {status['warehouse']})."
    lines = [f"Warehouse: {status['warehouse']}", ""]
    # as wide as the longest source name (a provider's name says whose towns it serves)
    width = max(32, *(len(row["quelle_name"]) for row in status["quellen"]))
    header = (
        f"{'Quelle':<{width}} {'Tabelle':<16} {'Stichtag':<10} {'Zeilen':>9} {'Quarant.':>8}  "
        "Letzte Lieferung"
    )
    lines += [header, "-" * len(header)]
    for row in status["quellen"]:
        current = day(_date(row["aktueller_stichtag"])) or "–"
        last = (
            f"{day(_date(row['letzte_lieferung_stichtag']))} {row['letzte_lieferung_status']}"
            f" ({moment(_datetime(row['letzte_lieferung_am']))})"
        )
        if row["ablehnungen"]:
            last += f"; {number(row['ablehnungen'])} Ablehnung(en)"
        lines.append(
            f"{row['quelle_name']:<{width}} {row['tabelle']:<16} {current:<10} "
            f"{number(row['zeilen'] or 0):>9} {number(row['quarantaene'] or 0):>8}  {last}"
        )
    lines += ["", f"Quarantäne insgesamt: {number(status['quarantaene_gesamt'])} Fehler"]
    build = status["letzter_build"]
    if build is None:
        lines.append("Letzter Build: noch keiner")
    else:
        outcome = "erfolgreich" if build["erfolgreich"] else "FEHLGESCHLAGEN"
        when = moment(datetime.fromisoformat(build["beendet"]))
        lines.append(f"Letzter Build: {build['build_id']} ({when}), {outcome}")
        if build.get("pruefung"):
            lines.append(proof_line(build["pruefung"]))
    return "\n".join(lines)


def proof_line(proof: dict[str, Any]) -> str:
    """The attacker check's figures in one German sentence."""
    narrowest = proof.get("engstes_intervall")
    width = "–" if narrowest is None else number(narrowest)
    return (
        f"Geheimhaltung geprüft: {number(proof['anzahlen'])} Anzahlen, davon "
        f"{number(proof['anzahlen_primaer'])} primär und {number(proof['anzahlen_sekundaer'])} "
        f"sekundär gesperrt; {number(proof['geprueft'])} kleine Werte in "
        f"{number(proof['komponenten'] or 0)} Komponenten (größte "
        f"{number(proof['groesste_komponente'] or 0)} Zellen) geprüft, engstes Intervall "
        f"{width}, {number(proof['eingrenzbar'])} eingrenzbar; "
        + _unpublished(proof)
        + _time(proof)
    )


def _time(proof: dict[str, Any]) -> str:
    """How long the check took, or that the last build's pattern and proof were taken."""
    if proof.get("aus_speicher"):
        return "Muster und Nachweis des letzten Builds übernommen (Tabelle und Prüfung gleich)."
    return f"{number(proof['sekunden'] or 0, 1)} s."


def _unpublished(proof: dict[str, Any]) -> str:
    """The unpublished counts the check took as unknowns (absent in older records)."""
    if proof.get("unveroeffentlicht") is None:
        return ""
    return (
        f"{number(proof['unveroeffentlicht'])} nicht veröffentlichte Zählungen als "
        f"Unbekannte einbezogen, {number(proof['unveroeffentlicht_eingrenzbar'])} davon "
        "eingrenzbar; "
    )


def _date(text: str | None) -> date | None:
    """Parse an ISO date."""
    return date.fromisoformat(text) if text else None


def _datetime(text: str | None) -> datetime | None:
    """Parse an ISO timestamp."""
    return datetime.fromisoformat(text) if text else None
