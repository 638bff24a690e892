"""Human-readable (German) and JSON renderings of a load report."""

from __future__ import annotations

import json

from warehouse.formatting import day, number
from warehouse.loader import FileResult, LoadReport

STATUS_LABELS = {
    "geladen": "geladen",
    "teilweise_geladen": "teilweise geladen",
    "abgelehnt": "ABGELEHNT",
    "bereits_geladen": "bereits geladen",
    "veraltet": "veraltet (Historie)",
    "unbekannt": "unbekannt",
}
SHOWN_MESSAGES = 10


def as_json(report: LoadReport) -> str:
    """`kim load --json` output."""
    return json.dumps(
        {
            "files": [r.as_json() for r in report.files],
            "erneut_geprueft": [r.as_json() for r in report.revalidated],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_text(report: LoadReport) -> str:
    """Per-file summary for people."""
    if not report.files:
        return "Keine Dateien gefunden – es gibt nichts zu laden."
    lines = []
    for result in report.files:
        lines.extend(_entry(result))
    if report.revalidated:
        lines.append("")
        lines.append("Aus dem Archiv erneut geprüft (Lieferungen zum selben Stichtag):")
        for result in report.revalidated:
            lines.extend(_entry(result))
    lines.append("")
    lines.append(_totals(report))
    return "\n".join(lines)


def _entry(result: FileResult) -> list[str]:
    """Lines for one entry."""
    name = result.file + (f" [{result.teil}]" if result.teil else "")
    head = f"{name}: {STATUS_LABELS[result.status]}"
    if result.tabelle:
        head += f" – Tabelle {result.tabelle}"
    if result.stichtag:
        head += f", Stichtag {day(result.stichtag)}"
    lines = [head]
    if result.zeilen_gelesen:
        lines.append(
            f"    {number(result.zeilen_gelesen)} Zeilen gelesen, "
            f"{number(result.zeilen_geladen)} geladen, "
            f"{number(result.zeilen_quarantaene)} in Quarantäne"
        )
    shown = result.meldungen[:SHOWN_MESSAGES]
    lines.extend(f"    – {m}" for m in shown)
    if len(result.meldungen) > SHOWN_MESSAGES:
        lines.append(
            f"    – … {number(len(result.meldungen) - SHOWN_MESSAGES)} weitere Meldungen "
            "(kim load --json oder kim status --quarantaene)"
        )
    return lines


def _totals(report: LoadReport) -> str:
    """Closing line with the totals."""
    entries = report.files + report.revalidated
    read = sum(r.zeilen_gelesen for r in entries)
    loaded = sum(r.zeilen_geladen for r in entries)
    quarantined = sum(r.zeilen_quarantaene for r in entries)
    refused = sum(r.status == "abgelehnt" for r in entries)
    return (
        f"Zusammen: {number(len(report.files))} Einträge, {number(read)} Zeilen gelesen, "
        f"{number(loaded)} geladen, {number(quarantined)} in Quarantäne, "
        f"{number(refused)} abgelehnt."
    )
