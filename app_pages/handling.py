"""Xử lý & phản hồi — funnel, answers on time in working days, overdue cases, league tables."""

import polars as pl
import streamlit as st

from analytics import protected, suppress, workdays
from ui import auth, charts_voices, data, data_voices
from ui.filters import current_filters
from ui.i18n import current_language, fmt_datetime, fmt_num, fmt_pct, t

MIN_DUE = 20

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("handling.title"))
st.caption(t("handling.intro"))

summary = data_voices.handling_summary(scope, filters)
if summary.opinions == 0:
    st.info(t("handling.empty"), icon=":material/filter_alt_off:")
    st.stop()
if summary.opinions is None:  # the total itself is a small count for this viewer's role
    st.info(t("overview.too_few", label=auth.fmt_count(None)), icon=":material/visibility_off:")
    st.stop()

on_time, median, overdue, satisfaction = st.columns(4)
on_time.metric(
    t("handling.on_time"),
    fmt_pct(summary.on_time_share, lang) if summary.on_time_share is not None else t("handling.none"),
    delta=t("handling.on_time_detail", on_time=auth.fmt_count(summary.on_time, lang), due=auth.fmt_count(summary.due, lang)),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
median.metric(
    t("handling.median"),
    fmt_num(summary.median_days, lang) if summary.median_days is not None else t("handling.none"),
    delta=t("handling.median_detail", n=auth.fmt_count(summary.answered, lang)),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
overdue.metric(
    t("handling.overdue"), auth.fmt_count(summary.overdue, lang), delta=t("handling.overdue_detail"),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
satisfaction.metric(
    t("handling.satisfaction"),
    fmt_num(summary.satisfaction, lang) if summary.satisfaction is not None else t("handling.none"),
    delta=t("handling.satisfaction_detail", n=auth.fmt_count(summary.rated, lang)),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
st.caption(t("handling.rule", as_of=fmt_datetime(summary.as_of, lang)))
with st.expander(t("handling.deadlines")):
    st.dataframe(workdays.deadline_rules(), hide_index=True)

st.plotly_chart(
    charts_voices.funnel(
        protected.handling_funnel(summary), date_from=filters.date_from, date_to=filters.date_to, lang=lang,
        small_label=suppress.small_count_label(auth.viewer_role(), "screen"),
    )
)  # fmt: skip

st.subheader(t("handling.league"))
st.caption(t("handling.league_help", min_due=MIN_DUE))


def _league_table(frame: pl.DataFrame, key: str, label: str) -> pl.DataFrame:
    return auth.count_cells(frame, ["received", "due", "overdue"], lang).select(
        pl.col(key).alias(label),
        pl.col("received").alias(t("handling.col.received")),
        pl.col("due").alias(t("handling.col.due")),
        (100 * pl.col("on_time_share")).round(1).alias(t("handling.col.on_time_share") + " (%)"),
        pl.col("median_days").round(1).alias(t("handling.col.median_days")),
        pl.col("overdue").alias(t("handling.col.overdue")),
    )


agency_tab, province_tab = st.tabs([t("handling.agencies"), t("handling.provinces")])
for tab, by, key, label in (
    (agency_tab, "agency", "agency", t("handling.col.agency")),
    (province_tab, "province", "province_name", t("handling.col.province")),
):
    best, worst = data_voices.league_top_bottom(scope, filters, by)
    top, bottom = tab.columns(2)
    top.markdown(f"**{t('handling.top')}**")
    top.dataframe(_league_table(best, key, label), hide_index=True)
    bottom.markdown(f"**{t('handling.bottom')}**")
    bottom.dataframe(_league_table(worst, key, label), hide_index=True)

st.subheader(t("handling.overdue_list"))
st.dataframe(
    data_voices.overdue(scope, filters).select(
        "source_id",
        pl.col("received_at").alias(t("voices.col.received")),
        pl.col("deadline").alias(t("handling.col.deadline")),
        pl.col("working_days_late").alias(t("handling.col.late")),
        pl.col("agency").alias(t("handling.col.agency")),
        pl.col("content").alias(t("voices.col.content")),
    ),
    hide_index=True,
)
if auth.small_count_note():
    st.caption(auth.small_count_note())
