"""A report as slides: one figure (or table) per slide with its sentence; the table in the notes."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.base import BaseShape as Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from reports import images
from reports.content import Report
from views import display
from views.charts import ChartData

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
ROWS_PER_SLIDE = 13
TITLE_ONLY = 5
FOOTER = "Fußzeile"  # layout of the default template with a title placeholder only


def _slide(deck: PresentationType, title: str, footer: str) -> Slide:
    """A slide with its title in the title placeholder (read first by screen readers)."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    heading = slide.shapes.title
    heading.left, heading.top = MARGIN, Inches(0.3)
    heading.width, heading.height = WIDTH - 2 * MARGIN, Inches(0.9)
    heading.text = title
    heading.text_frame.paragraphs[0].runs[0].font.size = Pt(26)
    _text(slide, footer, Inches(7.0), Inches(0.35), Pt(10)).name = FOOTER
    return slide


def _text(slide: Slide, text: str, top: Emu, height: Emu, size: Pt) -> Shape:
    """A wrapped text box across the slide."""
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height)
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    for paragraph in box.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = size
    return box


def _notes(slide: Slide, data: ChartData) -> None:
    """The chart's table as text in the speaker notes (numbers for reading aloud)."""
    rows = [
        "; ".join(
            f"{column}: {value}" for column, value in zip(data.table.columns, row, strict=True)
        )
        for row in data.table.itertuples(index=False)
    ]
    slide.notes_slide.notes_text_frame.text = "\n".join([data.sentence, *rows])


def _table(slide: Slide, frame: pd.DataFrame, top: Emu) -> None:
    """A native table (header row marked as such)."""
    height = Inches(0.3) * (len(frame) + 1)
    shape = slide.shapes.add_table(
        len(frame) + 1, len(frame.columns), MARGIN, top, WIDTH - 2 * MARGIN, height
    )
    table = shape.table
    table.first_row = True
    cells = [list(map(str, frame.columns)), *([str(v) for v in row] for row in frame.values)]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(11)


def native_chart(slide: Slide, figure: go.Figure) -> GraphicFrame | None:
    """Bars or lines as an editable PowerPoint chart (None for other figures: an image).

    Its data are the figure's own: a secret value (no bar, `.` as its label, or a gap in a
    line) is left empty, never 0.
    """
    traces = list(figure.data)
    kinds = {trace.type for trace in traces}
    if kinds == {"bar"}:
        horizontal = traces[0].orientation == "h"
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    elif kinds == {"scatter"} and all("lines" in (trace.mode or "") for trace in traces):
        horizontal = False
        kind = XL_CHART_TYPE.LINE_MARKERS
    else:
        return None
    series = {}
    for trace in traces:
        categories = trace.y if horizontal else trace.x
        values = trace.x if horizontal else trace.y
        labels = trace.text if trace.type == "bar" and trace.text is not None else None
        series[trace.name or "Wert"] = {
            _flat(category): None
            if value is None
            or math.isnan(float(value))
            or (labels is not None and labels[i] == display.SUPPRESSED)
            else float(value)
            for i, (category, value) in enumerate(zip(categories, values, strict=True))
        }
    order = list(dict.fromkeys(c for values in series.values() for c in values))
    data = CategoryChartData()
    data.categories = order
    for name, values in series.items():
        data.add_series(name, [values.get(category) for category in order])
    graphic = slide.shapes.add_chart(
        kind, Inches(1.0), Inches(2.0), WIDTH - Inches(2.0), Inches(4.3), data
    )
    chart = graphic.chart
    references = _references(figure)
    side_labels = _side_labels(figure)
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.font.size = Pt(12)
    if horizontal:
        chart.category_axis.reverse_order = True  # first category on top, as on screen
    if kinds == {"bar"} and not side_labels:
        _label_bars(chart, series, traces)
    if references or side_labels:
        _fix_plot(slide, graphic, horizontal, series, references, order, side_labels)
    return graphic


