"""Baustein III (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__, path="/baustein3", name="Baustein III", title="Baustein III – KIM Monitor", order=5
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Baustein III"))
