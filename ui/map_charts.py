"""Map builders of the "Bản đồ số" page: frames in, figures out (pages only display them).

The rate choropleth and the hot-spot outlines are plotly `choroplethmap` traces on the offline "white-bg" style,
so the briefing pack can render the same figure to an image; the hexagon view is a pydeck Deck with no base map.
Hot-spot outlines carry only their own polygons, so the national commune map stays small in the browser.
"""

from __future__ import annotations

import json
import math

import plotly.graph_objects as go
import polars as pl
import pydeck

from ui.charts import SCALE, apply_layout, geometry_points
from ui.i18n import fmt_int, fmt_num, fmt_pct, fmt_q, text

OUTLINES = {  # class -> (line colour, width)
    "hot_99": ("#7f0000", 3.5),
    "hot_95": ("#c62828", 2.5),
    "hot_90": ("#ef6c00", 1.8),
    "cold_90": ("#4fc3f7", 1.8),
    "cold_95": ("#0277bd", 2.5),
    "cold_99": ("#01306b", 3.5),
}
SUPPRESSED_FILL = "#d0d0d0"
EMERGING_COLOUR = "#6a1b9a"


def class_label(hotspot: str, lang: str) -> str:
    """The hot-spot class in words ("Điểm nóng (tin cậy 99%)")."""
    return text(f"map.class.{hotspot}", lang)


def _features(shapes: pl.DataFrame) -> list[dict]:
    return [
        {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geometry)}
        for code, geometry in shapes.select("code", "geometry").iter_rows()
    ]


def _view(features: list[dict]) -> dict:
    points = [p for f in features for p in geometry_points(f["geometry"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 0.05)
    return {
        "style": "white-bg",
        "center": {"lon": (min(lons) + max(lons)) / 2, "lat": (min(lats) + max(lats)) / 2},
        "zoom": max(3.5, min(11.0, math.log2(340 / span))),
    }


def _hover_rows(rows: list[dict], lang: str, small_label: str | None) -> tuple[list[str], list[list[str]]]:
    names, custom = [], []
    for r in rows:
        estimated = f" ({text('chart.estimated', lang)})" if r.get("population_estimated") else ""
        names.append(r["name"])
        count = fmt_int(r["count"], lang) if r["count"] is not None else (small_label or "—")
        rate = fmt_num(r["rate_per_100k"], lang) if r["rate_per_100k"] is not None else "—"
        smoothed = fmt_num(r["smoothed_rate"], lang) if r["smoothed_rate"] is not None else "—"
        population = fmt_int(r["population"], lang) + estimated if r["population"] is not None else "—"
        custom.append([count, population, rate, smoothed, class_label(r["hotspot"], lang)])
    return names, custom


def hotspot_map(
    table: pl.DataFrame,
    boundaries: pl.DataFrame,
    *,
    title: str,
    lang: str,
    emerging: pl.DataFrame | None = None,
    small_label: str | None = None,
) -> go.Figure | None:
    """Choropleth of opinions per 100,000 people, hot/cold-spot outlines by confidence, suppressed areas in
    grey, emerging issues as markers at their commune. None when no polygon matches the areas."""
    shapes = boundaries.filter(pl.col("code").is_in(table["code"].implode())).unique("code", keep="first")
    if shapes.is_empty():
        return None
    drawn = table.filter(pl.col("code").is_in(shapes["code"].implode()))
    features = {f["id"]: f for f in _features(shapes)}
    hover = (
        "<b>%{text}</b><br>"
        + f"{text('map.hover_count', lang)}: %{{customdata[0]}}<br>"
        + f"{text('map.hover_population', lang)}: %{{customdata[1]}}<br>"
        + f"{text('map.hover_rate', lang)}: %{{customdata[2]}}<br>"
        + f"{text('map.hover_smoothed', lang)}: %{{customdata[3]}}<br>"
        + f"{text('map.hover_class', lang)}: %{{customdata[4]}}<extra></extra>"
    )
    visible = drawn.filter(pl.col("rate_per_100k").is_not_null())
    rows = list(visible.iter_rows(named=True))
    names, custom = _hover_rows(rows, lang, small_label)
    fig = go.Figure(
        go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": list(features.values())},
            locations=[r["code"] for r in rows],
            z=[r["rate_per_100k"] for r in rows],
            text=names,
            customdata=custom,
            colorscale=SCALE,
            marker_opacity=0.8,
            marker_line_width=0.4,
            marker_line_color="#ffffff",
            colorbar={"title": {"text": text("chart.rate", lang), "side": "right"}, "x": 1.0},
            hovertemplate=hover,
            name=text("chart.rate", lang),
            showlegend=False,
        )
    )
    hidden = list(drawn.filter(pl.col("rate_per_100k").is_null()).iter_rows(named=True))
    if hidden:
        names, custom = _hover_rows(hidden, lang, small_label)
        fig.add_trace(
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": [features[r["code"]] for r in hidden]},
                locations=[r["code"] for r in hidden],
                z=[0] * len(hidden),
                text=names,
                customdata=custom,
                colorscale=[[0, SUPPRESSED_FILL], [1, SUPPRESSED_FILL]],
                showscale=False,
                marker_opacity=0.7,
                marker_line_width=0.4,
                marker_line_color="#ffffff",
                hovertemplate=hover,
                name=class_label("suppressed", lang),
                showlegend=True,
            )
        )
    for hotspot, (colour, width) in OUTLINES.items():
        members = list(drawn.filter(pl.col("hotspot") == hotspot).iter_rows(named=True))
        if not members:
            continue
        names, custom = _hover_rows(members, lang, small_label)
        fig.add_trace(
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": [features[r["code"]] for r in members]},
                locations=[r["code"] for r in members],
                z=[1] * len(members),
                text=names,
                customdata=custom,
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker_line_color=colour,
                marker_line_width=width,
                hovertemplate=hover,
                name=class_label(hotspot, lang),
                showlegend=True,
            )
        )
    if emerging is not None and emerging.height:
        located = emerging.filter(pl.col("lat").is_not_null())
        fig.add_trace(
            go.Scattermap(
                lat=located["lat"].to_list(),
                lon=located["lon"].to_list(),
                mode="markers",
                marker={"size": 11, "color": EMERGING_COLOUR, "opacity": 0.9},
                text=[
                    f"{r['commune']} — {r['field_en' if lang == 'en' else 'field_vi']}: "
                    f"{fmt_int(r['recent'], lang) if r['recent'] is not None else small_label} / {r['window_days']}d"
                    for r in located.iter_rows(named=True)
                ],
                hovertemplate="%{text}<extra></extra>",
                name=text("map.emerging_marker", lang),
                showlegend=True,
            )
        )
    fig.update_layout(
        map=_view(list(features.values())),
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        clickmode="event+select",
    )
    if shapes["approximate"].any():
        title = f"{title} · {text('chart.approximate', lang)}"
    return apply_layout(fig, title, 620, lang)


