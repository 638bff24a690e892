"""Sign-in for the dashboard: login page, sessions, idle timeout, throttling, CSRF.

Every request needs a signed-in user, checked on the server before Dash sees it:
- `intern`: the built-in accounts (`kim benutzer`), a German login page, a signed session
  cookie (HttpOnly, SameSite=Strict, Secure unless KIM_COOKIE_SECURE=0) that expires after
  KIM_LEERLAUF_MINUTEN without a request and when the password changes or the account goes.
- `header`: the Kreis's web server signs users in (single sign-on) and passes the name in
  KIM_AUTH_HEADER; requests without it, or with an unknown name, are refused.
Dash's callbacks are POST requests: they must carry the session's CSRF token in the
`X-CSRFToken` header, which Dash's renderer copies from the `_csrf_token` cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import dash
import flask

from accounts import audit, users
from dashboard.plain import PUBLIC_LINKS, document, to_html
from warehouse.errors import UserError
from warehouse.settings import Settings, load_settings

LOGIN = "/login"
LOGOUT = "/logout"
CSRF_HEADER = "X-CSRFToken"
# Requests that need no session: the login page and its stylesheet.
OPEN_PATHS = (LOGIN, "/assets/kim.css")
MAX_REQUEST_BYTES = 2 * 1024 * 1024
ADMIN_START = "/benutzer"


@dataclass(frozen=True)
class SignedIn:
    """The user of the current request."""

    name: str
    rolle: str
    gebiet: str | None
    csrf: str


def current() -> SignedIn | None:
    """The signed-in user of this request (set by the guard)."""
    return flask.g.get("kim_user")


def _suffix() -> str:
    """A tag of this installation's key, so two installations on one host keep apart cookies."""
    return hashlib.sha256(_secret(load_settings())).hexdigest()[:10]


def session_cookie() -> str:
    """Name of the session cookie."""
    return f"kim_sitzung_{_suffix()}"


def csrf_cookie() -> str:
    """Name of the cookie Dash's renderer copies into the `X-CSRFToken` header."""
    return f"kim_csrf_{_suffix()}"


def _secret(settings: Settings) -> bytes:
    """The cookie-signing key, created once with mode 600."""
    path = settings.secret_path
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(".tmp")
        scratch.write_bytes(secrets.token_bytes(32))
        scratch.chmod(0o600)
        scratch.replace(path)
    return path.read_bytes()


