"""Chart builders of the trust-index page ("Chỉ số niềm tin"): frames in, plotly figures out.

Every title names the survey waves it covers; hover texts give the sample size (n), the 95% CI and both rank
intervals (of the province alone, and joint with all provinces — the one behind the quartile groups).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from analytics.trust import RANK_DRAWS, RANK_LEVEL, TrustResult
from etl.items import Catalogue
from ui.charts import ACCENT, apply_layout
from ui.i18n import fmt_int, fmt_num, fmt_pct, text

QUARTILE_COLOURS = {1: "#1a7f4b", 2: "#7cb342", 3: "#f4a62a", 4: "#c0392b"}
NATIONAL_COLOUR = "#555555"
PEER_COLOUR = "#b0b7c3"


def _ribbon(
    fig: go.Figure, frame: pl.DataFrame, name: str, colour: str, fill: str, lang: str, width: float = 2.5
) -> None:
    waves = frame["wave"].to_list()
    fig.add_trace(
        go.Scatter(
            x=waves + waves[::-1],
            y=frame["ci_high"].to_list() + frame["ci_low"].to_list()[::-1],
            fill="toself",
            fillcolor=fill,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            name=name,
        )
    )
    hover = [
        text(
            "trust.hover_point",
            lang,
            name=name,
            wave=w,
            index=fmt_num(i, lang),
            low=fmt_num(lo, lang),
            high=fmt_num(hi, lang),
            n=_count(n, lang),
        )  # fmt: skip
        for w, i, lo, hi, n in frame.select("wave", "index", "ci_low", "ci_high", "n").iter_rows()
    ]
    fig.add_trace(
        go.Scatter(
            x=waves,
            y=frame["index"],
            mode="lines+markers",
            name=name,
            line={"color": colour, "width": width},
            hovertext=hover,
            hoverinfo="text",
        )  # fmt: skip
    )


def _breaks(fig: go.Figure, breaks: pl.DataFrame, waves: list[str], lang: str) -> None:
    """A dashed line just before each break wave, labelled with the kind of break."""
    for wave, kind in breaks.select("wave", "kind").iter_rows():
        if wave not in waves or waves.index(wave) == 0:
            continue
        position = waves.index(wave) - 0.5
        fig.add_vline(x=position, line={"dash": "dash", "color": "#888", "width": 1})
        fig.add_annotation(
            x=position, y=1.0, yref="paper", text=text(f"trust.break_{kind}", lang), showarrow=False,
            font={"size": 10, "color": "#555"}, xanchor="left", yanchor="bottom",
        )  # fmt: skip


def trend_chart(
    national: pl.DataFrame,
    breaks: pl.DataFrame,
    *,
    lang: str,
    province: pl.DataFrame | None = None,
    province_name: str | None = None,
    peers: pl.DataFrame | None = None,
) -> go.Figure:
    """Index per wave with 95% CI ribbons: the country, and optionally one province and its peers (thin lines).
    The x axis lists every wave in order (categories), so breaks sit between waves."""
    waves = sorted(set(national["wave"].to_list()) | set(province["wave"].to_list() if province is not None else []))
    fig = go.Figure()
    if peers is not None and peers.height:
        for (_code,), group in peers.sort("wave").group_by("province_code", maintain_order=True):
            fig.add_trace(
                go.Scatter(
                    x=group["wave"],
                    y=group["index"],
                    mode="lines",
                    line={"color": PEER_COLOUR, "width": 1},
                    name=text("trust.peers", lang),
                    legendgroup="peers",
                    showlegend=False,
                    hoverinfo="skip",
                )  # fmt: skip
            )
        fig.data[-1].showlegend = True
    _ribbon(fig, national.sort("wave"), text("trust.national", lang), NATIONAL_COLOUR, "rgba(85,85,85,0.15)", lang)
    if province is not None and province.height:
        _ribbon(fig, province.sort("wave"), province_name or "", ACCENT, "rgba(31,95,139,0.2)", lang, width=3.5)
    _breaks(fig, breaks, waves, lang)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=waves, title=text("trust.wave", lang))
    fig.update_yaxes(title=text("trust.axis_index", lang), rangemode="tozero")
    title = text("trust.trend_title", lang, first=waves[0] if waves else "", last=waves[-1] if waves else "")
    fig = apply_layout(fig, title, 420, lang)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


def caterpillar(frame: pl.DataFrame, names: dict[str, str], *, wave: str, lang: str) -> go.Figure:
    """Every scored province of one wave, sorted by index, with its 95% CI and quartile colour; the hover gives
    both rank intervals. A filled dot is surely in its group (simultaneous rank interval inside the group), a
    hollow one is not: the colours are a statement about all provinces at once."""
    rows = frame.filter(pl.col("index").is_not_null()).sort("index")
    sure = (pl.col("quartile_low_joint") == pl.col("quartile")) & (pl.col("quartile_high_joint") == pl.col("quartile"))
    level = level_text(lang)
    fig = go.Figure()
    for quartile in (1, 2, 3, 4):
        in_legend = True
        for certain in (True, False):
            part = rows.filter((pl.col("quartile") == quartile) & (sure if certain else ~sure.fill_null(False)))
            if part.height == 0:
                continue
            labels = [names.get(c, c) for c in part["province_code"]]
            hover = [
                text(
                    "trust.hover_caterpillar",
                    lang,
                    name=names.get(c, c),
                    index=fmt_num(i, lang),
                    low=fmt_num(lo, lang),
                    high=fmt_num(hi, lang),
                    rank=r,
                    level=level,
                    rank_low=rl,
                    rank_high=rh,
                    joint_low=jl,
                    joint_high=jh,
                    group=group_text(quartile, ql, qh, lang),
                    n=_count(n, lang),
                )  # fmt: skip
                for c, i, lo, hi, r, rl, rh, jl, jh, ql, qh, n in part.select(
                    "province_code",
                    "index",
                    "ci_low",
                    "ci_high",
                    "rank",
                    "rank_low",
                    "rank_high",
                    "rank_low_joint",
                    "rank_high_joint",
                    "quartile_low_joint",
                    "quartile_high_joint",
                    "n",
                ).iter_rows()  # fmt: skip
            ]
            colour = QUARTILE_COLOURS[quartile]
            fig.add_trace(
                go.Scatter(
                    x=part["index"],
                    y=labels,
                    mode="markers",
                    marker={
                        "color": colour,
                        "size": 9,
                        "symbol": "circle" if certain else "circle-open",
                        "line": {"color": colour, "width": 2},
                    },  # fmt: skip
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": (part["ci_high"] - part["index"]).to_list(),
                        "arrayminus": (part["index"] - part["ci_low"]).to_list(),
                        "color": colour,
                    },  # fmt: skip
                    name=text(f"trust.quartile_{quartile}", lang),
                    legendgroup=f"quartile_{quartile}",
                    showlegend=in_legend,
                    hovertext=hover,
                    hoverinfo="text",
                )
            )
            in_legend = False
    order = [names.get(c, c) for c in rows["province_code"]]
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_xaxes(title=text("trust.axis_index", lang))
    fig = apply_layout(fig, text("trust.caterpillar_title", lang, wave=wave), max(380, 22 * rows.height + 120), lang)
    fig.update_layout(legend={"orientation": "h", "y": -0.08})
    return fig


def level_text(lang: str) -> str:
    """The rank intervals' level as the page prints it ("90%")."""
    return fmt_pct(RANK_LEVEL, lang, 0)


