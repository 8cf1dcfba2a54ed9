"""Tiếng nói nhân dân — search and read opinions, see what is rising, correct a field."""

import getpass

import polars as pl
import streamlit as st

from analytics.voices import EXPORT_LIMIT, PAGE_SIZE, PHRASE_SAMPLE
from ui import charts_voices, data, data_voices
from ui.filters import current_filters
from ui.i18n import current_language, fmt_datetime, fmt_int, fmt_num, fmt_period, plain, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
name_column = "name_en" if lang == "en" else "name_vi"
field_names = dict(data.fields(scope).select("field_code", name_column).iter_rows())
channel_names = dict(data.channels(scope).select("channel_code", name_column).iter_rows())
province_names = dict(data.provinces(scope).select("province_code", "name_vi").iter_rows())
period = fmt_period(filters.date_from, filters.date_to, lang)

st.title(t("voices.title"))
st.caption(t("voices.intro"))

search_text = st.text_input(t("voices.search"), key="q", bind="query-params", placeholder=t("voices.search_hint"))
total = data_voices.count(scope, filters, search_text)
if total == 0:
    st.info(t("voices.empty"), icon=":material/search_off:")
    st.stop()

pages = (total - 1) // PAGE_SIZE + 1
page = int(st.number_input(t("voices.page"), min_value=1, max_value=pages, value=1, step=1, key="voices_page"))
st.caption(t("voices.count", n=fmt_int(total, lang), period=period, page=page, pages=fmt_int(pages, lang)))
rows = data_voices.search(scope, filters, search_text, page - 1)
table = rows.select(
    pl.col("source_id").alias(t("voices.col.id")),
    pl.col("received_at").alias(t("voices.col.received")),
    pl.col("province_code").replace_strict(province_names, default=None).alias(t("voices.col.province")),
    pl.col("field").replace_strict(field_names, default=t("origin.none")).alias(t("voices.col.field")),
    pl.col("field_origin").fill_null("none").map_elements(lambda o: t(f"origin.{o}"), return_dtype=pl.String)
    .alias(t("voices.col.origin")),
    pl.col("channel").replace_strict(channel_names, default=None).alias(t("voices.col.channel")),
    pl.col("status").alias(t("voices.col.status")),
    pl.col("content").alias(t("voices.col.content")),
)  # fmt: skip
event = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="voices_table")
st.download_button(
    t("voices.export"),
    data=data_voices.export_csv(scope, filters, search_text),
    file_name=f"y_kien_{filters.date_from}_{filters.date_to}.csv",
    mime="text/csv",
    help=t("voices.export_help", limit=fmt_int(EXPORT_LIMIT, lang)),
    icon=":material/download:",
)

picked = event.selection.rows if event and event.selection else []
ids = rows["source_id"].to_list()
chosen_id = st.selectbox(
    t("voices.col.id"), ids, index=picked[0] if picked else None, key="voices_pick", placeholder=t("voices.pick")
)
if chosen_id is None:
    st.caption(t("voices.pick"))
else:
    chosen = rows.row(ids.index(chosen_id), named=True)
    found = data_voices.detail(scope, chosen["source_system"], chosen["source_id"])
    if found is not None:
        opinion = found["opinion"]
        with st.container(border=True):
            st.subheader(t("voices.detail", id=plain(opinion["source_id"])))
            st.text(opinion["content"])
            confidence = opinion.get("field_confidence")
            st.caption(
                t(
                    "voices.detail_meta",
                    received=fmt_datetime(opinion["received_at"], lang),
                    channel=channel_names.get(opinion["channel"], opinion["channel"]),
                    agency=plain(opinion["agency"] or "—"),
                    field=field_names.get(opinion["field"], t("origin.none")),
                    origin=t(f"origin.{opinion['field_origin'] or 'none'}"),
                    confidence=f", {fmt_num(100 * confidence, lang, 0)}%" if confidence is not None else "",
                )
            )
            history, group = st.columns(2)
            history.markdown(f"**{t('voices.history')}**")
            history.dataframe(
                found["history"].with_columns(
                    pl.col("step").map_elements(lambda s: t(f"voices.step.{s}"), return_dtype=pl.String)
                ),
                hide_index=True,
            )
            group.markdown(
                f"**{t('voices.case_group', n=found['case_group'].height, days=data_voices.CASE_WINDOW_DAYS)}**"
            )
            group.dataframe(
                found["case_group"].select("source_id", "received_at", "channel", "content"), hide_index=True
            )
            with st.form("correction"):
                st.markdown(f"**{t('voices.correct')}**")
                new_field = st.selectbox(
                    t("voices.correct_field"), list(field_names), format_func=lambda c: field_names.get(c, c),
                    index=list(field_names).index(opinion["field"]) if opinion["field"] in field_names else 0,
                )  # fmt: skip
                who = st.text_input(t("voices.correct_by"), value=getpass.getuser())
                if st.form_submit_button(t("voices.correct_submit")):
                    path = data_voices.write_correction(opinion["source_system"], opinion["source_id"], new_field, who)
                    st.success(t("voices.correct_sent", file=path.name), icon=":material/task_alt:")

st.subheader(t("voices.rising"))
left, right = st.columns(2)
left.plotly_chart(
    charts_voices.rising_fields_bar(
        data_voices.rising_fields(scope, filters), field_names,
        date_from=filters.date_from, date_to=filters.date_to, lang=lang,
    )
)  # fmt: skip
right.markdown(f"**{t('voices.phrases', sample=fmt_int(PHRASE_SAMPLE, lang))}**")
right.dataframe(
    data_voices.rising_phrases(scope, filters).select(
        pl.col("phrase").alias(t("voices.col.phrase")),
        (100 * pl.col("current_share")).round(2).alias(t("voices.col.current_share") + " (%)"),
        (100 * pl.col("previous_share")).round(2).alias(t("voices.col.previous_share") + " (%)"),
    ),
    hide_index=True,
)
