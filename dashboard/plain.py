"""Plain HTML pages without scripts: the login page and the pages open to everyone.

The statement on accessibility, the privacy notice and the explanation in Leichter Sprache
must be reachable before signing in (BITV 2.0 § 4, BGG NRW). Their Dash pages are built from
`dash.html` components only; `to_html` writes those as HTML, so both forms share one text.
"""

from __future__ import annotations

from html import escape

from dash.development.base_component import Component

from warehouse import profile

# Pages every visitor may read, signed in or not, and the footer links to them.
PUBLIC_LINKS = {
    "/leichte-sprache": "Leichte Sprache",
    "/barrierefreiheit": "Barrierefreiheit",
    "/datenschutz": "Datenschutz",
}
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex"}
VOID = {"br", "hr", "img", "input", "col", "wbr"}


def to_html(node: object) -> str:
    """HTML of a tree of `dash.html` components, text escaped; any other component refused."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component) or node._namespace != "dash_html_components":
        raise TypeError(f"{type(node).__name__} hat keine reine HTML-Form")
    tag = type(node).__name__.lower()
    props = node.to_plotly_json()["props"]
    attributes = "".join(
        f' {ATTRIBUTES.get(key, key)}="{escape(str(value), quote=True)}"'
        for key, value in props.items()
        if key not in ("children", "style") and value is not None
    )
    if tag in VOID:
        return f"<{tag}{attributes}>"
    return f"<{tag}{attributes}>{to_html(props.get('children'))}</{tag}>"


def document(title: str, main: str, back: str = "", css: str = "oeffentlich") -> str:
    """A whole page: the product's header, `main` (HTML) and the footer of open pages."""
    links = "".join(f'<a href="{path}">{escape(text)}</a>' for path, text in PUBLIC_LINKS.items())
    if back:
        links = f'<a href="{escape(back, quote=True)}">Anmelden</a>' + links
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – KIM Monitor</title>
<link rel="stylesheet" href="/assets/kim.css"></head>
<body><a class="sprunglink" href="#inhalt">Zum Inhalt springen</a>
<header class="kopf"><div><p class="marke">KIM Monitor</p>
<p class="untertitel">Kommunales Integrationsmanagement {escape(profile.current().in_phrase)}</p>
</div></header>
<main id="inhalt" class="{css}">{main}</main>
<footer class="fuss">{links}</footer></body></html>"""
