"""Scheduled delivery (`kim versand`): the reports of the last complete period by mail.

Meant for the nightly job: it sends once per period, distribution list and kind of report
(the audit trail remembers what was sent), so running it every night mails each period once.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import stat
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pandas as pd

import reports
from accounts import audit
from views import display, queries
from warehouse import profile
from warehouse.errors import NotPublished, UserError
from warehouse.formatting import enumeration
from warehouse.settings import Settings


class DeliveryError(UserError):
    """Delivery is not configured, or the mail server refused it."""


@dataclass(frozen=True)
class Delivery:
    """What one run of `kim versand` did."""

    zeitraum: str
    empfaenger: tuple[str, ...]
    dateien: tuple[str, ...]
    bereits_versandt: bool = False


def last_complete_period(data_end: pd.Timestamp) -> str:
    """The last period the data cover in full: a half-year, or the year once it is over."""
    year = data_end.year
    if (data_end.month, data_end.day) == (12, 31):
        return str(year)
    if (data_end.month, data_end.day) >= (6, 30):
        return f"{year}-H1"
    return str(year - 1)


def send(settings: Settings, by: str, zeitraum: str | None = None, again: bool = False) -> Delivery:
    """Mail the configured reports of `zeitraum` (default: the last complete period) once."""
    password = _checked_password(settings)
    if not settings.serving_path.exists():
        raise NotPublished("Es ist noch kein Stand veröffentlicht (kim load, kim build).")
    if zeitraum is None:
        with queries.reading(settings.serving_path), queries.session():
            zeitraum = last_complete_period(queries.data_end())
    arts = settings.delivery_arts
    if not again and _sent_before(settings, zeitraum, arts):
        return Delivery(zeitraum, settings.mail_to, (), bereits_versandt=True)
    with tempfile.TemporaryDirectory(prefix="kim-versand-") as folder:
        written = [
            path
            for art in arts
            for path in reports.write(
                settings, art, zeitraum, settings.delivery_formats, Path(folder), by=by
            )
        ]
        _deliver(settings, password, _message(settings, zeitraum, written))
    names = tuple(path.name for path in written)
    audit.record(
        settings,
        by,
        audit.Action.VERSAND,
        zeitraum=zeitraum,
        arten=list(arts),
        empfaenger=list(settings.mail_to),
        dateien=list(names),
    )
    return Delivery(zeitraum, settings.mail_to, names)


def _checked_password(settings: Settings) -> str:
    """Check every setting a delivery needs; the password, from a file only the service
    account reads, else from KIM_SMTP_PASSWORT."""
    missing = [
        name
        for name, value in (
            ("KIM_SMTP_HOST", settings.smtp_host),
            ("KIM_VERSAND_VON", settings.mail_from),
            ("KIM_VERSAND_AN", settings.mail_to),
        )
        if not value
    ]
    if missing:
        raise DeliveryError(
            f"Für den Versand fehlt {enumeration(missing)}: Setzen Sie die Variablen im "
            "Dienst (docs/operations.md)."
        )
    unknown = [art for art in settings.delivery_arts if art not in ("land", "lenkungsgruppe")]
    if unknown:
        raise DeliveryError(
            f"KIM_VERSAND_ARTEN nennt {enumeration(unknown)}: erlaubt sind land, lenkungsgruppe."
        )
    if settings.smtp_password_file:
        return _password_from_file(Path(settings.smtp_password_file))
    return os.environ.get("KIM_SMTP_PASSWORT", "")


def _password_from_file(path: Path) -> str:
    """A password file that belongs to the service account and only it may read."""
    try:
        info = path.stat()
        text = path.read_text("utf-8").strip()
    except OSError as err:
        raise DeliveryError(
            f"Passwortdatei {path} ist nicht lesbar ({err.strerror}): Prüfen Sie "
            "KIM_SMTP_PASSWORT_DATEI."
        ) from err
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise DeliveryError(
            f"Passwortdatei {path} dürfen andere lesen: Sie muss dem Dienstkonto gehören und "
            f"nur für es lesbar sein (chmod 600 {path})."
        )
    return text


def _message(settings: Settings, zeitraum: str, files: list[Path]) -> EmailMessage:
    """The mail: German subject and text, the reports attached."""
    kreis = profile.current().name
    period = display.period(zeitraum)
    message = EmailMessage()
    message["Subject"] = f"KIM Monitor {kreis}: Berichte {period}"
    message["From"] = settings.mail_from
    message["To"] = ", ".join(settings.mail_to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    listed = "\n".join(f"- {path.name}" for path in files)
    message.set_content(
        f"Guten Tag,\n\nanbei die Berichte des KIM Monitors {profile.current().for_phrase} "
        f"für {period}:\n\n{listed}\n\nDie Werte sind statistisch geheim gehalten; "
        "„.“ steht für einen geheim gehaltenen Wert.\n\nDiese Nachricht wurde automatisch "
        "versandt (kim versand).\n"
    )
    for path in files:
        maintype, _, subtype = reports.MEDIA_TYPES[path.suffix.lstrip(".")].partition("/")
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def _deliver(settings: Settings, password: str, message: EmailMessage) -> None:
    """Hand the mail to the server: STARTTLS (required unless turned off), then sign in."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=60) as server:
            server.ehlo()
            if settings.smtp_starttls:
                if not server.has_extn("starttls"):
                    raise DeliveryError(
                        f"Der Mailserver {where} bietet kein STARTTLS an; unverschlüsselt wird "
                        "nicht versandt (KIM_SMTP_STARTTLS=0 nur für einen Relay auf diesem "
                        "Rechner)."
                    )
                context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
                server.starttls(context=context)
                server.ehlo()
            if settings.smtp_user:
                server.login(settings.smtp_user, password)
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as err:
        raise DeliveryError(f"Versand über {where} fehlgeschlagen: {err}") from err


def _sent_before(settings: Settings, zeitraum: str, arts: tuple[str, ...]) -> bool:
    """The audit trail records a delivery of these reports of the period to this list."""
    return any(
        entry["aktion"] == audit.Action.VERSAND
        and entry["details"].get("zeitraum") == zeitraum
        and entry["details"].get("arten") == list(arts)
        and entry["details"].get("empfaenger") == list(settings.mail_to)
        for entry in audit.entries(settings)
    )
