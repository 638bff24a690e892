"""The code lists: Python (`warehouse.schema`), dbt (`dbt_project.yml` vars) and the German
labels (`warehouse/reference/bezeichnungen.csv`) name the same Kreis and the same codes."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from warehouse import profile, schema

ROOT = Path(__file__).resolve().parents[2]


def dbt_vars() -> dict:
    """The `vars` of the dbt project."""
    return yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text("utf-8"))["vars"]


def labelled(dimension: str) -> list[str]:
    """The codes with a German label for one dimension, in file order."""
    path = ROOT / "warehouse" / "reference" / "bezeichnungen.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["dimension"] == dimension]


def test_python_and_dbt_name_the_same_kreis_and_codes():
    variables = dbt_vars()
    breakdowns = variables["aufschluesselungen"]
    # the project's defaults are the default profile (a build passes the active one)
    for name, value in profile.load("ennepe-ruhr").dbt_vars().items():
        assert variables[name] == value, name
    # `neuzugewandert` is derived from the date of immigration, not delivered as a flag.
    assert variables["zielgruppen"] == ["alle", "neuzugewandert", *schema.TARGET_FLAGS]
    assert variables["handlungsfelder"] == ["alle", *schema.TOPICS]
    assert variables["partner"] == list(schema.PARTNERS)
    assert variables["verfahrensarten"] == list(schema.PROCEDURES)
    assert breakdowns["geschlecht"] == [*schema.GENDERS, "unbekannt"]
    assert breakdowns["aufenthaltsstatus"] == [*schema.RESIDENCE, "unbekannt"]


def test_every_code_dbt_publishes_has_a_german_label():
    variables = dbt_vars()
    lists = {
        "zielgruppe": variables["zielgruppen"],
        "handlungsfeld": variables["handlungsfelder"],
        "partner": variables["partner"],
        "verfahrensart": variables["verfahrensarten"],
        **variables["aufschluesselungen"],
    }
    for dimension, codes in lists.items():
        assert labelled(dimension) == codes, dimension
