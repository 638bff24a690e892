"""Jinja context for sqlfluff's jinja templater (see dbt_project/.sqlfluff).

sqlfluff's dbt builtins render `var()` as a placeholder string, which breaks templates that
loop over a list var or compute with a number var. This `var()` returns the real values
from dbt_project.yml, and those `kim build` takes from the code (`warehouse.build.dbt_vars`:
the pseudonym columns), so every model renders for the linter as it does for dbt.
"""

from pathlib import Path
from typing import Any

import yaml

from warehouse.schema import PSEUDONYM_COLUMNS

_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project.yml"
_VARS: dict[str, Any] = yaml.safe_load(_PROJECT.read_text("utf-8")).get("vars") or {}
_VARS["pseudonym_spalten"] = sorted(PSEUDONYM_COLUMNS)
_MISSING = object()


def var(name: str, default: Any = _MISSING) -> Any:
    """dbt's `var()`: the project var, else the default, else an error (as in dbt)."""
    if name in _VARS:
        return _VARS[name]
    if default is not _MISSING:
        return default
    raise KeyError(f"dbt var {name!r} is not defined in dbt_project.yml")


def env_var(name: str, default: str = "") -> str:
    """dbt's `env_var()`: the linter renders a model as if the variable were unset."""
    return default
