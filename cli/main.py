"""The `kim` command line (documented in README.md and docs/loading.md)."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import NoReturn

from cli import accounts, data, editorial, operations, serving
from cli.common import EXIT_USAGE, REPORT_FORMATS, file_problem
from editorial import comments
from warehouse import profile
from warehouse.profile import ProfileError
from warehouse.schema import CUMULATIVE
from warehouse.settings import load_settings

# argparse's own messages in German (Python 3.11's wording).
_MESSAGES = (
    (r"the following arguments are required: (.+), (.+)", r"es fehlen: \1, \2"),
    (r"the following arguments are required: ", "es fehlt: "),
    (r"unrecognized arguments: ", "unbekannte Angaben: "),
    (r"^argument ([^:]+): ", r"Angabe \1: "),
    (r"invalid choice: (.+) \(choose from (.+)\)", r"ungültige Wahl \1 (möglich: \2)"),
    (r"expected one argument", "erwartet einen Wert"),
    (r"expected at least one argument", "erwartet mindestens einen Wert"),
    (r"ignored explicit argument (.+)", r"nimmt keinen Wert an (\1)"),
    (r"invalid int value: ", "keine ganze Zahl: "),
    (r"invalid float value: ", "keine Zahl: "),
    (r"not allowed with argument ", "nicht zusammen mit "),
    (r"ambiguous option: (.+) could match ", r"mehrdeutige Option \1, möglich: "),
)


class _Formatter(argparse.HelpFormatter):
    """Help text with a German heading of the usage line."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks German: headings, help option and errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Angaben"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")

    def error(self, message: str) -> NoReturn:
        """Usage and the German message on stderr, exit code 2."""
        for pattern, german in _MESSAGES:
            message = re.sub(pattern, german, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: Fehler: {message}\n")


def _period_arg(text: str) -> str:
    """argparse type for a period (2025, 2025-H1, 2025-Q3, 2025-03, gesamt)."""
    if not (comments.PERIOD.match(text) or text == CUMULATIVE):
        raise argparse.ArgumentTypeError(
            f"kein Zeitraum: {text} (z. B. 2025, 2025-H1, 2025-Q3, 2025-03 oder gesamt)"
        )
    return text


def _port(text: str) -> int:
    """argparse type for a TCP port (1 .. 65535)."""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"kein Port (1 bis 65535): {text}")
    return int(text)


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    """argparse type for a (whole) number greater than 0."""

    def parse(text: str) -> int | float:
        try:
            number = kind(text)
        except ValueError:
            number = 0
        if not (number > 0 and math.isfinite(number)):
            what = "ganze Zahl" if kind is int else "Zahl"
            raise argparse.ArgumentTypeError(f"keine {what} größer als 0: {text}")
        return number

    return parse


