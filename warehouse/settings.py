"""One settings object, read from the environment (see README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The Kreis profile used when KIM_PROFIL names none.
DEFAULT_PROFILE = "ennepe-ruhr"

# Every environment variable the settings read (the key of their cache).
VARIABLES = (
    "KIM_HOME",
    "KIM_EXPORTS",
    "KIM_PROFIL",
    "KIM_MAX_FEHLERANTEIL",
    "KIM_LOCK_TIMEOUT",
    "KIM_LOAD_WORKERS",
    "KIM_KONTAKT_BARRIEREFREIHEIT",
    "KIM_KONTAKT_DATENSCHUTZ",
    "KIM_DATENSTAND_TAGE",
    "KIM_AUTH",
    "KIM_AUTH_HEADER",
    "KIM_LEERLAUF_MINUTEN",
    "KIM_COOKIE_SECURE",
    "KIM_MAX_FEHLVERSUCHE",
    "KIM_SPERRE_MINUTEN",
    "KIM_AUFBEWAHRUNG_JAHRE",
    "KIM_AUFBEWAHRUNG_ROHDATEN_TAGE",
    "KIM_SMTP_HOST",
    "KIM_SMTP_PORT",
    "KIM_SMTP_STARTTLS",
    "KIM_SMTP_CA",
    "KIM_SMTP_BENUTZER",
    "KIM_SMTP_PASSWORT_DATEI",
    "KIM_VERSAND_VON",
    "KIM_VERSAND_AN",
    "KIM_VERSAND_ARTEN",
    "KIM_VERSAND_FORMATE",
)


@dataclass(frozen=True)
class Settings:
    """Paths and thresholds of one KIM Monitor installation."""

    home: Path
    exports: Path
    # The Kreis profile: a shipped name (warehouse/profiles/) or a profile folder.
    profile: str = DEFAULT_PROFILE
    max_error_share: float = 0.10
    lock_timeout_seconds: float = 600.0
    workers: int = 2
    # Contact for accessibility feedback (BGG NRW), shown on the Barrierefreiheit page.
    feedback_contact: str = "barrierefreiheit@kreis.example"
    # Contact for questions on data protection, shown in the Datenschutzhinweise.
    privacy_contact: str = "datenschutz@kreis.example"
    # Days after which a source's latest Stichtag counts as outdated on the dashboard.
    stale_after_days: int = 45
    # Sign-in: `intern` (own accounts and login page) or `header` (user name set by the
    # Kreis's web server in front, e.g. after Kerberos/Active Directory).
    auth_mode: str = "intern"
    auth_header: str = "X-Remote-User"
    idle_minutes: float = 30.0
    cookie_secure: bool = True
    max_failures: int = 5
    lockout_minutes: float = 15.0
    # Retention: case-level data of cases closed longer ago; raw files of old deliveries.
    retention_years: int = 3
    raw_retention_days: int = 365
    # Scheduled delivery of reports (`kim versand`): the mail server (STARTTLS unless turned
    # off for a relay on the same host), a CA file for an internal certificate, the account
    # (its password from KIM_SMTP_PASSWORT or a file only the service account can read).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_ca_file: str = ""
    smtp_user: str = ""
    smtp_password_file: str = ""
    mail_from: str = ""
    mail_to: tuple[str, ...] = ()
    delivery_arts: tuple[str, ...] = ("land", "lenkungsgruppe")
    delivery_formats: tuple[str, ...] = ("pdf",)

    @property
    def warehouse_path(self) -> Path:
        """The loader's DuckDB file (raw snapshots, load log, quarantine)."""
        return self.home / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        """Where processed input files are kept, by source and Stichtag."""
        return self.home / "archiv"

    @property
    def tmp_dir(self) -> Path:
        """Scratch space for transcoded or extracted files during a load."""
        return self.home / "tmp"

    @property
    def builds_dir(self) -> Path:
        """Scratch files of running builds and dbt's own target and log folders."""
        return self.home / "builds"

    @property
    def build_log_path(self) -> Path:
        """One JSON line per build attempt."""
        return self.home / "builds.jsonl"

    @property
    def serving_path(self) -> Path:
        """The published, protected indicator database the dashboard and reports read."""
        return self.home / "kim.duckdb"

    @property
    def editorial_path(self) -> Path:
        """Comments and sign-offs of the coordination office (SQLite, outlives builds)."""
        return self.home / "redaktion.sqlite"

    @property
    def signoff_dir(self) -> Path:
        """Frozen copies of the published database, one per sign-off."""
        return self.home / "freigaben"

    @property
    def reports_dir(self) -> Path:
        """Default folder of `kim report`."""
        return self.home / "berichte"

    @property
    def chart_images_dir(self) -> Path:
        """Chart images of reports and downloads by digest (a cache: deleting it is safe)."""
        return self.home / "grafiken"

    @property
    def users_path(self) -> Path:
        """Built-in accounts with argon2id password hashes (SQLite, mode 600)."""
        return self.home / "benutzer.sqlite"

    @property
    def secret_path(self) -> Path:
        """The key that signs session cookies (random, mode 600, made on first use)."""
        return self.home / "sitzungsschluessel"

    @property
    def audit_path(self) -> Path:
        """The append-only audit trail (JSON lines with a hash chain)."""
        return self.home / "audit.jsonl"

    @property
    def audit_anchor_path(self) -> Path:
        """Number and hash of the audit trail's last entry (detects a cut-off end)."""
        return self.home / "audit.anker"

    @property
    def lock_path(self) -> Path:
        """Lock file that serialises writers of the warehouse."""
        return self.home / "kim.lock"


