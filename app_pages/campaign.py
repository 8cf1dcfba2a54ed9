"""Tháng lắng nghe — a listening campaign's window against its baseline, by level and locality."""

import polars as pl
import streamlit as st

from analytics.campaign import BASELINE_WEEKS
from ui import auth, charts_voices, data, data_voices
from ui.filters import current_filters
from ui.i18n import current_language, fmt_int, fmt_num, fmt_pct, fmt_period, t

FILTER_PERIOD = ""

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("campaign.title"))
st.caption(t("campaign.intro"))

known = data_voices.campaigns(scope)
windows = {FILTER_PERIOD: (filters.date_from, filters.date_to)} | {
    row["campaign"]: (row["first_day"], row["last_day"]) for row in known.iter_rows(named=True)
}
listening = [name for name in windows if "lắng nghe" in name.lower()]
chosen = st.selectbox(
    t("campaign.pick"),
    list(windows),
    index=list(windows).index(listening[0]) if listening else 0,
    format_func=lambda name: name or t("campaign.filter_period", period=fmt_period(*windows[FILTER_PERIOD], lang)),
    key="campaign",
)
start, end = windows[chosen]
window = filters.with_period(start, end)
st.caption(t("campaign.window", period=fmt_period(start, end, lang)))

view = data_voices.campaign_view(scope, window)
totals = data_voices.campaign_totals(scope, window)
if totals.opinions == 0:
    st.info(t("handling.empty"), icon=":material/filter_alt_off:")
    st.stop()
if totals.opinions is None:  # the total itself is a small count for this viewer's role
    st.info(t("overview.too_few", label=auth.fmt_count(None)), icon=":material/visibility_off:")
    st.stop()

baseline = fmt_int(totals.baseline, lang) if totals.baseline is not None else auth.fmt_count(None)
opinions, per_10k, share = st.columns(3)
opinions.metric(
    t("campaign.total"), auth.fmt_count(totals.opinions, lang), delta=t("campaign.vs_baseline", baseline=baseline),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
per_10k.metric(
    t("campaign.per_10k"), fmt_num(totals.per_10k, lang, 2) if totals.per_10k is not None else "—",
    delta=t("campaign.per_10k_detail", population=fmt_int(totals.population, lang)),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip
share.metric(
    t("campaign.answered"), fmt_pct(totals.answered_share, lang) if totals.answered_share is not None else "—",
    delta=t("campaign.answered_detail", answered=auth.fmt_count(totals.answered, lang),
            opinions=auth.fmt_count(totals.opinions, lang)),
    delta_color="off", delta_arrow="off", border=True,
)  # fmt: skip

st.plotly_chart(charts_voices.daily_vs_baseline(view["daily"], lang=lang))
st.caption(t("campaign.baseline_rule", weeks=BASELINE_WEEKS))
st.plotly_chart(charts_voices.levels_bar(view["levels"], date_from=start, date_to=end, lang=lang))

st.subheader(t("campaign.provinces"))
st.dataframe(
    auth.count_cells(view["provinces"], ["opinions"], lang).select(
        pl.col("province_name").alias(t("campaign.col.province")),
        pl.col("opinions").alias(t("campaign.col.opinions")),
        pl.col("per_10k").round(2).alias(t("campaign.col.per_10k")),
        (100 * pl.col("answered_share")).round(1).alias(t("campaign.col.answered_share") + " (%)"),
        pl.col("silent_communes").alias(t("campaign.col.silent")),
    ),
    hide_index=True,
)
if auth.small_count_note():
    st.caption(auth.small_count_note())
silent = view["silent"]
st.subheader(t("campaign.silent", n=fmt_int(silent.height, lang)))
st.dataframe(
    silent.select(
        pl.col("province_name").alias(t("campaign.col.province")),
        pl.col("commune_name").alias(t("campaign.col.commune")),
        "commune_code",
    ),
    hide_index=True,
)
