"""Datenqualität (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__,
    path="/datenqualitaet",
    name="Datenqualität",
    title="Datenqualität – KIM Monitor",
    order=7,
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Datenqualität"))
