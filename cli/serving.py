"""Commands that serve the dashboard: serve, demo."""

from __future__ import annotations

import argparse
import sys

from cli import data
from cli.common import EXIT_USAGE, author
from warehouse.errors import UserError
from warehouse.settings import Settings

DEMO_USER = "demo"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    """`kim demo`: sample exports into an empty landing folder, load, build, serve."""
    from sample.generate import generate

    settings.exports.mkdir(parents=True, exist_ok=True)
    if not any(p for p in settings.exports.iterdir() if p.name.lower() != "readme.md"):
        written = generate(settings.exports)
        print(f"{len(written)} Beispiel-Exporte nach {settings.exports} geschrieben.")
    code = data.COMMANDS["load"](argparse.Namespace(paths=[], json=False), settings)
    if code not in (0, 1):
        return code
    code = data.COMMANDS["build"](args, settings)
    if code != 0 or args.ohne_dashboard:
        return code
    _demo_account(settings)
    return _serve(args, settings)


def _demo_account(settings: Settings) -> None:
    """A demo account with a fresh random password, printed for the person trying it out."""
    import secrets

    from accounts import users

    password = secrets.token_urlsafe(12)
    if any(u.name == DEMO_USER for u in users.listed(settings)):
        users.set_password(settings, DEMO_USER, password, by=author(None))
    else:
        users.add(settings, DEMO_USER, "koordination", password, demo=True, by=author(None))
    print(f"Demo-Zugang: Benutzer „{DEMO_USER}“, Passwort „{password}“")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """`kim serve`: the dashboard on a production WSGI server."""
    from accounts import users
    from dashboard.server import serve

    if settings.auth_mode == "intern":
        accounts = users.listed(settings) if settings.users_path.exists() else []
        if not accounts:
            print(
                "Es gibt noch kein Benutzerkonto: bitte zuerst „kim benutzer add NAME --rolle "
                "ROLLE“ (oder KIM_AUTH=header hinter dem Webserver des Kreises).",
                file=sys.stderr,
            )
            return 1
        if any(u.demo for u in accounts) and args.host not in LOOPBACK:
            print(
                f"Solange das Demo-Konto „{DEMO_USER}“ besteht, lauscht kim serve nur auf "
                "127.0.0.1 (kim benutzer remove demo).",
                file=sys.stderr,
            )
            return 1
    if not settings.serving_path.exists():
        print("Hinweis: Es ist noch kein Stand veröffentlicht (kim load, kim build).")
    try:
        serve(args.host, args.port)
    except UserError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    return 0


# Subcommand -> handler.
COMMANDS = {
    "serve": _serve,
    "demo": _demo,
}
