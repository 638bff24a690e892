"""An inter-process lock so that only one process writes the warehouse at a time."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from warehouse.errors import UserError
from warehouse.formatting import seconds

T = TypeVar("T")


class Busy(UserError):
    """Another process held the lock for longer than we were willing to wait (exit 3)."""


def retrying(
    attempt: Callable[[], T],
    blocked: Callable[[Exception], bool],
    timeout: float,
    busy: str,
    on_first_wait: Callable[[], None] = lambda: None,
) -> T:
    """Call `attempt` until no `blocked` error stops it; after `timeout` seconds, `Busy`."""
    deadline = time.monotonic() + timeout
    waited = False
    while True:
        try:
            return attempt()
        except Exception as err:
            if not blocked(err):
                raise
        if not waited:
            on_first_wait()
            waited = True
        if time.monotonic() >= deadline:
            raise Busy(busy)
        time.sleep(0.2)


@contextmanager
def exclusive(path: Path, timeout: float, *, shared: bool = False) -> Iterator[None]:
    """Hold the lock file `path`; wait up to `timeout` seconds, telling the user why."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX

        def tell_holder() -> None:
            handle.seek(0)
            holder = handle.read().strip() or "ein anderer Prozess"
            print(
                f"Das Warehouse wird gerade bearbeitet ({holder}); warte bis zu "
                f"{seconds(timeout)} …",
                file=sys.stderr,
            )

        retrying(
            lambda: fcntl.flock(handle, mode | fcntl.LOCK_NB),
            lambda err: isinstance(err, BlockingIOError),
            timeout,
            f"Das Warehouse ist seit über {seconds(timeout)} durch einen anderen "
            "Vorgang belegt; abgebrochen.",
            tell_holder,
        )
        if not shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"PID {os.getpid()}, seit {time.strftime('%d.%m.%Y %H:%M:%S')}")
            handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
