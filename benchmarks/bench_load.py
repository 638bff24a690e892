"""Load benchmark: `kim load` at state size against DuckDB's bare read_csv of the same files.

Prints figures only (no assertions). Targets: the load with all validation within 1.5x
DuckDB's bare read of the same CSV files (issue "Performance"; 3x in "Warehouse
foundation"), peak memory under 2 GB. A second baseline reads the same files into a DuckDB
file instead of memory: what persisting the rows costs before any checking.

    .venv/bin/python benchmarks/bench_load.py [--scale 50] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb


def kim(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run a kim command; wall time in seconds and the result."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True
    )
    return time.perf_counter() - started, result


def csv_files(folder: Path, scratch: Path) -> list[Path]:
    """All CSV files of a delivery, zip members extracted into `scratch`."""
    files = sorted(folder.glob("*.csv"))
    for archive in folder.glob("*.zip"):
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(scratch / archive.stem)
        files += sorted((scratch / archive.stem).glob("*.csv"))
    return files


def utf8_copies(files: list[Path], scratch: Path) -> list[Path]:
    """Windows-1252 files transcoded to UTF-8 (DuckDB reads no cp1252 without extensions)."""
    scratch.mkdir(parents=True, exist_ok=True)
    result = []
    for path in files:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            result.append(path)
        except UnicodeDecodeError:
            copy = scratch / path.name
            copy.write_text(data.decode("cp1252"), encoding="utf-8")
            result.append(copy)
    return result


def bare_read(files: list[Path], database: str = ":memory:") -> tuple[float, int]:
    """Seconds DuckDB needs to read every CSV file into a table (sniffing its dialect itself)
    of `database`, closing included (a file's last checkpoint)."""
    con = duckdb.connect(database)
    rows = 0
    started = time.perf_counter()
    for n, path in enumerate(files):
        con.execute(
            f"CREATE TABLE t{n} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)]
        )
        rows += con.execute(f"SELECT count(*) FROM t{n}").fetchone()[0]
    con.close()
    return time.perf_counter() - started, rows


def check(result: subprocess.CompletedProcess) -> None:
    """Stop with the error output when a load failed."""
    if result.returncode not in (0, 1):
        sys.exit(f"kim load failed ({result.returncode}):\n{result.stderr[-2000:]}")


def main() -> None:
    """Generate, read bare, load, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--keep", type=Path, help="keep the generated exports in this folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kim-bench-"))
    exports, home = work / "exports", work / "home"
    env = os.environ | {"KIM_HOME": str(home), "KIM_EXPORTS": str(exports)}
    try:
        seconds, result = kim(
            "generate",
            "--out",
            str(exports),
            "--scale",
            str(args.scale),
            "--historie",
            "1",
            env=env,
        )
        size = sum(p.stat().st_size for p in exports.iterdir())
        print(
            f"generate --scale {args.scale:g}: {seconds:.1f} s, {size / 1e6:.1f} MB, "
            f"{len(list(exports.iterdir()))} files"
        )
        if args.keep:
            shutil.copytree(exports, args.keep, dirs_exist_ok=True)

        files = utf8_copies(csv_files(exports, work / "unzipped"), work / "utf8")
        baseline, rows = bare_read(files)
        print(
            f"baseline DuckDB read_csv of {len(files)} CSV files: {baseline:.2f} s, {rows:,} rows"
        )
        on_disk, _ = bare_read(files, str(work / "bare.duckdb"))
        print(f"the same read into a DuckDB file: {on_disk:.2f} s")

        # The target compares like with like: the CSV deliveries (plain and zipped) against
        # DuckDB's bare read of the same CSVs. The workbook is loaded and reported separately.
        csv_inputs = sorted(str(p) for p in exports.iterdir() if p.suffix in (".csv", ".zip"))
        csv_seconds, result = kim("load", "--json", *csv_inputs, env=env)
        check(result)
        xlsx_seconds, result = kim("load", "--json", env=env)
        check(result)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"kim load, CSV deliveries (all validation, process start included): "
            f"{csv_seconds:.2f} s"
        )
        print(f"kim load, the remaining XLSX workbook: {xlsx_seconds:.2f} s")
        print(f"ratio CSV load / bare read: {csv_seconds / baseline:.2f} (target <= 1.5)")
        print(f"ratio CSV load / bare read into a file: {csv_seconds / on_disk:.2f}")
        print(f"peak memory of any kim process: {peak / 1024:.2f} GB (target < 2 GB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
