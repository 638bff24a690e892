"""Progress of long callbacks (report builds), kept per browser tab for its page to poll."""

from __future__ import annotations

import secrets
import threading

from warehouse.progress import Progress

_LOCK = threading.Lock()
# token of a browser tab -> (step, done, total) of its running work
_STATES: dict[str, tuple[str, int, int]] = {}


def new_token() -> str:
    """A random name for one tab's work (the page holds it in a store)."""
    return secrets.token_hex(16)


def reporter(token: str) -> Progress:
    """The progress callback of the work of one tab."""

    def tell(step: str, done: int, total: int) -> None:
        with _LOCK:
            _STATES[token] = (step, done, total)

    return tell


def state(token: str) -> tuple[str, int, int] | None:
    """The last progress told for a tab, if its work runs."""
    with _LOCK:
        return _STATES.get(token)


def forget(token: str) -> None:
    """The tab's work is done."""
    with _LOCK:
        _STATES.pop(token, None)
