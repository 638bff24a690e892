"""Berichte: the state program report and the steering group pack, sign-offs and comments."""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

import reports
from dashboard import access, auth, progress
from dashboard.components import guarded, make_card, make_choice, make_page_header, make_table
from editorial import comments, signoffs
from reports import FORMATS, content, preparation
from views import display, queries
from warehouse.errors import UserError
from warehouse.schema import CUMULATIVE, kreis_ags
from warehouse.settings import load_settings

access.register_page(__name__, "/berichte", "Berichte", 9, (), access.REPORTERS)

PERIOD = "bericht-zeitraum"
ART = "bericht-art"
CREATE = "bericht-erstellen"  # pattern-matching: {"type": CREATE, "format": ...}
DOWNLOAD = "bericht-download"
STATUS = "bericht-status"
PROGRESS = "bericht-fortschritt"
STEP = "bericht-schritt"  # the step of the running build, polled every TICK
STEP_BOX = "bericht-schritt-rahmen"  # shown only while a build runs
TICK = "bericht-takt"
TOKEN = "bericht-auftrag"
PREPARED = "bericht-vorbereitet"  # the kind and period last prepared ahead of a download
WORKING = (
    "Der Bericht wird erstellt: Die Kennzahlen werden gelesen, die Grafiken gezeichnet und die "
    "Datei geschrieben. Das dauert bis zu einer Minute; danach wird sie heruntergeladen."
)
SIGNOFF_NOTE = "bericht-freigabe"
SIGNOFF_PERIOD = "freigabe-zeitraum"
SIGNOFF_CONFIRM = "freigabe-bestaetigen"
SIGNOFF_STATUS = "freigabe-status"
SIGNOFF_LIST = "freigabe-liste"
COMMENT_INDICATOR = "kommentar-kennzahl"
COMMENT_PERIOD = "kommentar-zeitraum"
COMMENT_AREA = "kommentar-gebiet"
COMMENT_TEXT = "kommentar-text"
COMMENT_SAVE = "kommentar-speichern"
COMMENT_STATUS = "kommentar-status"
COMMENT_LIST = "kommentar-liste"
COMMENT_DELETE = "kommentar-loeschen"  # pattern-matching: {"type": COMMENT_DELETE, "id": n}
SHOWN_REVISIONS = 200
FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel (XLSX)", "pptx": "PowerPoint (PPTX)"}


def report_periods() -> list[str]:
    """Years and half-years with published data, newest first."""
    periods = queries.periods()
    chosen = periods[periods["periodentyp"].isin(["jahr", "halbjahr"])]
    return list(chosen.sort_values("beginn", ascending=False)["zeitraum"])


def default_period() -> str:
    """The newest year or half-year the data cover completely (else the newest at all)."""
    periods = queries.periods()
    chosen = periods[periods["periodentyp"].isin(["jahr", "halbjahr"])]
    complete = chosen[pd.to_datetime(chosen["ende"]) <= queries.data_end()]
    pool = complete if len(complete) else chosen
    return str(pool.sort_values(["ende", "beginn"]).iloc[-1]["zeitraum"])


@guarded
def layout(**_query: str) -> html.Div:
    """Report form, sign-offs with their revisions, comments."""
    periods = report_periods()
    chosen = default_period()
    return html.Div(
        [
            make_page_header(
                "Berichte",
                "Der Bericht an das Land (Anlage zum Sachbericht) und die Sitzungsunterlage "
                "der Lenkungsgruppe entstehen aus denselben veröffentlichten, geheim gehaltenen "
                "Werten wie das Dashboard. Für freigegebene Zeiträume zeigen sie die "
                "eingefrorenen Werte der Freigabe.",
            ),
            make_report_form(periods, chosen),
            make_signoffs(periods, chosen),
            make_comment_form(chosen) if access.allowed(access.EDITORS) else make_comments(chosen),
        ]
    )


