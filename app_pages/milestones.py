"""Lộ trình — action-programme milestones with the 5 clear points and their status."""

import polars as pl
import streamlit as st

from analytics import milestones
from ui import charts_front, data, data_front
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("milestones.title"))
st.caption(t("milestones.intro"))
frame, as_of = data_front.milestones_view(scope, filters)
if frame.is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
    st.stop()
st.caption(t("milestones.as_of", as_of=fmt_date(as_of, lang)))

names = {"national": t("milestones.national")} | dict(
    frame.filter(pl.col("scope_name").is_not_null()).select("scope", "scope_name").unique().iter_rows()
)
counts = milestones.status_counts(frame)
status_columns = st.columns(len(milestones.STATUSES))
for column, status in zip(status_columns, milestones.STATUSES, strict=True):
    column.metric(t(f"front.status.{status}"), int((frame["status"] == status).sum()), border=True)
st.plotly_chart(
    charts_front.status_stack(counts, title=t("milestones.status_title", n=frame.height), lang=lang, scope_names=names)
)
st.dataframe(
    frame.select(
        pl.col("scope").replace_strict(names, default=pl.col("scope")).alias(t("milestones.col_scope")),
        pl.col("title").alias(t("milestones.col_goal")),
        pl.format("{}: {}", pl.col("indicator"), pl.col("target")).alias(t("milestones.col_task")),
        pl.col("due_date").alias(t("milestones.col_deadline")),
        pl.col("owner").alias(t("milestones.col_owner")),
        pl.col("result").alias(t("milestones.col_result")),
        pl.col("status")
        .map_elements(lambda s: t(f"front.status.{s}"), return_dtype=pl.String)
        .alias(t("milestones.col_status")),
        pl.col("days_overdue").alias(t("milestones.col_overdue")),
    ),
    hide_index=True,
)