def group_text(quartile: int | None, low: int | None, high: int | None, lang: str) -> str:
    """A province's quartile group on its point estimate, qualified by the groups its simultaneous rank
    interval allows (`low`..`high`): a group is a statement about all provinces at once."""
    if quartile is None:
        return ""
    name = text(f"trust.quartile_{quartile}", lang)
    if low == high == quartile:
        return text("trust.group_sure", lang, quartile=name)
    groups = ", ".join(text(f"trust.quartile_{q}", lang) for q in range(low or 1, (high or 4) + 1))
    return text("trust.group_unsure", lang, quartile=name, groups=groups)


def groups_table(groups: pl.DataFrame, names: dict[str, str], lang: str) -> pl.DataFrame:
    """trust.quartile_groups labelled in `lang`: group, provinces on the point estimate, those surely in it,
    how many could be."""
    return pl.DataFrame(
        {
            text("trust.col_group", lang): [text(f"trust.quartile_{q}", lang) for q in groups["quartile"]],
            text("trust.col_group_point", lang): [len(p) for p in groups["provinces"]],
            text("trust.col_group_sure", lang): [
                ", ".join(names.get(c, c) for c in sure) or text("trust.group_none", lang) for sure in groups["sure"]
            ],
            text("trust.col_group_possible", lang): groups["possible"],
        }
    )


