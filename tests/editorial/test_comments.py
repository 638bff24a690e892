"""`kim kommentar add|list|remove` and which comments a chart shows (no build needed)."""

from __future__ import annotations

import csv
import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from editorial import comments
from tests.conftest import Kim
from warehouse.settings import Settings

PROFILE = Path(__file__).resolve().parents[2] / "warehouse" / "profiles" / "ennepe-ruhr"
KREIS = "05954"


def town_codes() -> list[str]:
    """AGS of the towns, read from the reference file."""
    with (PROFILE / "gebiete.csv").open(encoding="utf-8") as handle:
        return [row["ags"] for row in csv.DictReader(handle)]


WITTEN, HATTINGEN = "05954036", "05954016"


def listed(kim: Kim, *args: str) -> list[dict]:
    """`kim kommentar list --json` parsed."""
    return json.loads(kim.run("kommentar", "list", "--json", *args, check=True).stdout)


def add(kim: Kim, *args: str):
    """`kim kommentar add ARGS` (not checked)."""
    return kim.run("kommentar", "add", *args)


def settings_of(kim: Kim) -> Settings:
    """The settings the CLI subprocesses of this installation use."""
    return Settings(home=kim.home, exports=kim.exports)


def test_reference_has_the_towns_used_here():
    assert WITTEN in town_codes() and HATTINGEN in town_codes()
    assert KREIS not in town_codes()


def test_add_stores_every_field_and_lists_it(kim):
    before = datetime.now(UTC).replace(microsecond=0)
    result = add(
        kim,
        "--indikator",
        "faelle_aktiv",
        "--zeitraum",
        "2025-H1",
        "--gebiet",
        WITTEN,
        "--text",
        "  Umstellung der Fallsoftware im März.  ",
        "--autor",
        "Koordination",
    )
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    [stored] = listed(kim)
    assert result.stdout.strip() == f"Kommentar {stored['id']} gespeichert."
    assert stored["indikator"] == "faelle_aktiv"
    assert stored["zeitraum"] == "2025-H1"
    assert stored["gebiet"] == WITTEN
    assert stored["text"] == "Umstellung der Fallsoftware im März."
    assert stored["autor"] == "Koordination"
    assert before <= datetime.fromisoformat(stored["erstellt_am"]) <= after


def test_add_defaults_to_the_kreis_and_the_login_name(kim):
    result = add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025", "--text", "Hinweis")
    assert result.returncode == 0, result.stderr
    [stored] = listed(kim)
    assert stored["gebiet"] == KREIS
    assert stored["autor"] == getpass.getuser()


def test_formula_like_text_is_stored_verbatim(kim):
    texts = ['=HYPERLINK("http://example.org","x")', "+1+2", "-3+4", "@SUM(A1)"]
    for text in texts:
        result = add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025", f"--text={text}")
        assert result.returncode == 0, result.stderr
    assert [c["text"] for c in listed(kim)] == texts


def test_list_filters_by_period_and_prints_german_lines(kim):
    for zeitraum in ("2025", "2025-Q3", "2024"):
        add(kim, "--indikator", "faelle_neu", "--zeitraum", zeitraum, "--text", zeitraum)
    assert [c["text"] for c in listed(kim, "--zeitraum", "2025-Q3")] == ["2025-Q3"]
    assert [c["text"] for c in listed(kim)] == ["2025", "2025-Q3", "2024"]
    text = kim.run("kommentar", "list", "--zeitraum", "2025-Q3", check=True).stdout
    [line] = text.splitlines()
    assert line.startswith("[2] 3. Quartal 2025 · Neue Fälle, Ennepe-Ruhr-Kreis (")
    assert line.endswith("): 2025-Q3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--indikator", "faelle_gibtsnicht", "--zeitraum", "2025"), "Unbekannte Kennzahl"),
        (("--indikator", "faelle_neu", "--zeitraum", "2025-13"), "Unbekannter Zeitraum"),
        (("--indikator", "faelle_neu", "--zeitraum", "2025-Q5"), "Unbekannter Zeitraum"),
        (("--indikator", "faelle_neu", "--zeitraum", "25"), "Unbekannter Zeitraum"),
        (
            ("--indikator", "faelle_neu", "--zeitraum", "2025", "--gebiet", "05954999"),
            "Unbekanntes Gebiet",
        ),
        (
            ("--indikator", "faelle_neu", "--zeitraum", "2025", "--gebiet", "5954036"),
            "Unbekanntes Gebiet",
        ),
    ],
)
def test_invalid_comment_is_refused_in_german_and_not_stored(kim, args, message):
    result = add(kim, *args, "--text", "Text")
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert listed(kim) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Der Kommentar ist leer."),
        (" \t ", "Der Kommentar ist leer."),
        ("x" * 2001, "Der Kommentar ist länger als 2000 Zeichen."),
    ],
)
def test_empty_or_overlong_text_is_refused(kim, text, message):
    result = add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025", f"--text={text}")
    assert result.returncode == 1
    assert message in result.stderr
    assert listed(kim) == []