def _date_arg(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {text}") from None


def _formats(text: str) -> list[str]:
    """argparse type for `pdf,xlsx,pptx` (one word of `--format`; the words are joined in
    `report_formats`)."""
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in REPORT_FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unbekanntes Format: {', '.join(unknown) or text}")
    return list(dict.fromkeys(chosen))


def _parser() -> argparse.ArgumentParser:
    """Argument parser with all subcommands."""
    parser = _Parser(
        prog="kim",
        description="KIM Monitor – Warehouse und Dashboard für das Kommunale "
        "Integrationsmanagement",
    )
    parser.add_argument(
        "--version", action="version", version=f"kim {version('kim-monitor')}", help="Version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    generate = commands.add_parser("generate", help="synthetische Beispiel-Exporte erzeugen")
    generate.add_argument("--out", type=Path, required=True, help="Zielordner")
    generate.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (Standard 1)")
    generate.add_argument(
        "--scale",
        type=_positive(float),
        default=1.0,
        help="Größenfaktor (1 = Größe des Kreisprofils)",
    )
    generate.add_argument("--bis", type=_date_arg, help="letzter Stichtag (JJJJ-MM-TT)")
    generate.add_argument(
        "--historie", type=_positive(int), default=2, help="Anzahl Stichtage je Quelle"
    )
    generate.add_argument(
        "--fehlerfrei", action="store_true", help="ohne absichtliche Fehlerzeilen"
    )

    load = commands.add_parser("load", help="Exporte laden (Standard: Eingangsordner KIM_EXPORTS)")
    load.add_argument("paths", nargs="*", type=Path, metavar="PFAD", help="Dateien oder Ordner")
    load.add_argument("--json", action="store_true", help="Bericht als JSON ausgeben")

    profiles = commands.add_parser("profil", help="Kreisprofil und Importprofile")
    profile_commands = profiles.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    profile_commands.add_parser("zeigen", help="aktives Kreisprofil und seine Importprofile")
    trial = profile_commands.add_parser(
        "pruefen", help="zeigen, wie eine Datei geladen würde (Probelauf, speichert nichts)"
    )
    trial.add_argument("datei", type=Path, metavar="DATEI")
    trial.add_argument("--profil", metavar="NAME", help="Importprofil (Standard: nach Dateiname)")
    trial.add_argument("--json", action="store_true", help="Bericht als JSON ausgeben")

    status = commands.add_parser(
        "status", help="geladene Stände, Quarantäne und letzten Build zeigen"
    )
    status.add_argument("--json", action="store_true", help="als JSON ausgeben")

    commands.add_parser("build", help="Kennzahlen mit dbt berechnen und veröffentlichen")

    indicators = commands.add_parser("indicators", help="Kennzahlentabelle ausgeben")
    indicators.add_argument(
        "--zeitraum",
        action="extend",
        nargs="+",
        type=_period_arg,
        metavar="P",
        help="z. B. 2025, 2025-H1, 2025-Q3, 2025-03 oder gesamt (seit Beginn); mehrere "
        "durch Leerzeichen getrennt oder mit --zeitraum wiederholt",
    )
    indicators.add_argument("--format", choices=["csv", "json"], default="csv")
    indicators.add_argument("--out", type=Path, help="in diese Datei schreiben")

    report = commands.add_parser("report", help="Bericht (PDF, XLSX, PPTX) erstellen")
    report.add_argument(
        "--zeitraum", required=True, type=_period_arg, metavar="P", help="Jahr oder Halbjahr"
    )
    report.add_argument(
        "--art", choices=["land", "lenkungsgruppe", "stellennachweis"], default="land"
    )
    report.add_argument(
        "--format",
        type=_formats,
        nargs="+",
        action="extend",
        metavar="FORMAT",
        help="pdf, xlsx, pptx; mehrere durch Komma oder Leerzeichen getrennt (Standard: alle drei)",
    )
    report.add_argument("--out", type=Path, help="Zielordner (Standard: KIM_HOME/berichte)")

    comment = commands.add_parser("kommentar", help="Kommentare der Koordinierungsstelle")
    comment_commands = comment.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    add = comment_commands.add_parser("add", help="Kommentar zu Kennzahl, Zeitraum, Gebiet")
    add.add_argument("--indikator", required=True, help="Kennzahl-ID, z. B. faelle_neu")
    add.add_argument("--zeitraum", required=True, metavar="P")
    add.add_argument("--gebiet", metavar="AGS", help="AGS (Standard: der Kreis des Profils)")
    add.add_argument("--text", required=True)
    add.add_argument("--autor", default=None, help="Standard: Anmeldename")
    listing = comment_commands.add_parser("list", help="Kommentare zeigen")
    listing.add_argument("--zeitraum", type=_period_arg, metavar="P")
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")
    remove = comment_commands.add_parser("remove", help="Kommentar löschen")
    remove.add_argument("id", type=int, metavar="NR")

    signoff = commands.add_parser(
        "freigabe", help="Zeitraum freigeben (Werte einfrieren) oder Änderungen zeigen"
    )
    signoff.add_argument(
        "zeitraum", nargs="?", type=_period_arg, metavar="P", help="z. B. 2025 oder 2025-H1"
    )
    signoff.add_argument(
        "--diff", action="store_true", help="seit der Freigabe geänderte Werte zeigen"
    )
    signoff.add_argument("--liste", action="store_true", help="alle Freigaben zeigen")
    signoff.add_argument(
        "--ersetzen", action="store_true", help="eine bestehende Freigabe neu setzen"
    )
    signoff.add_argument("--autor", default=None, help="Standard: Anmeldename")
    signoff.add_argument("--json", action="store_true", help="als JSON ausgeben")

    accounts = commands.add_parser("benutzer", help="Benutzerkonten verwalten")
    account_commands = accounts.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    add_account = account_commands.add_parser("add", help="Konto anlegen")
    add_account.add_argument("name", metavar="NAME")
    add_account.add_argument(
        "--rolle", required=True, choices=["leitung", "koordination", "stadt", "admin"]
    )
    add_account.add_argument("--gebiet", metavar="AGS", help="Stadt eines Kontos mit Rolle stadt")
    passwd = account_commands.add_parser("passwd", help="Passwort ändern")
    passwd.add_argument("name", metavar="NAME")
    for command in (add_account, passwd):
        command.add_argument(
            "--passwort-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen"
        )
    account_list = account_commands.add_parser("list", help="Konten zeigen")
    account_list.add_argument("--json", action="store_true", help="als JSON ausgeben")
    account_remove = account_commands.add_parser("remove", help="Konto löschen")
    account_remove.add_argument("name", metavar="NAME")

    audit = commands.add_parser("audit", help="Audit-Protokoll lesen oder prüfen")
    audit.add_argument("--seit", type=_date_arg, help="ab diesem Tag (JJJJ-MM-TT)")
    audit.add_argument("--benutzer", metavar="NAME", help="nur Einträge dieses Benutzers")
    audit.add_argument("--json", action="store_true", help="als JSON ausgeben")
    audit.add_argument("--pruefen", action="store_true", help="die Hash-Kette prüfen")

    cleanup = commands.add_parser(
        "bereinigen", help="Falldaten nach Ablauf der Aufbewahrungsfrist löschen"
    )
    cleanup.add_argument("--probelauf", action="store_true", help="nur zeigen, was gelöscht würde")
    cleanup.add_argument("--json", action="store_true", help="als JSON ausgeben")

    backup = commands.add_parser("sicherung", help="KIM_HOME sichern, prüfen, einspielen")
    backup_commands = backup.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    create = backup_commands.add_parser("erstellen", help="eine Sicherung schreiben")
    create.add_argument("ziel", type=Path, metavar="ZIEL", help="Datei oder Ordner")
    for action, text in (("pruefen", "eine Sicherung prüfen"), ("einspielen", "zurückspielen")):
        command = backup_commands.add_parser(action, help=text)
        command.add_argument("datei", type=Path, metavar="DATEI")
        if action == "einspielen":
            command.add_argument(
                "--ersetzen", action="store_true", help="vorhandene Daten in KIM_HOME ersetzen"
            )

    delivery = commands.add_parser(
        "versand", help="Berichte des letzten abgeschlossenen Zeitraums per E-Mail versenden"
    )
    delivery.add_argument(
        "--zeitraum",
        type=_period_arg,
        metavar="P",
        help="Jahr oder Halbjahr (Standard: der letzte abgeschlossene)",
    )
    delivery.add_argument(
        "--erneut", action="store_true", help="auch wenn schon an diese Liste versandt"
    )

    serve = commands.add_parser("serve", help="Dashboard starten")
    demo = commands.add_parser(
        "demo", help="Beispieldaten erzeugen (falls nötig), laden, berechnen und anzeigen"
    )
    for command in (serve, demo):
        command.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")
        command.add_argument("--port", type=_port, default=8050, help="Port (Standard: 8050)")
    demo.add_argument(
        "--ohne-dashboard", action="store_true", help="nach Laden und Berechnen beenden"
    )
    return parser


# Commands that do not work in KIM_HOME (`kim profil pruefen` loads into a folder of its own).
WITHOUT_HOME = ("generate", "profil")
# Exit code of a command whose output was cut off (`kim status | head`), as after SIGPIPE.
EXIT_PIPE = 141


def home_problem(home: Path) -> str | None:
    """Why KIM_HOME cannot hold an installation (not a folder, not writable), or None."""
    if home.exists() and not home.is_dir():
        return (
            f"KIM_HOME {home} ist kein Ordner: Setzen Sie KIM_HOME auf einen Ordner "
            "(ein fehlender wird angelegt)."
        )
    existing = next(p for p in (home, *home.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"KIM_HOME {home} ist nicht beschreibbar ({existing}): Geben Sie dem Dienstkonto "
            "Schreibrechte oder setzen Sie KIM_HOME auf einen anderen Ordner."
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    settings = load_settings()
    problem = None if args.command in WITHOUT_HOME else home_problem(settings.home)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        profile.load(settings.profile)
        if settings.home.is_dir():
            profile.check_home(settings.home)
    except ProfileError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    commands = (
        data.COMMANDS
        | editorial.COMMANDS
        | accounts.COMMANDS
        | serving.COMMANDS
        | operations.COMMANDS
    )
    try:
        return commands[args.command](args, settings)
    except BrokenPipeError:
        # the reader stopped early: no traceback, and none when Python flushes at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except OSError as err:  # a path the checks above cannot foresee (e.g. one the OS refuses)
        print(file_problem(err), file=sys.stderr)
        return EXIT_USAGE
