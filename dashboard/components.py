"""Small component factories shared by the pages."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from editorial.comments import Comment
from views import display
from views.charts import ChartData
from views.display import STATUS_ICONS
from views.filters import MAP_INDICATORS, Filters, to_search
from views.headlines import Headline
from views.staedte import map_title
from views.trends import Course
from warehouse.errors import NotPublished

# Goal status: text and a distinct symbol, never colour alone (catalogue §4).
# German texts of Dash's dropdown (search field, empty result, clearing).
DROPDOWN_LABELS = {
    "search": "Suchen",
    "clear_search": "Suche leeren",
    "clear_selection": "Auswahl aufheben",
    "no_options_found": "Keine Treffer",
    "select_all": "Alle auswählen",
    "deselect_all": "Alle abwählen",
}
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True, "locale": "de"}
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
WEB = re.compile(r"^https?://\S+$")
TABLE_FORMATS = ("csv", "xlsx")
IMAGE_FORMATS = ("png", "svg")
DOWNLOAD_KINDS = {
    "csv": "CSV-Tabelle",
    "xlsx": "Excel-Tabelle",
    "png": "Bild (PNG)",
    "svg": "Vektorgrafik (SVG)",
}


# Rows per page of a grid, and the choices offered.
GRID_PAGE = 25
GRID_PAGES = [25, 50, 100]
# German texts of the grid (AG Grid's locale keys) for sorting, filtering and paging.
GRID_TEXTS = {
    "page": "Seite",
    "of": "von",
    "to": "bis",
    "more": "mehr",
    "firstPage": "Erste Seite",
    "previousPage": "Vorherige Seite",
    "nextPage": "Nächste Seite",
    "lastPage": "Letzte Seite",
    "pageSizeSelectorLabel": "Zeilen je Seite:",
    "ariaPageSizeSelectorLabel": "Zeilen je Seite",
    "pageLastRowUnknown": "?",
    "noRowsToShow": "Keine Zeilen",
    "noMatchingRows": "Keine passenden Zeilen",
    "loadingOoo": "Wird geladen …",
    "filterOoo": "Filtern …",
    "contains": "enthält",
    "notContains": "enthält nicht",
    "equals": "ist gleich",
    "notEqual": "ist ungleich",
    "startsWith": "beginnt mit",
    "endsWith": "endet mit",
    "blank": "leer",
    "notBlank": "nicht leer",
    "andCondition": "UND",
    "orCondition": "ODER",
    "applyFilter": "Anwenden",
    "resetFilter": "Zurücksetzen",
    "clearFilter": "Leeren",
    "cancelFilter": "Abbrechen",
    "ariaFilterInput": "Filter-Eingabe",
    "ariaFilterValue": "Filterwert",
    "ariaFilteringOperator": "Filterbedingung",
    "ariaFilterColumn": "Strg+Eingabetaste öffnet den Filter",
    "ariaFilterMenuOpen": "Filtermenü öffnen",
    "ariaColumnFiltered": "Spalte gefiltert",
    "ariaLabelColumnFilter": "Spaltenfilter",
    "ariaLabelColumnMenu": "Spaltenmenü",
    "ariaMenuColumn": "Alt+Pfeil nach unten öffnet das Spaltenmenü",
    "ariaSortableColumn": "Eingabetaste sortiert",
    "ariaChecked": "ausgewählt",
    "ariaUnchecked": "nicht ausgewählt",
    "ariaIndeterminate": "teilweise",
    "ariaLabelTooltip": "Hinweis",
    "thousandSeparator": ".",
    "decimalSeparator": ",",
}


def make_page_header(title: str, intro: str) -> html.Header:
    """The page's h1 and one paragraph that says what the page is for."""
    return html.Header(
        [html.H1(title), html.P(intro, className="einleitung")], className="seitenkopf"
    )