def make_report_form(periods: list[str], chosen: str) -> html.Section:
    """Period, kind and one button per format; the file is built on the server."""
    return make_card(
        "bericht",
        "Bericht erstellen",
        make_choice("Zeitraum", PERIOD, {p: display.period(p) for p in periods}, chosen),
        make_choice("Art des Berichts", ART, content.ARTS, "land"),
        html.P(id=SIGNOFF_NOTE, className="hinweis"),
        html.Div(
            [
                html.Button(
                    f"{name} erstellen",
                    id={"type": CREATE, "format": fmt},
                    className="knopf",
                    type="button",
                )
                for fmt, name in FORMAT_NAMES.items()
            ],
            className="knopfleiste",
        ),
        html.P(id=PROGRESS, role="status", className="hinweis", **{"aria-live": "polite"}),
        # the step itself is not announced (it changes every second); <progress> is accessible
        html.Div(html.Div(id=STEP), id=STEP_BOX, className="hinweis", hidden=True),
        dcc.Store(id=TOKEN, data=progress.new_token()),
        dcc.Store(id=PREPARED),
        dcc.Interval(id=TICK, interval=700, disabled=True),
        dcc.Loading(
            html.P(id=STATUS, role="status", **{"aria-live": "polite"}),
            type="dot",
        ),
        dcc.Download(id=DOWNLOAD),
    )


def make_signoffs(periods: list[str], chosen: str) -> html.Section:
    """Signed-off periods with their revisions; the coordination office signs off here."""
    parts = [html.Div(make_signoff_list(), id=SIGNOFF_LIST)]
    if access.allowed(access.EDITORS):
        parts += make_signoff_form(periods, chosen)
    return make_card("freigaben", "Freigaben", *parts)


def make_signoff_form(periods: list[str], chosen: str) -> list:
    """Choose a period and sign it off, after a confirmation (WCAG 3.3.4)."""
    return [
        html.H3("Zeitraum freigeben"),
        html.P(
            "Eine Freigabe friert die veröffentlichten Werte eines abgeschlossenen Zeitraums "
            "ein: Berichte für ihn zeigen danach immer diese Werte, spätere Änderungen stehen "
            "oben als geänderte Werte. Freigeben lässt sich ein Zeitraum, sobald alle Quellen "
            "bis zu seinem Ende geliefert haben."
        ),
        make_choice(
            "Freizugebender Zeitraum",
            SIGNOFF_PERIOD,
            {p: display.period(p) for p in periods},
            chosen,
        ),
        dcc.ConfirmDialogProvider(
            html.Button("Zeitraum freigeben", className="knopf", type="button"),
            id=SIGNOFF_CONFIRM,
            message=signoff_question(chosen),
        ),
        html.P(id=SIGNOFF_STATUS, role="status", **{"aria-live": "polite"}),
    ]


def signoff_question(period: str) -> str:
    """The confirmation asked before a period is signed off (and what it replaces)."""
    question = (
        f"{display.named_period(period)} freigeben? Die jetzt veröffentlichten Werte werden "
        "eingefroren; Berichte für diesen Zeitraum zeigen danach diese Werte."
    )
    signed = signoffs.current(load_settings(), period)
    if signed is not None:
        day = display.day(date.fromisoformat(signed.freigegeben_am[:10]))
        question += f" Die bisherige Freigabe vom {day} (Build {signed.build_id}) wird ersetzt."
    return question


