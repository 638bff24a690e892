"""The `kim` command line (documented in README.md and docs/loading.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from warehouse.settings import Settings, load_settings

EXIT_USAGE = 2
EXIT_BUSY = 3


def _date_arg(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"kein Datum im Format JJJJ-MM-TT: {text}") from None


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
    try:
        record = build(settings)
    except (BuildFailed, Busy) as err:
        print(str(err), file=sys.stderr)
        return 1
    print(f"Build {record.build_id} veröffentlicht (dbt {record.dbt_version}).")
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
    return _serve(args, settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """`kim serve`: the dashboard on a production WSGI server."""
    from dashboard.server import serve

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
