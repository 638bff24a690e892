"""CSV dialect detection: encoding, delimiter and header names (export format §3)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from warehouse.schema import IDENTIFIER_TERMS, Kind

UTF8_BOM = b"\xef\xbb\xbf"
EXCEL_EPOCH = date(1899, 12, 30)
# Signs of personal data in free text: an e-mail address, a phone number (seven digits or
# more, spaces and / - allowed), an IBAN, a date of birth spelled out.
PERSONAL_TEXT = (
    r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
    r"|(\+|\b0)[0-9][0-9 /-]{5,}[0-9]"
    r"|\bDE[0-9]{2}[ 0-9]{16,}"
    r"|\bgeb(\.|oren)( am)? ?[0-9]{1,2}\."
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class FileRefused(Exception):
    """The whole file cannot be loaded; the message is German and user-facing."""


@dataclass(frozen=True)
class Decoded:
    """A CSV file's text and how it was encoded."""

    text: str
    encoding: str  # "UTF-8", "UTF-8 mit BOM" or "Windows-1252"

    @property
    def is_utf8(self) -> bool:
        """True when the original bytes are UTF-8 (DuckDB can read them directly)."""
        return self.encoding.startswith("UTF-8")


def decode(data: bytes) -> Decoded:
    """Decode CSV bytes: valid UTF-8 is UTF-8, otherwise strict Windows-1252, else refuse."""
    if b"\x00" in data[:65536]:
        raise FileRefused("Datei ist keine Textdatei (enthält Nullbytes, z. B. UTF-16 oder binär)")
    if data.startswith(UTF8_BOM):
        try:
            return Decoded(data[len(UTF8_BOM) :].decode("utf-8"), "UTF-8 mit BOM")
        except UnicodeDecodeError as err:
            raise FileRefused(_encoding_message(data, err.start + len(UTF8_BOM))) from err
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "Windows-1252")
    except UnicodeDecodeError as err:
        raise FileRefused(_encoding_message(data, err.start)) from err


def _encoding_message(data: bytes, position: int) -> str:
    """German message for undecodable bytes: line, column and position of the first bad byte."""
    line_start = data.rfind(b"\n", 0, position) + 1
    line = data.count(b"\n", 0, position) + 1
    lenient = data.decode("cp1252", errors="replace").lstrip("\ufeff")
    delimiter, fields = "", [""]
    header = first_line(lenient)
    if header.strip():
        delimiter = sniff_delimiter(header)
        fields = next(csv.reader(io.StringIO(header), delimiter=delimiter)) or [""]
    prefix = data[line_start:position].decode("cp1252", errors="replace")
    index = len(next(csv.reader(io.StringIO(prefix + "x"), delimiter=delimiter or ";"))) - 1
    # by its header name where the header can be read; in the header itself, by number
    readable = line > 1 and index < len(fields) and "\ufffd" not in fields[index]
    column = normalise_name(fields[index]) if readable else f"Nr. {index + 1}"
    return (
        "Zeichenkodierung nicht lesbar (weder UTF-8 noch Windows-1252): "
        f"Zeile {line}, Spalte {column} (Byte 0x{data[position]:02X} "
        f"an Zeichen {position - line_start + 1})"
    )


def sniff_delimiter(header_line: str) -> str:
    """`;` or `,`, whichever separates more fields in the header (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return "," if unquoted.count(",") > unquoted.count(";") else ";"


def first_line(text: str) -> str:
    """The header line of a CSV text."""
    return text.split("\n", 1)[0].rstrip("\r")


def parse_header(text: str) -> tuple[str, list[str]]:
    """Delimiter and raw header fields of a decoded CSV text."""
    line = first_line(text)
    if not line.strip():
        raise FileRefused("Datei ist leer oder hat keine Kopfzeile")
    delimiter = sniff_delimiter(line)
    return delimiter, next(csv.reader(io.StringIO(line), delimiter=delimiter))


def normalise_name(name: str) -> str:
    """Header name as matched: case-insensitive, trimmed, umlauts as ae/oe/ue/ss."""
    name = name.replace("\ufeff", "").strip().lower().translate(_UMLAUTS)
    return re.sub(r"[\s\-]+", "_", name)


def identifier_columns(names: list[str]) -> list[str]:
    """Normalised header names that denote direct identifiers (export format §5)."""
    return [n for n in names if _is_identifier(n)]


def _is_identifier(name: str) -> bool:
    """True for `name`, `*_name`, `*name` and any name containing an identifier term."""
    compact = name.replace("-", "_")
    if any(term in compact for term in IDENTIFIER_TERMS):
        return True
    tokens = re.split(r"[^a-z0-9]+", compact)
    return any(token == "name" or token.endswith("name") for token in tokens)


def cell_text(value: object, kind: Kind | None = None) -> str:
    """Text of a typed Excel cell, in the spelling the validation accepts."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if kind in (Kind.DATE, Kind.MONTH) and 1 <= value < 2958466:
            return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return ""
    return str(value)
