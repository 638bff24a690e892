"""Growth benchmark: how `kim load` and `kim build` grow from scale 1 to scale 200.

Prints one table (no assertions): per scale the delivery's size and rows, the seconds and
peak memory of the load and of a build (the second one in the KIM_HOME, the project
already parsed, as after every load), and the attacker check's own seconds. The baseline
measured in the same run is scale 1: the ratio columns show how far each scale is from
linear growth (a ratio equal to the scale is linear). Scale 50 is about a whole state's
case volume, scale 200 four times that.

    .venv/bin/python benchmarks/bench_growth.py [--scale 1 10 50 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench_build import PEAK, build, kim, run


@dataclass(frozen=True)
class Growth:
    """The figures of one scale."""

    scale: float
    megabytes: float
    load_seconds: float
    load_peak: float
    build_seconds: float
    build_peak: float
    check_seconds: float
    cells: int


def measure(scale: float) -> Growth:
    """Generate, load and build twice at one scale; the load's and second build's figures."""
    work = Path(tempfile.mkdtemp(prefix=f"kim-growth-{scale:g}-"))
    env = os.environ | {"KIM_HOME": str(work / "home"), "KIM_EXPORTS": str(work / "exports")}
    try:
        exports = str(work / "exports")
        _, result = kim(
            "generate", "--out", exports, "--scale", str(scale), "--historie", "1", env=env
        )
        if result.returncode:
            raise SystemExit(f"kim generate failed:\n{result.stderr[-2000:]}")
        size = sum(p.stat().st_size for p in (work / "exports").iterdir())
        load_seconds, result = run(
            sys.executable, "-c", PEAK, sys.executable, "-m", "cli", "load", env=env
        )
        if result.returncode not in (0, 1):
            raise SystemExit(f"kim load failed:\n{result.stderr[-2000:]}")
        load_peak = int(result.stderr.strip().splitlines()[-1]) * 1024
        for _ in range(2):  # the first build parses the dbt project
            build_seconds, result, build_peak = build(env)
            if result.returncode:
                raise SystemExit(f"kim build failed:\n{result.stderr[-2000:]}")
        record = json.loads((work / "home" / "builds.jsonl").read_text("utf-8").splitlines()[-1])
        check = record.get("pruefung") or {}
        return Growth(
            scale,
            size / 1e6,
            load_seconds,
            load_peak / 1e9,
            build_seconds,
            build_peak / 1e9,
            float(check.get("sekunden", float("nan"))),
            int(check.get("anzahlen", 0)),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Measure every scale and print the table as it grows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, nargs="+", default=[1, 10, 50, 200])
    scales = parser.parse_args().scale
    print(
        "scale | MB | load s (x scale 1) | load peak GB | build s (x scale 1) | "
        "build peak GB | check s | count cells"
    )
    first: Growth | None = None
    for scale in scales:
        g = measure(scale)
        first = first or g
        print(
            f"{g.scale:g} | {g.megabytes:.0f} | {g.load_seconds:.1f} "
            f"({g.load_seconds / first.load_seconds:.1f}) | {g.load_peak:.2f} | "
            f"{g.build_seconds:.1f} ({g.build_seconds / first.build_seconds:.1f}) | "
            f"{g.build_peak:.2f} | {g.check_seconds:.1f} | {g.cells:,}",
            flush=True,
        )


if __name__ == "__main__":
    main()
