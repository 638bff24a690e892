"""What every command group shares: exit codes and the author of audit entries."""

from __future__ import annotations

EXIT_USAGE = 2
EXIT_BUSY = 3


def author(name: str | None) -> str:
    """The given author, else the login name of the user running the command."""
    import getpass

    return name or getpass.getuser()