def make_card(key: str, title: str, *children: Component) -> html.Section:
    """A card without a chart: its h2 (id `titel-<key>`) names the section, then `children`."""
    heading = f"titel-{key}"
    return html.Section(
        [html.H2(title, id=heading), *children], className="karte", **{"aria-labelledby": heading}
    )


def make_table(table: pd.DataFrame, caption: str, *, row_headers: bool = True) -> html.Table:
    """An accessible table: caption, column headers, the first column as row headers."""
    head = html.Thead(html.Tr([html.Th(str(c), scope="col") for c in table.columns]))
    rows = []
    for row in table.itertuples(index=False):
        cells = [
            html.Th(str(v), scope="row")
            if i == 0 and row_headers
            else html.Td(str(v), className="zahl" if _numeric(str(v)) else None)
            for i, v in enumerate(row)
        ]
        rows.append(html.Tr(cells))
    return html.Table([html.Caption(caption), head, html.Tbody(rows)], className="tabelle")


def make_grid(table: pd.DataFrame, caption: str, grid_id: str) -> html.Div:
    """A long table as a sortable, filterable grid, 25 rows a page (German texts).

    Columns of numbers (German format, Destatis symbols) sort by value, not as text. Every
    row goes to the browser: the grid shows what the table's downloads hold.
    """
    fields = [f"s{i}" for i in range(len(table.columns))]
    texts = table.astype(str)
    columns = []
    for field, name in zip(fields, table.columns, strict=True):
        values = texts[name]
        column: dict = {"field": field, "headerName": str(name)}
        if len(values) and values.map(_numeric).all():
            column |= {
                "type": "rightAligned",
                "comparator": {"function": "deutscheZahl"},
            }
        # Wide enough for the longest word, so that words wrap whole; long texts get more room.
        words = values.str.split().explode().str.len()
        word = max(int(words.max()) if words.notna().any() else 0, len(str(name).split()[0]))
        column["minWidth"] = min(max(word * 8 + 44, 110), 360)
        column["flex"] = min(int(values.str.len().mean()) if len(values) else 0, 60) // 10 + 1
        columns.append(column)
    return html.Div(
        [
            dag.AgGrid(
                id=grid_id,
                rowData=[
                    dict(zip(fields, row, strict=True)) for row in texts.itertuples(index=False)
                ],
                columnDefs=columns,
                defaultColDef={
                    "sortable": True,
                    "filter": "agTextColumnFilter",
                    "floatingFilter": True,
                    "resizable": True,
                    "wrapText": True,
                    "autoHeight": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": GRID_PAGE,
                    "paginationPageSizeSelector": GRID_PAGES,
                    "domLayout": "autoHeight",
                    "ensureDomOrder": True,
                    "enableCellTextSelection": True,
                    "accentedSort": True,
                    "localeText": GRID_TEXTS,
                    # Tab leaves the rows (arrow keys move between cells), as in the grid
                    # pattern of WAI-ARIA: not one Tab stop per cell of 25 rows.
                    "tabToNextCell": {"function": "false"},
                },
                className="raster",
                style={"height": None},
            ),
            html.P(
                "Gedruckt wird die angezeigte Seite dieser Liste; die ganze Liste enthalten die "
                "Downloads als CSV und XLSX.",
                className="nur-druck hinweis",
            ),
        ],
        role="region",
        **{"aria-label": f"Tabelle: {caption}"},
    )


def _numeric(text: str) -> bool:
    """Right-align numbers and Destatis symbols."""
    return text in {display.SUPPRESSED, display.ZERO, display.NOT_APPLICABLE} or (
        bool(text) and (text[0].isdigit() or text[0] == "-") and not text[-1].isalpha()
    )


def make_legend() -> html.P:
    """The Destatis legend for `.`, `–` and `x`."""
    return html.P(display.LEGEND, className="legende")


