"""Commands on accounts and the audit trail: benutzer, audit."""

from __future__ import annotations

import argparse
import json
import sys

from cli.common import author
from warehouse.errors import UserError
from warehouse.settings import Settings


def read_password(from_stdin: bool) -> str:
    """A new password: one line from stdin, or asked twice without echo."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Neues Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise UserError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _accounts(args: argparse.Namespace, settings: Settings) -> int:
    """`kim benutzer add|list|remove|passwd`."""
    from dataclasses import asdict

    from accounts import users

    actor = author(None)
    try:
        if args.aktion == "add":
            user = users.add(
                settings,
                args.name,
                args.rolle,
                read_password(args.passwort_stdin),
                args.gebiet,
                by=actor,
            )
            print(f"Benutzer {user.name} ({user.rolle}) angelegt.")
        elif args.aktion == "passwd":
            password = read_password(args.passwort_stdin)
            user = users.set_password(settings, args.name, password, by=actor)
            print(f"Passwort von {user.name} geändert.")
        elif args.aktion == "remove":
            user = users.remove(settings, args.name, by=actor)
            print(f"Benutzer {user.name} gelöscht.")
        else:
            found = users.listed(settings)
            if args.json:
                print(json.dumps([asdict(u) for u in found], ensure_ascii=False, indent=2))
            for user in [] if args.json else found:
                bound = f", Gebiet {user.gebiet}" if user.gebiet else ""
                demo = " (Demo-Konto)" if user.demo else ""
                print(f"{user.name}: {user.rolle}{bound}{demo}")
    except UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    """`kim audit [--seit D] [--benutzer N] [--json]`, `kim audit --pruefen`."""

    from accounts import audit

    if args.pruefen:
        count, finding = audit.verify(settings)
        if finding is not None:
            print(
                f"Audit-Protokoll beschädigt: {settings.audit_path}, Zeile {finding.zeile}: "
                f"{finding.grund}.",
                file=sys.stderr,
            )
            return 1
        print(f"Audit-Protokoll intakt: {count} Einträge, Hash-Kette geprüft.")
        return 0
    chosen = audit.selected(settings, args.seit, args.benutzer)
    if args.json:
        print(json.dumps(chosen, ensure_ascii=False, indent=2))
        return 0
    for entry in chosen:
        details = ", ".join(f"{k}={v}" for k, v in dict(entry["details"]).items())
        print(f"{entry['nr']:>6} {entry['zeit']} {entry['benutzer']}: {entry['aktion']} {details}")
    return 0


# Subcommand -> handler.
COMMANDS = {
    "benutzer": _accounts,
    "audit": _audit,
}
