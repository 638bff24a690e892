"""Row checks as DuckDB SQL: parse text cells into typed columns and collect German errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.dialect import PERSONAL_TEXT
from warehouse.reading import STRUCTURE
from warehouse.schema import (
    FUNCTION_BAUSTEIN,
    Column,
    Kind,
    Table,
    authority_codes,
    authority_towns,
    kreis_ags,
    nationality_codes,
    source_towns,
    topic_codes,
    town_codes,
    towns,
)

SQL_TYPES = {
    Kind.PSEUDONYM: "VARCHAR",
    Kind.AGS: "VARCHAR",
    Kind.DATE: "DATE",
    Kind.MONTH: "DATE",
    Kind.CODE: "VARCHAR",
    Kind.BOOL: "BOOLEAN",
    Kind.DECIMAL: "DECIMAL(9, 3)",
    Kind.INTEGER: "INTEGER",
    Kind.YEAR: "INTEGER",
    Kind.TEXT: "VARCHAR",
}
NULL_SPELLINGS = ("", "null", "-", "k.a.")
TRUE_SPELLINGS = ("1", "ja", "j", "true", "x", "wahr")
FALSE_SPELLINGS = ("0", "nein", "n", "false", "falsch")
KIND_REASONS = {
    Kind.PSEUDONYM: "ungültiges Pseudonym (erlaubt: 6–64 Zeichen aus A–Z, a–z, 0–9, _ und -)",
    Kind.AGS: "ungültiger Gemeindeschlüssel (AGS mit 5 oder 8 Ziffern erwartet)",
    Kind.DATE: "kein gültiges Datum (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)",
    Kind.MONTH: "kein gültiger Monat (erwartet MM.JJJJ, JJJJ-MM oder ein Datum)",
    Kind.BOOL: "kein gültiger Ja/Nein-Wert (erlaubt: 1/0, ja/nein, j/n, true/false, x/leer)",
    Kind.DECIMAL: "keine gültige Dezimalzahl (z. B. 0,75)",
    Kind.INTEGER: "keine ganze Zahl",
    Kind.YEAR: "kein gültiges Jahr (JJJJ erwartet)",
    Kind.TEXT: (
        "Freitext zu lang oder mit Anzeichen personenbezogener Daten (E-Mail, Telefonnummer, "
        "IBAN, Geburtsdatum); der Wert wird nicht gespeichert"
    ),
}


@dataclass(frozen=True)
class Context:
    """What a table's rows are checked against: the delivering source and its Stichtag."""

    source: str
    stichtag: date


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _in_list(values: tuple[str, ...] | list[str]) -> str:
    """SQL list of string literals."""
    return "(" + ", ".join(lit(v) for v in values) + ")"


def _error(column: str | None, value_sql: str, reason_sql: str) -> str:
    """A struct literal for one error."""
    spalte = "NULL" if column is None else lit(column)
    return f"{{'spalte': {spalte}, 'wert': {value_sql}, 'grund': {reason_sql}}}"


def _clean(name: str) -> str:
    """Trimmed text cell, NULL for every spelling of empty."""
    quoted = f'"{name}"'
    return (
        f"CASE WHEN lower(trim({quoted})) IN {_in_list(NULL_SPELLINGS)} THEN NULL "
        f"ELSE trim({quoted}) END"
    )


def _codes(column: Column) -> tuple[str, ...]:
    """Allowed codes of a code column (nationality from ISO 3166, topics from the profile)."""
    if column.name == "staatsangehoerigkeit":
        return nationality_codes()
    return topic_codes() if column.name == "handlungsfeld" else column.codes