def make_chart_card(data: ChartData, links: bool = False, grid: bool = False) -> html.Section:
    """Title, sentence, figure, a `Tabelle` toggle with the same numbers and downloads.

    With `links`, a click on a mark opens the address in its `customdata` (the shell's
    `follow_chart_link`); the same pages are reachable by keyboard from the card's links.
    With `grid`, a table without a figure is a sortable, filterable grid (`make_grid`).
    A card without rows is its title, sentence and notes only: no empty axes, table or files.
    """
    heading_id = f"titel-{data.key}"
    parts: list = [
        html.H2(data.title, id=heading_id),
        html.P(data.sentence, className="aussage"),
    ]
    if data.note:
        parts.append(html.P(data.note, className="hinweis"))
    if data.comments:
        parts.append(make_comments(data.comments))
    if data.table.empty:
        return html.Section(parts, className="karte", **{"aria-labelledby": heading_id})
    if data.figure is not None:
        graph = {"id": {"type": ids.CHART_GRAPH, "chart": data.key}} if links else {}
        parts.append(
            html.Div(
                dcc.Graph(figure=data.figure, config=GRAPH_CONFIG, className="grafik", **graph),
                className="grafikrahmen",
                role="img",
                **{"aria-label": f"Grafik: {data.title}. {data.sentence}"},
            )
        )
        if links:
            parts.append(
                dcc.Location(id={"type": ids.CHART_LINK, "chart": data.key}, refresh="callback-nav")
            )
    if data.figure is not None:
        table = make_table(data.table, data.title)
        parts.append(html.Details([html.Summary("Tabelle"), table], className="tabellenumschalter"))
    elif grid:
        parts.append(make_grid(data.table, data.title, f"{ids.GRID}-{data.key}"))
    else:
        # A wide table scrolls; the frame is a named, focusable region so keyboard users can
        # scroll it too (WCAG 2.1.1).
        parts.append(
            html.Div(
                make_table(data.table, data.title),
                className="tabellenrahmen",
                tabIndex="0",
                role="region",
                **{"aria-label": f"Tabelle: {data.title}"},
            )
        )
    if data.needs_legend:
        parts.append(make_legend())
    parts.append(make_downloads(data))
    return html.Section(parts, className="karte", **{"aria-labelledby": heading_id})


def make_comments(notes: Sequence[Comment]) -> html.Div:
    """The coordination office's comments on a figure, beside it."""
    return html.Div(
        [
            html.H3("Kommentare der Koordinierungsstelle"),
            html.Ul([html.Li(display.comment(note)) for note in notes]),
        ],
        className="kommentare",
    )


def make_section(key: str, title: str, cards: Sequence[Component]) -> html.Section:
    """A group of cards under its h2 (id `abschnitt-<key>`); the cards' headings become h3."""
    heading = f"abschnitt-{key}"
    return html.Section(
        [html.H2(title, id=heading), *(_demoted(card) for card in cards)],
        className="abschnitt",
        **{"aria-labelledby": heading},
    )


def _demoted(node: Component) -> Component:
    """`node` with its headings one level down (h2 → h3, h3 → h4; same id, text and class),
    for a card inside a section."""
    children = getattr(node, "children", None)
    if isinstance(children, list | tuple):
        node.children = [_demoted(child) for child in children]
    lower = {html.H2: html.H3, html.H3: html.H4}.get(type(node))
    if lower is None:
        return node
    props = {key: getattr(node, key) for key in ("id", "className") if getattr(node, key, None)}
    return lower(node.children, **props)


def make_contents(parts: Sequence[Component]) -> html.Nav:
    """Links to the sections and cards among `parts` (their h2, the cards of a section
    below it), for long pages: the page's contents."""
    return html.Nav(
        [html.P(html.Strong("Auf dieser Seite")), _content_links(parts)],
        className="seiteninhalt steuerung",
        **{"aria-label": "Inhalt dieser Seite"},
    )


