"""Handlungsfelder (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__,
    path="/handlungsfelder",
    name="Handlungsfelder",
    title="Handlungsfelder – KIM Monitor",
    order=3,
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Handlungsfelder"))