def _parse(column: Column) -> str:
    """SQL turning the cleaned text `r_<name>` into the column's type (NULL if invalid)."""
    r = f"r_{column.name}"
    match column.kind:
        case Kind.PSEUDONYM:
            return f"CASE WHEN regexp_full_match({r}, '[A-Za-z0-9_-]{{6,64}}') THEN {r} END"
        case Kind.AGS:
            return (
                f"CASE WHEN regexp_full_match({r}, '[0-9]{{4}}|[0-9]{{7}}') THEN '0' || {r} "
                f"WHEN regexp_full_match({r}, '[0-9]{{5}}|[0-9]{{8}}') THEN {r} END"
            )
        case Kind.DATE:
            return (
                f"CASE WHEN {r} LIKE '%.%' THEN CAST(try_strptime({r}, '%d.%m.%Y') AS DATE) "
                f"WHEN regexp_full_match({r}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                f"THEN TRY_CAST({r} AS DATE) END"
            )
        case Kind.MONTH:
            return (
                f"CAST(date_trunc('month', CASE "
                f"WHEN regexp_full_match({r}, '[0-9]{{1,2}}\\.[0-9]{{4}}') "
                f"THEN try_strptime({r}, '%m.%Y') "
                f"WHEN {r} LIKE '%.%' THEN try_strptime({r}, '%d.%m.%Y') "
                f"WHEN regexp_full_match({r}, '[0-9]{{4}}-[0-9]{{2}}') "
                f"THEN try_strptime({r}, '%Y-%m') "
                f"WHEN regexp_full_match({r}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                f"THEN TRY_CAST({r} AS TIMESTAMP) END) AS DATE)"
            )
        case Kind.CODE:
            normal = f"upper({r})" if column.name == "staatsangehoerigkeit" else f"lower({r})"
            fallback = lit(column.default) if column.default else "NULL"
            return (
                f"CASE WHEN {r} IS NULL THEN {fallback} "
                f"WHEN {normal} IN {_in_list(_codes(column))} THEN {normal} END"
            )
        case Kind.BOOL:
            return (
                f"CASE WHEN {r} IS NULL THEN false "
                f"WHEN lower({r}) IN {_in_list(TRUE_SPELLINGS)} THEN true "
                f"WHEN lower({r}) IN {_in_list(FALSE_SPELLINGS)} THEN false END"
            )
        case Kind.DECIMAL:
            return (
                f"CASE WHEN regexp_full_match({r}, '[0-9]{{1,6}}([.,][0-9]{{1,3}})?') "
                f"THEN CAST(replace({r}, ',', '.') AS DECIMAL(9, 3)) END"
            )
        case Kind.INTEGER:
            return f"CASE WHEN regexp_full_match({r}, '[0-9]{{1,9}}') THEN CAST({r} AS INTEGER) END"
        case Kind.YEAR:
            return f"CASE WHEN regexp_full_match({r}, '[0-9]{{4}}') THEN CAST({r} AS INTEGER) END"
        case Kind.TEXT:
            return (
                f"CASE WHEN length({r}) <= {column.maximum} "
                f"AND NOT regexp_matches({r}, {lit(PERSONAL_TEXT)}) THEN {r} END"
            )
    raise ValueError(column.kind)


def _value(column: Column) -> str:
    """The offending value as stored in quarantine (never for pseudonym columns)."""
    hidden = (Kind.PSEUDONYM, Kind.TEXT)
    return "NULL" if column.kind in hidden else f"left(r_{column.name}, 60)"


Check = tuple[str, str]  # (SQL condition, SQL struct of the error)


def _column_errors(column: Column, ctx: Context) -> list[Check]:
    """Errors a single column can produce on its own."""
    name, r = column.name, f"r_{column.name}"
    value = _value(column)
    errors = []
    if column.required:
        errors.append((f"{r} IS NULL", _error(name, "NULL", lit("Pflichtfeld ist leer"))))
    if column.kind == Kind.CODE:
        reason = (
            "kein ISO-3166-Alpha-3-Code (z. B. SYR, UKR; XXX staatenlos, XXZ unbekannt)"
            if name == "staatsangehoerigkeit"
            else f"unbekannter Code (erlaubt: {', '.join(_codes(column))})"
        )
    else:
        reason = KIND_REASONS[column.kind]
    errors.append((f"{r} IS NOT NULL AND {name} IS NULL", _error(name, value, lit(reason))))
    if column.kind in (Kind.DATE, Kind.MONTH):
        plausible = f"{name} NOT BETWEEN DATE '1900-01-01' AND DATE '2100-12-31'"
        errors.append((plausible, _error(name, value, lit(reason))))
    if column.kind != Kind.TEXT and (column.minimum is not None or column.maximum is not None):
        low = column.minimum if column.minimum is not None else "-1e18"
        high = column.maximum if column.maximum is not None else "1e18"
        shown = f"{column.minimum if column.minimum is not None else ''} bis {column.maximum or ''}"
        reason = f"Wert außerhalb des erlaubten Bereichs ({shown.strip()})"
        errors.append((f"{name} NOT BETWEEN {low} AND {high}", _error(name, value, lit(reason))))
    if column.not_after_stichtag:
        reason = f"Datum liegt nach dem Stichtag ({ctx.stichtag:%d.%m.%Y})"
        errors.append(
            (f"{name} > DATE '{ctx.stichtag.isoformat()}'", _error(name, value, lit(reason)))
        )
    return errors


def _rule(column: str, condition: str, reason: str) -> Check:
    """A cross-field rule: an error on `column` when `condition` is true."""
    return condition, _error(column, f"left(r_{column}, 60)", lit(reason))


