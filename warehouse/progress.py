"""Progress of long work, told step by step to whoever shows it (terminal, log, web page)."""

from __future__ import annotations

from collections.abc import Callable

# (German name of the step, units done, units in all)
Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int, total: int) -> None:
    """Progress nobody watches."""
