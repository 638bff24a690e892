"""A report as tagged PDF (PDF/UA-1) with WeasyPrint: A4, header and page numbers on every page."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from functools import cache
from html import escape

import pandas as pd
import plotly.graph_objects as go
import weasyprint

from reports import images
from reports.content import Report
from views import display
from views.charts import ChartData

CSS = """
@page {
  size: A4;
  font-family: "DejaVu Sans", "Liberation Sans", sans-serif;
  margin: 22mm 16mm 20mm 16mm;
  @top-left { content: "%(head)s"; font-size: 7.5pt; color: #333; width: 100%%; }
  @bottom-left { content: "%(foot)s"; font-size: 7.5pt; color: #333; }
  @bottom-right { content: "Seite " counter(page) " von " counter(pages); font-size: 7.5pt; }
}
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9pt; color: #1a1a1a; }
h1 { font-size: 20pt; margin: 0 0 6mm; color: #003f63; }
h2 { font-size: 14pt; color: #003f63; margin: 8mm 0 3mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm; break-after: avoid; }
.deckblatt p { font-size: 11pt; margin: 1.5mm 0; }
.neu { break-before: page; }
.aussage { font-size: 10pt; margin: 0 0 2mm; }
.hinweis, .legende { color: #4d4d4d; font-size: 8pt; }
.kommentar { border-left: 2pt solid #005a8c; padding-left: 2mm; font-size: 8.5pt; }
figure { margin: 2mm 0; }
.kopf { break-inside: avoid; }
figure img { width: 100%%; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0; font-size: 8pt; }
thead { display: table-header-group; }
th { background: #e6eef3; text-align: left; font-weight: bold; }
th, td {
  border: 0.5pt solid #8c8c8c; padding: 1mm 1.5mm; vertical-align: top;
  overflow-wrap: break-word; hyphens: auto;
}
td.zahl { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
"""

# The staffing proof: a column per month and the year's mean need the page's width.
LANDSCAPE = "@page { size: A4 landscape; }"

# A German word too long for its cell: laying it out loads the fonts and the hyphenation.
WARM_UP = (
    '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><style>%s</style></head>'
    '<body><table style="width: 2cm"><tr><td>Integrationsmanagement</td></tr></table>'
    "</body></html>"
)


def _css_text(text: str) -> str:
    """Text inside a CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _table(frame: pd.DataFrame, caption: str) -> str:
    """An HTML table; the header row repeats on every page the table spans."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(row):
            text = escape(str(value))
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                numeric = any(ch.isdigit() for ch in text) and len(text) < 20
                cells.append(f'<td class="zahl">{text}</td>' if numeric else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table><caption class="hinweis">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _card(data: ChartData) -> str:
    """Title, sentence, note, comments, vector figure, table and legend of one chart."""
    parts = [
        '<div class="kopf">',
        f"<h3>{escape(data.title)}</h3>",
        f'<p class="aussage">{escape(data.sentence)}</p>',
    ]
    if data.note:
        parts.append(f'<p class="hinweis">{escape(data.note)}</p>')
    parts += [
        f'<p class="kommentar">Kommentar der Koordinierungsstelle: {escape(display.comment(c))}</p>'
        for c in data.comments
    ]
    if data.figure is not None:
        source = base64.b64encode(images.svg(data.figure)).decode("ascii")
        alt = escape(f"Grafik: {data.title}. {data.sentence}", quote=True)
        parts.append(f'<figure><img src="data:image/svg+xml;base64,{source}" alt="{alt}"></figure>')
    parts.append("</div>")  # heading, sentence and figure stay on one page
    if len(data.table):  # a table without rows says nothing its sentence does not
        parts.append(_table(data.table, f"Tabelle: {data.title}"))
    if data.needs_legend:
        parts.append(f'<p class="legende">{escape(display.LEGEND)}</p>')
    return "".join(parts)


def figures(report: Report) -> Iterator[go.Figure]:
    """The figures the PDF draws, in order."""
    for section in report.sections:
        yield from (chart.figure for chart in section.charts if chart.figure is not None)


def html_of(report: Report) -> str:
    """The report as one HTML document (charts embedded as SVG)."""
    head = f"KIM Monitor · {report.title} · {report.filters}"
    foot = f"Build {report.build_id} · {report.freigabe.split(':')[0]}"
    css = CSS % {"head": _css_text(head), "foot": _css_text(foot)}
    if report.art == "stellennachweis":
        css += LANDSCAPE
    page_per_section = report.art == "lenkungsgruppe"
    cover = [
        '<section class="deckblatt">',
        f"<h1>{escape(report.title)}</h1>",
        *(f"<p>{escape(line)}</p>" for line in report.cover),
        "<h2>Datenstand je Quelle</h2>",
        f'<p class="aussage">{escape(report.datenstand.sentence)}</p>',
        "</section>",
    ]
    sections = []
    for section in report.sections:
        css_class = ' class="neu"' if page_per_section or section.charts else ""
        parts = [f"<section{css_class}><h2>{escape(section.title)}</h2>"]
        parts += [f"<p>{escape(text)}</p>" for text in section.text]
        parts += [_card(chart) for chart in section.charts]
        sections.append("".join([*parts, "</section>"]))
    if report.art == "land":
        # The summary first, then the deliveries' table, then the chapters.
        deliveries = (
            '<section class="neu"><h2>Datenstand je Quelle und Tabelle</h2>'
            + _table(report.datenstand.table, "Tabelle: Datenstand je Quelle und Tabelle")
            + "</section>"
        )
        sections.insert(1, deliveries)
    body = [*cover, *sections]
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)} {escape(report.zeitraum)} – KIM Monitor</title>"
        f'<meta name="author" content="KIM Monitor, {escape(report.build_id)}">'
        f"<style>{css}</style></head><body>{''.join(body)}</body></html>"
    )


def render(report: Report) -> bytes:
    """The report as tagged PDF."""
    with images.renderer():
        document = html_of(report)
    return weasyprint.HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")


@cache
def warm_layout() -> None:
    """Load the layout's fonts and German hyphenation dictionary (once per process)."""
    weasyprint.HTML(string=WARM_UP % (CSS % {"head": "", "foot": ""})).write_pdf()
