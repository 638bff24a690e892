"""Security headers on every response and errors without internals.

The Content-Security-Policy allows scripts only from this server plus Dash's own inline
scripts by hash (renderer start, clientside callbacks); styles allow inline because Plotly
writes `<style>` elements; nothing may frame the dashboard. Responses carry personal data
(even protected aggregates are not for shared caches), so nothing is stored by caches.
"""

from __future__ import annotations

import logging

import dash
import flask
from werkzeug.exceptions import HTTPException

from warehouse.settings import load_settings

LOG = logging.getLogger("kim.dashboard")
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
REFUSALS = {
    400: "Ungültige Anfrage.",
    404: "Diese Adresse gibt es nicht.",
    405: "Diese Methode ist hier nicht erlaubt.",
    413: "Die Anfrage ist zu groß.",
}


def policy(script_hashes: list[str]) -> str:
    """The Content-Security-Policy for pages with these inline script hashes."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def install(app: dash.Dash) -> None:
    """Add the headers and the error handler to the app's server."""
    server = app.server
    secure = load_settings().cookie_secure

    @server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        response.headers.update(FIXED_HEADERS)
        response.headers["Content-Security-Policy"] = policy(list(app.csp_hashes()))
        if secure:  # behind the Kreis's HTTPS web server (browsers ignore it over HTTP)
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if not flask.request.path.startswith(("/assets/", "/_dash-component-suites/")):
            response.headers["Cache-Control"] = "no-store"
        return response

    @server.errorhandler(Exception)
    def hide_internals(error: Exception) -> flask.Response:
        if isinstance(error, HTTPException) and error.code and error.code < 500:
            text = REFUSALS.get(error.code, "Die Anfrage ist nicht möglich.")
            return flask.Response(text, error.code, mimetype="text/plain")
        LOG.exception("Fehler bei %s %s", flask.request.method, flask.request.path)
        return flask.Response(
            "Interner Fehler. Die Einzelheiten stehen im Protokoll des Servers.",
            500,
            mimetype="text/plain",
        )
