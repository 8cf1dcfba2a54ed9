"""Kết quả — Fund for the Poor, solidarity houses, poor and near-poor rates, security incidents, mediation."""

import polars as pl
import streamlit as st

from analytics import outcomes
from ui import auth, charts_front, data, data_front
from ui.filters import current_filters
from ui.i18n import current_language, fmt_num, fmt_pct, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("outcomes.title"))
st.caption(t("outcomes.intro"))
summary, monthly = data_front.outcomes_view(scope, filters)
if summary.is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
    st.stop()
first, last = summary["first_period"].min(), summary["last_period"].max()
st.caption(t("outcomes.period", first=first, last=last))

rows = {r["indicator"]: r for r in summary.iter_rows(named=True)}
shown = [i for i in (*outcomes.INDICATORS, outcomes.DERIVED) if i in rows and i != "mediation_resolved"]
for start in range(0, len(shown), 4):
    for column, indicator in zip(st.columns(4), shown[start : start + 4], strict=False):
        r = rows[indicator]
        if indicator == outcomes.DERIVED:
            value = fmt_pct(r["latest_rate"], lang) if r["latest_rate"] is not None else auth.fmt_count(None, lang)
        elif indicator in outcomes.RATES:
            value = fmt_num(r["latest_rate"], lang, 2) + "%"
        else:
            value = auth.fmt_count(r["total"], lang)
        column.metric(t(f"front.indicator.{indicator}"), value, border=True)

st.subheader(t("outcomes.trend"))
indicator = st.selectbox(
    t("outcomes.pick"), shown, format_func=lambda i: t(f"front.indicator.{i}"), key="outcomes_indicator"
)
series = monthly.filter(pl.col("indicator") == indicator)
st.plotly_chart(
    charts_front.lines(
        series,
        x="period",
        y="value",
        series=None,
        title=t("outcomes.trend_title", indicator=t(f"front.indicator.{indicator}"), first=first, last=last),
        lang=lang,
        percent=indicator == outcomes.DERIVED,
    )
)

st.subheader(t("outcomes.compare"))
compare = data_front.outcome_by_province(scope, filters, indicator)
rate = indicator in (*outcomes.RATES, outcomes.DERIVED)
column = "value" if rate else "per_100k"
compare = compare.sort(column, descending=True, nulls_last=True).head(20)
basis = t("outcomes.basis_rate") if rate else t("outcomes.basis_total")
st.plotly_chart(
    charts_front.bars(
        compare["province_name"].to_list(),
        compare[column].to_list(),
        percent=indicator == outcomes.DERIVED,
        title=t(
            "outcomes.compare_title", indicator=t(f"front.indicator.{indicator}"), first=first, last=last, basis=basis
        ),
        lang=lang,
    )
)
if auth.small_count_note():
    st.caption(auth.small_count_note())