def _content_links(parts: Sequence[Component]) -> html.Ul:
    """One link per titled part; a section's cards in a list below its link."""
    links = []
    for part in parts:
        heading = getattr(part, "aria-labelledby", None)
        children = getattr(part, "children", None) or []
        titles = [
            child.children
            for child in children
            if isinstance(child, html.H2 | html.H3) and getattr(child, "id", None) == heading
        ]
        if not (heading and titles):
            continue
        item = [html.A(titles[0], href=f"#{heading}")]
        if "abschnitt" in (getattr(part, "className", None) or ""):
            item.append(_content_links(children))
        links.append(html.Li(item))
    return html.Ul(links)


def make_order_switch(path: str, filters: Filters) -> html.Nav:
    """Two links ordering the towns by name or by their shown value; the current one marked."""
    choices = ((False, "nach Name"), (True, "nach Wert, größter zuerst"))
    return _make_switch(
        "reihenfolge",
        "Reihenfolge der Städte:",
        [
            (text, path + to_search(filters.with_(nach_wert=value)), filters.nach_wert == value)
            for value, text in choices
        ],
    )


def make_map_switch(path: str, filters: Filters) -> html.Nav:
    """Links choosing the indicator of the map of the towns; the current one marked."""
    return _make_switch(
        "kartenwahl",
        "Kennzahl der Karte:",
        [
            (map_title(code), path + to_search(filters.with_(karte=code)), filters.karte == code)
            for code in MAP_INDICATORS
        ],
    )


def _make_switch(key: str, title: str, links: Sequence[tuple[str, str, bool]]) -> html.Nav:
    """A labelled row of links (text, address, current) of which the current is marked."""
    items = [
        html.Li(
            html.A(
                text,
                href=href,
                className="aktiv" if current else "",
                **({"aria-current": "true"} if current else {}),
            )
        )
        for text, href, current in links
    ]
    return html.Nav(
        [html.Span(title, id=f"{key}-titel"), html.Ul(items)],
        className=f"{key} umschalter steuerung",
        **{"aria-labelledby": f"{key}-titel"},
    )


def make_downloads(data: ChartData) -> html.Div:
    """CSV and XLSX buttons, PNG and SVG for a chart; the download callback rebuilds the same
    table and figure on the server."""
    formats = TABLE_FORMATS + (IMAGE_FORMATS if data.figure is not None else ())
    buttons = [
        html.Button(
            f"{fmt.upper()} herunterladen",
            id={"type": ids.DOWNLOAD_BUTTON, "chart": data.key, "format": fmt},
            className="knopf download",
            title=f"{data.title} als {DOWNLOAD_KINDS[fmt]}",
        )
        for fmt in formats
    ]
    return html.Div(
        [*buttons, dcc.Download(id={"type": ids.DOWNLOAD, "chart": data.key})],
        className="downloads steuerung",
    )


def make_status(status: str, text: str) -> html.Span:
    """Goal status as icon and text (the icon is decorative for screen readers)."""
    return html.Span(
        [
            html.Span(STATUS_ICONS.get(status, "?"), className="symbol", **{"aria-hidden": "true"}),
            text,
        ],
        className=f"status status-{status}",
    )


def make_kpi(
    label: str,
    value: str,
    detail: str | None = None,
    status: html.Span | None = None,
    unit: str = "",
    changes: Sequence[str] = (),
    course: Course | None = None,
) -> html.Div:
    """A headline figure: label, value with unit, goal status, changes and recent course."""
    shown = [value]
    if unit and value not in (display.SUPPRESSED, display.NOT_APPLICABLE):
        shown.append(html.Span(f" {unit}", className="kpi-einheit"))
    children = [html.P(label, className="kpi-name"), html.P(shown, className="kpi-wert")]
    if status is not None:
        children.append(html.P(status, className="kpi-status"))
    if detail:
        children.append(html.P(detail, className="kpi-detail"))
    if changes:
        children.append(
            html.Ul([html.Li(change) for change in changes], className="kpi-veraenderung")
        )
    if course is not None:
        children.append(html.Img(src=course.data_uri, alt=course.text, className="kpi-verlauf"))
    return html.Div(children, className="kpi")