def selected_code(selection: dict | None) -> str | None:
    """The area code of the first clicked polygon in a plotly selection state (None when nothing clicked)."""
    points = (selection or {}).get("points") or []
    for point in points:
        code = point.get("location")
        if code:
            return str(code)
    return None


def _colour(value: float, top: float) -> list[int]:
    """Light yellow to dark red, by square-root of the count relative to the busiest hexagon."""
    share = math.sqrt(value / top) if top > 0 else 0.0
    low, high = (255, 237, 160), (189, 0, 38)
    return [round(a + (b - a) * share) for a, b in zip(low, high, strict=True)] + [200]


def hexagon_deck(cells: pl.DataFrame, boundaries: pl.DataFrame, *, lang: str) -> pydeck.Deck:
    """H3 hexagons coloured by opinion count (no base map: offline), over the outlines of `boundaries`
    (code, geometry) which also set the view. `cells` has columns hex, count."""
    top = float(cells["count"].max() or 0) if cells.height else 0.0
    records = [
        {
            "hex": h,
            "count": int(n),
            "label": text("map.hex_tooltip", lang, count=fmt_int(n, lang)),
            "color": _colour(n, top),
        }
        for h, n in cells.select("hex", "count").iter_rows()
    ]
    layer = pydeck.Layer(
        "H3HexagonLayer",
        records,
        get_hexagon="hex",
        get_fill_color="color",
        get_line_color=[255, 255, 255, 120],
        line_width_min_pixels=0.5,
        extruded=False,
        pickable=True,
    )
    outlines = pydeck.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": _features(boundaries)},
        stroked=True,
        filled=False,
        get_line_color=[120, 120, 120, 160],
        line_width_min_pixels=0.6,
    )
    view = _view(_features(boundaries)) if boundaries.height else {"center": {"lat": 16.0, "lon": 106.0}, "zoom": 4.6}
    state = pydeck.ViewState(latitude=view["center"]["lat"], longitude=view["center"]["lon"], zoom=view["zoom"] + 0.6)
    return pydeck.Deck(
        layers=[outlines, layer],
        initial_view_state=state,
        map_provider=None,
        map_style=None,
        tooltip={"text": "{label}"},
    )


def field_change_bar(frame: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Top fields of the area: opinions as bars, the change against the previous period as the label."""
    rows = list(frame.iter_rows(named=True))[::-1]
    labels = []
    for r in rows:
        change = (
            fmt_pct(r["change_pct"], lang, signed=True)
            if r["change_pct"] is not None
            else text("map.change_none", lang)
        )
        labels.append(f"{fmt_int(r['opinions'], lang)} · {change}")
    fig = go.Figure(
        go.Bar(
            x=[r["opinions"] for r in rows],
            y=[
                text("chart.unclassified", lang)
                if r["field_code"] is None
                else r["name_en" if lang == "en" else "name_vi"]
                for r in rows
            ],
            orientation="h",
            marker_color=["#c62828" if (r["change_pct"] or 0) > 0 else "#1f5f8b" for r in rows],
            text=labels,
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=text("chart.opinions", lang))
    return apply_layout(fig, title, 90 + 34 * max(len(rows), 3), lang)


def emerging_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The emerging list as shown on the page: names in `lang`, rounded figures, q as text ("< 0,0001" rather
    than 0; exact roles only), weekly counts for sparklines."""
    field = "field_en" if lang == "en" else "field_vi"
    table = frame.select(
        pl.col("commune").alias(text("map.col_commune", lang)),
        pl.col("province").alias(text("map.col_province", lang)),
        pl.col(field).alias(text("map.col_field", lang)),
        pl.col("window_days").alias(text("map.col_window", lang)),
        pl.col("recent").alias(text("map.col_recent", lang)),
        pl.col("expected").round(1).alias(text("map.col_expected", lang)),
        pl.col("ratio").round(1).alias(text("map.col_ratio", lang)),
        pl.col("weekly").alias(text("map.col_weekly", lang)),
    )
    if "q_value" not in frame.columns:  # protected roles: no q of the exact counts (analytics.emerging.apply_role)
        return table
    q = pl.Series(text("map.col_q", lang), [fmt_q(v, lang) for v in frame["q_value"]], dtype=pl.String)
    return table.insert_column(7, q)
