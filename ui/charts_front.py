"""Chart builders of the Front's own pages: frames in, plotly figures out. Titles name the denominator and
the period; labels come from the catalogue."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl

from ui.charts import ACCENT, apply_layout, geometry_points
from ui.i18n import fmt_num, fmt_pct, text

PALETTE = ["#1f5f8b", "#d08c2b", "#3b8b5a", "#9b3b5a", "#6b6b9b", "#8b6b3b"]
STATUS_COLOURS = {"done_on_time": "#3b8b5a", "done_late": "#d0a02b", "overdue": "#c0392b", "upcoming": "#9aa5b1"}


def event_study(frame: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Point estimates by event time with pointwise 95% intervals (error bars) and, when the frame has
    `band_low`/`band_high`, the simultaneous 95% band (shaded: every event time at once); a dashed line at 0
    and a dotted one at adoption."""
    rows = list(frame.sort("event_time").iter_rows(named=True))
    x = [r["event_time"] for r in rows]
    y = [r["estimate"] for r in rows]
    fig = go.Figure()
    banded = [r for r in rows if r.get("band_low") is not None and r.get("band_high") is not None]
    if banded:
        fig.add_trace(
            go.Scatter(
                x=[r["event_time"] for r in banded] + [r["event_time"] for r in reversed(banded)],
                y=[r["band_high"] for r in banded] + [r["band_low"] for r in reversed(banded)],
                fill="toself",
                fillcolor="rgba(31, 95, 139, 0.15)",
                line={"width": 0},
                hoverinfo="skip",
                name=text("models.band", lang),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+lines",
            line={"color": ACCENT},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [(r["ci_high"] - r["estimate"]) if r["ci_high"] is not None else 0 for r in rows],
                "arrayminus": [(r["estimate"] - r["ci_low"]) if r["ci_low"] is not None else 0 for r in rows],
            },
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            name=text("models.pointwise", lang),
        )
    )
    fig.add_hline(y=0, line_dash="dash", line_color="#888")
    fig.add_vline(x=-0.5, line_dash="dot", line_color="#c0392b")
    fig.update_xaxes(title_text=text("models.event_x", lang), dtick=1)
    fig.update_yaxes(title_text=text("models.event_y", lang))
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return apply_layout(fig, title, 400, lang)


def adoption_map(
    first: pl.DataFrame, provinces: pl.DataFrame, boundaries: pl.DataFrame, *, kind: str, title: str, lang: str
) -> go.Figure | None:
    """Offline province map of one model kind: months since adoption (darker = earlier), grey = not adopted.

    `first` is models.first_adoption(); `provinces` has province_code and name_vi; `boundaries` the province
    polygons (level 'province'). None when no polygon matches."""
    adopted = first.filter(pl.col("model_kind") == kind).select("province_code", "adopted_at", "communes")
    rows = provinces.select("province_code", "name_vi").join(adopted, on="province_code", how="left")
    shapes = boundaries.filter(pl.col("code").is_in(rows["province_code"].implode()))
    if shapes.is_empty():
        return None
    features = [
        {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geometry)}
        for code, geometry in shapes.select("code", "geometry").iter_rows()
    ]
    latest = rows["adopted_at"].max()
    with_months = rows.with_columns(
        ((pl.lit(latest) - pl.col("adopted_at")).dt.total_days() / 30.44).round(1).alias("months")
        if latest is not None
        else pl.lit(None, dtype=pl.Float64).alias("months")
    )
    used = with_months.filter(pl.col("adopted_at").is_not_null())
    never = with_months.filter(pl.col("adopted_at").is_null())
    fig = go.Figure()
    fig.add_trace(
        go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": features},
            locations=never["province_code"].to_list(),
            z=[0] * never.height,
            text=never["name_vi"].to_list(),
            colorscale=[[0, "#d9dde2"], [1, "#d9dde2"]],
            showscale=False,
            marker_line_width=0.5,
            marker_line_color="#ffffff",
            hovertemplate="%{text}: " + text("models.map_not_adopted", lang) + "<extra></extra>",
            name=text("models.map_not_adopted", lang),
        )
    )
    fig.add_trace(
        go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": features},
            locations=used["province_code"].to_list(),
            z=used["months"].to_list(),
            text=[
                f"{name}: {d.strftime('%d/%m/%Y')} · {n} {text('models.map_communes', lang)}"
                for name, d, n in used.select("name_vi", "adopted_at", "communes").iter_rows()
            ],
            colorscale="Blues",
            marker_line_width=0.5,
            marker_line_color="#ffffff",
            colorbar={"title": {"text": text("models.map_months", lang), "side": "right"}},
            hovertemplate="%{text}<extra></extra>",
        )
    )
    lons = [p[0] for f in features for p in geometry_points(f["geometry"])]
    if shapes["approximate"].any():
        title = f"{title} · {text('chart.approximate', lang)}"
    fig.update_layout(  # the mainland in view: the islands would stretch a fitted view (shared/geo README)
        map={"style": "white-bg", "center": {"lon": min((min(lons) + max(lons)) / 2, 107.0), "lat": 16.0}, "zoom": 4.2},
        showlegend=False,
    )
    return apply_layout(fig, title, 620, lang)


