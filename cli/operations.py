"""Commands of the Kreis IT: sicherung (backup, check, restore) and versand (reports by mail)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from cli.common import EXIT_BUSY, author
from warehouse.errors import UserError
from warehouse.formatting import enumeration, moment, number
from warehouse.lock import Busy
from warehouse.settings import Settings


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    """`kim sicherung erstellen|pruefen|einspielen`."""
    from accounts import audit
    from warehouse import backup, profile

    try:
        if args.aktion == "erstellen":
            path, manifest = backup.create(settings, args.ziel)
            audit.record(
                settings,
                author(None),
                audit.Action.SICHERUNG,
                datei=str(path),
                dateien=manifest.size,
            )
            print(f"Sicherung {path} geschrieben ({number(manifest.size)} Dateien).")
            return 0
        near = settings.home if args.aktion == "einspielen" else Path(tempfile.gettempdir())
        with backup.unpacked(args.datei, near) as (folder, manifest):
            entries, broken = audit.verify(replace(settings, home=folder))
            if broken is not None:
                raise backup.BackupError(
                    f"Sicherung {args.datei}: Audit-Protokoll gebrochen in Zeile {broken.zeile} "
                    f"({broken.grund})."
                )
            said = (
                f"Sicherung {args.datei} vom {moment(datetime.fromisoformat(manifest.erstellt))} "
                f"({manifest.kreis}, {number(manifest.size)} Dateien) ist vollständig; das "
                f"Audit-Protokoll ({number(entries)} Einträge) ist lückenlos."
            )
            if args.aktion == "pruefen":
                print(said)
                return 0
            active = profile.current()
            if manifest.kreis.split(" ")[0] != active.ags:
                raise backup.BackupError(
                    f"Die Sicherung gehört zu {manifest.kreis}, KIM_PROFIL wählt {active.name} "
                    f"({active.ags}): Wählen Sie das Profil der Sicherung."
                )
            backup.restore(settings, folder, replace=args.ersetzen)
        audit.record(
            settings, author(None), audit.Action.SICHERUNG_EINGESPIELT, datei=str(args.datei)
        )
        print(f"{said} Eingespielt in {settings.home}.")
        return 0
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY if isinstance(err, Busy) else 1


def _delivery(args: argparse.Namespace, settings: Settings) -> int:
    """`kim versand [--zeitraum P] [--erneut]`."""
    from reports import delivery

    try:
        done = delivery.send(settings, author(None), args.zeitraum, again=args.erneut)
    except UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    to = enumeration(list(done.empfaenger))
    if done.bereits_versandt:
        print(f"Die Berichte für {done.zeitraum} sind bereits an {to} versandt (--erneut).")
    else:
        print(f"Berichte für {done.zeitraum} an {to} versandt: {', '.join(done.dateien)}.")
    return 0


# Subcommand -> handler.
COMMANDS = {"sicherung": _backup, "versand": _delivery}
