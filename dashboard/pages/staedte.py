"""Städte (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(__name__, path="/staedte", name="Städte", title="Städte – KIM Monitor", order=1)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Städte"))
