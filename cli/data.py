"""Commands on the data: generate, load, status, build, indicators, bereinigen."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from cli.common import EXIT_BUSY, EXIT_USAGE, author
from cli.progress import Shown
from warehouse.errors import NotPublished, UserError
from warehouse.settings import Settings
from warehouse.status import proof_line


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    """`kim generate`."""
    from sample.generate import DEFAULT_UNTIL, generate

    try:
        written = generate(
            args.out,
            seed=args.seed,
            scale=args.scale,
            until=args.bis or DEFAULT_UNTIL,
            history=args.historie,
            errors=not args.fehlerfrei,
        )
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(written)} Dateien nach {args.out} geschrieben.")
    return 0


def _load(args: argparse.Namespace, settings: Settings) -> int:
    """`kim load`."""
    from warehouse import report
    from warehouse.loader import load
    from warehouse.lock import Busy

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"Pfad nicht gefunden: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    paths = args.paths or [settings.exports]
    if not args.paths and not settings.exports.is_dir():
        print(f"Eingangsordner nicht gefunden: {settings.exports} (KIM_EXPORTS)", file=sys.stderr)
        return EXIT_USAGE
    try:
        with Shown(enabled=not args.json) as progress:
            result = load(settings, paths, progress)
    except Busy as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    from accounts import audit

    audit.record(
        settings,
        author(None),
        audit.Action.LADEN,
        pfade=[str(p) for p in paths],
        exit_code=result.exit_code,
    )
    print(report.as_json(result) if args.json else report.as_text(result))
    return result.exit_code


def _status(args: argparse.Namespace, settings: Settings) -> int:
    """`kim status`."""
    from warehouse import status
    from warehouse.lock import Busy

    try:
        data = status.collect(settings)
    except Busy as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY
    print(status.as_json(data) if args.json else status.as_text(data))
    return 0


def _build(args: argparse.Namespace, settings: Settings) -> int:
    """`kim build`."""
    from accounts import audit
    from warehouse.build import BuildFailed, build
    from warehouse.lock import Busy

    try:
        with Shown() as progress:
            record = build(settings, progress)
    except (BuildFailed, Busy) as err:
        audit.record(settings, author(None), audit.Action.BUILD_FEHLGESCHLAGEN)
        print(str(err), file=sys.stderr)
        return EXIT_BUSY if isinstance(err, Busy) else 1
    audit.record(settings, author(None), audit.Action.BUILD, build_id=record.build_id)
    print(f"Build {record.build_id} veröffentlicht (dbt {record.dbt_version}).")
    if record.pruefung:
        print(proof_line(record.pruefung))
    return 0


def _indicators(args: argparse.Namespace, settings: Settings) -> int:
    """`kim indicators`."""
    from warehouse import indicators

    try:
        data = indicators.rows(settings.serving_path, args.zeitraum)
    except NotPublished as err:
        print(str(err), file=sys.stderr)
        return 1
    text = indicators.as_csv(data) if args.format == "csv" else indicators.as_json(data)
    if args.out:
        # complete or not at all: a full disk leaves no cut-off table behind
        scratch = args.out.with_name(f".{args.out.name}.{os.getpid()}.tmp")
        try:
            scratch.write_text(text, encoding="utf-8")
            os.replace(scratch, args.out)
        finally:
            scratch.unlink(missing_ok=True)
    else:
        sys.stdout.write(text)
    return 0


def _cleanup(args: argparse.Namespace, settings: Settings) -> int:
    """`kim bereinigen`: delete what the retention rules say, then build again."""
    from accounts import audit
    from warehouse import retention
    from warehouse.lock import Busy

    try:
        plan = retention.clean(settings, dry_run=args.probelauf)
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY if isinstance(err, Busy) else 1
    if not args.probelauf and not plan.empty:
        audit.record(settings, author(None), audit.Action.BEREINIGUNG, **plan.as_json())
    if args.json:
        print(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(retention.describe(plan, dry_run=args.probelauf)))
    if args.probelauf and not plan.empty and not settings.serving_path.exists():
        print(
            "Hinweis: ohne veröffentlichten Stand (kim build) bricht das Bereinigen ab.",
            file=sys.stderr,
        )
    if args.probelauf or plan.empty:
        return 0
    # The published file still holds quarantined values of deleted deliveries: replace it.
    # With --json, stdout carries only the JSON document.
    with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
        return _build(args, settings)


# Subcommand -> handler.
def _check_import(args: argparse.Namespace, settings: Settings) -> int:
    """`kim profil pruefen DATEI [--profil NAME]`: how a file would load, writing nothing."""
    from warehouse import imports, report
    from warehouse.files import parse_name
    from warehouse.loader import load

    path: Path = args.datei
    if not path.is_file():
        print(f"Datei nicht gefunden: {path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        chosen = imports.find(args.profil) if args.profil else None
        if parse_name(path.name) is None and imports.match(path.name, chosen) is None:
            listed = ", ".join(p.key for p in imports.available()) or "keins"
            print(
                f"„{path.name}“ passt nicht zum Dateimuster des Importprofils „{chosen.key}“ "
                f"({chosen.pattern.pattern}): so ist die liefernde Quelle unbekannt."
                if chosen
                else f"Kein Importprofil liest „{path.name}“ (vorhanden: {listed}); mit "
                "--profil NAME ein Profil wählen oder den Dateinamen anpassen.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        with tempfile.TemporaryDirectory(prefix="kim-probelauf-") as scratch:
            trial = replace(settings, home=Path(scratch) / "home", exports=Path(scratch) / "ein")
            result = load(trial, [path], mapping=chosen)
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(report.as_json(result))
    else:
        print("Probelauf: so würde die Datei geladen; gespeichert wurde nichts.\n")
        print(report.as_text(result))
    return result.exit_code


def _show_profiles(args: argparse.Namespace, settings: Settings) -> int:
    """`kim profil zeigen`: the active Kreis profile and its import profiles."""
    from views import display
    from warehouse import imports, profile

    active = profile.load(settings.profile)
    print(f"Kreisprofil: {active.name} ({active.ags}), Ordner {active.folder}")
    print(f"Gebiete: {', '.join(t.name for t in active.towns)}")
    base = active.population_base
    print(f"Einwohner: {base.source}, Stichtag {base.date}")
    print(f"Zielgruppen: {', '.join(g.name for g in active.target_groups)}")
    topics = [
        display.label("handlungsfeld", t.code)
        + (f" (Landesliste: {display.label('handlungsfeld', t.land)})" if t.is_own else "")
        for t in active.topics
    ]
    print(f"Handlungsfelder: {', '.join(topics)}")
    try:
        found = imports.available()
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    print("Importprofile:" if found else "Importprofile: keine")
    for item in found:
        print(f"  {item.key}: {item.name} → {', '.join(item.tables)} ({item.path})")
    return 0


def _profile(args: argparse.Namespace, settings: Settings) -> int:
    """`kim profil zeigen|pruefen`."""
    return (_check_import if args.aktion == "pruefen" else _show_profiles)(args, settings)


COMMANDS = {
    "generate": _generate,
    "load": _load,
    "status": _status,
    "build": _build,
    "indicators": _indicators,
    "bereinigen": _cleanup,
    "profil": _profile,
}
