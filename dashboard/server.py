"""`kim serve`: the dashboard behind a production WSGI server (waitress)."""

from __future__ import annotations

import waitress

from dashboard.app import create_app


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve the dashboard until interrupted."""
    app = create_app()
    print(f"KIM Monitor läuft auf http://{host}:{port}/ (Beenden mit Strg+C)", flush=True)
    waitress.serve(
        app.server,
        host=host,
        port=port,
        threads=threads,
        ident="KIM Monitor",
        max_request_body_size=2 * 1024 * 1024,
    )