def make_headlines(
    title: str, figures: Sequence[Headline], note: str | None = None
) -> html.Section:
    """Headline tiles of an area (views.headlines), with the status of its yearly goals."""
    tiles = [
        make_kpi(
            figure.name,
            figure.value,
            figure.goal,
            make_status(figure.status, figure.status_text or "") if figure.status else None,
            figure.unit,
            figure.changes,
            figure.course,
        )
        for figure in figures
    ]
    parts = [make_notice(note)] if note else []
    return make_card("kennzahlen", title, *parts, html.Div(tiles, className="kpis"))


def make_notice(text: str, *, warning: bool = False) -> html.Div:
    """A note or (with role=alert semantics avoided) a warning box with a text prefix."""
    prefix = "Achtung: " if warning else "Hinweis: "
    return html.Div(
        [html.Strong(prefix), text], className="meldung warnung" if warning else "meldung"
    )


def make_no_data() -> html.Div:
    """Shown instead of a page when nothing is published yet (or the published file is
    unreadable): for a reader, without commands; `kim status` tells the operator why."""
    return html.Div(
        [
            make_page_header(
                "Noch keine Zahlen veröffentlicht",
                "Für diese Ansicht liegen noch keine veröffentlichten Zahlen vor. Sie erscheinen "
                "hier, sobald die Koordinierungsstelle die gelieferten Daten geladen, geprüft "
                "und veröffentlicht hat.",
            ),
            make_notice(
                "Wenn Sie hier Zahlen erwartet haben, wenden Sie sich bitte an die "
                "Koordinierungsstelle Kommunales Integrationsmanagement."
            ),
        ]
    )


def guarded(layout: Callable[..., Component]) -> Callable[..., Component]:
    """A page layout that shows a clear note instead of failing when nothing is published."""

    @functools.wraps(layout)
    def wrapper(**query: str) -> Component:
        try:
            return layout(**query)
        except NotPublished:
            return make_no_data()

    return wrapper


def make_choice(
    label: str, component_id: str, options: dict[str, str], value: str, searchable: bool = False
) -> html.Div:
    """A labelled dropdown (value → shown text) that cannot be cleared.

    The label's id names Dash 4's dropdown button too (assets/dropdown_a11y.js).
    """
    dropdown = dcc.Dropdown(
        id=component_id,
        options=[{"label": text, "value": key} for key, text in options.items()],
        value=value,
        clearable=False,
        searchable=searchable,
        labels=DROPDOWN_LABELS,
    )
    return html.Div(
        [html.Label(label, htmlFor=component_id, id=f"{component_id}-label"), dropdown],
        className="feld",
    )


def with_row_links(component: Component, links: dict[str, str]) -> Component:
    """Turn the row headers of a card's table found in `links` (name → address) into links:
    the keyboard's way to where a click on the chart leads."""
    children = getattr(component, "children", None)
    if isinstance(component, html.Th) and getattr(component, "scope", None) == "row":
        if isinstance(children, str) and children in links:
            component.children = dcc.Link(children, href=links[children])
        return component
    if isinstance(children, list | tuple):
        for child in children:
            if isinstance(child, Component):
                with_row_links(child, links)
    elif isinstance(children, Component):
        with_row_links(children, links)
    return component


def make_contact(contact: str) -> html.A | html.Span:
    """The feedback contact: a mailto link for an e-mail address, a link for a web address."""
    contact = contact.strip()
    if EMAIL.match(contact):
        return html.A(contact, href=f"mailto:{contact}", className="kontakt")
    if WEB.match(contact):
        return html.A(contact, href=contact, className="kontakt")
    return html.Span(contact or "nicht hinterlegt", className="kontakt")
