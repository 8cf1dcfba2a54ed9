"""Chart builders: frames in, plotly figures out (pages only display them).

Every figure's title names its denominator and date range. Maps are offline: `choropleth_map` on the
"white-bg" style needs no tile server; polygons come from the warehouse table `boundary`.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from ui.i18n import fmt_int, fmt_num, fmt_pct, fmt_period, text

ACCENT = "#1f5f8b"
SCALE = "Blues"
TEMPLATE = "plotly_white"


def apply_layout(fig: go.Figure, title: str, height: int, lang: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template=TEMPLATE,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        separators=",." if lang == "vi" else ".,",  # decimal mark, then thousands
    )
    return fig


def field_label(row: dict, lang: str) -> str:
    """The field's name in `lang`; 'not yet classified' for opinions without a field."""
    if row.get("field_code") is None:
        return text("chart.unclassified", lang)
    return row["name_en" if lang == "en" else "name_vi"] or row["field_code"]


def _share_count(row: dict, lang: str) -> str:
    """'12,3% · 1.234', or the small-count mark when the role hides the count ("ẩn")."""
    if row["opinions"] is None:
        return text("auth.hidden", lang)
    return f"{fmt_pct(row['share'], lang)} · {fmt_int(row['opinions'], lang)}"


def top_fields_bar(frame: pl.DataFrame, *, total: int, date_from: date, date_to: date, lang: str) -> go.Figure:
    """Horizontal bars of the top fields: count on the axis, share of all opinions as the label."""
    rows = list(frame.iter_rows(named=True))[::-1]  # largest on top
    fig = go.Figure(
        go.Bar(
            x=[r["opinions"] for r in rows],
            y=[field_label(r, lang) for r in rows],
            orientation="h",
            marker_color=ACCENT,
            text=[_share_count(r, lang) for r in rows],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=text("chart.opinions", lang))
    title = text("chart.fields_title", lang, total=fmt_int(total, lang), period=fmt_period(date_from, date_to, lang))
    fig = apply_layout(fig, title, 90 + 32 * max(len(rows), 3), lang)
    return fig


def _area_name(row: dict, lang: str) -> str:
    if row.get("population_estimated"):
        return f"{row['name']} ({text('chart.estimated', lang)})"
    return row["name"]


def rate_title(
    level: str, *, date_from: date, date_to: date, lang: str, province_name: str | None = None, map_: bool = False
) -> str:
    """Title of the rate chart or map: names the denominator (per 100,000 people) and the period."""
    key = f"chart.{'map' if map_ else 'rate'}_title_{level}"
    return text(key, lang, period=fmt_period(date_from, date_to, lang), province=province_name or "")


def rate_bar(frame: pl.DataFrame, *, title: str, lang: str, limit: int = 15) -> go.Figure:
    """Horizontal bars of the areas with the highest opinions per 100,000 people."""
    rows = list(frame.filter(pl.col("rate_per_100k").is_not_null()).head(limit).iter_rows(named=True))[::-1]
    fig = go.Figure(
        go.Bar(
            x=[r["rate_per_100k"] for r in rows],
            y=[_area_name(r, lang) for r in rows],
            orientation="h",
            marker_color=ACCENT,
            text=[fmt_num(r["rate_per_100k"], lang) for r in rows],
            textposition="auto",
            customdata=[[fmt_int(r["opinions"], lang), fmt_int(r["population"], lang)] for r in rows],
            hovertemplate=(
                "%{y}<br>"
                + text("chart.rate", lang)
                + ": %{x:.1f}<br>"
                + text("chart.opinions", lang)
                + ": %{customdata[0]}<br>"
                + text("chart.population", lang)
                + ": %{customdata[1]}<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text=text("chart.rate", lang))
    fig = apply_layout(fig, title, 90 + 28 * max(len(rows), 3), lang)
    return fig


def geometry_points(geometry: dict) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []

    def walk(node: object) -> None:
        if isinstance(node, list) and len(node) >= 2 and all(isinstance(v, (int, float)) for v in node[:2]):
            points.append((float(node[0]), float(node[1])))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(geometry.get("coordinates", []))
    return points


def rate_map(frame: pl.DataFrame, boundaries: pl.DataFrame, *, title: str, lang: str) -> go.Figure | None:
    """Offline choropleth of opinions per 100,000 people; None when no polygon matches. Approximate
    polygons are said to be approximate in the title."""
    shapes = boundaries.filter(pl.col("code").is_in(frame["code"].implode()))
    if shapes.is_empty():
        return None
    features = [
        {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geometry)}
        for code, geometry in shapes.select("code", "geometry").iter_rows()
    ]
    points = [p for f in features for p in geometry_points(f["geometry"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 0.05)
    zoom = max(3.5, min(11.0, math.log2(340 / span)))  # ~500 px of map height across the span
    rows = list(frame.filter(pl.col("code").is_in(shapes["code"].implode())).iter_rows(named=True))
    fig = go.Figure(
        go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": features},
            locations=[r["code"] for r in rows],
            z=[r["rate_per_100k"] for r in rows],
            text=[_area_name(r, lang) for r in rows],
            colorscale=SCALE,
            marker_opacity=0.8,
            marker_line_width=0.5,
            marker_line_color="#ffffff",
            colorbar={"title": {"text": text("chart.rate", lang), "side": "right"}},
            hovertemplate="%{text}<br>%{z:.1f}<extra></extra>",
        )
    )
    if shapes["approximate"].any():
        title = f"{title} · {text('chart.approximate', lang)}"
    fig.update_layout(
        map={
            "style": "white-bg",
            "center": {"lon": (min(lons) + max(lons)) / 2, "lat": (min(lats) + max(lats)) / 2},
            "zoom": zoom,
        }
    )
    fig = apply_layout(fig, title, 560, lang)
    return fig


def monthly_trend_line(frame: pl.DataFrame, *, lang: str) -> go.Figure:
    """Opinions per calendar month (line with markers), titled with the months covered."""
    months = frame["month"].to_list()
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=frame["opinions"].to_list(),
            mode="lines+markers",
            line={"color": ACCENT, "width": 2},
            hovertemplate="%{x|%m/%Y}: %{y}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=text("chart.month", lang), tickformat="%m/%Y", dtick="M1")
    fig.update_yaxes(title_text=text("chart.opinions", lang), rangemode="tozero")
    period = fmt_period(months[0], _month_end(months[-1]), lang) if months else ""
    fig = apply_layout(fig, text("chart.trend_title", lang, period=period), 360, lang)
    return fig


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def province_name(provinces: pl.DataFrame, province_code: str | None) -> str | None:
    """A province's Vietnamese name from the `provinces` reference frame (None for the whole country)."""
    if province_code is None:
        return None
    match = provinces.filter(pl.col("province_code") == province_code)
    return match["name_vi"][0] if match.height else province_code


def population_note(areas: pl.DataFrame, lang: str) -> str:
    """The denominator's source under a rate chart: province sources, or how many commune populations are
    estimated ("ước tính")."""
    if areas.is_empty() or areas["level"][0] == "province":
        sources = [s for s in areas["population_source"].unique(maintain_order=True).to_list() if s]
        return text("chart.population_source_province", lang, sources="; ".join(sources) or "—")
    estimated = int(areas["population_estimated"].sum())
    return text(
        "chart.population_source_commune",
        lang,
        actual=fmt_int(areas.height - estimated, lang),
        estimated=fmt_int(estimated, lang),
    )
