"""Zielgruppen (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__, path="/zielgruppen", name="Zielgruppen", title="Zielgruppen – KIM Monitor", order=2
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Zielgruppen"))
