"""The settings follow the environment, though they are built once per environment."""

from __future__ import annotations

import re
from pathlib import Path

from warehouse import settings
from warehouse.settings import load_settings


def test_settings_follow_every_change_of_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KIM_HOME", "eins")
    first = load_settings()
    assert first.home == tmp_path / "eins" and load_settings() is first
    monkeypatch.setenv("KIM_HOME", str(tmp_path / "zwei"))
    monkeypatch.setenv("KIM_DATENSTAND_TAGE", "7")
    second = load_settings()
    assert (second.home, second.stale_after_days) == (tmp_path / "zwei", 7)
    monkeypatch.delenv("KIM_DATENSTAND_TAGE")
    assert load_settings().stale_after_days == 45
    (tmp_path / "unten").mkdir()
    monkeypatch.chdir(tmp_path / "unten")
    monkeypatch.setenv("KIM_HOME", "eins")
    assert load_settings().home == tmp_path / "unten" / "eins"


def test_every_variable_the_settings_read_is_part_of_their_cache_key() -> None:
    source = Path(settings.__file__).read_text("utf-8")
    body = source[source.index("def _settings(") : source.index("def _listed(")]
    assert set(re.findall(r'"(KIM_\w+)"', body)) == set(settings.VARIABLES)
