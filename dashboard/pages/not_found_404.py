"""The page for an address that does not exist (Dash shows it for every unknown path)."""

from __future__ import annotations

import dash
from dash import html

from dashboard import access

dash.register_page(
    __name__,
    path="/404",
    name="Seite nicht gefunden",
    title="Seite nicht gefunden – KIM Monitor",
    nav=False,
    rollen=access.EVERYONE,
)


def layout(**_: str) -> html.Div:
    """Why nothing is shown, and the pages the user may open instead."""
    return access.make_elsewhere(
        "Seite nicht gefunden",
        "Diese Adresse gibt es im KIM Monitor nicht. Vielleicht ist der Link veraltet oder "
        "unvollständig. Wählen Sie eine der folgenden Seiten.",
    )