def make_signoff_list() -> list:
    """Signed-off periods and the values revised since (value then, value now)."""
    settings = load_settings()
    listed = signoffs.listed(settings)
    if not listed:
        return [
            html.P(
                "Es ist noch kein Zeitraum freigegeben. Die Koordinierungsstelle gibt "
                "abgeschlossene Zeiträume frei; ihre Werte werden damit eingefroren."
            )
        ]
    parts: list[html.Details] = []
    rows = []
    for signed in listed:
        try:
            revised = signoffs.revisions(settings, signed)
        except UserError:
            revised = pd.DataFrame()
        rows.append(
            {
                "Zeitraum": display.period(signed.zeitraum),
                "Build": signed.build_id,
                "Freigegeben am": display.day(date.fromisoformat(signed.freigegeben_am[:10])),
                "Von": signed.freigegeben_von,
                "Seither geänderte Werte": display.plain(len(revised), "ganzzahl"),
            }
        )
        if len(revised):
            shown = display.revisions(revised.head(SHOWN_REVISIONS))
            title = f"Geänderte Werte {display.period(signed.zeitraum)}"
            more = (
                f" Gezeigt werden die ersten {SHOWN_REVISIONS} von {len(revised)}; alle "
                "listet „kim freigabe --diff“."
                if len(revised) > SHOWN_REVISIONS
                else ""
            )
            parts.append(
                html.Details(
                    [
                        html.Summary(f"{title} ({display.plain(len(revised), 'ganzzahl')})"),
                        html.P(
                            "Spätere Lieferungen haben diese Werte geändert; Berichte für den "
                            "Zeitraum zeigen weiter den freigegebenen Wert." + more
                        ),
                        html.Div(
                            make_table(shown, title),
                            className="tabellenrahmen",
                            tabIndex="0",
                            role="region",
                            **{"aria-label": f"Tabelle: {title}"},
                        ),
                    ],
                    className="tabellenumschalter",
                )
            )
    return [make_table(pd.DataFrame(rows), "Freigegebene Zeiträume"), *parts]


def make_comment_form(period: str) -> html.Section:
    """Add a comment to one figure (indicator, period, area); list and delete comments."""
    catalogue = queries.catalogue()
    areas = queries.areas()
    order = [CUMULATIVE, "jahr", "halbjahr", "quartal", "monat"]
    listed = queries.periods().assign(rang=lambda f: f["periodentyp"].map(order.index))
    all_periods = listed.sort_values(["rang", "beginn"], ascending=[True, False])["zeitraum"]
    return make_card(
        "kommentare",
        "Kommentare der Koordinierungsstelle",
        html.P(
            "Ein Kommentar gehört zu einer Kennzahl in einem Zeitraum und Gebiet. Er erscheint "
            "neben den Grafiken mit dieser Kennzahl und in den Berichten."
        ),
        html.Div(
            [
                make_choice(
                    "Kennzahl",
                    COMMENT_INDICATOR,
                    dict(zip(catalogue["indikator"], catalogue["name"], strict=True)),
                    str(catalogue["indikator"].iloc[0]),
                ),
                make_choice(
                    "Zeitraum",
                    COMMENT_PERIOD,
                    {p: display.period(p) for p in all_periods},
                    period,
                    searchable=True,
                ),
                make_choice(
                    "Gebiet",
                    COMMENT_AREA,
                    dict(zip(areas["gebiet"], areas["name"], strict=True)),
                    kreis_ags(),
                ),
            ],
            className="felder",
        ),
        html.Div(
            [
                html.Label("Kommentar", htmlFor=COMMENT_TEXT),
                dcc.Textarea(id=COMMENT_TEXT, maxLength=comments.MAX_LENGTH, rows=3, value=""),
            ],
            className="feld",
        ),
        html.Button("Kommentar speichern", id=COMMENT_SAVE, className="knopf", type="button"),
        html.P(id=COMMENT_STATUS, role="status", **{"aria-live": "polite"}),
        html.Div(make_comment_list(period), id=COMMENT_LIST),
    )


def make_comments(period: str) -> html.Section:
    """The comments on a period, to read (writing them is the coordination office's)."""
    return make_card(
        "kommentare",
        "Kommentare der Koordinierungsstelle",
        *make_comment_list(period, editable=False),
    )


