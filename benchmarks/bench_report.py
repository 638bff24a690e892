"""Report benchmark: `kim report` for a full year in all three formats at --scale 1.

Prints figures only (no assertions). Target (issue "Reports"): a full year, PDF + XLSX +
PPTX, under 30 s. Each report runs as its own `kim report` process, as a coordinator would
start it, so the figure includes Python start-up and Chromium's start for the charts. For
ratios it also times, in the same run, the baseline `kim indicators` for the same year
(reading the same published values without rendering) and each format on its own. Each
report is timed twice: first with an empty image store (`KIM_HOME/grafiken`, every chart
rendered by Chromium), then again with the images of the first run kept. Targets of issue
"Performance": the state report's PDF under 5 s, the steering pack's under 3 s.

The dashboard makes the same PDFs in its long-running server process (`reports.download`,
called by the Berichte page), where imports, the German hyphenation dictionary and the
chart data of a build are loaded once. So each PDF is also timed in one such process: its
first download with no images kept (as after a new build), its first download with the
images kept, and its downloads after that. The Berichte page prepares the chosen report
while the form is filled in (`reports.preparation`): the last figure is the first download
with no images kept after such a preparation, and the preparation's own time.

    .venv/bin/python benchmarks/bench_report.py [--scale 1] [--zeitraum 2025] [--runden 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run in a child process: `reports.download` as the dashboard's server calls it, the first
# call and the calls after it timed apart, after a preparation as the Berichte page starts
# it (timed first) or none. Arguments: report kind, Zeitraum, downloads, "vorbereitet" or "".
SERVED = """
import json, sys, time
from reports import download, preparation
from warehouse.settings import load_settings
settings = load_settings()
times = []
if sys.argv[4]:
    started = time.perf_counter()
    preparation.prepare_in_background(settings, sys.argv[1], sys.argv[2]).join()
    times.append(time.perf_counter() - started)
for _ in range(int(sys.argv[3])):
    started = time.perf_counter()
    download(settings, sys.argv[1], sys.argv[2], "pdf", by="messung")
    times.append(time.perf_counter() - started)
print(json.dumps(times))
"""


def kim(*args: str, env: dict[str, str]) -> float:
    """Run a kim command; its wall time (fails loudly)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - started
    if result.returncode not in (0, 1) or (args[0] != "load" and result.returncode):
        raise SystemExit(f"kim {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return took


def served(
    art: str, period: str, downloads: int, env: dict[str, str], prepared: bool = False
) -> list[float]:
    """Seconds of each PDF download in one process, as the dashboard's server makes them
    (with `prepared`, the preparation's seconds first)."""
    result = subprocess.run(
        [sys.executable, "-c", SERVED, art, period, str(downloads), "vorbereitet" * prepared],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"reports.download failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    """Generate, load, build once; then time the reports."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--zeitraum", default="2025")
    parser.add_argument("--runden", type=int, default=2, help="repetitions per measurement")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kim-report-"))
    env = os.environ | {"KIM_HOME": str(work / "home"), "KIM_EXPORTS": str(work / "exports")}
    out = work / "berichte"
    try:
        kim("generate", "--out", str(work / "exports"), "--scale", str(args.scale), env=env)
        kim("load", env=env)
        kim("build", env=env)
        period = ["--zeitraum", args.zeitraum]

        store = work / "home" / "grafiken"

        def median(*command: str, cold: bool = False) -> float:
            runs = []
            for _ in range(args.runden):
                if cold:
                    shutil.rmtree(store, ignore_errors=True)
                runs.append(kim(*command, env=env))
            return statistics.median(runs)

        def first_and_again(*command: str) -> tuple[float, float]:
            return median(*command, cold=True), median(*command)

        baseline = median("indicators", *period, "--out", str(work / "werte.csv"))
        print(
            f"scale {args.scale:g}, Zeitraum {args.zeitraum}, median of {args.runden} runs; "
            f"baseline kim indicators {baseline:.1f} s"
        )
        for art, target in (("land", 5), ("lenkungsgruppe", 3)):
            every, again = first_and_again("report", *period, "--art", art, "--out", str(out))
            print(
                f"  {art}: pdf,xlsx,pptx first {every:.1f} s, again {again:.1f} s (target < 30 s;"
                f" {every / baseline:.1f}× and {again / baseline:.1f}× baseline)"
            )
            for fmt in ("pdf", "xlsx", "pptx"):
                command = ("report", *period, "--art", art, "--format", fmt, "--out", str(out))
                alone, alone_again = first_and_again(*command)
                size = (out / f"KIM_{_stem(art)}_{args.zeitraum}.{fmt}").stat().st_size
                goal = f" (target < {target} s)" if fmt == "pdf" else ""
                print(
                    f"    {fmt} alone first {alone:.1f} s, again {alone_again:.1f} s{goal},"
                    f" {size / 1024:.0f} KiB"
                )

        print("in one process, as the dashboard's server makes a PDF (reports.download):")
        for art, target in (("land", 5), ("lenkungsgruppe", 3)):
            shutil.rmtree(store, ignore_errors=True)
            (empty,) = served(art, args.zeitraum, 1, env)
            kept = served(art, args.zeitraum, 1 + max(args.runden, 2), env)
            print(
                f"  {art}: first download with no images kept {empty:.1f} s, with images kept"
                f" {kept[0]:.1f} s, then median {statistics.median(kept[1:]):.1f} s"
                f" (target < {target} s)"
            )
            shutil.rmtree(store, ignore_errors=True)
            preparing, ready = served(art, args.zeitraum, 1, env, prepared=True)
            print(
                f"    with no images kept, prepared as the Berichte page does it"
                f" ({preparing:.1f} s in the background): first download {ready:.1f} s"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stem(art: str) -> str:
    """The file name part of a report kind."""
    return "Bericht_Land" if art == "land" else "Lenkungsgruppe"


if __name__ == "__main__":
    main()
