"""Giám sát & phản biện — contents per unit against targets, dialogues, the recommendation chain, overdue items."""

import polars as pl
import streamlit as st

from analytics import monitoring
from analytics.targets import load_targets
from ui import auth, charts_front, data, data_front
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, fmt_int, fmt_pct, fmt_period, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
targets = load_targets()

st.title(t("monitoring.title"))
st.caption(t("monitoring.intro"))
view = data_front.monitoring_view(scope, filters)
period = fmt_period(filters.date_from, filters.date_to, lang)

st.subheader(t("monitoring.targets"))
st.caption(t("monitoring.targets_rule", source=targets["monitoring"][f"source_{lang}"]) + " " + t("front.targets_note"))
table = view["targets"]
if table.is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
else:
    years = f"{table['year'].min()}–{table['year'].max()}"
    latest = table.filter(pl.col("year") == table["year"].max())
    st.plotly_chart(
        charts_front.bars(
            [
                f"{t(f'front.activity.{k}')} · {t(f'level.{lv}')}"
                for lv, k in latest.select("level", "kind").iter_rows()
            ],
            latest["share_meeting"].to_list(),
            percent=True,
            title=t("monitoring.targets_title", years=str(table["year"].max())),
            lang=lang,
        )
    )
    st.dataframe(
        table.select(
            pl.col("year").alias(t("monitoring.col_year")),
            pl.col("level")
            .map_elements(lambda v: t(f"level.{v}"), return_dtype=pl.String)
            .alias(t("monitoring.col_level")),
            pl.col("kind")
            .map_elements(lambda v: t(f"front.activity.{v}"), return_dtype=pl.String)
            .alias(t("monitoring.col_kind")),
            pl.col("units").alias(t("monitoring.col_units")),
            pl.col("units_meeting").alias(t("monitoring.col_meeting")),
            pl.col("per_unit").round(2).alias(t("monitoring.col_per_unit")),
            pl.col("target").alias(t("monitoring.col_target")),
        ),
        hide_index=True,
    )
    st.caption(t("monitoring.targets_title", years=years))

st.subheader(t("monitoring.dialogues"))
st.caption(t("monitoring.period", period=period))
held, concluded, handled = st.columns(3)
if view["dialogues"].height:
    d = view["dialogue_totals"]  # citizens' opinions under the viewer's small-count rule
    held.metric(t("monitoring.dialogues_held"), fmt_int(d["dialogues"], lang), border=True)
    concluded.metric(
        t("monitoring.concluded"),
        fmt_pct(d["concluded_share"], lang) if d["concluded_share"] is not None else "—",
        help=t(
            "monitoring.concluded_help",
            concluded=auth.fmt_count(d["concluded"], lang),
            opinions=auth.fmt_count(d["opinions"], lang),
        ),
        border=True,
    )
    handled.metric(
        t("monitoring.handled"),
        fmt_pct(d["handled_share"], lang) if d["handled_share"] is not None else "—",
        help=t(
            "monitoring.handled_help",
            handled=auth.fmt_count(d["handled"], lang),
            total=auth.fmt_count(d["channel_opinions"], lang),
        ),
        border=True,
    )
else:
    st.info(t("front.empty"), icon=":material/filter_alt_off:")

st.subheader(t("monitoring.chain"))
recs = view["recommendations"]
if recs.is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
    st.stop()
st.plotly_chart(
    charts_front.chain_funnel(monitoring.chain(recs), title=t("monitoring.chain_title", period=period), lang=lang)
)

st.subheader(t("monitoring.overdue"))
late = int((recs["stage"] == "answered_late").sum())
st.caption(t("monitoring.overdue_rule", as_of=fmt_date(view["as_of"], lang), late=fmt_int(late, lang)))
overdue = monitoring.overdue_by_agency(recs, targets["recommendations"]["overdue_buckets"])
st.metric(t("monitoring.overdue_total"), fmt_int(overdue["overdue"].sum(), lang), border=True)
st.dataframe(
    overdue.select(
        pl.col("agency").alias(t("monitoring.col_agency")),
        pl.col("age").alias(t("monitoring.col_age")),
        pl.col("overdue").alias(t("monitoring.col_overdue")),
        pl.col("oldest_days").alias(t("monitoring.col_oldest")),
    ),
    hide_index=True,
)