def profile_name() -> str:
    """The Kreis profile `KIM_PROFIL` names (the Ennepe-Ruhr-Kreis by default)."""
    return os.environ.get("KIM_PROFIL", "") or DEFAULT_PROFILE


def load_settings() -> Settings:
    """The settings from KIM_* environment variables (built once per environment)."""
    return _settings(tuple(map(os.environ.get, VARIABLES)), os.getcwd())


@lru_cache(maxsize=16)
def _settings(values: tuple[str | None, ...], cwd: str) -> Settings:
    """Build the settings from the variables' values (relative paths resolved against cwd).

    Paths are resolved once per environment: a KIM_HOME that is a symbolic link is followed
    as it pointed when first read (switch it only with the services stopped).
    """
    environ = {
        name: value for name, value in zip(VARIABLES, values, strict=True) if value is not None
    }
    return Settings(
        home=(Path(cwd) / environ.get("KIM_HOME", "data")).resolve(),
        exports=(Path(cwd) / environ.get("KIM_EXPORTS", "exports")).resolve(),
        profile=environ.get("KIM_PROFIL", "") or DEFAULT_PROFILE,
        max_error_share=float(environ.get("KIM_MAX_FEHLERANTEIL", "0.10")),
        lock_timeout_seconds=float(environ.get("KIM_LOCK_TIMEOUT", "600")),
        workers=int(environ.get("KIM_LOAD_WORKERS", str(min(4, os.cpu_count() or 1)))),
        feedback_contact=environ.get(
            "KIM_KONTAKT_BARRIEREFREIHEIT", "barrierefreiheit@kreis.example"
        ),
        privacy_contact=environ.get("KIM_KONTAKT_DATENSCHUTZ", "datenschutz@kreis.example"),
        stale_after_days=int(environ.get("KIM_DATENSTAND_TAGE", "45")),
        auth_mode=environ.get("KIM_AUTH", "intern"),
        auth_header=environ.get("KIM_AUTH_HEADER", "X-Remote-User"),
        idle_minutes=float(environ.get("KIM_LEERLAUF_MINUTEN", "30")),
        cookie_secure=environ.get("KIM_COOKIE_SECURE", "1") != "0",
        max_failures=int(environ.get("KIM_MAX_FEHLVERSUCHE", "5")),
        lockout_minutes=float(environ.get("KIM_SPERRE_MINUTEN", "15")),
        retention_years=int(environ.get("KIM_AUFBEWAHRUNG_JAHRE", "3")),
        raw_retention_days=int(environ.get("KIM_AUFBEWAHRUNG_ROHDATEN_TAGE", "365")),
        smtp_host=environ.get("KIM_SMTP_HOST", ""),
        smtp_port=int(environ.get("KIM_SMTP_PORT", "587")),
        smtp_starttls=environ.get("KIM_SMTP_STARTTLS", "1") != "0",
        smtp_ca_file=environ.get("KIM_SMTP_CA", ""),
        smtp_user=environ.get("KIM_SMTP_BENUTZER", ""),
        smtp_password_file=environ.get("KIM_SMTP_PASSWORT_DATEI", ""),
        mail_from=environ.get("KIM_VERSAND_VON", ""),
        mail_to=_listed(environ.get("KIM_VERSAND_AN", "")),
        delivery_arts=_listed(environ.get("KIM_VERSAND_ARTEN", "land,lenkungsgruppe")),
        delivery_formats=_listed(environ.get("KIM_VERSAND_FORMATE", "pdf")),
    )


def _listed(text: str) -> tuple[str, ...]:
    """`a, b,c` → ("a", "b", "c")."""
    return tuple(part.strip() for part in text.split(",") if part.strip())
