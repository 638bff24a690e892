"""Figures as pure functions: a prepared DataFrame in, a Plotly figure out.

Every series has a colour-blind-safe colour with at least 3:1 contrast on white (Okabe-Ito
order) and, for lines, its own marker symbol and dash, so no series depends on colour alone.
Titles are not drawn into the figure: the card's heading carries them. Values that are
suppressed carry no bar and the label `.`.
"""

from __future__ import annotations

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
) -> go.Figure:
    """Bars of `y` by `x` (grouped by `series`); `label` is the shown text (`.` if secret)."""
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
        )
    figure.update_layout(barmode="group")
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
    """Goal progress: bars of the share of the pro-rata expectation, line at 100 %."""
    figure = bars(frame, name, share, label, horizontal=True, unit="%")
    figure.add_vline(x=100, line={"color": "#1a1a1a", "dash": "dash"})
    figure.add_annotation(
        x=100, y=1.02, yref="paper", text="Erwartung", showarrow=False, font={"size": 12}
    )
    figure.update_xaxes(ticksuffix=" %")
    return figure
