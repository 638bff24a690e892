"""What every command group shares: exit codes, the author of audit entries, file errors."""

from __future__ import annotations

import errno

EXIT_USAGE = 2
EXIT_BUSY = 3

# Why a file or folder cannot be read or written, in German.
FILE_REASONS = {
    errno.ENOENT: "gibt es nicht",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "nicht erlaubt",
    errno.EISDIR: "ist ein Ordner, keine Datei",
    errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner",
    errno.EEXIST: "gibt es schon",
    errno.ENOSPC: "kein Speicherplatz mehr",
    errno.EROFS: "schreibgeschützt",
}


def author(name: str | None) -> str:
    """The given author, else the login name of the user running the command."""
    import getpass

    return name or getpass.getuser()


def file_problem(err: OSError) -> str:
    """One German sentence for a file or folder that cannot be used: the path, why, what to do."""
    # of a move (os.replace), the place it was to go
    path = err.filename2 if err.filename2 is not None else err.filename
    path = "(ohne Pfad)" if path is None else path
    cause = FILE_REASONS.get(err.errno or 0, err.strerror or type(err).__name__)
    return (
        f"Abgebrochen: Datei oder Ordner {path} lässt sich nicht verwenden ({cause}). Prüfen "
        "Sie Pfad, Rechte des Dienstkontos und freien Speicherplatz (KIM_HOME, KIM_EXPORTS, "
        "--out) und rufen Sie den Befehl erneut auf."
    )


REPORT_FORMATS = ("pdf", "xlsx", "pptx")


def report_formats(chosen: list[list[str]] | None) -> list[str]:
    """The formats of `kim report --format`, each once, in the order given; all by default."""
    return list(dict.fromkeys(f for part in chosen or [REPORT_FORMATS] for f in part))
