"""Công khai — what provinces chose to publish: opinions by field, share answered on time, answers given.
No login, no citizen text, counts below 10 hidden."""

import streamlit as st

from analytics import public
from ui import data, data_public
from ui.filters import current_filters
from ui.i18n import current_language, fmt_period, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
settings = data_public.settings()
period = fmt_period(filters.date_from, filters.date_to, lang)

st.title(t("public.title"))
st.caption(t("public.intro", period=period))

shown = False
for choice, heading, table in (
    ("counts_by_field", "public.fields", data_public.field_table),
    ("on_time_share", "public.on_time", data_public.on_time_table),
    ("answers", "public.answers", data_public.answers_table),
):
    provinces = public.provinces_publishing(settings, choice, scope)
    if filters.province_code:
        provinces = [p for p in provinces if p == filters.province_code]
    if not provinces:
        continue
    shown = True
    st.subheader(t(heading))
    st.dataframe(table(scope, filters, provinces, lang), hide_index=True)
    st.caption(t("public.which", n=len(provinces), period=period))
if not shown:
    st.info(t("public.nothing"), icon=":material/visibility_off:")
st.caption(t("public.rules"))
