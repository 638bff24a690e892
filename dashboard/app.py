"""The Dash app: shell around every page (navigation, filters, main) and shared callbacks."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import dash
import flask
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

from accounts import audit
from dashboard import access, auth, hardening, ids
from dashboard.components import DOWNLOAD_KINDS, DROPDOWN_LABELS, IMAGE_FORMATS
from dashboard.plain import PUBLIC_LINKS
from reports import images
from views import display, queries
from views.charts import BUILDERS, ChartData, build, to_csv, to_xlsx
from views.filters import KEYS, Filters, from_search, latest_period, to_search
from warehouse import profile
from warehouse.errors import NotPublished
from warehouse.schema import CUMULATIVE
from warehouse.settings import load_settings

HERE = Path(__file__).resolve().parent
INDEX = """<!DOCTYPE html>
<html lang="de">
  <head>
    {%metas%}
    <title>{%title%}</title>
    {%favicon%}
    {%css%}
  </head>
  <body>
    {%app_entry%}
    {%config%}{%scripts%}{%renderer%}
  </body>
</html>"""
TOWN_PATH = re.compile(r"^/stadt/(\d{8})$")


class KimDash(Dash):
    """Dash with a German page skeleton (`lang="de"`, German loading text)."""

    def interpolate_index(self, **kwargs: str) -> str:
        """The HTML page around the app."""
        kwargs["app_entry"] = kwargs["app_entry"].replace("Loading...", "Wird geladen …")
        return super().interpolate_index(**kwargs)

    def _config(self) -> dict:
        """Dash's front-end settings, with this installation's CSRF cookie name."""
        config = super()._config()
        config["csrf_token_name"] = auth.csrf_cookie()
        return config


def create_app() -> Dash:
    """The app with all pages registered; reads data only when a page is requested."""
    app = KimDash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="KIM Monitor",
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
        compress=False,
        enable_mcp=False,  # Dash's MCP endpoint would run callbacks outside the role checks
    )
    app.index_string = INDEX
    app.layout = make_shell
    auth.install(app.server)
    access.install(app)
    hardening.install(app)
    _add_request_hooks(app)
    return app


def _add_request_hooks(app: Dash) -> None:
    """One query session per request (cut to the user's scope), and a `Server-Timing` header
    on every response.

    Browsers expose the header to the page's own performance entries, so the dashboard
    benchmark reads server time per callback from a real browser session.
    """
    server = app.server

    @server.before_request
    def start_request() -> None:
        flask.g.kim_start = time.perf_counter()
        flask.g.kim_queries = queries.session(access.scope_of(auth.current()))
        flask.g.kim_queries.__enter__()

    @server.teardown_request
    def close_queries(_error: BaseException | None) -> None:
        opened = flask.g.pop("kim_queries", None)
        if opened is not None:
            opened.__exit__(None, None, None)

    @server.after_request
    def stop_clock(response: flask.Response) -> flask.Response:
        started = getattr(flask.g, "kim_start", None)
        if started is not None:
            took = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"app;dur={took:.1f}"
        return response


def make_shell() -> html.Div:
    """The frame around every page."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            html.A("Zum Inhalt springen", href=f"#{ids.MAIN}", className="sprunglink"),
            html.Header(
                [
                    html.Div(
                        [
                            html.P("KIM Monitor", className="marke"),
                            html.P(
                                "Kommunales Integrationsmanagement " + profile.current().in_phrase,
                                className="untertitel",
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.A(
                                "Präsentationsmodus",
                                id=ids.PRESENTATION_LINK,
                                href="?praesentation=1",
                                className="knopf praesentation-link",
                            ),
                            *make_account(),
                        ],
                        className="kopf-aktionen",
                    ),
                ],
                className="kopf",
            ),
            html.Nav(
                make_navigation(None),
                id=ids.NAVIGATION,
                className="navigation",
                **{"aria-label": "Hauptnavigation"},
            ),
            make_filter_bar(),
            html.Main(dash.page_container, id=ids.MAIN, tabIndex="-1"),
            html.Footer(
                [
                    *(dcc.Link(text, href=path) for path, text in PUBLIC_LINKS.items()),
                    dcc.Link("Kennzahlenkatalog", href="/kennzahlen"),
                    html.Span(
                        "Zahlen: der zuletzt veröffentlichte Stand, statistisch geheim gehalten"
                    ),
                ],
                className="fuss",
            ),
        ],
        id=ids.SHELL,
    )


