"""Built-in accounts (KIM_HOME/benutzer.sqlite): names, roles, argon2id password hashes."""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts import audit
from editorial.database import now
from warehouse.errors import UserError
from warehouse.schema import town_codes
from warehouse.settings import Settings

ROLES = {
    "leitung": "Leitung (alle Städte und Berichte, ohne Datenqualität)",
    "koordination": "Koordinierungsstelle (alles, auch Datenqualität, Berichte, Freigaben)",
    "stadt": "Stadt (eigene Stadt und Kreissummen, Datenqualität der eigenen Lieferungen)",
    "admin": "Administration (Benutzerverwaltung)",
}
NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 12
# A session's last-seen time is written at most this often (seconds).
REFRESH_SECONDS = 30
SCHEMA = """
CREATE TABLE IF NOT EXISTS benutzer (
    name TEXT PRIMARY KEY,
    rolle TEXT NOT NULL,
    gebiet TEXT,
    passwort_hash TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    angelegt_am TEXT NOT NULL,
    passwort_geaendert_am TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fehlversuche (
    name TEXT NOT NULL,
    adresse TEXT NOT NULL,
    zeit REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS fehlversuche_name ON fehlversuche (name, zeit);
CREATE TABLE IF NOT EXISTS sitzungen (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    zuletzt REAL NOT NULL
);
"""
# argon2id with the library's defaults (RFC 9106 "second recommended" profile).
HASHER = PasswordHasher()


@dataclass(frozen=True)
class User:
    """An account without its password hash."""

    name: str
    rolle: str
    gebiet: str | None
    demo: bool
    angelegt_am: str
    passwort_geaendert_am: str


@contextmanager
def _connect(settings: Settings) -> Iterator[sqlite3.Connection]:
    """A transaction on the user registry (created on first use)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(settings.users_path, timeout=30)
    settings.users_path.chmod(0o600)  # password hashes: readable by the service account only
    con.row_factory = sqlite3.Row
    try:
        # Every request reads the registry: readers must not wait for a writer, and a
        # session's clock is not worth a disk flush per request.
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        for side in ("-wal", "-shm"):  # the journal holds the same hashes
            journal = settings.users_path.with_name(settings.users_path.name + side)
            if journal.exists():
                journal.chmod(0o600)
        con.executescript(SCHEMA)
        with con:
            yield con
    finally:
        con.close()


def _user(row: sqlite3.Row) -> User:
    """A row as account."""
    data = {k: row[k] for k in row.keys() if k != "passwort_hash"}  # noqa: SIM118
    return User(**{**data, "demo": bool(data["demo"])})


def check_password(password: str) -> None:
    """The password rule (German message when broken)."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Das Passwort muss mindestens {MIN_PASSWORD} Zeichen lang sein.")
    if password.strip() != password:
        raise UserError("Das Passwort darf nicht mit Leerzeichen beginnen oder enden.")


def add(
    settings: Settings,
    name: str,
    rolle: str,
    password: str,
    gebiet: str | None = None,
    demo: bool = False,
    *,
    by: str,
) -> User:
    """Create an account (`stadt` accounts are bound to one town); audited as done `by`."""
    if not NAME.match(name):
        raise UserError(
            f"Ungültiger Benutzername „{name}“: 2 bis 64 Zeichen, Kleinbuchstaben, Ziffern "
            "und . _ @ -"
        )
    if rolle not in ROLES:
        raise UserError(f"Unbekannte Rolle „{rolle}“ ({', '.join(ROLES)}).")
    if rolle == "stadt" and gebiet not in town_codes():
        raise UserError("Die Rolle stadt braucht --gebiet mit dem AGS einer Stadt.")
    if rolle != "stadt" and gebiet:
        raise UserError("Nur die Rolle stadt ist an ein Gebiet gebunden.")
    check_password(password)
    stamp = now()
    with _connect(settings) as con:
        if con.execute("SELECT 1 FROM benutzer WHERE name = ?", (name,)).fetchone():
            raise UserError(f"Den Benutzer „{name}“ gibt es schon.")
        con.execute(
            "INSERT INTO benutzer VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, rolle, gebiet, HASHER.hash(password), int(demo), stamp, stamp),
        )
    marked = {"demo": True} if demo else {}
    audit.record(
        settings,
        by,
        audit.Action.BENUTZER_ANGELEGT,
        name=name,
        rolle=rolle,
        gebiet=gebiet,
        **marked,
    )
    return get(settings, name)