def _table_rules(table: Table, ctx: Context) -> list[Check]:
    """Rules that relate several columns of a row, per table (export format §4)."""
    stichtag = f"DATE '{ctx.stichtag.isoformat()}'"
    match table.name:
        case "faelle":
            served = source_towns(ctx.source)
            whose = ctx.source if served == (ctx.source,) else f"{ctx.source}: {', '.join(served)}"
            return [
                _rule(
                    "ags",
                    f"ags NOT IN {_in_list(served)}",
                    f"AGS passt nicht zur Lieferung ({whose})",
                ),
                _rule(
                    "erstkontakt",
                    "erstkontakt > fallbeginn",
                    "Erstkontakt liegt nach dem Fallbeginn",
                ),
                _rule("fallende", "fallende < fallbeginn", "Fallende liegt vor dem Fallbeginn"),
                _rule(
                    "fallende",
                    "status = 'abgeschlossen' AND r_fallende IS NULL",
                    "Fallende fehlt (Pflicht bei Status abgeschlossen)",
                ),
                _rule(
                    "fallende",
                    "status <> 'abgeschlossen' AND r_fallende IS NOT NULL",
                    "Fallende ist nur bei Status abgeschlossen erlaubt",
                ),
                _rule(
                    "abschlussgrund",
                    "status = 'abgeschlossen' AND r_abschlussgrund IS NULL",
                    "Abschlussgrund fehlt (Pflicht bei Status abgeschlossen)",
                ),
                _rule(
                    "abschlussgrund",
                    "status <> 'abgeschlossen' AND r_abschlussgrund IS NOT NULL",
                    "Abschlussgrund ist nur bei Status abgeschlossen erlaubt",
                ),
                _rule(
                    "geburtsjahr",
                    f"geburtsjahr > year({stichtag})",
                    f"Geburtsjahr liegt nach dem Jahr des Stichtags ({ctx.stichtag.year})",
                ),
            ]
        case "handlungsfelder":
            return [
                _rule(
                    "zielstatus_am",
                    "zielstatus <> 'offen' AND r_zielstatus_am IS NULL",
                    "Datum der Zielstatus-Änderung fehlt (Pflicht, wenn nicht offen)",
                ),
            ]
        case "verfahren":
            served = authority_towns(ctx.source)
            where = ", ".join(t.name for t in towns() if t.ags in served)
            return [
                _rule(
                    "ags",
                    f"ags NOT IN {_in_list(served)}",
                    "Wohnort liegt nicht im Zuständigkeitsbereich dieser Ausländerbehörde "
                    f"({where})",
                ),
                _rule(
                    "entscheidung",
                    "entscheidung IS NOT NULL AND ergebnis = 'offen'",
                    "Entscheidungsdatum bei Ergebnis offen",
                ),
            ]
        case "stellen":
            town_list = _in_list(town_codes())
            funktion_ok = " OR ".join(
                f"(funktion = {lit(f)} AND baustein = {lit(b)})"
                for f, b in FUNCTION_BAUSTEIN.items()
            )
            return [
                _rule(
                    "ags",
                    f"(baustein = '2' AND ags NOT IN {town_list}) OR (baustein = '1' AND ags <> "
                    f"{lit(kreis_ags())}) OR (baustein = '3' AND ags NOT IN "
                    f"{_in_list(authority_codes())})",
                    f"AGS passt nicht zum Baustein (II: eine Stadt; I: Kreis {kreis_ags()}; "
                    "III: eine Ausländerbehörde)",
                ),
                _rule("funktion", f"NOT ({funktion_ok})", "Funktion passt nicht zum Baustein"),
                _rule("gueltig_bis", "gueltig_bis < gueltig_ab", "gültig bis liegt vor gültig ab"),
            ]
        case "strukturthemen":
            return [
                _rule(
                    "ags",
                    f"ags IS NOT NULL AND ags NOT IN {_in_list((*town_codes(), kreis_ags()))}",
                    f"AGS ist weder eine Stadt des Kreises noch der Kreis ({kreis_ags()})",
                ),
                _rule(
                    "status_am",
                    "status_am < eingebracht_am",
                    "Statusdatum liegt vor dem Tag, an dem das Thema eingebracht wurde",
                ),
            ]
        case "ziele":
            return [
                _rule(
                    "ags",
                    f"ags NOT IN {_in_list((*town_codes(), kreis_ags()))}",
                    f"AGS ist weder eine Stadt des Kreises noch der Kreis ({kreis_ags()})",
                )
            ]
    return []


