"""`kim versand` against a local mail server started here (aiosmtpd): STARTTLS with the
Kreis's own CA, sign-in, the reports of the last complete period attached, once per period."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import Kim, copy_installation

USER, PASSWORD = "kim-versand", "ein-geheimes-passwort"
TO = ("dezernat@kreis.example", "koordination@kreis.example")


@dataclass
class Inbox:
    """What the local mail server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the Kreis's own CA, as the client sees it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.kreis.example")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "ca.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_in(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """The mail account of the service."""
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """A local SMTP server that requires STARTTLS and a sign-in: inbox, port, CA file."""
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=sign_in,
        auth_required=True,
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def settings_env(port: int, ca: Path, password_file: Path) -> dict[str, str]:
    """The environment of the nightly service."""
    return {
        "KIM_SMTP_HOST": "127.0.0.1",
        "KIM_SMTP_PORT": str(port),
        "KIM_SMTP_CA": str(ca),
        "KIM_SMTP_BENUTZER": USER,
        "KIM_SMTP_PASSWORT_DATEI": str(password_file),
        "KIM_VERSAND_VON": "kim-monitor@kreis.example",
        "KIM_VERSAND_AN": ", ".join(TO),
    }


def last_complete_period(kim: Kim) -> str:
    """The last half-year (or whole year) the current deliveries cover, read here from them."""
    con = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        (end,) = con.execute(
            "SELECT max(stichtag) FROM fct_lieferungen WHERE ist_aktuell"
        ).fetchone()
    finally:
        con.close()
    if end >= dt.date(end.year, 12, 31):
        return str(end.year)
    return f"{end.year}-H1" if end >= dt.date(end.year, 6, 30) else str(end.year - 1)


def test_the_reports_arrive_once_with_their_attachments(
    sample: Kim, tmp_path: Path, mail_server: tuple[Inbox, int, Path]
) -> None:
    inbox, port, ca = mail_server
    kim = copy_installation(sample, tmp_path / "kim")
    password = tmp_path / "smtp-passwort"
    password.write_text(PASSWORD + "\n", "utf-8")
    password.chmod(0o600)
    env = settings_env(port, ca, password)
    zeitraum = last_complete_period(kim)

    sent = kim.run("versand", env=env)
    assert sent.returncode == 0, sent.stderr
    (message,) = inbox.messages
    assert sorted(inbox.recipients[0]) == sorted(TO)
    assert message["Subject"].startswith("KIM Monitor Ennepe-Ruhr-Kreis: Berichte ")
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    # the state report and the steering group pack, as `kim report` names them
    assert set(attachments) == {
        f"KIM_Bericht_Land_{zeitraum}.pdf",
        f"KIM_Lenkungsgruppe_{zeitraum}.pdf",
    }
    assert all(content.startswith(b"%PDF") for content in attachments.values())
    trail = json.loads(kim.run("audit", "--json").stdout)
    (entry,) = [e for e in trail if e["aktion"] == "versand"]
    assert entry["details"]["zeitraum"] == zeitraum
    assert sorted(entry["details"]["dateien"]) == sorted(attachments)

    again = kim.run("versand", env=env)
    assert again.returncode == 0 and "bereits" in again.stdout
    assert len(inbox.messages) == 1


def test_a_password_file_others_may_read_is_refused(
    sample: Kim, tmp_path: Path, mail_server: tuple[Inbox, int, Path]
) -> None:
    inbox, port, ca = mail_server
    password = tmp_path / "smtp-passwort"
    password.write_text(PASSWORD, "utf-8")
    password.chmod(0o644)
    result = sample.run("versand", env=settings_env(port, ca, password))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Passwortdatei {password} dürfen andere lesen: Sie muss dem Dienstkonto gehören und "
        f"nur für es lesbar sein (chmod 600 {password})."
    )
    assert inbox.messages == []


def test_a_server_without_starttls_gets_nothing(sample: Kim, tmp_path: Path) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {
            "KIM_SMTP_HOST": "127.0.0.1",
            "KIM_SMTP_PORT": str(port),
            "KIM_VERSAND_VON": "kim-monitor@kreis.example",
            "KIM_VERSAND_AN": TO[0],
            "KIM_VERSAND_ARTEN": "lenkungsgruppe",
            "KIM_VERSAND_FORMATE": "xlsx",
        }
        result = sample.run("versand", env=env)
    finally:
        controller.stop()
    assert result.returncode == 1
    assert f"Der Mailserver 127.0.0.1:{port} bietet kein STARTTLS an" in result.stderr
    assert inbox.messages == []
