"""Reading a CSV's bytes: what cannot be read is refused with a message a person can act on."""

from __future__ import annotations

from datetime import date

import pytest

from tests.exports import town_snapshot, write_town
from warehouse.dialect import FileRefused, decode


def test_an_unreadable_byte_in_the_header_names_the_column_by_number() -> None:
    data = b"fall_id;st\x81tus\n" + b"F1;offen\n"
    with pytest.raises(FileRefused) as refused:
        decode(data)
    message = str(refused.value)
    assert message.startswith("Zeichenkodierung nicht lesbar (weder UTF-8 noch Windows-1252): ")
    assert "Zeile 1, Spalte Nr. 2 (Byte 0x81 an Zeichen 11)" in message
    assert "\ufffd" not in message


def test_a_file_separated_by_tabs_is_refused_as_such(kim) -> None:
    stichtag = date(2025, 6, 30)
    write_town(kim.exports, "05954016", stichtag, town_snapshot("05954016", ["F1"], stichtag))
    faelle = next(kim.exports.glob("*_faelle.csv"))
    text = faelle.read_text("utf-8")
    faelle.write_text(text.replace(";", "\t"), "utf-8")
    code, report = kim.load_json()
    assert code == 1
    [entry] = [e for e in report["files"] if e["file"] == faelle.name]
    assert entry["status"] == "abgelehnt"
    assert "durch Tabulatoren getrennt" in " ".join(entry["meldungen"])
