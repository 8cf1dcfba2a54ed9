"""Chart builders for the Voices, Handling and Listening Month pages: frames in, plotly figures out.
Every title names what is counted and the date range."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from ui.charts import ACCENT, apply_layout
from ui.i18n import fmt_int, fmt_pct, fmt_period, text

MUTED = "#9aa5b1"


def funnel(
    frame: pl.DataFrame, *, date_from: date, date_to: date, lang: str, small_label: str | None = None
) -> go.Figure:
    """received → forwarded → answered → resolved with each step's share of received; a stage hidden by the
    small-count rule (null opinions) reads `small_label` ("<5", "<10") and draws no bar."""
    labels = [text(f"handling.stage.{s}", lang) for s in frame["stage"]]
    shares = frame["share"].to_list() if "share" in frame.columns else [None] * frame.height
    words = [
        (small_label or "—")
        if n is None
        else fmt_int(n, lang) + (f" ({fmt_pct(s, lang)})" if s is not None and i else "")
        for i, (n, s) in enumerate(zip(frame["opinions"].to_list(), shares, strict=True))
    ]
    fig = go.Figure(
        go.Funnel(y=labels, x=[n or 0 for n in frame["opinions"].to_list()], text=words, textinfo="text",
                  marker={"color": ACCENT})
    )  # fmt: skip
    return apply_layout(
        fig, text("handling.funnel_title", lang, period=fmt_period(date_from, date_to, lang)), 320, lang
    )


def daily_vs_baseline(frame: pl.DataFrame, *, lang: str) -> go.Figure:
    """Opinions per day of the window (bars) against the same-weekday baseline (line)."""
    fig = go.Figure()
    fig.add_bar(x=frame["day"].to_list(), y=frame["opinions"].to_list(), name=text("campaign.opinions", lang),
                marker={"color": ACCENT})  # fmt: skip
    fig.add_scatter(x=frame["day"].to_list(), y=frame["baseline"].to_list(), name=text("campaign.baseline", lang),
                    mode="lines", line={"color": MUTED, "dash": "dash"})  # fmt: skip
    period = fmt_period(frame["day"].min(), frame["day"].max(), lang) if frame.height else ""
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return apply_layout(fig, text("campaign.daily_title", lang, period=period), 360, lang)


def levels_bar(frame: pl.DataFrame, *, date_from: date, date_to: date, lang: str) -> go.Figure:
    """Opinions per handling level in the window."""
    labels = [text(f"level.{lv or 'none'}", lang) for lv in frame["level"]]
    fig = go.Figure(go.Bar(x=labels, y=frame["opinions"].to_list(), marker={"color": ACCENT}))
    return apply_layout(
        fig, text("campaign.levels_title", lang, period=fmt_period(date_from, date_to, lang)), 320, lang
    )


def rising_fields_bar(
    frame: pl.DataFrame, names: dict[str, str], *, date_from: date, date_to: date, lang: str
) -> go.Figure:
    """Change in opinions per field against the previous period of equal length (rises first)."""
    shown = frame.sort("change")
    labels = [
        names.get(f, text("chart.unclassified", lang)) if f else text("chart.unclassified", lang)
        for f in shown["field"]
    ]
    colours = [ACCENT if c >= 0 else MUTED for c in shown["change"]]
    fig = go.Figure(go.Bar(x=shown["change"].to_list(), y=labels, orientation="h", marker={"color": colours},
                           customdata=list(zip(shown["current"], shown["previous"], strict=True)),
                           hovertemplate="%{y}: %{customdata[0]} / %{customdata[1]}<extra></extra>"))  # fmt: skip
    title = text("voices.rising_title", lang, period=fmt_period(date_from, date_to, lang))
    return apply_layout(fig, title, 80 + 24 * max(shown.height, 1), lang)