def make_account() -> list:
    """Who is signed in, and (with the built-in login) a logout button."""
    user = auth.current()
    if user is None:
        return []
    parts: list = [html.Span(f"Angemeldet: {user.name}", className="konto")]
    if load_settings().auth_mode == "intern":
        parts.append(
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf", value=user.csrf),
                    html.Button("Abmelden", type="submit", className="knopf"),
                ],
                method="POST",
                action=auth.LOGOUT,
                className="abmelden",
            )
        )
    return parts


def make_navigation(pathname: str | None) -> html.Ul:
    """Links to the user's pages in the registry's order; the current one marked for everyone."""
    items = []
    for page in access.permitted_pages():
        if not page.get("nav", True):
            continue
        current = page["relative_path"] == (pathname or "/")
        children = [page["name"]]
        if current:
            children.append(html.Span(" (aktuelle Seite)", className="unsichtbar"))
        link = dcc.Link(children, href=page["relative_path"], className="aktiv" if current else "")
        items.append(html.Li(link))
    return html.Ul(items)


def make_filter_bar() -> html.Form:
    """Period type, period, area, target group and topic; a page shows those it uses."""

    def field(label: str, component_id: str) -> html.Div:
        return html.Div(
            [
                html.Label(label, htmlFor=component_id, id=f"{component_id}-label"),
                dcc.Dropdown(
                    id=component_id, clearable=False, searchable=False, labels=DROPDOWN_LABELS
                ),
            ],
            className="filter",
        )

    return html.Form(
        [
            html.Fieldset(
                [
                    html.Legend("Zeitraum"),
                    field("Zeitraumart", ids.FILTER_PERIOD_TYPE),
                    field("Zeitraum", ids.FILTER_PERIOD),
                ],
                id=ids.FILTER_GROUPS["zeitraum"],
                className="filtergruppe",
            ),
            *(
                html.Div(
                    field(label, component_id), id=ids.FILTER_GROUPS[key], className="filtergruppe"
                )
                for key, label, component_id in (
                    ("gebiet", "Gebiet", ids.FILTER_AREA),
                    ("zielgruppe", "Zielgruppe", ids.FILTER_GROUP),
                    ("handlungsfeld", "Handlungsfeld", ids.FILTER_TOPIC),
                )
            ),
        ],
        id=ids.FILTER_BAR,
        className="filterleiste steuerung",
        role="search",
        **{"aria-label": "Filter der Ansicht"},
    )


def page_filters(pathname: str | None) -> tuple[str, ...]:
    """Which filters the page at `pathname` uses (register_page(..., filters=...))."""
    for page in dash.page_registry.values():
        template = page.get("path_template") or page["path"]
        pattern = "^" + re.sub(r"<[^>]+>", r"[^/]+", template) + "$"
        if re.match(pattern, pathname or "/"):
            return tuple(page.get("filters", ()))
    return ()


def filters_for(pathname: str | None, search: str | None) -> Filters:
    """The filters of a view, including the town of a `/stadt/<ags>` page."""
    filters = from_search(search)
    match = TOWN_PATH.match(pathname or "")
    if match and match.group(1) in set(queries.areas()["gebiet"]):
        filters = filters.with_(gebiet=match.group(1))
    return filters


def filter_options(filters: Filters) -> dict[str, list[dict[str, str]]]:
    """Dropdown options for the current filters (periods of the chosen period type)."""
    periods = queries.periods()
    return {
        "periodentyp": [
            {"label": display.label("periodentyp", k), "value": k}
            for k in (CUMULATIVE, "jahr", "halbjahr", "quartal", "monat")
            if k in set(periods["periodentyp"])
        ],
        "zeitraum": [
            {"label": display.period(z), "value": z}
            for z in periods.loc[periods["periodentyp"] == filters.periodentyp, "zeitraum"]
        ],
        "gebiet": [
            {"label": name, "value": gebiet}
            for gebiet, name in queries.areas()[["gebiet", "name"]].itertuples(index=False)
        ],
        "zielgruppe": [
            {"label": display.label("zielgruppe", z), "value": z}
            for z in display.codes("zielgruppe")
        ],
        "handlungsfeld": [
            {"label": display.label("handlungsfeld", h), "value": h}
            for h in display.codes("handlungsfeld")
        ],
    }


FILTER_INPUTS = (
    ids.FILTER_PERIOD_TYPE,
    ids.FILTER_PERIOD,
    ids.FILTER_AREA,
    ids.FILTER_GROUP,
    ids.FILTER_TOPIC,
)


