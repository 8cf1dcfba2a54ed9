"""Tổng quan — how many opinions, about what, where, and whether they are answered on time."""

import streamlit as st

from analytics.overview import ON_TIME_DAYS, area_level
from ui import auth, charts, data
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, fmt_pct, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("overview.title"))
st.caption(t("overview.intro"))

kpis = data.kpis(scope, filters)
if kpis.opinions == 0:
    st.info(t("overview.empty"), icon=":material/filter_alt_off:")
    st.stop()
if kpis.opinions is None:  # the total itself is a small count for this viewer's role
    st.info(t("overview.too_few", label=auth.fmt_count(None)), icon=":material/visibility_off:")
    st.stop()

opinions, previous, on_time = st.columns(3)
opinions.metric(
    t("kpi.opinions"),
    auth.fmt_count(kpis.opinions, lang),
    delta=t("kpi.delta", pct=fmt_pct(kpis.change_pct, lang, signed=True)) if kpis.change_pct is not None else None,
    delta_color="off",
    help=t("kpi.opinions_help", date_from=fmt_date(kpis.date_from, lang), date_to=fmt_date(kpis.date_to, lang)),
    border=True,
)
previous.metric(
    t("kpi.previous"),
    auth.fmt_count(kpis.previous_opinions, lang),
    help=t("kpi.previous_help", date_from=fmt_date(kpis.previous_from, lang), date_to=fmt_date(kpis.previous_to, lang)),
    border=True,
)
on_time.metric(
    t("kpi.on_time"),
    fmt_pct(kpis.on_time_share, lang) if kpis.on_time_share is not None else t("kpi.on_time_value_none"),
    delta=t("kpi.on_time_detail", on_time=auth.fmt_count(kpis.on_time, lang), due=auth.fmt_count(kpis.due, lang)),
    delta_color="off",
    delta_arrow="off",
    help=t("kpi.on_time_rule", days=ON_TIME_DAYS, due=auth.fmt_count(kpis.due, lang)),
    border=True,
)
st.caption(t("kpi.on_time_rule", days=ON_TIME_DAYS, due=auth.fmt_count(kpis.due, lang)))

st.subheader(t("overview.fields"))
st.plotly_chart(
    charts.top_fields_bar(
        data.top_fields(scope, filters), total=kpis.opinions, date_from=kpis.date_from, date_to=kpis.date_to, lang=lang
    )
)

st.subheader(t("overview.areas"))
level, province_code = area_level(scope, filters)
areas = data.rate_by_area(scope, filters)
province_name = charts.province_name(data.provinces(scope), province_code)
title_args = {"date_from": kpis.date_from, "date_to": kpis.date_to, "lang": lang, "province_name": province_name}
area_map = charts.rate_map(
    areas,
    data.boundaries(scope, level, province_code),
    title=charts.rate_title(level, map_=True, **title_args),
    lang=lang,
)
ranking = charts.rate_bar(areas, title=charts.rate_title(level, **title_args), lang=lang)
if area_map is None:
    st.plotly_chart(ranking)
else:
    map_tab, bar_tab = st.tabs([t("overview.map_tab"), t("overview.bar_tab")])
    map_tab.plotly_chart(area_map)
    bar_tab.plotly_chart(ranking)
st.caption(charts.population_note(areas, lang))

st.subheader(t("overview.trend"))
st.plotly_chart(charts.monthly_trend_line(data.monthly_trend(scope, filters), lang=lang))
if auth.small_count_note():
    st.caption(auth.small_count_note())
