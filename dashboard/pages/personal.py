"""Personal (placeholder until the page is built)."""

import dash
from dash import html

dash.register_page(
    __name__, path="/personal", name="Personal", title="Personal – KIM Monitor", order=4
)


def layout(**query: str) -> html.Div:
    """The page."""
    return html.Div(html.H1("Personal"))
