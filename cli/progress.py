"""Progress of long commands on stderr: a bar on a terminal, plain lines in a log."""

from __future__ import annotations

import sys
from typing import TextIO


class Shown:
    """A progress bar per step on a terminal; otherwise a line at each step and at every
    tenth of it, so a log (journalctl, CI) shows the work going on without flooding."""

    def __init__(self, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.bar = None
        self.step = ""
        self.tenths: dict[str, int] = {}  # the last tenth told of each step

    def __enter__(self) -> Shown:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_bar()

    def __call__(self, step: str, done: int, total: int) -> None:
        """Show that `done` of `total` units of `step` are done."""
        if not self.enabled:
            return
        if step != self.step:
            self._close_bar()
            self.step = step
        if self.stream.isatty():
            self._bar(total).n = done
            self.bar.refresh()
            return
        tenth = 10 * done // total if total else 10
        if tenth > self.tenths.get(step, -1):
            self.tenths[step] = tenth
            print(f"{step}: {done} von {total}", file=self.stream, flush=True)

    def _bar(self, total: int):
        """The terminal bar of the current step (tqdm, started on first use)."""
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(desc=self.step, total=total, file=self.stream, leave=False)
        self.bar.total = total
        return self.bar

    def _close_bar(self) -> None:
        """Remove the bar of the finished step."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
