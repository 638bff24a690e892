"""Who may see what: the roles of every page, a user's data scope and the checks on requests.

Enforced on the server, never by hiding elements alone:
- every query is cut to the user's scope (`queries.Scope`): a `stadt` account gets the rows of
  its own town and of the Kreis, whatever a callback asks for;
- a page's layout and every callback of its module run only for the page's roles
  (`dash.register_page(..., rollen=...)`; a page without roles is open to nobody);
- downloads run only for the roles of the page the chart belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash
import flask
from dash import dcc, html

from accounts import audit
from dashboard import auth
from views import queries
from views.charts import BUILDERS
from warehouse.schema import kreis_ags
from warehouse.settings import load_settings

READERS = ("leitung", "koordination", "stadt")
EVERYONE = (*READERS, "admin")
# Exact record counts (rows per delivery, their change, cases per field filled in) are
# data-processing information for those who process the data: the coordination office, which
# loads the exports, and a town for its own deliveries (its scope cuts the rest). They count
# cases outside the attacker check, so no page open to `leitung` shows them.
OPERATORS = ("koordination", "stadt")
# Reports show every town: the Landrat's office and the coordination office.
REPORTERS = ("leitung", "koordination")
# Comments (and, on the command line, sign-offs): the coordination office.
EDITORS = ("koordination",)
# Modules whose callbacks serve every signed-in user (the shell, Dash's page router); the
# scope cuts their data. Callbacks of any other module that is not a page are refused.
SHELL_MODULES = ("dashboard.app", "dash.dash")
# Filters worth recording with a page view (URL values are cut to this length).
VIEW_KEYS = ("ags", "zeitraum", "gebiet", "zielgruppe", "handlungsfeld")
MAX_LOGGED = 40
NOTHING = queries.Scope(frozenset(), frozenset())


def register_page(
    module: str,
    path: str,
    name: str,
    order: int,
    filters: tuple[str, ...] = (),
    rollen: tuple[str, ...] = READERS,
    nav: bool = True,
) -> None:
    """Register a page: address, name (navigation and tab title), position in the
    navigation, the filters the shell shows for it, the roles that may open it and whether
    the navigation lists it (else only the footer links to it).

    Keeps Dash's name: Dash imports only the files of pages/ whose text holds it."""
    dash.register_page(
        module,
        path=path,
        name=name,
        title=f"{name} – KIM Monitor",
        order=order,
        filters=filters,
        rollen=rollen,
        nav=nav,
    )


def scope_of(user: auth.SignedIn | None) -> queries.Scope | None:
    """What a user's queries may return (None: everything)."""
    if user is None:
        return NOTHING
    if user.rolle in REPORTERS:
        return None
    if user.rolle == "stadt" and user.gebiet:
        # Deliveries of the town's own source only: the Kreis's files (its Ausländerbehörde,
        # staffing) hold rows of the other towns, e.g. in quarantine.
        return queries.Scope(
            areas=frozenset({user.gebiet, kreis_ags()}), sources=frozenset({user.gebiet})
        )
    return NOTHING


def allowed(roles: Sequence[str], user: auth.SignedIn | None = None) -> bool:
    """Whether the (current) user has one of `roles`."""
    user = user or auth.current()
    return user is not None and user.rolle in roles


def page_roles(page: dict) -> tuple[str, ...]:
    """The roles a registered page is open to (none when it declares none)."""
    return tuple(page.get("rollen", ()))


def permitted_pages(user: auth.SignedIn | None = None) -> list[dict]:
    """The registered pages the (current) user may open, in registry order."""
    return [p for p in dash.page_registry.values() if allowed(page_roles(p), user)]


def _module_roles(module: str) -> tuple[str, ...] | None:
    """The roles of the page a callback or chart builder lives in (None: not a page)."""
    for page in dash.page_registry.values():
        if page["module"] == module:
            return page_roles(page)
    return None


def chart_allowed(key: str) -> bool:
    """Whether the current user may have the chart under `key` (e.g. as a download): the
    roles of its page (views/<page>.py holds the charts of pages/<page>.py); charts that
    belong to no page (the reports' own) are for no one here."""
    builder = BUILDERS.get(key)
    if builder is None:
        return False
    module = builder.__module__
    page = "pages." + module.removeprefix("views.") if module.startswith("views.") else module
    return allowed(_module_roles(page) or ())


def protect_pages() -> None:
    """Wrap every page's layout in the role check and the page-view record (idempotent)."""
    for page in dash.page_registry.values():
        original = page.setdefault("kim_layout", page["layout"])
        page["layout"] = _guarded_layout(page, original)


def _guarded_layout(page: dict, original: Callable | object) -> Callable:
    """The page's layout for permitted users, a refusal for everyone else."""

    def layout(**query: str) -> object:
        user = auth.current()
        shown = {k: str(v)[:MAX_LOGGED] for k, v in query.items() if k in VIEW_KEYS}
        name = user.name if user else "-"
        if not allowed(page_roles(page), user):
            audit.record(
                load_settings(), name, audit.Action.ZUGRIFF_VERWEIGERT, seite=page["path"], **shown
            )
            return make_refused()
        audit.record(load_settings(), name, audit.Action.SEITENAUFRUF, seite=page["path"], **shown)
        return original(**query) if callable(original) else original

    return layout


def make_refused() -> html.Div:
    """The page a user sees where the role does not reach, with the pages it does reach."""
    return make_elsewhere(
        "Kein Zugriff",
        "Diese Seite ist für Ihre Rolle nicht freigegeben. Wenden Sie sich an die "
        "Koordinierungsstelle, wenn Sie Zugriff brauchen.",
    )


def make_elsewhere(title: str, text: str) -> html.Div:
    """A page that cannot be shown: why, and links to the pages the user may open."""
    links = [
        html.Li(dcc.Link(p["name"], href=p["relative_path"]))
        for p in permitted_pages()
        if p.get("nav", True)
    ]
    return html.Div(
        [
            html.Header(
                [html.H1(title), html.P(text, className="einleitung")], className="seitenkopf"
            ),
            html.Section(
                [html.H2("Ihre Seiten", id="titel-eigene-seiten"), html.Ul(links)],
                className="karte",
                **{"aria-labelledby": "titel-eigene-seiten"},
            ),
        ]
    )


def install(app: dash.Dash) -> None:
    """Check every callback request against the roles of the page it belongs to."""
    protect_pages()

    def check_callback() -> flask.Response | None:
        if not flask.request.path.endswith("/_dash-update-component"):
            return None
        body = flask.request.get_json(silent=True) or {}
        entry = app.callback_map.get(str(body.get("output", "")))
        if entry is None:
            return flask.jsonify({"fehler": "Unbekannte Anfrage."}), 404
        function = entry["callback"]
        module = getattr(function, "__wrapped__", function).__module__
        roles = _module_roles(module)
        if (roles is None and module in SHELL_MODULES) or allowed(roles or ()):
            return None
        user = auth.current()
        audit.record(
            load_settings(),
            user.name if user else "-",
            audit.Action.ZUGRIFF_VERWEIGERT,
            aufruf=module,
        )
        return flask.jsonify({"fehler": "Für Ihre Rolle nicht freigegeben."}), 403

    app.server.before_request(check_callback)