def adoption_timeline(first: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """First adoption date per province, one marker row per province, coloured by model kind."""
    fig = go.Figure()
    for i, kind in enumerate(sorted(first["model_kind"].unique().to_list())):
        rows = first.filter(pl.col("model_kind") == kind)
        fig.add_trace(
            go.Scatter(
                x=rows["adopted_at"].to_list(),
                y=rows["province_name"].to_list(),
                mode="markers",
                name=text(f"front.kind.{kind}", lang),
                marker={"size": 9, "color": PALETTE[i % len(PALETTE)]},
                hovertemplate="%{y}: %{x|%d/%m/%Y}<extra></extra>",
            )
        )
    fig.update_xaxes(tickformat="%m/%Y")
    return apply_layout(fig, title, 120 + 16 * first["province_name"].n_unique(), lang)


def bars(labels: list[str], values: list[float | None], *, title: str, lang: str, percent: bool = False,
         targets: list[float | None] | None = None) -> go.Figure:  # fmt: skip
    """Horizontal bars (largest on top), with optional red target marks."""
    fmt = (lambda v: fmt_pct(v, lang)) if percent else (lambda v: fmt_num(v, lang))
    fig = go.Figure(
        go.Bar(
            x=values[::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=ACCENT,
            text=[fmt(v) if v is not None else "—" for v in values[::-1]],
            textposition="auto",
            hoverinfo="skip",
        )
    )
    if targets:
        fig.add_trace(
            go.Scatter(
                x=targets[::-1],
                y=labels[::-1],
                mode="markers",
                marker={"symbol": "line-ns-open", "size": 22, "color": "#c0392b", "line": {"width": 3}},
                name=text("front.chart.target", lang),
                hoverinfo="skip",
            )
        )
    if percent:
        fig.update_xaxes(tickformat=".0%")
    fig.update_layout(showlegend=False)
    return apply_layout(fig, title, 90 + 34 * max(len(labels), 3), lang)


def lines(frame: pl.DataFrame, *, x: str, y: str, series: str | None, title: str, lang: str,
          names: dict[str, str] | None = None, percent: bool = False) -> go.Figure:  # fmt: skip
    """One line per `series` value (or a single line)."""
    fig = go.Figure()
    groups = frame.partition_by(series, as_dict=True, maintain_order=True) if series else {("",): frame}
    for i, (key, rows) in enumerate(groups.items()):
        rows = rows.sort(x)
        fig.add_trace(
            go.Scatter(
                x=rows[x].to_list(),
                y=rows[y].to_list(),
                mode="lines+markers",
                name=(names or {}).get(key[0], str(key[0])),
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    if percent:
        fig.update_yaxes(tickformat=".0%")
    fig.update_yaxes(rangemode="tozero")
    return apply_layout(fig, title, 380, lang)


def cone(frame: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Members, branches and cadres by level (province on top), on a log axis: a cone widens downwards."""
    fig = go.Figure()
    levels = frame["level"].to_list()[::-1]
    for i, metric in enumerate(("members", "branches", "cadres")):
        fig.add_trace(
            go.Bar(
                x=frame[metric].to_list()[::-1],
                y=[text(f"level.{lv}", lang) for lv in levels],
                orientation="h",
                name=text(f"front.chart.{metric}", lang),
                marker_color=PALETTE[i],
            )
        )
    fig.update_xaxes(type="log")
    fig.update_layout(barmode="group")
    return apply_layout(fig, title, 360, lang)


def chain_funnel(frame: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """The recommendation chain as a funnel with counts and shares of issued."""
    fig = go.Figure(
        go.Funnel(
            y=[text(f"front.step.{s}", lang) for s in frame["step"]],
            x=frame["count"].to_list(),
            textinfo="value+percent initial",
            marker={"color": ACCENT},
        )
    )
    return apply_layout(fig, title, 320, lang)


def status_stack(counts: pl.DataFrame, *, title: str, lang: str, scope_names: dict[str, str]) -> go.Figure:
    """Milestones per scope, stacked by status."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = counts.filter(pl.col("status") == status)
        fig.add_trace(
            go.Bar(
                y=[scope_names.get(s, s) for s in rows["scope"]],
                x=rows["milestones"].to_list(),
                orientation="h",
                name=text(f"front.status.{status}", lang),
                marker_color=colour,
            )
        )
    fig.update_layout(barmode="stack")
    return apply_layout(fig, title, 120 + 26 * max(counts["scope"].n_unique(), 3), lang)