def profile_chart(
    dimensions: pl.DataFrame, names: dict[str, str], *, wave: str, province_name: str | None, lang: str
) -> go.Figure:
    """Dimension scores (0–100, 95% CI) of a province against the country, one wave."""
    fig = go.Figure()
    series = [("national", text("trust.national", lang), NATIONAL_COLOUR)]
    if province_name:
        series.insert(0, ("province", province_name, ACCENT))
    for level, label, colour in series:
        part = dimensions.filter(pl.col("level") == level)
        fig.add_trace(
            go.Bar(
                y=[names.get(d, d) for d in part["dimension"]],
                x=part["estimate"],
                orientation="h",
                name=label,
                marker_color=colour,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["ci_high"] - part["estimate"]).to_list(),
                    "arrayminus": (part["estimate"] - part["ci_low"]).to_list(),
                },  # fmt: skip
                hovertext=[
                    text(
                        "trust.hover_dimension",
                        lang,
                        name=label,
                        dimension=names.get(d, d),
                        value=fmt_num(v, lang),
                        low=fmt_num(lo, lang),
                        high=fmt_num(hi, lang),
                        n=_count(n, lang),
                    )  # fmt: skip
                    for d, v, lo, hi, n in part.select("dimension", "estimate", "ci_low", "ci_high", "n").iter_rows()
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=text("trust.axis_score", lang), range=[0, 100])
    return apply_layout(fig, text("trust.profile_title", lang, wave=wave), 420, lang)


def _count(n: int | None, lang: str) -> str:
    """A respondent count, or "ẩn" when the viewer's small-count rule hides it (analytics.protected)."""
    return fmt_int(n, lang) if n is not None else text("auth.hidden", lang)


def province_names(provinces: pl.DataFrame) -> dict[str, str]:
    """Province code -> short name (the same in both languages)."""
    return dict(provinces.select("province_code", "name_short").iter_rows())


def dimension_names(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """Dimension code -> its name in `lang`."""
    return {d.code: d.name_en if lang == "en" else d.name_vi for d in catalogue.dimensions}


def method_text(result: TrustResult, summary: pl.DataFrame, lang: str) -> str:
    """The one-minute methodology paragraph, with the sensitivity headline of the shown wave."""

    names = province_names(result.provinces)
    worst = summary.sort("shift", descending=True).head(1)
    return text(
        "trust.method_text",
        lang,
        items=len(result.catalogue.items),
        dims=len(result.catalogue.dimensions),
        version=result.catalogue.version,
        draws=fmt_int(RANK_DRAWS, lang),
        level=level_text(lang),
        median_shift=fmt_num(float(summary["shift"].median() or 0), lang),
        max_shift=int(worst["shift"][0]) if worst.height else 0,
        max_name=names.get(worst["province_code"][0], "—") if worst.height else "—",
    )


def waves_table(result: TrustResult, lang: str) -> pl.DataFrame:
    """The waves with fieldwork dates, respondents, mode, weighting and break notes, labelled in `lang`."""
    notes = {w: n for w, n in result.breaks.select("wave", "note_en" if lang == "en" else "note_vi").iter_rows()}
    rows = []
    for wave, first, last, n, modes, weighting in result.waves.iter_rows():
        rows.append(
            {
                text("trust.col_wave", lang): wave,
                text("trust.col_fieldwork", lang): f"{first:%d/%m/%Y}–{last:%d/%m/%Y}" if first and last else "",
                text("trust.col_n", lang): _count(n, lang),
                text("trust.col_modes", lang): modes,
                text("trust.col_weighting", lang): ", ".join(
                    text(f"trust.weighting.{w}", lang) for w in (weighting or "").split(", ") if w
                ),
                text("trust.col_break", lang): notes.get(wave, ""),
            }
        )
    return pl.DataFrame(rows)
