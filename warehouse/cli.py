"""The `kim` command line (documented in README.md and docs/loading.md)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from warehouse.comments import Comment
from warehouse.editorial import EditorialError
from warehouse.schema import KREIS_AGS
from warehouse.settings import Settings, load_settings
from warehouse.status import proof_line

EXIT_USAGE = 2
DEMO_USER = "demo"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
EXIT_BUSY = 3


def _date_arg(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {text}") from None


def _formats(text: str) -> list[str]:
    """argparse type for `pdf,xlsx,pptx`."""
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in ("pdf", "xlsx", "pptx")]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unbekanntes Format: {', '.join(unknown) or text}")
    return list(dict.fromkeys(chosen))


def _parser() -> argparse.ArgumentParser:
    """Argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="kim",
        description="KIM Monitor – Warehouse und Dashboard für das Kommunale "
        "Integrationsmanagement",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    generate = commands.add_parser("generate", help="synthetische Beispiel-Exporte erzeugen")
    generate.add_argument("--out", type=Path, required=True, help="Zielordner")
    generate.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (Standard 1)")
    generate.add_argument(
        "--scale", type=float, default=1.0, help="Größenfaktor (1 = Ennepe-Ruhr-Kreis)"
    )
    generate.add_argument("--bis", type=_date_arg, help="letzter Stichtag (JJJJ-MM-TT)")
    generate.add_argument("--historie", type=int, default=2, help="Anzahl Stichtage je Quelle")
    generate.add_argument(
        "--fehlerfrei", action="store_true", help="ohne absichtliche Fehlerzeilen"
    )

    load = commands.add_parser("load", help="Exporte laden (Standard: Eingangsordner KIM_EXPORTS)")
    load.add_argument("paths", nargs="*", type=Path, metavar="PFAD", help="Dateien oder Ordner")
    load.add_argument("--json", action="store_true", help="Bericht als JSON ausgeben")

    status = commands.add_parser(
        "status", help="geladene Stände, Quarantäne und letzten Build zeigen"
    )
    status.add_argument("--json", action="store_true", help="als JSON ausgeben")

    commands.add_parser("build", help="Kennzahlen mit dbt berechnen und veröffentlichen")

    indicators = commands.add_parser("indicators", help="Kennzahlentabelle ausgeben")
    indicators.add_argument(
        "--zeitraum", action="append", metavar="P", help="z. B. 2025, 2025-H1, 2025-Q3, 2025-03"
    )
    indicators.add_argument("--format", choices=["csv", "json"], default="csv")
    indicators.add_argument("--out", type=Path, help="in diese Datei schreiben")

    report = commands.add_parser("report", help="Bericht (PDF, XLSX, PPTX) erstellen")
    report.add_argument("--zeitraum", required=True, metavar="P", help="Jahr oder Halbjahr")
    report.add_argument("--art", choices=["land", "lenkungsgruppe"], default="land")
    report.add_argument(
        "--format",
        type=_formats,
        default=["pdf", "xlsx", "pptx"],
        help="Formate, durch Komma getrennt (Standard: pdf,xlsx,pptx)",
    )
    report.add_argument("--out", type=Path, help="Zielordner (Standard: KIM_HOME/berichte)")

    comment = commands.add_parser("kommentar", help="Kommentare der Koordinierungsstelle")
    comment_commands = comment.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    add = comment_commands.add_parser("add", help="Kommentar zu Kennzahl, Zeitraum, Gebiet")
    add.add_argument("--indikator", required=True, help="Kennzahl-ID, z. B. faelle_neu")
    add.add_argument("--zeitraum", required=True, metavar="P")
    add.add_argument("--gebiet", default=KREIS_AGS, help=f"AGS (Standard: Kreis {KREIS_AGS})")
    add.add_argument("--text", required=True)
    add.add_argument("--autor", default=None, help="Standard: Anmeldename")
    listing = comment_commands.add_parser("list", help="Kommentare zeigen")
    listing.add_argument("--zeitraum", metavar="P")
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")
    remove = comment_commands.add_parser("remove", help="Kommentar löschen")
    remove.add_argument("id", type=int, metavar="NR")

    signoff = commands.add_parser(
        "freigabe", help="Zeitraum freigeben (Werte einfrieren) oder Änderungen zeigen"
    )
    signoff.add_argument("zeitraum", nargs="?", metavar="P", help="z. B. 2025 oder 2025-H1")
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

    serve = commands.add_parser("serve", help="Dashboard starten")
    demo = commands.add_parser(
        "demo", help="Beispieldaten erzeugen (falls nötig), laden, berechnen und anzeigen"
    )
    for command in (serve, demo):
        command.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")
        command.add_argument("--port", type=int, default=8050, help="Port (Standard: 8050)")
    demo.add_argument(
        "--ohne-dashboard", action="store_true", help="nach Laden und Berechnen beenden"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    settings = load_settings()
    handler = {
        "generate": _generate,
        "load": _load,
        "status": _status,
        "build": _build,
        "indicators": _indicators,
        "serve": _serve,
        "demo": _demo,
        "report": _report,
        "kommentar": _comment,
        "freigabe": _signoff,
        "benutzer": _accounts,
        "audit": _audit,
        "bereinigen": _cleanup,
    }[args.command]
    return handler(args, settings)


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    """`kim generate`."""
    from warehouse.generate import DEFAULT_UNTIL, generate

    written = generate(
        args.out,
        seed=args.seed,
        scale=args.scale,
        until=args.bis or DEFAULT_UNTIL,
        history=args.historie,
        errors=not args.fehlerfrei,
    )
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
        with _progress(enabled=not args.json) as progress:
            result = load(settings, paths, progress)
    except Busy as err:
        print(str(err), file=sys.stderr)
        return EXIT_BUSY
    from warehouse import audit

    audit.record(
        settings,
        _author(None),
        "laden",
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
    from warehouse.build import BuildFailed, build
    from warehouse.lock import Busy

    print("Berechne Kennzahlen (dbt) …", file=sys.stderr)
    from warehouse import audit

    try:
        record = build(settings)
    except (BuildFailed, Busy) as err:
        audit.record(settings, _author(None), "build_fehlgeschlagen")
        print(str(err), file=sys.stderr)
        return 1
    audit.record(settings, _author(None), "build", build_id=record.build_id)
    print(f"Build {record.build_id} veröffentlicht (dbt {record.dbt_version}).")
    if record.pruefung:
        print(proof_line(record.pruefung))
    return 0


def _indicators(args: argparse.Namespace, settings: Settings) -> int:
    """`kim indicators`."""
    from warehouse import indicators

    try:
        data = indicators.rows(settings.serving_path, args.zeitraum)
    except indicators.NotBuilt as err:
        print(str(err), file=sys.stderr)
        return 1
    text = indicators.as_csv(data) if args.format == "csv" else indicators.as_json(data)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    """`kim report`."""
    import reports
    from dashboard.queries import NoData

    out = args.out or settings.reports_dir
    try:
        written = reports.write(settings, args.art, args.zeitraum, args.format, out)
    except (EditorialError, NoData) as err:
        print(str(err), file=sys.stderr)
        return 1
    from warehouse import audit

    audit.record(
        settings,
        _author(None),
        "bericht",
        art=args.art,
        zeitraum=args.zeitraum,
        dateien=[p.name for p in written],
    )
    for path in written:
        print(path)
    return 0


def _author(name: str | None) -> str:
    """The given author, else the login name of the user running the command."""
    import getpass

    return name or getpass.getuser()


def _comment(args: argparse.Namespace, settings: Settings) -> int:
    """`kim kommentar add|list|remove`."""
    from dataclasses import asdict

    from dashboard import display
    from warehouse import audit, comments

    try:
        if args.aktion == "add":
            note = comments.add(
                settings,
                args.indikator,
                args.zeitraum,
                args.gebiet,
                args.text,
                _author(args.autor),
            )
            audit.record(settings, note.autor, "kommentar_angelegt", **_comment_details(note))
            print(f"Kommentar {note.id} gespeichert.")
        elif args.aktion == "remove":
            note = comments.remove(settings, args.id)
            audit.record(settings, _author(None), "kommentar_geloescht", **_comment_details(note))
            print(f"Kommentar {note.id} gelöscht.")
        else:
            found = comments.listed(settings, zeitraum=args.zeitraum)
            if args.json:
                print(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2))
            for note in [] if args.json else found:
                print(f"[{note.id}] {display.period(note.zeitraum)} · {display.comment(note)}")
    except EditorialError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


def _comment_details(note: Comment) -> dict[str, object]:
    """What the audit trail keeps of a comment (the figure it belongs to, not its text)."""
    return {k: getattr(note, k) for k in ("id", "indikator", "zeitraum", "gebiet")}


def _signoff(args: argparse.Namespace, settings: Settings) -> int:
    """`kim freigabe P`, `kim freigabe [P] --diff`, `kim freigabe --liste`."""
    from dataclasses import asdict

    import pandas as pd

    from dashboard import display
    from warehouse import audit, signoffs

    try:
        if args.liste or (args.diff and not args.zeitraum):
            chosen = signoffs.listed(settings)
        elif args.diff:
            signed = signoffs.current(settings, args.zeitraum)
            if signed is None:
                raise EditorialError(f"Der Zeitraum {args.zeitraum} ist nicht freigegeben.")
            chosen = [signed]
        elif args.zeitraum:
            signed = signoffs.sign_off(
                settings, args.zeitraum, _author(args.autor), replace=args.ersetzen
            )
            audit.record(
                settings,
                signed.freigegeben_von,
                "freigabe",
                zeitraum=signed.zeitraum,
                build_id=signed.build_id,
                ersetzt=args.ersetzen,
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
    except EditorialError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


def _password(from_stdin: bool) -> str:
    """A new password: one line from stdin, or asked twice without echo."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Neues Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise EditorialError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _accounts(args: argparse.Namespace, settings: Settings) -> int:
    """`kim benutzer add|list|remove|passwd`."""
    from dataclasses import asdict

    from warehouse import audit, users

    actor = _author(None)
    try:
        if args.aktion == "add":
            user = users.add(
                settings, args.name, args.rolle, _password(args.passwort_stdin), args.gebiet
            )
            audit.record(
                settings,
                actor,
                "benutzer_angelegt",
                name=user.name,
                rolle=user.rolle,
                gebiet=user.gebiet,
            )
            print(f"Benutzer {user.name} ({user.rolle}) angelegt.")
        elif args.aktion == "passwd":
            user = users.set_password(settings, args.name, _password(args.passwort_stdin))
            audit.record(settings, actor, "passwort_geaendert", name=user.name)
            print(f"Passwort von {user.name} geändert.")
        elif args.aktion == "remove":
            user = users.remove(settings, args.name)
            audit.record(settings, actor, "benutzer_geloescht", name=user.name)
            print(f"Benutzer {user.name} gelöscht.")
        else:
            found = users.listed(settings)
            if args.json:
                print(json.dumps([asdict(u) for u in found], ensure_ascii=False, indent=2))
            for user in [] if args.json else found:
                bound = f", Gebiet {user.gebiet}" if user.gebiet else ""
                demo = " (Demo-Konto)" if user.demo else ""
                print(f"{user.name}: {user.rolle}{bound}{demo}")
    except EditorialError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    """`kim audit [--seit D] [--benutzer N] [--json]`, `kim audit --pruefen`."""

    from warehouse import audit

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


def _cleanup(args: argparse.Namespace, settings: Settings) -> int:
    """`kim bereinigen`: delete what the retention rules say, then build again."""
    from warehouse import audit, retention
    from warehouse.lock import Busy

    try:
        plan = retention.clean(settings, dry_run=args.probelauf)
    except (EditorialError, Busy) as err:
        print(str(err), file=sys.stderr)
        return 1
    if not args.probelauf and not plan.empty:
        audit.record(settings, _author(None), "bereinigung", **plan.as_json())
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


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    """`kim demo`: sample exports into an empty landing folder, load, build, serve."""
    from warehouse.generate import generate

    settings.exports.mkdir(parents=True, exist_ok=True)
    if not any(p for p in settings.exports.iterdir() if p.name.lower() != "readme.md"):
        written = generate(settings.exports)
        print(f"{len(written)} Beispiel-Exporte nach {settings.exports} geschrieben.")
    code = _load(argparse.Namespace(paths=[], json=False), settings)
    if code not in (0, 1):
        return code
    code = _build(args, settings)
    if code != 0 or args.ohne_dashboard:
        return code
    _demo_account(settings)
    return _serve(args, settings)


def _demo_account(settings: Settings) -> None:
    """A demo account with a fresh random password, printed for the person trying it out."""
    import secrets

    from warehouse import audit, users

    password = secrets.token_urlsafe(12)
    if any(u.name == DEMO_USER for u in users.listed(settings)):
        users.set_password(settings, DEMO_USER, password)
    else:
        users.add(settings, DEMO_USER, "koordination", password, demo=True)
        audit.record(settings, _author(None), "benutzer_angelegt", name=DEMO_USER, demo=True)
    print(f"Demo-Zugang: Benutzer „{DEMO_USER}“, Passwort „{password}“")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """`kim serve`: the dashboard on a production WSGI server."""
    from dashboard.server import serve
    from warehouse import users

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
    serve(args.host, args.port)
    return 0


class _progress:
    """A tqdm progress bar on stderr for long loads (only on a terminal)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        def update(done: int) -> None:
            if not self.enabled:
                return
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(
                    desc="Lade Tabellen", unit=" Tabellen", file=sys.stderr, leave=False
                )
            self.bar.n = done
            self.bar.refresh()

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
