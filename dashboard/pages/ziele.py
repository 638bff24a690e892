"""Ziele (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(__name__, path="/ziele", name="Ziele", title="Ziele – KIM Monitor", order=6)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Ziele"))