def make_comment_list(period: str, *, editable: bool = True) -> list:
    """The comments on a period, each with a delete button when `editable`."""
    found = comments.listed(load_settings(), zeitraum=period)
    heading = html.H3(f"Kommentare zum {display.named_period(period)}")
    if not found:
        return [heading, html.P("Zu diesem Zeitraum gibt es noch keine Kommentare.")]
    if not editable:
        items = [html.Li(display.comment(note)) for note in found]
        return [heading, html.Ul(items, className="kommentarliste")]
    return [
        heading,
        html.Ul(
            [
                html.Li(
                    [
                        display.comment(note),
                        " ",
                        # Deleting asks first (WCAG 3.3.4: no data lost by one slip).
                        dcc.ConfirmDialogProvider(
                            html.Button(
                                "Löschen",
                                className="knopf klein",
                                type="button",
                                **{"aria-label": f"Kommentar {note.id} löschen"},
                            ),
                            id={"type": COMMENT_DELETE, "id": note.id},
                            message=f"Kommentar {note.id} wirklich löschen? „{note.text[:80]}“",
                        ),
                    ]
                )
                for note in found
            ],
            className="kommentarliste",
        ),
    ]


@dash.callback(Output(SIGNOFF_NOTE, "children"), Input(PERIOD, "value"))
def show_signoff(period: str | None) -> str:
    """Whether the chosen period's report shows frozen or current values."""
    if not period:
        return ""
    signed = signoffs.current(load_settings(), period)
    if signed is None:
        return "Dieser Zeitraum ist nicht freigegeben: der Bericht zeigt die aktuellen Werte."
    day = display.day(date.fromisoformat(signed.freigegeben_am[:10]))
    return (
        f"Freigegeben am {day} (Build {signed.build_id}): der Bericht zeigt die eingefrorenen "
        "Werte der Freigabe."
    )


# Not at page load: the layout already asks about the period it shows.
@dash.callback(
    Output(SIGNOFF_CONFIRM, "message"), Input(SIGNOFF_PERIOD, "value"), prevent_initial_call=True
)
def ask_signoff(period: str | None):
    """The confirmation for the chosen period."""
    return signoff_question(period) if period in report_periods() else no_update


@dash.callback(
    Output(SIGNOFF_LIST, "children"),
    Output(SIGNOFF_STATUS, "children"),
    Output(SIGNOFF_NOTE, "children", allow_duplicate=True),
    Input(SIGNOFF_CONFIRM, "submit_n_clicks"),
    State(SIGNOFF_PERIOD, "value"),
    State(PERIOD, "value"),
    prevent_initial_call=True,
)
def sign_off(confirmed: int | None, period: str | None, report_period: str | None):
    """Sign off the chosen period once confirmed (replacing an earlier sign-off of it); the
    report form's note follows."""
    if not access.allowed(access.EDITORS):
        return no_update, "Freigaben erteilt die Koordinierungsstelle.", no_update
    if not confirmed:
        return no_update, no_update, no_update
    if period not in report_periods():
        return no_update, "Bitte einen Zeitraum wählen.", no_update
    settings = load_settings()
    try:
        earlier = signoffs.current(settings, period) is not None
        # a page does not wait minutes for a running build: a few seconds, then it says so
        signed = signoffs.sign_off(settings, period, _author(), replace=earlier, wait=5)
    except UserError as err:
        return no_update, f"Nicht freigegeben: {err}", no_update
    return (
        make_signoff_list(),
        f"{display.named_period(period)} ist freigegeben (Build {signed.build_id}); "
        "seine Werte sind eingefroren.",
        show_signoff(report_period),
    )


@dash.callback(Output(PREPARED, "data"), Input(PERIOD, "value"), Input(ART, "value"))
def prepare_report(period: str | None, art: str | None):
    """Draw the chosen report's charts ahead on the server while the form is filled in."""
    if not period or period not in report_periods() or art not in content.ARTS:
        return no_update
    preparation.prepare_in_background(load_settings(), art, period)
    return [art, period]