def test_longest_allowed_text_is_stored(kim):
    text = "ä" * 2000
    result = add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025", f"--text={text}")
    assert result.returncode == 0, result.stderr
    assert [c["text"] for c in listed(kim)] == [text]


def test_remove_deletes_only_that_comment(kim):
    for text in ("erster", "zweiter"):
        add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025", "--text", text)
    first, second = listed(kim)
    result = kim.run("kommentar", "remove", str(first["id"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Kommentar {first['id']} gelöscht."
    assert listed(kim) == [second]
    again = kim.run("kommentar", "remove", str(first["id"]))
    assert again.returncode == 1
    assert f"keinen Kommentar mit der Nummer {first['id']}" in again.stderr
    assert listed(kim) == [second]


def test_remove_of_unknown_id_fails(kim):
    result = kim.run("kommentar", "remove", "99")
    assert result.returncode == 1
    assert "Es gibt keinen Kommentar mit der Nummer 99" in result.stderr


def test_list_without_any_comment_is_empty(kim):
    assert listed(kim) == []
    assert kim.run("kommentar", "list", check=True).stdout == ""


def test_for_view_shows_a_towns_comment_in_the_kreis_and_that_town_only(kim):
    add(
        kim,
        "--indikator",
        "faelle_neu",
        "--zeitraum",
        "2025-H1",
        "--gebiet",
        WITTEN,
        "--text=Witten",
    )
    add(kim, "--indikator", "faelle_neu", "--zeitraum", "2025-H1", "--text", "Kreis")
    settings = settings_of(kim)

    def texts(gebiet: str) -> list[str]:
        return [c.text for c in comments.for_view(settings, ["faelle_neu"], "2025-H1", gebiet)]

    assert texts(KREIS) == ["Witten", "Kreis"]
    assert texts(WITTEN) == ["Witten"]
    assert texts(HATTINGEN) == []


def test_for_view_matches_the_charts_indicators_and_the_exact_period(kim):
    for indikator, zeitraum in (
        ("faelle_neu", "2025-H1"),
        ("faelle_aktiv", "2025-H1"),
        ("kontakte", "2025-H1"),
        ("faelle_neu", "2025"),
        ("faelle_neu", "2025-Q1"),
        ("faelle_neu", "2025-H2"),
    ):
        add(kim, "--indikator", indikator, "--zeitraum", zeitraum, f"--text={indikator} {zeitraum}")
    settings = settings_of(kim)
    shown = comments.for_view(settings, ("faelle_neu", "faelle_aktiv"), "2025-H1", KREIS)
    assert [c.text for c in shown] == ["faelle_neu 2025-H1", "faelle_aktiv 2025-H1"]
    yearly = comments.for_view(settings, ["faelle_neu"], "2025", KREIS)
    assert [c.text for c in yearly] == ["faelle_neu 2025"]
    assert comments.for_view(settings, [], "2025-H1", KREIS) == []
    assert comments.for_view(settings, ["personen_erreicht"], "2025-H1", KREIS) == []


def test_for_view_without_any_comment_file_is_empty(kim):
    assert comments.for_view(settings_of(kim), ["faelle_neu"], "2025", KREIS) == []
    assert not (kim.home / "redaktion.sqlite").exists()
