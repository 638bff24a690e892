"""Queries: read-only, cached per published build, a new build is seen without a restart."""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import Kim, copy_installation
from views import queries
from warehouse.errors import NotPublished


@pytest.fixture
def copy(sample, tmp_path, monkeypatch) -> Kim:
    """A private copy of the sample installation (some tests build again or delete)."""
    kim = copy_installation(sample, tmp_path)
    monkeypatch.setenv("KIM_HOME", str(kim.home))
    return kim


def test_a_new_build_is_read_at_once_and_the_file_stays_writable(copy):
    first = queries.build_info()["build_id"]
    assert queries.build_info()["build_id"] == first
    copy.run("build", check=True)
    second = queries.build_info()["build_id"]
    assert second != first
    # No connection stays open: a writer can open the serving file right away.
    duckdb.connect(str(copy.home / "kim.duckdb")).close()


def test_without_a_published_build_the_queries_say_so(copy):
    (copy.home / "kim.duckdb").unlink()
    with pytest.raises(NotPublished, match="kim build"):
        queries.periods()


def test_values_are_protected_cells_only(copy):
    frame = queries.values(["faelle_neu"], ["2025"])
    assert len(frame) == 10
    secret = frame[frame["unterdrueckt"]]
    assert secret["wert"].isna().all()
    visible = frame[~frame["unterdrueckt"]]
    assert not visible["wert"].between(1, 2).any()


def test_a_session_shares_one_connection_and_closes_it_at_the_end(copy):
    with queries.session():
        first = queries.periods()
        queries.areas()
    assert len(first) > 0
    # Closed again: this process can open the file for writing (DuckDB refuses while open).
    duckdb.connect(str(copy.home / "kim.duckdb")).close()