@dash.callback(
    Output(DOWNLOAD, "data"),
    Output(STATUS, "children"),
    Output(STEP, "children", allow_duplicate=True),
    Input({"type": CREATE, "format": ALL}, "n_clicks"),
    State(PERIOD, "value"),
    State(ART, "value"),
    State(TOKEN, "data"),
    running=[
        (Output(PROGRESS, "children"), WORKING, ""),
        (Output(TICK, "disabled"), False, True),
        # hidden at the end, so that a poll answered after the build cannot leave a step behind
        (Output(STEP_BOX, "hidden"), False, True),
    ],
    prevent_initial_call=True,
)
def create_report(clicks: list[int | None], period: str | None, art: str | None, token: str):
    """Build the report in the chosen format on the server and send it."""
    trigger = ctx.triggered_id
    if not trigger or not any(clicks) or trigger.get("format") not in FORMATS:
        return no_update, no_update, no_update
    if not period or period not in report_periods() or art not in content.ARTS:
        return no_update, "Bitte Zeitraum und Art des Berichts wählen.", ""
    try:
        name, data = reports.download(
            load_settings(),
            art,
            period,
            trigger["format"],
            by=_author(),
            progress=progress.reporter(token),
        )
    except UserError as err:
        return no_update, f"Der Bericht ließ sich nicht erstellen: {err}", ""
    finally:
        progress.forget(token)
    return dcc.send_bytes(data, name), f"{name} wurde erstellt und heruntergeladen.", ""


@dash.callback(
    Output(STEP, "children"),
    Input(TICK, "n_intervals"),
    State(TOKEN, "data"),
    prevent_initial_call=True,
)
def show_step(_tick: int, token: str):
    """The step of the running build, as a bar and in words."""
    told = progress.state(token)
    if told is None:
        return ""
    step, done, total = told
    return make_step(step, done, total)


def make_step(step: str, done: int, total: int) -> list:
    """`Grafiken und Tabellen zusammenstellen: 12 von 20` beside a progress bar."""
    return [
        html.Progress(value=str(done), max=str(total), **{"aria-label": step}),
        html.Span(f" {step}: {done} von {total}"),
    ]


@dash.callback(
    Output(COMMENT_LIST, "children"),
    Output(COMMENT_STATUS, "children"),
    Output(COMMENT_TEXT, "value"),
    Input(COMMENT_SAVE, "n_clicks"),
    Input({"type": COMMENT_DELETE, "id": ALL}, "submit_n_clicks"),
    Input(COMMENT_PERIOD, "value"),
    State(COMMENT_INDICATOR, "value"),
    State(COMMENT_AREA, "value"),
    State(COMMENT_TEXT, "value"),
    prevent_initial_call=True,
)
def edit_comments(
    _save: int | None,
    deletes: list[int | None],
    period: str,
    indicator: str,
    area: str,
    text: str | None,
):
    """Save a new comment or delete one; the list shows the chosen period's comments."""
    if not access.allowed(access.EDITORS):
        return no_update, "Kommentare schreibt die Koordinierungsstelle.", no_update
    settings = load_settings()
    trigger = ctx.triggered_id
    message, kept = "", no_update
    try:
        if trigger == COMMENT_SAVE:
            note = comments.add(settings, indicator, period, area, text or "", _author())
            message, kept = f"Kommentar {note.id} gespeichert.", ""
        elif isinstance(trigger, dict) and trigger.get("type") == COMMENT_DELETE:
            if not any(deletes):
                return no_update, no_update, no_update
            note = comments.remove(settings, int(trigger["id"]), by=_author())
            message = f"Kommentar {note.id} gelöscht."
    except UserError as err:
        message = f"Nicht gespeichert: {err}"
    return make_comment_list(period), message, kept


def _author() -> str:
    """The signed-in user (author of comments, requester of reports)."""
    user = auth.current()
    return user.name if user else "-"