def get(settings: Settings, name: str) -> User:
    """One account by name."""
    with _connect(settings) as con:
        row = con.execute("SELECT * FROM benutzer WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise UserError(f"Den Benutzer „{name}“ gibt es nicht.")
    return _user(row)


def listed(settings: Settings) -> list[User]:
    """All accounts by name."""
    with _connect(settings) as con:
        rows = con.execute("SELECT * FROM benutzer ORDER BY name").fetchall()
    return [_user(row) for row in rows]


def remove(settings: Settings, name: str, *, by: str) -> User:
    """Delete an account; audited as done `by`."""
    user = get(settings, name)
    with _connect(settings) as con:
        con.execute("DELETE FROM benutzer WHERE name = ?", (name,))
    end_sessions(settings, name=name)
    audit.record(settings, by, audit.Action.BENUTZER_GELOESCHT, name=name)
    return user


def set_password(settings: Settings, name: str, password: str, *, by: str) -> User:
    """Replace an account's password (sessions issued before no longer count); audited."""
    get(settings, name)
    check_password(password)
    with _connect(settings) as con:
        con.execute(
            "UPDATE benutzer SET passwort_hash = ?, passwort_geaendert_am = ? WHERE name = ?",
            (HASHER.hash(password), now(), name),
        )
    end_sessions(settings, name=name)
    audit.record(settings, by, audit.Action.PASSWORT_GEAENDERT, name=name)
    return get(settings, name)


def authenticate(settings: Settings, name: str, password: str) -> User | None:
    """The account when name and password match, else None (same work either way)."""
    with _connect(settings) as con:
        row = con.execute("SELECT * FROM benutzer WHERE name = ?", (name,)).fetchone()
    # Without the account a dummy hash is checked, so timing does not tell names apart.
    stored = row["passwort_hash"] if row else _dummy_hash()
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if HASHER.check_needs_rehash(stored):
        with _connect(settings) as con:
            con.execute(
                "UPDATE benutzer SET passwort_hash = ? WHERE name = ?",
                (HASHER.hash(password), name),
            )
    return _user(row)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist."""
    return HASHER.hash("kein-echtes-passwort-nur-zum-zeitausgleich")


def record_failure(settings: Settings, name: str, address: str) -> None:
    """Remember a failed sign-in (for throttling)."""
    with _connect(settings) as con:
        con.execute("INSERT INTO fehlversuche VALUES (?, ?, ?)", (name, address, time.time()))


def locked_for(settings: Settings, name: str, address: str) -> float:
    """Seconds until the next sign-in may be tried (0 when not locked).

    After `max_failures` failures within the lockout time for the same name, or from the same
    address, further tries wait until the oldest of them has aged out.
    """
    window = settings.lockout_minutes * 60
    since = time.time() - window
    with _connect(settings) as con:
        con.execute("DELETE FROM fehlversuche WHERE zeit < ?", (since,))
        waits = []
        for column, value in (("name", name), ("adresse", address)):
            rows = con.execute(
                f"SELECT zeit FROM fehlversuche WHERE {column} = ? AND zeit >= ? "
                "ORDER BY zeit DESC LIMIT ?",
                (value, since, settings.max_failures),
            ).fetchall()
            if len(rows) >= settings.max_failures:
                waits.append(rows[-1][0] + window - time.time())
    return max(waits, default=0.0)


def clear_failures(settings: Settings, name: str) -> None:
    """Forget the failures of a name after a successful sign-in."""
    with _connect(settings) as con:
        con.execute("DELETE FROM fehlversuche WHERE name = ?", (name,))


def exists_any(settings: Settings) -> bool:
    """Whether any account exists."""
    return settings.users_path.exists() and bool(listed(settings))


def start_session(settings: Settings, name: str) -> str:
    """A new server-side session for a signed-in user; its random id goes into the cookie."""
    session_id = secrets.token_urlsafe(32)
    with _connect(settings) as con:
        con.execute("INSERT INTO sitzungen VALUES (?, ?, ?)", (session_id, name, time.time()))
    return session_id


def touch_session(settings: Settings, session_id: str) -> str | None:
    """The session's user if it is still open and not idle too long (its clock restarts)."""
    now = time.time()
    limit = now - settings.idle_minutes * 60
    # The clock lags by at most a tenth of the idle time (and never more than REFRESH_SECONDS).
    refresh = min(REFRESH_SECONDS, settings.idle_minutes * 6)
    with _connect(settings) as con:
        row = con.execute(
            "SELECT name, zuletzt FROM sitzungen WHERE id = ?", (session_id,)
        ).fetchone()
        if row is not None and row["zuletzt"] >= limit and now - row["zuletzt"] < refresh:
            return str(row["name"])  # seen moments ago: no write for this request
        con.execute("DELETE FROM sitzungen WHERE zuletzt < ?", (limit,))
        if row is None or row["zuletzt"] < limit:
            return None
        con.execute("UPDATE sitzungen SET zuletzt = ? WHERE id = ?", (now, session_id))
    return str(row["name"])


def end_sessions(
    settings: Settings, session_id: str | None = None, name: str | None = None
) -> None:
    """Close one session (logout) or all of a user's (password change, removal)."""
    with _connect(settings) as con:
        if session_id:
            con.execute("DELETE FROM sitzungen WHERE id = ?", (session_id,))
        if name:
            con.execute("DELETE FROM sitzungen WHERE name = ?", (name,))
