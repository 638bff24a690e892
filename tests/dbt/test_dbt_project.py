"""The dbt project itself: SQL style (sqlfluff) and documentation (dbt docs generate).

`kim build`, which runs `dbt build` with every model, data test and unit test, is tested in
tests/warehouse/test_build.py.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import Kim
from warehouse import profile
from warehouse.build import dbt_vars

ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIR = ROOT / "dbt_project"
BIN = Path(sys.executable).parent
# Dashboard pages that show no data of the warehouse, so no exposure.
PAGES_WITHOUT_DATA = {
    "/barrierefreiheit",
    "/datenschutz",
    "/leichte-sprache",
    "/benutzer",
    "/404",
}


def page_paths() -> set[str]:
    """URL paths of the dashboard's pages, read from their registration calls."""
    pattern = re.compile(r'(?:\bpath(?:_template)?=|register_page\(\s*__name__,\s*)"([^"]+)"')
    return {
        match.group(1)
        for page in (ROOT / "dashboard" / "pages").glob("*.py")
        if (match := pattern.search(page.read_text("utf-8")))
    }


def test_sql_passes_sqlfluff():
    result = subprocess.run(
        [
            str(BIN / "sqlfluff"),
            "lint",
            "--config",
            str(PROJECT_DIR / ".sqlfluff"),
            "dbt_project/models",
            "dbt_project/tests",
            "dbt_project/macros",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def dbt(kim: Kim, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run dbt on the project against the installation's warehouse, with the variables
    `kim build` passes (default profile); nothing lands in the repo.

    The in-memory database of staging and intermediate models becomes a file, so that the
    relations one dbt command builds are there for the next.
    """
    env = os.environ | {
        "KIM_WAREHOUSE": str(kim.home / "warehouse.duckdb"),
        "KIM_BUILD_DB": str(tmp_path / "build.duckdb"),
        "KIM_ZWISCHEN_DB": str(tmp_path / "zwischen.duckdb"),
        "KIM_REFERENCE_DIR": str(ROOT / "warehouse" / "reference"),
        "KIM_GEBIETE": str(profile.load("ennepe-ruhr").write_areas(tmp_path / "gebiete.csv")),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(BIN / "dbt"),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
        "--no-use-colors",
        "--vars",
        json.dumps(dbt_vars(profile.load("ennepe-ruhr"))),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def test_docs_generate_documents_every_model(kim: Kim, tmp_path: Path):
    kim.run("generate", "--out", str(kim.exports), "--bis", "2025-06-30", check=True)
    assert kim.run("load").returncode in (0, 1)  # 1: the sample data has row errors on purpose

    parsed = dbt(kim, tmp_path, "parse")
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    # The catalog describes relations that exist: build them empty (fast; data is not needed).
    built = dbt(kim, tmp_path, "run", "--empty")
    assert built.returncode == 0, built.stdout + built.stderr
    docs = dbt(kim, tmp_path, "docs", "generate")
    assert docs.returncode == 0, docs.stdout + docs.stderr

    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text("utf-8"))
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text("utf-8"))
    fct = catalog["nodes"]["model.kim_monitor.fct_indikatoren"]
    assert list(fct["columns"]) == [
        "indikator",
        "zeitraum",
        "periodentyp",
        "zeitraum_beginn",
        "zeitraum_ende",
        "gebiet",
        "zielgruppe",
        "handlungsfeld",
        "aufschluesselung",
        "wert",
        "unterdrueckt",
    ]
    assert fct["columns"]["wert"]["type"].upper() == "DOUBLE"

    # Every model has a description, and every column it really has is described.
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    assert set(models) <= set(catalog["nodes"])
    undocumented = [name for name, node in models.items() if not node["description"].strip()]
    for name, node in models.items():
        for column in catalog["nodes"][name]["columns"]:
            described = node["columns"].get(column, {}).get("description", "")
            if not described.strip():
                undocumented.append(f"{name}.{column}")
    assert not undocumented, undocumented

    # One exposure per page with data and per kind of report, each reading marts only.
    exposures = list(manifest["exposures"].values())
    pages = {e["url"].removeprefix("http://127.0.0.1:8050") for e in exposures if e["url"]}
    assert pages == page_paths() - PAGES_WITHOUT_DATA
    module = ast.parse((ROOT / "reports" / "content.py").read_text("utf-8"))
    arts = next(
        node.value
        for node in module.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ARTS"
    )
    reports = set(ast.literal_eval(arts).values())
    assert {e["label"] for e in exposures if not e["url"]} == reports
    for exposure in exposures:
        nodes = exposure["depends_on"]["nodes"]
        assert nodes and all(n.split(".")[-1].startswith(("fct_", "dim_")) for n in nodes)


def test_unit_tests_pass(kim: Kim, tmp_path: Path):
    """The dbt unit tests (data-independent; `kim build` leaves them to CI)."""
    kim.run("generate", "--out", str(kim.exports), "--bis", "2025-06-30", check=True)
    assert kim.run("load").returncode in (0, 1)
    built = dbt(kim, tmp_path, "run", "--empty")
    assert built.returncode == 0, built.stdout + built.stderr
    tested = dbt(kim, tmp_path, "test", "--select", "test_type:unit")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "PASS=9" in tested.stdout or "PASS=1" in tested.stdout, tested.stdout
