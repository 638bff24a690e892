"""Kennzahlen (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__, path="/kennzahlen", name="Kennzahlen", title="Kennzahlen – KIM Monitor", order=8
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Kennzahlen"))
