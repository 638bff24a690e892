"""Figures as pure functions: a prepared DataFrame in, a Plotly figure out.

Every series has a colour-blind-safe colour with at least 3:1 contrast on white (Okabe-Ito
order) and, for lines, its own marker symbol and dash, so no series depends on colour alone.
Titles are not drawn into the figure: the card's heading carries them. Values that are
suppressed carry no bar and the label `.`.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#882255",
    "#117733",
    "#332288",
)
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def _layout(figure: go.Figure, *, height: int = 340, legend: bool = True) -> go.Figure:
    """Shared look: German separators, readable type, no title, horizontal legend."""
    figure.update_layout(
        separators=",.",
        font={"family": FONT, "size": 14, "color": "#1a1a1a"},
        height=height,
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_xaxes(showgrid=False, linecolor="#595959", tickfont={"color": "#1a1a1a"})
    figure.update_yaxes(gridcolor="#d9d9d9", zerolinecolor="#595959", separatethousands=True)
    return figure


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    *,
    series: str | None = None,
    horizontal: bool = False,
    unit: str = "",
    link: str | None = None,
    reference: tuple[float, str] | None = None,
) -> go.Figure:
    """Bars of `y` by `x` (grouped by `series`); `label` is the shown text (`.` if secret).

    `link` names a column of addresses a click on a bar opens; `reference` is a value drawn
    as a dashed line across the bars, with its label (e.g. the Kreis beside its towns).
    """
    figure = go.Figure()
    groups = frame.groupby(series, sort=False) if series else [("", frame)]
    axis = "y" if horizontal else "x"
    for index, (name, part) in enumerate(groups):
        values = part[y].fillna(0)
        figure.add_bar(
            x=values if horizontal else part[x],
            y=part[x] if horizontal else values,
            orientation="h" if horizontal else "v",
            name=str(name),
            marker_color=PALETTE[index % len(PALETTE)],
            text=part[label],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{{axis}}}: %{{text}} {unit}<extra>{name}</extra>",
            customdata=part[link] if link else None,
        )
    figure.update_layout(barmode="group")
    if reference is not None and not math.isnan(reference[0]):
        line = {"line_dash": "dash", "line_color": "#1a1a1a", "annotation_text": reference[1]}
        if horizontal:
            figure.add_vline(x=reference[0], annotation_position="top", **line)
        else:
            figure.add_hline(y=reference[0], annotation_position="top right", **line)
    if horizontal:
        figure.update_yaxes(autorange="reversed", type="category")
    else:
        figure.update_xaxes(type="category")
    return _layout(
        figure, legend=series is not None, height=max(340, 28 * len(frame)) if horizontal else 340
    )


def lines(
    frame: pd.DataFrame, x: str, y: str, label: str, series: str, unit: str = ""
) -> go.Figure:
    """One line per `series` over `x` (categorical, in frame order); gaps where secret."""
    figure = go.Figure()
    for index, (name, part) in enumerate(frame.groupby(series, sort=False)):
        figure.add_scatter(
            x=part[x],
            y=part[y],
            name=str(name),
            mode="lines+markers",
            line={"color": PALETTE[index % len(PALETTE)], "dash": DASHES[index % len(DASHES)]},
            marker={"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 8},
            text=part[label],
            hovertemplate=f"%{{x}}: %{{text}} {unit}<extra>{name}</extra>",
            connectgaps=False,
        )
    figure.update_xaxes(type="category")
    return _layout(figure)


def sankey(links: pd.DataFrame, source: str, target: str, value: str, label: str) -> go.Figure:
    """Flows from `source` to `target` nodes, widths by `value`; `label` shown on hover."""
    nodes = list(dict.fromkeys([*links[source], *links[target]]))
    index = {node: i for i, node in enumerate(nodes)}
    figure = go.Figure(
        go.Sankey(
            node={
                "label": nodes,
                "color": [PALETTE[i % len(PALETTE)] for i in range(len(nodes))],
                "pad": 14,
                "line": {"color": "white", "width": 1},
            },
            link={
                "source": [index[s] for s in links[source]],
                "target": [index[t] for t in links[target]],
                "value": links[value],
                "customdata": links[label],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
                "color": "rgba(0, 114, 178, 0.25)",
            },
        )
    )
    return _layout(figure, height=520, legend=False)


def funnel(frame: pd.DataFrame, stage: str, y: str, label: str, series: str) -> go.Figure:
    """Stages (approached → applications → granted) side by side per `series`."""
    return bars(frame, stage, y, label, series=series)


def progress(frame: pd.DataFrame, name: str, share: str, label: str) -> go.Figure:
    """Goal progress: bars of the share of the pro-rata expectation, line at 100 %.

    The labels (value and status) stand in a column right of the plot, level with their
    bars: at the bar's end a label of a bar near 100 % would cross the line. Long names and
    labels wrap, so that the bars keep their room on a narrow screen.
    """
    frame = frame.assign(
        **{name: frame[name].map(lambda t: _wrapped(t, 34)), label: frame[label].map(_wrapped)}
    )
    figure = bars(frame, name, share, label, horizontal=True, unit="%")
    figure.update_traces(textposition="none")
    for goal, text in frame[[name, label]].itertuples(index=False):
        figure.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            xshift=8,
            y=goal,
            yref="y",
            text=text,
            showarrow=False,
            align="left",
        )
    figure.add_vline(x=100, line={"color": "#1a1a1a", "dash": "dash"})
    # Above the plot, clear of the line and the first bar.
    figure.add_annotation(
        x=100,
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=4,
        text="Erwartung",
        showarrow=False,
        font={"size": 12},
    )
    figure.update_xaxes(ticksuffix=" %")
    texts = [*frame[name], *frame[label]]
    lines = max((text.count("<br>") + 1 for text in texts), default=1)
    longest = max((len(line) for text in frame[label] for line in text.split("<br>")), default=0)
    # The labels' column as wide as their longest line (about 7,5 px a character), each bar
    # as high as the most lines of a name or label (about 17 px a line).
    figure.update_layout(
        margin={"r": 24 + 7.5 * longest, "t": 40},
        height=max(340, 110 + len(frame) * (17 * lines + 14)),
    )
    return figure


def _wrapped(text: object, width: int = 20) -> str:
    """The text in lines of about `width` characters (`<br>`), its own line breaks kept."""
    return "<br>".join(
        line
        for part in str(text).split("<br>")
        for line in textwrap.wrap(part, width, break_on_hyphens=False) or [""]
    )


def town_map(
    frame: pd.DataFrame,
    lat: str,
    lon: str,
    name: str,
    value: str,
    label: str,
    *,
    link: str | None = None,
) -> go.Figure:
    """Towns at their centres (degrees), circles sized and shaded by `value`, named beside.

    A plain chart with the axes hidden, not a geographic trace: those load their base map
    from the internet. A secret or missing value is a small ring labelled with its symbol.
    `link` names a column of addresses a click on a town opens (as in `bars`).
    """
    figure = go.Figure()
    shown = frame[value].notna()
    top = float(frame.loc[shown, value].max()) if shown.any() else 1.0
    sizes = 14 + 36 * (frame[value].fillna(0) / (top or 1.0)) ** 0.5
    figure.add_scatter(
        x=frame[lon],
        y=frame[lat],
        mode="markers+text",
        text=frame[name] + "<br>" + frame[label],
        textposition="middle right",
        customdata=frame[link] if link else None,
        hovertext=frame[name] + ": " + frame[label],
        hoverinfo="text",
        marker={
            "size": sizes.where(shown, 14),
            # A ring takes its colour from the scale: the darkest, for contrast on white.
            "color": frame[value].where(shown, top),
            "colorscale": [[0, "#c6dbef"], [1, "#08306b"]],
            "cmin": 0,
            "cmax": top,
            "line": {"color": "#1a1a1a", "width": 1},
            "symbol": ["circle" if s else "circle-open" for s in shown],
        },
        cliponaxis=False,
        showlegend=False,
    )
    figure = _layout(figure, height=520, legend=False)
    # Equal distances on the ground: a degree of longitude is cos(latitude) of a degree of
    # latitude (51° N: about 0,63).
    middle = float(frame[lat].mean()) if len(frame) else 51.0
    figure.update_xaxes(visible=False, range=_padded(frame[lon], 0.12, 0.35))
    figure.update_yaxes(
        visible=False,
        range=_padded(frame[lat], 0.12, 0.12),
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(middle)),
    )
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def _padded(values: pd.Series, before: float, after: float) -> list[float]:
    """The values' range widened by shares of its span (room for circles and names)."""
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    return [low - before * span, high + after * span]