def _cross_row_checks(table: Table, faelle: str | None) -> tuple[list[Check], str]:
    """Duplicate keys and broken references: their checks and the joins they need."""
    checks: list[Check] = []
    joins = ""
    if table.unique:
        keys = ", ".join(table.unique)
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in table.unique)
        joins += (
            f" LEFT JOIN (SELECT {keys}, min(_zeile) AS _dup_first FROM parsed "
            f"WHERE {not_null} GROUP BY {keys} HAVING count(*) > 1) dup USING ({keys})"
        )
        value = " || ' / ' || ".join(f"CAST({k} AS VARCHAR)" for k in table.unique)
        reason = (
            lit(f"doppelter Schlüssel ({keys}), erstes Vorkommen in Zeile ")
            + " || CAST(_dup_first AS VARCHAR)"
        )
        checks.append(("_zeile > _dup_first", _error(table.unique[0], value, reason)))
    if table.references_faelle and faelle is not None:
        joins += (
            f" LEFT JOIN (SELECT DISTINCT fall_id AS _ref_fall_id FROM {faelle}) ref "
            "ON parsed.fall_id = ref._ref_fall_id"
        )
        reason = "Fall-ID fehlt in faelle desselben Stichtags (oder steht dort in Quarantäne)"
        checks.append(
            (
                "fall_id IS NOT NULL AND _ref_fall_id IS NULL",
                _error("fall_id", "fall_id", lit(reason)),
            )
        )
    return checks, joins


def check_rows(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    raw: str,
    present: list[str],
    ctx: Context,
    target: str,
    faelle: str | None = None,
) -> None:
    """Create temp table `target`: `_zeile`, typed columns and `_fehler` (all row errors)."""
    cleaned = ", ".join(
        f"{_clean(c.name) if c.name in present else 'CAST(NULL AS VARCHAR)'} AS r_{c.name}"
        for c in table.columns
    )
    parsed = ", ".join(
        f"CAST({_parse(c)} AS {SQL_TYPES[c.kind]}) AS {c.name}" for c in table.columns
    )
    cross, cross_joins = _cross_row_checks(table, faelle)
    checks = [e for c in table.columns for e in _column_errors(c, ctx)]
    checks += _table_rules(table, ctx) + cross
    any_error = " OR ".join(f"coalesce({condition}, false)" for condition, _ in checks)
    errors = ", ".join(f"CASE WHEN {condition} THEN {struct} END" for condition, struct in checks)
    structure = _error(None, "NULL", STRUCTURE)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {target} AS
        WITH cleaned AS (
            SELECT _zeile, {STRUCTURE}, {cleaned} FROM {raw}
        ),
        parsed AS (
            SELECT *, {parsed} FROM cleaned
        ),
        flagged AS (
            SELECT * FROM parsed{cross_joins}
        )
        SELECT
            _zeile,
            {", ".join(table.column_names)},
            CASE
                WHEN {STRUCTURE} IS NOT NULL THEN [{structure}]
                WHEN {any_error} THEN list_filter([{errors}], e -> e IS NOT NULL)
                ELSE []
            END AS _fehler
        FROM flagged
        """
    )


def check_overlaps(con: duckdb.DuckDBPyConnection, checked: str) -> None:
    """Staffing rows of the same (baustein, ags, funktion) must not overlap in time."""
    reason = (
        "'Zeitraum überschneidet sich mit Zeile ' || CAST(o.other_zeile AS VARCHAR) "
        "|| ' (gleicher Baustein, AGS und gleiche Funktion)'"
    )
    error = _error("gueltig_ab", "strftime(c.gueltig_ab, '%d.%m.%Y')", reason)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {checked} AS
        WITH overlapping AS (
            SELECT a._zeile AS overlap_zeile, min(b._zeile) AS other_zeile
            FROM {checked} a JOIN {checked} b
              ON a.baustein = b.baustein AND a.ags = b.ags AND a.funktion = b.funktion
             AND b._zeile < a._zeile AND len(b._fehler) = 0
             AND a.gueltig_ab <= coalesce(b.gueltig_bis, DATE '9999-12-31')
             AND b.gueltig_ab <= coalesce(a.gueltig_bis, DATE '9999-12-31')
            GROUP BY a._zeile
        )
        SELECT c.* EXCLUDE (_fehler),
            CASE WHEN o.other_zeile IS NULL THEN c._fehler
                ELSE list_append(c._fehler, {error}) END AS _fehler
        FROM {checked} c LEFT JOIN overlapping o ON c._zeile = o.overlap_zeile
        """
    )
