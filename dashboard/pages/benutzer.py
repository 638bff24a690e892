"""Benutzer: the administrator's page to list, create and delete accounts (no numbers)."""

from __future__ import annotations

from datetime import datetime

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from accounts import users
from dashboard import access, auth
from dashboard.components import make_card, make_choice, make_page_header, make_table
from views import display
from warehouse.errors import UserError
from warehouse.schema import kreis_ags
from warehouse.settings import load_settings

access.register_page(__name__, "/benutzer", "Benutzer", 12, (), ("admin",))

NAME = "benutzer-name"
ROLE = "benutzer-rolle"
AREA = "benutzer-gebiet"
PASSWORD = "benutzer-passwort"
CREATE = "benutzer-anlegen"
REMOVE_CHOICE = "benutzer-auswahl"
REMOVE = "benutzer-loeschen"
STATUS = "benutzer-status"
LIST = "benutzer-liste"
ROLE_NAMES = {
    "leitung": "Leitung (alle Städte und Berichte, ohne Datenqualität)",
    "koordination": "Koordinierungsstelle (alles, auch Kommentare)",
    "stadt": "Stadt (eigene Stadt und Kreis, Datenqualität der eigenen Lieferungen)",
    "admin": "Administration (nur Benutzer)",
}
NO_AREA = "-"


def layout(**_query: str) -> html.Div:
    """Account list, the form for a new account and the delete form."""
    towns = {ags: name for ags, name in display.area_names().items() if ags != kreis_ags()}
    return html.Div(
        [
            make_page_header(
                "Benutzer",
                "Konten für die Anmeldung am KIM Monitor. Die Rolle bestimmt, welche Seiten und "
                "Zahlen ein Konto sieht; ein Konto der Rolle Stadt sieht nur seine Stadt und den "
                "Kreis. Passwörter werden nur als Hash (argon2id) gespeichert.",
            ),
            make_card("konten", "Konten", html.Div(make_account_table(), id=LIST)),
            make_card(
                "konto-anlegen",
                "Konto anlegen",
                html.Div(
                    [
                        html.Div(
                            [
                                html.Label("Benutzername", htmlFor=NAME),
                                dcc.Input(id=NAME, type="text", autoComplete="off", value=""),
                            ],
                            className="feld",
                        ),
                        make_choice("Rolle", ROLE, ROLE_NAMES, "leitung"),
                        make_choice(
                            "Stadt (nur für die Rolle Stadt)",
                            AREA,
                            {NO_AREA: "keine", **towns},
                            NO_AREA,
                        ),
                        html.Div(
                            [
                                html.Label(
                                    f"Erstes Passwort (mindestens {users.MIN_PASSWORD} Zeichen)",
                                    htmlFor=PASSWORD,
                                ),
                                dcc.Input(
                                    id=PASSWORD,
                                    type="password",
                                    autoComplete="new-password",
                                    value="",
                                ),
                            ],
                            className="feld",
                        ),
                    ],
                    className="felder",
                ),
                html.Button("Konto anlegen", id=CREATE, className="knopf", type="button"),
            ),
            make_card(
                "konto-loeschen",
                "Konto löschen",
                html.P("Das Löschen beendet alle Sitzungen des Kontos sofort."),
                html.Div(id=REMOVE_CHOICE, children=make_remove_choice()),
                dcc.ConfirmDialogProvider(
                    html.Button("Konto löschen", className="knopf", type="button"),
                    id=REMOVE,
                    message="Das gewählte Konto wirklich löschen?",
                ),
            ),
            html.P(id=STATUS, role="status", **{"aria-live": "polite"}),
        ]
    )


def make_account_table() -> html.Table:
    """Every account with role, town and dates."""
    rows = [
        {
            "Benutzer": user.name,
            "Rolle": ROLE_NAMES.get(user.rolle, user.rolle),
            "Stadt": display.area_names().get(user.gebiet or "", ""),
            "Angelegt": _day(user.angelegt_am),
            "Passwort geändert": _day(user.passwort_geaendert_am),
            "Hinweis": "Demo-Konto" if user.demo else "",
        }
        for user in users.listed(load_settings())
    ]
    columns = ["Benutzer", "Rolle", "Stadt", "Angelegt", "Passwort geändert", "Hinweis"]
    return make_table(pd.DataFrame(rows, columns=columns), "Konten des KIM Monitors")


def make_remove_choice() -> html.Div:
    """The accounts one may delete (not one's own)."""
    user = auth.current()
    own = user.name if user else ""
    names = {u.name: u.name for u in users.listed(load_settings()) if u.name != own}
    return make_choice("Konto", f"{REMOVE_CHOICE}-wert", names or {"": "–"}, next(iter(names), ""))


def _day(stamp: str) -> str:
    """`24.11.2026` from an ISO time stamp."""
    return display.day(datetime.fromisoformat(stamp).date()) if stamp else ""


@dash.callback(
    Output(LIST, "children"),
    Output(REMOVE_CHOICE, "children"),
    Output(STATUS, "children"),
    Output(PASSWORD, "value"),
    Input(CREATE, "n_clicks"),
    Input(REMOVE, "submit_n_clicks"),
    State(NAME, "value"),
    State(ROLE, "value"),
    State(AREA, "value"),
    State(PASSWORD, "value"),
    State(f"{REMOVE_CHOICE}-wert", "value"),
    prevent_initial_call=True,
)
def edit_accounts(_create, _remove, name, role, area, password, chosen):
    """Create or delete an account; the password field is emptied either way."""
    user = auth.current()
    if not access.allowed(("admin",), user):
        return no_update, no_update, "Nur die Administration verwaltet Konten.", ""
    settings = load_settings()
    try:
        if dash.ctx.triggered_id == CREATE:
            gebiet = area if role == "stadt" and area != NO_AREA else None
            made = users.add(
                settings, (name or "").strip().lower(), role, password or "", gebiet, by=user.name
            )
            message = f"Konto {made.name} angelegt."
        else:
            if not chosen or chosen == user.name:
                return no_update, no_update, "Bitte ein anderes Konto wählen.", ""
            gone = users.remove(settings, chosen, by=user.name)
            message = f"Konto {gone.name} gelöscht."
    except UserError as err:
        return no_update, no_update, f"Nicht gespeichert: {err}", ""
    return make_account_table(), make_remove_choice(), message, ""