@dash.callback(
    Output(ids.URL, "search"),
    *(Output(component, prop) for component in FILTER_INPUTS for prop in ("value", "options")),
    Output(ids.FILTER_BAR, "hidden"),
    *(Output(group, "hidden") for group in ids.FILTER_GROUPS.values()),
    Input(ids.URL, "search"),
    Input(ids.URL, "pathname"),
    *(Input(component, "value") for component in FILTER_INPUTS),
)
def sync_filters(search, pathname, kind, zeitraum, gebiet, zielgruppe, handlungsfeld):
    """Keep filter bar and URL in step: a changed filter writes the URL, a URL sets the filters."""
    used = page_filters(pathname)
    hidden = [not used, *(key not in used for key in ids.FILTER_GROUPS)]
    try:
        current = from_search(search)
        if ctx.triggered_id in FILTER_INPUTS:
            if ctx.triggered_id == ids.FILTER_PERIOD_TYPE and kind != current.periodentyp:
                zeitraum = latest_period(queries.periods(), kind)
            wanted = current.with_(
                zeitraum=zeitraum, gebiet=gebiet, zielgruppe=zielgruppe, handlungsfeld=handlungsfeld
            )
            filters = from_search(to_search(wanted))
        else:
            filters = current
        options = filter_options(filters)
    except NotPublished:
        return (no_update,) * 11 + (True,) * len(hidden)
    new_search = to_search(filters)
    url = new_search if ctx.triggered_id in FILTER_INPUTS and new_search != search else no_update
    return (
        url,
        filters.periodentyp,
        options["periodentyp"],
        filters.zeitraum,
        options["zeitraum"],
        filters.gebiet,
        options["gebiet"],
        filters.zielgruppe,
        options["zielgruppe"],
        filters.handlungsfeld,
        options["handlungsfeld"],
        *hidden,
    )


@dash.callback(
    Output(ids.NAVIGATION, "children"),
    Output(ids.SHELL, "className"),
    Output(ids.PRESENTATION_LINK, "children"),
    Output(ids.PRESENTATION_LINK, "href"),
    Input(ids.URL, "pathname"),
    Input(ids.URL, "search"),
)
def mark_page(pathname, search):
    """Highlight the current page in the navigation; switch the presentation mode."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    presenting = params.get("praesentation") == "1"
    toggled = {k: v for k, v in params.items() if k != "praesentation"}
    if not presenting:
        toggled["praesentation"] = "1"
    href = (pathname or "/") + ("?" + urlencode(toggled) if toggled else "")
    label = "Präsentationsmodus beenden" if presenting else "Präsentationsmodus"
    return make_navigation(pathname), "praesentation" if presenting else "", label, href


@dash.callback(
    Output({"type": ids.DOWNLOAD, "chart": MATCH}, "data"),
    Input({"type": ids.DOWNLOAD_BUTTON, "chart": MATCH, "format": ALL}, "n_clicks"),
    State(ids.URL, "pathname"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def download(clicks, pathname, search):
    """The table of a chart card as CSV or XLSX, rebuilt on the server from the URL's filters."""
    trigger = ctx.triggered_id
    if not trigger or not any(clicks) or trigger.get("chart") not in BUILDERS:
        return no_update
    fmt = trigger.get("format")
    if fmt not in DOWNLOAD_KINDS or not access.chart_allowed(trigger["chart"]):
        return no_update
    filters = filters_for(pathname, search)
    data = build(trigger["chart"], filters)
    if fmt in IMAGE_FORMATS and data.figure is None:
        return no_update
    user = auth.current()
    audit.record(
        load_settings(),
        user.name if user else "-",
        audit.Action.DOWNLOAD,
        diagramm=trigger["chart"],
        format=fmt,
        **{key: getattr(filters, key) for key in KEYS},
    )
    name = f"kim_{trigger['chart']}_{filters.gebiet}_{filters.zeitraum}.{fmt}"
    return dcc.send_bytes(_download_content(data, fmt), name)


def _download_content(data: ChartData, fmt: str) -> bytes:
    """The chart's table (CSV, XLSX) or its figure as printed in the reports (PNG, SVG)."""
    if fmt == "csv":
        return to_csv(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    with images.renderer(load_settings().chart_images_dir):
        return images.png(data.figure) if fmt == "png" else images.svg(data.figure)


@dash.callback(
    Output({"type": ids.CHART_LINK, "chart": MATCH}, "href"),
    Input({"type": ids.CHART_GRAPH, "chart": MATCH}, "clickData"),
    prevent_initial_call=True,
)
def follow_chart_link(click: dict | None) -> str:
    """Open the page a clicked mark links to (its `customdata`: an address in this app)."""
    points = (click or {}).get("points") or [{}]
    target = points[0].get("customdata")
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return no_update
    return target
