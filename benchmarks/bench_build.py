"""Build benchmark: `kim build` at --scale 1 and --scale 50, wall time and peak memory.

Prints figures only (no assertions). Targets (issue "Confidentiality"): scale 1 under 30 s
with the attacker check, scale 50 under 120 s and 4 GB. It also prints the check's figures
(from the build log): count cells, primary and secondary suppressions, Kreis yearly values
suppressed, components and the check's seconds; and how many of the towns' yearly and
quarterly totals the published table suppresses. The first build in a new KIM_HOME parses
the dbt project; three more reuse it and their median is the figure (machines here are
shared; the range is printed too). The data stay the same, so these three answer the
attacker check from the memo of the build before (warehouse.confidentiality.memo):
`bench_growth.py` also times a build that solves every programme, as after a new delivery.
To see what dominates, it also times `dbt build --empty` (every model and test on zero rows:
dbt's start-up and per-node bookkeeping without the SQL work; the rest of a build is mostly
SQL and data) and lists the slowest models of the build.

    .venv/bin/python benchmarks/bench_build.py [--scale 1 50]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warehouse import profile

# Runs a command and prints the peak RSS (KiB) of its largest process, dbt included.
PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def run(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; wall time and result."""
    started = time.perf_counter()
    result = subprocess.run(list(args), env=env, capture_output=True, text=True)
    return time.perf_counter() - started, result


