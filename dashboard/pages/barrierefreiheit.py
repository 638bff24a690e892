"""Barrierefreiheit (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__,
    path="/barrierefreiheit",
    name="Barrierefreiheit",
    title="Barrierefreiheit – KIM Monitor",
    order=9,
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Barrierefreiheit"))
