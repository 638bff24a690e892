"""Imports run one way (docs/architecture.md), including imports inside functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lowest first; a module may import from its own layer and the layers below it.
LAYERS = (
    ("warehouse.settings", "warehouse.errors", "warehouse.profile", "warehouse.schema"),
    ("warehouse", "editorial", "accounts", "sample"),
    ("views",),
    ("reports",),
    ("dashboard",),
    ("cli",),
)


def layer(module: str) -> int | None:
    """Index of the layer a module belongs to (the most specific match), None if not ours."""
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1] if matches else None


def imports(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(importing module, imported module, where) for every import in our packages."""
    found = []
    for package in [name for names in LAYERS[1:] for name in names]:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).with_suffix("")
            module = ".".join(relative.parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                else:
                    continue
                found += [(module, name, f"{relative}.py:{node.lineno}") for name in names]
    return found


def test_no_import_runs_upwards():
    wrong = []
    for importer, imported, where in imports():
        low, high = layer(importer), layer(imported)
        if high is None or high <= low:
            continue
        wrong.append(f"{where}: {importer} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_imports_inside_functions(tmp_path: Path):
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "late.py").write_text("def f():\n    from dashboard import app\n")
    found = imports(tmp_path)
    assert ("warehouse.late", "dashboard", "warehouse/late.py:2") in found
    assert layer("dashboard.app") > layer("warehouse.late") > layer("warehouse.settings")


def test_reports_and_views_work_without_dash():
    script = (
        "import sys, reports, views.builders\n"
        "from views import charts\n"
        "assert charts.BUILDERS\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('dash')}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