# The decimals of a number as the screen shows it (`0,75`, `12,5 %`).
DECIMALS = re.compile(r"\d,(\d+)")
# The plot's inner rectangle as fractions of the chart (left, top, width, height) where
# lines or labels are drawn over it: fixed, so that a value's position is known.
PLOT = (0.22, 0.08, 0.58, 0.84)


def _references(figure: go.Figure) -> list[tuple[float, str]]:
    """The figure's dashed reference lines across the bars (value, label)."""
    found = []
    for shape in figure.layout.shapes:
        vertical = shape.x0 == shape.x1 and (shape.xref or "x") == "x"
        horizontal = shape.y0 == shape.y1 and (shape.yref or "y") == "y"
        if shape.type != "line" or not (vertical or horizontal):
            continue
        value = float(shape.x0 if vertical else shape.y0)
        axis = "x" if vertical else "y"
        texts = [
            str(note.text)
            for note in figure.layout.annotations
            if getattr(note, axis) == value and (getattr(note, f"{axis}ref") or axis) == axis
        ]
        found.append((value, texts[0] if texts else ""))
    return found


def _side_labels(figure: go.Figure) -> dict[str, str]:
    """Labels that stand right of the plot level with their bar (category → text)."""
    return {
        _flat(note.y): str(note.text).replace("<br>", "\v")
        for note in figure.layout.annotations
        if note.xref == "paper" and note.x == 1 and (note.yref or "y") == "y"
    }


def _fix_plot(
    slide: Slide,
    graphic: GraphicFrame,
    horizontal: bool,
    series: dict[str, dict[str, float | None]],
    references: list[tuple[float, str]],
    categories: list[str],
    side_labels: dict[str, str],
) -> None:
    """Pin the plot's rectangle and value axis, then draw each reference as a dashed line
    with its label and each side label level with its bar (as on screen)."""
    values = [v for part in series.values() for v in part.values() if v is not None]
    top = max([*values, *(value for value, _ in references), 0.0]) * 1.1 or 1.0
    x0, y0, w, h = _pin_plot(graphic, top)
    for value, text in references:
        share = value / top
        if horizontal:
            at = x0 + int(w * share)
            line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, at, y0, at, y0 + h)
            box = (at - Inches(1.0), y0 - Inches(0.35), Inches(2.0))
        else:
            at = y0 + h - int(h * share)
            line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x0, at, x0 + w, at)
            box = (x0 + w - Inches(2.0), at - Inches(0.35), Inches(2.0))
        line.line.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
        line.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        line.line.width = Pt(1.5)
        if text:
            label = _text(slide, text, box[1], Inches(0.3), Pt(11))
            label.left, label.width = box[0], box[2]
            label.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    if side_labels and horizontal:
        step = h / max(len(categories), 1)
        right = graphic.left + graphic.width
        for index, category in enumerate(categories):
            if category in side_labels:
                text = side_labels[category]
                lines = text.count("\v") + 1
                at = y0 + int(step * (index + 0.5)) - Inches(0.05) - Inches(0.09) * lines
                label = _text(slide, text, at, Inches(0.05) + Inches(0.17) * lines, Pt(10))
                label.left, label.width = x0 + w + Inches(0.1), right - (x0 + w)


def _flat(category: object) -> str:
    """A category of a figure as a chart's category: PowerPoint wraps it where it must."""
    return str(category).replace("<br>", " ")


def _pin_plot(graphic: GraphicFrame, top: float) -> tuple[int, int, int, int]:
    """Fix the chart's plot rectangle (`PLOT`) and its value axis to 0 … `top`; the
    rectangle's left, top, width and height on the slide."""
    chart = graphic.chart
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = plot_area.makeelement(qn("c:layout"), {})
        plot_area.insert(0, layout)
    manual = layout.makeelement(qn("c:manualLayout"), {})
    for tag, val in (("layoutTarget", "inner"), ("xMode", "edge"), ("yMode", "edge")):
        manual.append(manual.makeelement(qn(f"c:{tag}"), {"val": val}))
    for tag, val in zip("xywh", PLOT, strict=True):
        manual.append(manual.makeelement(qn(f"c:{tag}"), {"val": str(val)}))
    layout.append(manual)
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0.0, top
    left, upper, width, height = graphic.left, graphic.top, graphic.width, graphic.height
    return (
        left + int(width * PLOT[0]),
        upper + int(height * PLOT[1]),
        int(width * PLOT[2]),
        int(height * PLOT[3]),
    )


