"""`kim serve`: the dashboard behind a production WSGI server (waitress)."""

from __future__ import annotations

import errno

import waitress

from dashboard.app import create_app
from warehouse.errors import UserError

# Why a server cannot listen, in German.
REASONS = {
    errno.EADDRINUSE: "schon belegt",
    errno.EACCES: "keine Berechtigung für diesen Port",
    errno.EADDRNOTAVAIL: "diese Adresse hat der Rechner nicht",
}


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve the dashboard until interrupted."""
    app = create_app()
    try:
        server = waitress.create_server(
            app.server,
            host=host,
            port=port,
            threads=threads,
            ident="KIM Monitor",
            max_request_body_size=2 * 1024 * 1024,
        )
    except ValueError as err:  # waitress: a host it cannot resolve
        raise UserError(
            f"Adresse {host}:{port} ist keine gültige Adresse: Wählen Sie mit --host eine "
            "Adresse dieses Rechners, z. B. 127.0.0.1 oder 0.0.0.0."
        ) from err
    except OSError as err:
        cause = REASONS.get(err.errno or 0, err.strerror)
        raise UserError(
            f"Adresse {host}:{port} ist nicht verfügbar ({cause}): Beenden Sie den Dienst, der "
            "sie belegt, oder wählen Sie mit --port und --host eine andere."
        ) from err
    print(f"KIM Monitor läuft auf http://{host}:{port}/ (Beenden mit Strg+C)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("KIM Monitor beendet.", flush=True)
    finally:
        server.close()
