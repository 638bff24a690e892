"""Commands of the editorial work: report, kommentar, freigabe."""

from __future__ import annotations

import argparse
import json
import sys

from cli.common import EXIT_BUSY, EXIT_USAGE, author, report_formats
from cli.progress import Shown
from warehouse.errors import UserError
from warehouse.lock import Busy
from warehouse.schema import kreis_ags
from warehouse.settings import Settings


def _report(args: argparse.Namespace, settings: Settings) -> int:
    """`kim report`."""
    import reports

    out = args.out or settings.reports_dir
    try:
        with Shown() as progress:
            written = reports.write(
                settings,
                args.art,
                args.zeitraum,
                report_formats(args.format),
                out,
                by=author(None),
                progress=progress,
            )
    except UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def _comment(args: argparse.Namespace, settings: Settings) -> int:
    """`kim kommentar add|list|remove`."""
    from dataclasses import asdict

    from editorial import comments
    from views import display

    try:
        if args.aktion == "add":
            note = comments.add(
                settings,
                args.indikator,
                args.zeitraum,
                args.gebiet or kreis_ags(),
                args.text,
                author(args.autor),
            )
            print(f"Kommentar {note.id} gespeichert.")
        elif args.aktion == "remove":
            note = comments.remove(settings, args.id, by=author(None))
            print(f"Kommentar {note.id} gelöscht.")
        else:
            found = comments.listed(settings, zeitraum=args.zeitraum)
            if args.json:
                print(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2))
            for note in [] if args.json else found:
                print(f"[{note.id}] {display.period(note.zeitraum)} · {display.comment(note)}")
    except UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


def _signoff(args: argparse.Namespace, settings: Settings) -> int:
    """`kim freigabe P`, `kim freigabe [P] --diff`, `kim freigabe --liste`."""
    from dataclasses import asdict

    import pandas as pd

    from editorial import signoffs
    from views import display

    try:
        if args.liste or (args.diff and not args.zeitraum):
            chosen = signoffs.listed(settings)
        elif args.diff:
            signed = signoffs.current(settings, args.zeitraum)
            if signed is None:
                raise UserError(f"Der Zeitraum {args.zeitraum} ist nicht freigegeben.")
            chosen = [signed]
        elif args.zeitraum:
            signed = signoffs.sign_off(
                settings, args.zeitraum, author(args.autor), replace=args.ersetzen
            )
            print(
                f"{display.period(signed.zeitraum)} freigegeben: Build {signed.build_id}, "
                f"eingefroren in {signed.path(settings)}."
            )
            return 0
        else:
            print("Bitte einen Zeitraum, --diff oder --liste angeben.", file=sys.stderr)
            return EXIT_USAGE
        if not args.diff:
            if args.json:
                print(json.dumps([asdict(s) for s in chosen], ensure_ascii=False, indent=2))
            for signed in [] if args.json else chosen:
                print(
                    f"{signed.zeitraum}: Build {signed.build_id}, freigegeben am "
                    f"{signed.freigegeben_am} von {signed.freigegeben_von}"
                )
            return 0
        result = []
        for signed in chosen:
            frame = signoffs.revisions(settings, signed)
            if args.json:
                rows = [
                    {k: None if pd.isna(v) else v for k, v in row.items()}
                    for row in frame.astype(object).to_dict(orient="records")
                ]
                result.append({**asdict(signed), "aenderungen": rows})
                continue
            print(
                f"{display.period(signed.zeitraum)} (Build {signed.build_id}, freigegeben am "
                f"{signed.freigegeben_am[:10]}): {len(frame)} geänderte Werte"
            )
            if len(frame):
                print(display.revisions(frame).to_string(index=False))
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY if isinstance(err, Busy) else 1
    return 0


# Subcommand -> handler.
COMMANDS = {
    "report": _report,
    "kommentar": _comment,
    "freigabe": _signoff,
}
