"""Growth benchmark: how `kim load` and `kim build` grow from scale 1 to scale 200.

Prints one table (no assertions): per scale the delivery's size, the seconds and peak
memory of the load and of a build, and the attacker check's own seconds. The build is the
second one in the KIM_HOME (the dbt project already parsed, as after every load) with the
check's memo of the first one deleted, so it solves every programme as after a new
delivery; "again" is one more build on the unchanged data, answered from the memo. The
baseline
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
from math import nan
from pathlib import Path

from bench_build import PEAK, build, kim, run, slowest_models

from warehouse.build import MEMO_NAME


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
    again_seconds: float
    slowest: list[tuple[str, float]]


def measure(scale: float) -> Growth:
    """Generate, load and build three times at one scale; the figures of the load and of the
    second and third build."""
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
        timings, peaks, checks, slowest = [], [], [], []
        for _ in range(3):  # the first build parses the dbt project
            if len(timings) == 1:
                (work / "home" / "builds" / MEMO_NAME).unlink()
            seconds, result, peak = build(env)
            if result.returncode:
                raise SystemExit(f"kim build failed:\n{result.stderr[-2000:]}")
            timings.append(seconds)
            peaks.append(peak)
            log = (work / "home" / "builds.jsonl").read_text("utf-8").splitlines()
            checks.append((json.loads(log[-1]).get("pruefung") or {}).get("sekunden", nan))
            if len(timings) == 2:  # the build that solved every programme
                slowest = slowest_models(work / "home", 3)
        return Growth(
            scale,
            size / 1e6,
            load_seconds,
            load_peak / 1e9,
            timings[1],
            max(peaks) / 1e9,
            checks[1],
            timings[2],
            slowest,
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
        "build peak GB | of it check s | build again s"
    )
    first: Growth | None = None
    for scale in scales:
        g = measure(scale)
        first = first or g
        print(
            f"{g.scale:g} | {g.megabytes:.0f} | {g.load_seconds:.1f} "
            f"({g.load_seconds / first.load_seconds:.1f}) | {g.load_peak:.2f} | "
            f"{g.build_seconds:.1f} ({g.build_seconds / first.build_seconds:.1f}) | "
            f"{g.build_peak:.2f} | {g.check_seconds:.1f} | {g.again_seconds:.1f}",
            flush=True,
        )
        slowest = ", ".join(f"{name} {took:.1f} s" for name, took in g.slowest)
        print(f"  slowest models at scale {g.scale:g}: {slowest}", flush=True)


if __name__ == "__main__":
    main()