def _label_bars(chart: Chart, series: dict[str, dict[str, float | None]], traces: list) -> None:
    """Values on the bars, as on screen: a number format (so that edits show), `–` for 0,
    the decimals the screen's labels show (else one where the data have one), ` %` for
    rates; a secret value has no label."""
    values = [v for part in series.values() for v in part.values() if v is not None]
    texts = [str(t) for trace in traces if trace.text is not None for t in trace.text]
    shown = [len(m.group(1)) for t in texts if (m := DECIMALS.search(t))]
    places = max(shown, default=0) if texts else int(any(v != int(v) for v in values))
    decimals = "." + "0" * places if places else ""
    unit = '" %"' if any(t.endswith("%") for t in texts) else ""
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = f'#,##0{decimals}{unit};-#,##0{decimals}{unit};"–"'
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(10)


def _chart_slides(deck: PresentationType, data: ChartData, footer: str) -> None:
    """One slide per figure; a table without figure over as many slides as it needs."""
    extra = [display.comment(c) for c in data.comments]
    if data.needs_legend:
        extra.append(display.LEGEND)
    if data.figure is not None:
        slide = _slide(deck, data.title, footer)
        _text(slide, data.sentence, Inches(1.2), Inches(0.8), Pt(16))
        description = f"Grafik: {data.title}. {data.sentence}"
        graphic = native_chart(slide, data.figure)
        if graphic is not None:
            graphic._element.nvGraphicFramePr.cNvPr.set("descr", description)
        else:
            picture = slide.shapes.add_picture(
                io.BytesIO(images.png(data.figure)), Inches(1.4), Inches(2.0), height=Inches(4.3)
            )
            # Alternative text of the picture (read by screen readers).
            picture._element.nvPicPr.cNvPr.set("descr", description)
        if extra:
            _text(slide, " · ".join(extra), Inches(6.35), Inches(0.6), Pt(10))
        _notes(slide, data)
        return
    chunks = [
        data.table.iloc[start : start + ROWS_PER_SLIDE]
        for start in range(0, max(len(data.table), 1), ROWS_PER_SLIDE)
    ]
    for number, chunk in enumerate(chunks, start=1):
        title = data.title if len(chunks) == 1 else f"{data.title} ({number}/{len(chunks)})"
        slide = _slide(deck, title, footer)
        _text(slide, data.sentence, Inches(1.2), Inches(0.7), Pt(16))
        if len(chunk):
            _table(slide, chunk, Inches(2.0))
        if extra:
            _text(slide, " · ".join(extra), Inches(6.45), Inches(0.5), Pt(10))
        _notes(slide, data)


def render(report: Report) -> bytes:
    """The presentation's bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"{report.title} {report.zeitraum}"
    deck.core_properties.language = "de-DE"
    deck.core_properties.author = "KIM Monitor"
    footer = f"{report.filters} · Build {report.build_id}"
    cover = _slide(deck, report.title, footer)
    _text(cover, "\n".join(report.cover), Inches(1.4), Inches(3.0), Pt(18))
    _text(cover, report.datenstand.sentence, Inches(4.6), Inches(1.0), Pt(14))
    with images.renderer():
        for section in report.sections:
            if section.text:
                slide = _slide(deck, section.title, footer)
                _text(slide, "\n\n".join(section.text), Inches(1.3), Inches(5.5), Pt(14))
            for chart in section.charts:
                _chart_slides(deck, chart, footer)
    for slide in deck.slides:
        # Screen readers follow the shape order: the footer comes after the content.
        for shape in [s for s in slide.shapes if s.name == FOOTER]:
            element = shape._element
            element.getparent().append(element)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
