"""Progress on stderr: a bar that redraws itself on a terminal, a line per tenth in a log."""

from __future__ import annotations

import io
import os
import pty

from cli.progress import Shown


def test_a_log_gets_a_line_at_each_tenth_of_each_step() -> None:
    log = io.StringIO()
    with Shown(stream=log) as progress:
        for done in range(101):
            progress("Tabellen prüfen und laden", done, 100)
        progress("Veröffentlichen", 0, 1)
        progress("Veröffentlichen", 1, 1)
    lines = log.getvalue().splitlines()
    assert lines[:3] == [
        "Tabellen prüfen und laden: 0 von 100",
        "Tabellen prüfen und laden: 10 von 100",
        "Tabellen prüfen und laden: 20 von 100",
    ]
    assert len(lines) == 11 + 2 and lines[-1] == "Veröffentlichen: 1 von 1"


def test_a_terminal_gets_a_bar_that_is_gone_when_the_work_is_done() -> None:
    main, side = pty.openpty()
    with os.fdopen(side, "w", encoding="utf-8") as terminal, Shown(stream=terminal) as progress:
        for done in range(0, 51, 5):
            progress("Grafiken und Tabellen zusammenstellen", done, 50)
    shown = _everything_written(main).decode("utf-8")
    assert "Grafiken und Tabellen zusammenstellen" in shown
    assert "50/50" in shown and "\r" in shown
    assert " von " not in shown  # no log lines on a terminal


def _everything_written(main: int) -> bytes:
    """All a closed terminal's side wrote; one read may return only part of it."""
    chunks = []
    try:
        while chunk := os.read(main, 65536):
            chunks.append(chunk)
    except OSError:  # Linux ends a pty whose other side is closed with EIO
        pass
    os.close(main)
    return b"".join(chunks)
