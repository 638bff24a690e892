"""Answers of earlier builds' linear programmes, found by the programme's content.

HiGHS gives the same answer to the same programme, so a programme whose every number is
unchanged since the last build need not be solved again: the answer is taken from the file
the last build left. Only the answers used in a build are written back, so the file holds
one build's worth. The key is a SHA-256 digest of every number that defines the programme
(and of what its caller makes of the answer), so a programme that differs in any of them
is solved afresh. A build on unchanged data solves nothing; a new month's delivery shifts
most counts (the windows of "neu zugewandert", the year to date), and most programmes
with them. The whole pattern is kept as well, under a digest of every input of the check
and of the check's own code: a build whose table and code are unchanged takes it as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import zipfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

# Stands for "no solution" in the file (an answer is otherwise a list of arrays).
_NONE = "none"
# Another HiGHS may break ties between optimal answers differently: its answers are its own.
_SOLVER = f"highspy {version('highspy')};".encode()


def key(*parts: np.ndarray | float | int | bool | None) -> str:
    """A digest of the arrays and numbers, their types and shapes included."""
    digest = hashlib.sha256(_SOLVER)
    for part in parts:
        array = np.asarray(part if part is not None else np.nan)
        digest.update(f"{array.dtype.str}{array.shape};".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _read(path: Path) -> dict[str, list[np.ndarray] | None]:
    """The answers a memo file holds."""
    earlier: dict[str, list[np.ndarray] | None] = {}
    with np.load(path, allow_pickle=False) as stored:
        for name in sorted(stored.files):
            entry, _, index = name.partition("_")
            if index == _NONE:
                earlier[entry] = None
            else:
                earlier.setdefault(entry, []).append(stored[name])  # type: ignore[union-attr]
    return earlier


class Memo:
    """The answers of one build, seeded with those of the build before."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.earlier: dict[str, list[np.ndarray] | None] = {}
        self.used: dict[str, list[np.ndarray] | None] = {}
        self.hits = 0
        self._lock = threading.Lock()
        if path is not None and path.exists():
            # a damaged file (its checksums fail) is no memo: everything is solved afresh
            with contextlib.suppress(OSError, ValueError, zipfile.BadZipFile):
                self.earlier = _read(path)

    def get(self, name: str) -> tuple[bool, list[np.ndarray] | None]:
        """Whether the last build answered the programme, and its answer."""
        with self._lock:
            if name in self.used:
                return True, self.used[name]
            if name in self.earlier:
                self.used[name] = self.earlier[name]
                self.hits += 1
                return True, self.used[name]
        return False, None

    def keep_earlier(self) -> None:
        """Keep every answer of the last build for the next (its pattern was taken whole)."""
        with self._lock:
            self.used = self.earlier | self.used

    def put(self, name: str, answer: list[np.ndarray] | None) -> None:
        """Keep an answer for the next build."""
        with self._lock:
            self.used[name] = answer

    def save(self) -> None:
        """Write this build's answers (atomically: a build cut short leaves the old file)."""
        if self.path is None:
            return
        arrays = {}
        for name, answer in self.used.items():
            if answer is None:
                arrays[f"{name}_{_NONE}"] = np.zeros(0)
            else:
                arrays.update({f"{name}_{i:03d}": array for i, array in enumerate(answer)})
        partial = self.path.with_name(self.path.name + ".teil.npz")
        np.savez(partial, **arrays)
        os.replace(partial, self.path)
