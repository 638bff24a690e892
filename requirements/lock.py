"""Write the pinned package lists (make lock): test.txt from a fresh install of the project with
its test extra, produktion.txt as the subset a production install needs, at the same versions.

Run from the repository root with the Python that should build the environments.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def frozen(extra: str, folder: Path) -> dict[str, str]:
    """`name==version` of every package a fresh environment with the project needs."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = str(folder / "bin" / "pip")
    subprocess.run([pip, "install", "--quiet", f"{ROOT}{extra}"], check=True)
    lines = subprocess.run(
        [pip, "freeze", "--exclude", "kim-monitor"], check=True, capture_output=True, text=True
    ).stdout.split()
    return {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower(): line for line in lines}


def write(path: Path, header: str, lines: list[str]) -> None:
    """A pinned list with its header."""
    path.write_text(header + "\n".join(sorted(lines, key=str.lower)) + "\n", encoding="utf-8")


def main() -> None:
    """Resolve both sets and write them."""
    with tempfile.TemporaryDirectory() as scratch:
        test = frozen("[test]", Path(scratch) / "test")
        production = frozen("", Path(scratch) / "produktion")
    write(
        HERE / "test.txt",
        "# Every Python package of make demo and make test, pinned. Made by make lock.\n",
        list(test.values()),
    )
    write(
        HERE / "produktion.txt",
        "# Every Python package of a production install (make install), pinned at the versions\n"
        "# of requirements/test.txt. Made by make lock.\n",
        [test[name] for name in production],
    )


if __name__ == "__main__":
    main()