def install(server: flask.Flask) -> None:
    """Add the guard, the login and logout routes and the cookie settings to the server."""
    settings = load_settings()
    server.secret_key = _secret(settings)
    server.config.update(
        SESSION_COOKIE_NAME=session_cookie(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    server.before_request(_guard)
    server.after_request(_hand_out_token)
    server.add_url_rule(LOGIN, "login", _login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT, "logout", _logout, methods=["POST"])


def _address() -> str:
    """The client's address as the WSGI server saw it."""
    return flask.request.remote_addr or "unbekannt"


def _refuse(status: int, message: str) -> flask.Response:
    """A refusal: Dash's requests get JSON, pages go to the login page."""
    page = "text/html" in flask.request.headers.get("Accept", "")
    if flask.request.path.startswith("/_dash-") or flask.request.method != "GET" or not page:
        return flask.jsonify({"fehler": message}), status
    target = flask.request.full_path.rstrip("?")
    return flask.redirect(f"{LOGIN}?weiter={quote(target)}")


def _guard() -> flask.Response | None:
    """Let a request through only for a signed-in, still valid user."""
    settings = load_settings()
    if flask.request.path in OPEN_PATHS:
        return None
    if settings.auth_mode == "header":
        return _from_header(settings)
    session = flask.session
    session_id = str(session.get("sitzung", ""))
    name = users.touch_session(settings, session_id) if session_id else None
    if name is None:
        if session_id:
            audit.record(settings, str(session.get("name", "-")), audit.Action.SITZUNG_ABGELAUFEN)
            _forget(session)
        return _public_page() or _refuse(
            401, "Bitte anmelden (die Sitzung ist abgelaufen oder beendet)."
        )
    try:
        user = users.get(settings, name)
    except UserError:
        _forget(session)
        return _refuse(401, "Das Konto gibt es nicht mehr.")
    token = str(session.get("csrf", ""))
    refused = _csrf_refusal(token)
    if refused is not None:
        return refused
    flask.g.kim_user = SignedIn(user.name, user.rolle, user.gebiet, token)
    return None


def _public_page() -> flask.Response | None:
    """A page open to everyone, as plain HTML, for a visitor who is not signed in."""
    path = flask.request.path
    if flask.request.method != "GET" or path not in PUBLIC_LINKS:
        return None
    page = next(page for page in dash.page_registry.values() if page["path"] == path)
    # The page's own layout, not the role check around it (`access.protect_pages`).
    layout = page.get("kim_layout", page["layout"])
    html = document(PUBLIC_LINKS[path], to_html(layout()), back=LOGIN)
    return flask.Response(html, 200, mimetype="text/html")


def _csrf_refusal(token: str) -> flask.Response | None:
    """A refusal for a state-changing request without the session's CSRF token."""
    if flask.request.method == "GET":
        return None
    sent = flask.request.headers.get(CSRF_HEADER) or flask.request.form.get("csrf", "")
    if not token or not hmac.compare_digest(sent, token):
        return flask.jsonify({"fehler": "Ungültige Anfrage (CSRF-Schutz)."}), 403
    return None


def _hand_out_token(response: flask.Response) -> flask.Response:
    """Give the browser the session's CSRF token as cookie (Dash's renderer sends it back)."""
    user = current()
    if user is not None and flask.request.cookies.get(csrf_cookie()) != user.csrf:
        response.set_cookie(
            csrf_cookie(),
            user.csrf,
            samesite="Strict",
            secure=load_settings().cookie_secure,
            httponly=False,
        )
    return response


def _forget(session: flask.sessions.SessionMixin) -> None:
    """Drop a dead sign-in but keep an open login form's token (the browser asks for more
    than one resource at a time)."""
    for key in ("sitzung", "name", "csrf"):
        session.pop(key, None)


def _from_header(settings: Settings) -> flask.Response | None:
    """Single sign-on: the trusted web server in front names the user."""
    name = flask.request.headers.get(settings.auth_header, "").strip()
    if not name:
        return flask.Response("Anmeldung fehlt (Single Sign-on).", 401, mimetype="text/plain")
    try:
        user = users.get(settings, name.lower())
    except UserError:
        audit.record(
            settings, name, audit.Action.ANMELDUNG_ABGELEHNT, grund="unbekannt", modus="header"
        )
        return flask.Response("Kein Konto für diesen Benutzer.", 403, mimetype="text/plain")
    # The browser sends Kerberos credentials on its own, also for other sites' requests:
    # callbacks need the CSRF token here too (kept in the signed session cookie).
    token = str(flask.session.setdefault("csrf", secrets.token_urlsafe(32)))
    refused = _csrf_refusal(token)
    if refused is not None:
        return refused
    flask.g.kim_user = SignedIn(user.name, user.rolle, user.gebiet, token)
    return None


def _safe_target(target: str | None) -> str:
    """Only paths of this server after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login() -> flask.Response:
    """The login form; on POST check throttling, password and the form's token."""
    settings = load_settings()
    if settings.auth_mode == "header":
        return flask.redirect("/")
    session = flask.session
    target = _safe_target(flask.request.values.get("weiter"))
    if flask.request.method == "GET":
        # Kept while the form is open: a second GET (another tab) must not void the first.
        session.setdefault("login_csrf", secrets.token_urlsafe(32))
        notice = "Sie wurden abgemeldet." if flask.request.args.get("abgemeldet") else ""
        return _page(session["login_csrf"], target, notice=notice)
    expected = str(session.get("login_csrf", ""))
    if not expected or not hmac.compare_digest(flask.request.form.get("csrf", ""), expected):
        return flask.Response("Ungültige Anfrage (CSRF-Schutz).", 403, mimetype="text/plain")
    name = flask.request.form.get("name", "").strip().lower()[:64]
    password = flask.request.form.get("passwort", "")[:1024]
    wait = users.locked_for(settings, name, _address())
    if wait > 0:
        audit.record(settings, name, audit.Action.ANMELDUNG_GESPERRT, adresse=_address())
        minutes = max(1, round(wait / 60))
        return _page(
            expected,
            target,
            error=f"Zu viele Fehlversuche. Bitte in {minutes} Minuten erneut versuchen.",
            status=429,
        )
    user = users.authenticate(settings, name, password) if name else None
    if user is None:
        users.record_failure(settings, name, _address())
        audit.record(
            settings, name or "-", audit.Action.ANMELDUNG_FEHLGESCHLAGEN, adresse=_address()
        )
        return _page(expected, target, error="Benutzername oder Passwort ist falsch.", status=401)
    users.clear_failures(settings, name)
    session.clear()
    token = secrets.token_urlsafe(32)
    session.update(name=user.name, sitzung=users.start_session(settings, user.name), csrf=token)
    audit.record(settings, user.name, audit.Action.ANMELDUNG, adresse=_address())
    if target == "/" and user.rolle == "admin":
        target = ADMIN_START  # the administrator's only page with something to do
    response = flask.redirect(target)
    response.set_cookie(
        csrf_cookie(), token, samesite="Strict", secure=settings.cookie_secure, httponly=False
    )
    return response


def _logout() -> flask.Response:
    """End the session (the guard has checked the form's CSRF token)."""
    user = current()
    if user is not None:
        audit.record(load_settings(), user.name, audit.Action.ABMELDUNG)
    users.end_sessions(load_settings(), session_id=str(flask.session.get("sitzung", "")))
    flask.session.clear()
    response = flask.redirect(f"{LOGIN}?abgemeldet=1")
    response.delete_cookie(csrf_cookie())
    return response


def _page(token: str, target: str, error: str = "", notice: str = "", status: int = 200):
    """The login page (plain HTML: it must work before any script is allowed)."""
    message = ""
    if error:
        message = (
            f'<p class="meldung warnung" role="alert"><strong>Fehler: </strong>{escape(error)}</p>'
        )
    elif notice:
        message = f'<p class="meldung" role="status">{escape(notice)}</p>'
    main = f"""<h1>Anmelden</h1>{message}
<form method="post" action="{LOGIN}">
<input type="hidden" name="csrf" value="{escape(token, quote=True)}">
<input type="hidden" name="weiter" value="{escape(target, quote=True)}">
<div class="feld"><label for="name">Benutzername</label>
<input id="name" name="name" autocomplete="username" required autofocus></div>
<div class="feld"><label for="passwort">Passwort</label>
<input id="passwort" name="passwort" type="password" autocomplete="current-password" required></div>
<button class="knopf" type="submit">Anmelden</button>
</form>
<p class="hinweis">Nach {escape(str(int(load_settings().idle_minutes)))} Minuten ohne Aktivität
endet die Sitzung.</p>"""
    html = document("Anmelden", main, css="anmeldung")
    return flask.Response(html, status, mimetype="text/html")