def kim(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run a kim command."""
    return run(sys.executable, "-m", "cli", *args, env=env)


def build(env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess, int]:
    """Run `kim build`; wall time, result and peak RSS in bytes (of the build alone)."""
    seconds, result = run(sys.executable, "-c", PEAK, sys.executable, "-m", "cli", "build", env=env)
    return seconds, result, int(result.stderr.strip().splitlines()[-1]) * 1024


def slowest_models(home: Path, count: int = 5) -> list[tuple[str, float]]:
    """The slowest models of the last build (from dbt's log: `kim build` writes no JSON)."""
    log = (home / "builds" / "dbt" / "logs" / "dbt.log").read_text("utf-8")
    last = log[log.rindex("Running with dbt=") :]
    times = [
        (name.split(".")[-1], float(took))
        for name, took in re.findall(r"OK created .*? model (\S+) .*?\[OK in ([\d.]+)s\]", last)
    ]
    return sorted(times, key=lambda t: -t[1])[:count]


def proof(home: Path) -> str:
    """The attacker check's figures of the last build (KIM_HOME/builds.jsonl)."""
    record = json.loads((home / "builds.jsonl").read_text("utf-8").splitlines()[-1])
    p = record.get("pruefung") or {}
    if not p:
        return "  no proof figures in the build log"
    counts = p["anzahlen"] or 1
    return (
        f"  confidentiality: {p['anzahlen']:.0f} count cells, {p['anzahlen_primaer']:.0f} "
        f"primary ({p['anzahlen_primaer'] / counts:.1%}) and {p['anzahlen_sekundaer']:.0f} "
        f"secondary ({p['anzahlen_sekundaer'] / counts:.1%}) suppressions; Kreis yearly "
        f"counts suppressed {p['kreis_jahr_unterdrueckt']:.0f} of {p['kreis_jahr']:.0f}; "
        f"{p['komponenten']:.0f} components (largest {p['groesste_komponente']:.0f} cells), "
        f"narrowest interval {p['engstes_intervall']}, {p['eingrenzbar']:.0f} narrowable, "
        f"{p['runden']:.0f} rounds, {p['sekunden']:.1f} s for pattern and proof"
        + (" (taken from the last build's memo)" if p.get("aus_speicher") else "")
    )


def headline_totals(home: Path) -> str:
    """How many of the towns' headline counts (totals per year and per quarter) the
    published table suppresses (read from the serving file, as a reader sees it)."""
    import duckdb

    con = duckdb.connect(str(home / "kim.duckdb"), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT periodentyp, count(*) FILTER (WHERE unterdrueckt), count(*)
            FROM fct_indikatoren
            JOIN dim_kennzahlen USING (indikator)
            WHERE geheimhaltung = 'anzahl' AND periodentyp IN ('jahr', 'quartal')
              AND gebiet <> (SELECT gebiet FROM dim_gebiete WHERE ist_kreis)
              AND zielgruppe = 'alle' AND handlungsfeld = 'alle' AND aufschluesselung = ''
            GROUP BY periodentyp ORDER BY periodentyp
            """
        ).fetchall()
    finally:
        con.close()
    shown = {kind: f"{hidden} of {total}" for kind, hidden, total in rows}
    return (
        f"  towns' totals suppressed: yearly {shown.get('jahr', '-')}, "
        f"quarterly {shown.get('quartal', '-')}"
    )


def dbt_without_data(work: Path, env: dict[str, str]) -> float:
    """Seconds of `dbt build --empty` on a parsed project: dbt's own share of a build."""
    dbt = Path(sys.executable).with_name("dbt")
    project = Path(__file__).resolve().parent.parent / "dbt_project"
    dbt_env = env | {
        "KIM_WAREHOUSE": str(work / "home" / "warehouse.duckdb"),
        "KIM_BUILD_DB": str(work / "leer.duckdb"),
        "KIM_REFERENCE_DIR": str(project.parent / "warehouse" / "reference"),
        "KIM_GEBIETE": str(profile.current().write_areas(work / "gebiete.csv")),
    }
    command = [
        str(dbt),
        "build",
        "--empty",
        "--exclude-resource-type",
        "unit_test",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(work / "leer-target"),
        "--log-path",
        str(work / "leer-logs"),
        "--log-level-file",
        "info",
        "--no-write-json",
    ]
    seconds = 0.0
    for _ in ("parse", "measure"):  # the first run parses the project
        (work / "leer.duckdb").unlink(missing_ok=True)
        seconds, result = run(*command, env=dbt_env)
        if result.returncode != 0:
            raise SystemExit(f"dbt build --empty FAILED\n{result.stdout[-2000:]}")
    return seconds


def bench(scale: float) -> None:
    """Generate, load and build at one scale; print the figures."""
    work = Path(tempfile.mkdtemp(prefix=f"kim-build-{scale:g}-"))
    env = os.environ | {"KIM_HOME": str(work / "home"), "KIM_EXPORTS": str(work / "exports")}
    try:
        kim(
            "generate",
            "--out",
            str(work / "exports"),
            "--scale",
            str(scale),
            "--historie",
            "1",
            env=env,
        )
        kim("load", env=env)
        # The first build in a KIM_HOME parses the dbt project; later builds (after every
        # load) reuse the parsed project (dbt partial parsing).
        timings, peaks = [], []
        for _ in range(4):
            seconds, result, peak = build(env)
            if result.returncode != 0:
                print(f"scale {scale:g}: build FAILED\n{result.stderr[-2000:]}")
                return
            timings.append(seconds)
            peaks.append(peak)
        warm = statistics.median(timings[1:])
        overhead = dbt_without_data(work, env)
        print(
            f"scale {scale:g}: kim build first in a new KIM_HOME {timings[0]:.1f} s, "
            f"again (project already parsed) median {warm:.1f} s "
            f"({min(timings[1:]):.1f}-{max(timings[1:]):.1f}), peak RSS of the build's largest "
            f"process {max(peaks) / 1e9:.2f} GB"
        )
        print(
            f"  dbt without data (build --empty, parsed project): {overhead:.1f} s, "
            f"so the rest (SQL and data, kim's start-up and publishing) takes "
            f"{warm - overhead:.1f} s of the build"
        )
        print(proof(work / "home"))
        print(headline_totals(work / "home"))
        for name, took in slowest_models(work / "home"):
            print(f"  {name}: {took:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Benchmark the requested scales."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, nargs="+", default=[1, 50])
    for scale in parser.parse_args().scale:
        bench(scale)


if __name__ == "__main__":
    main()
