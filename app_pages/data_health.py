"""Dữ liệu — for the data officer: upload files, see what each load did, what was quarantined and why,
which sources have gone quiet and which communes have no opinions."""

from pathlib import Path

import streamlit as st

from analytics import datahealth
from ui import data, data_health
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, fmt_int, fmt_period, plain, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("datahealth.title"))
st.caption(t("datahealth.intro"))

# Upload and templates -----------------------------------------------------------------------------------
st.subheader(t("datahealth.upload_header"))
upload_column, template_column = st.columns([3, 2])
with upload_column:
    if data_health.may_upload():
        files = st.file_uploader(
            t("datahealth.upload_label"),
            accept_multiple_files=True,
            key="data_health.uploader",
            help=t("datahealth.upload_help", mb=data_health.MAX_UPLOAD_MB),
            max_upload_size=data_health.MAX_UPLOAD_MB,
        )
        data_health.receive(files)
    else:
        st.info(t("datahealth.upload_not_allowed"), icon=":material/lock:")
    if st.button(t("datahealth.refresh"), icon=":material/refresh:"):
        data_health.refresh()
        st.rerun()
with template_column:
    kind = st.selectbox(
        t("datahealth.template_kind"),
        list(data_health.KINDS),
        format_func=lambda k: data_health.KINDS[k].title_vi if lang == "vi" else data_health.KINDS[k].title_en,
        key="data_health.template_kind",
    )
    st.download_button(
        t("datahealth.template_download"),
        data=data_health.template_bytes(kind),
        file_name=f"mau_{kind}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click=data_health.audit_download,
        args=(f"mau_{kind}.xlsx", 0),
    )
    st.caption(t("datahealth.template_note"))

uploads = data_health.session_uploads()
for item in uploads:
    if item["error"]:
        st.error(
            t("datahealth.upload_rejected", name=plain(item["name"]), error=plain(item["error"])),
            icon=":material/block:",
        )
        continue
    for load in data_health.loads_of_file(scope, Path(item["path"]).name).iter_rows(named=True):
        if load["status"] == "refused":
            st.error(
                t("datahealth.upload_refused", name=plain(item["name"]), error=plain(load["error"])),
                icon=":material/error:",
            )
            continue
        counts = {c: fmt_int(load[c], lang) for c in ("rows_read", *datahealth.COUNT_COLUMNS)}
        st.success(
            t("datahealth.upload_loaded", name=plain(item["name"]), kind=load["kind"], **counts), icon=":material/done:"
        )
        if load["quarantined"]:
            rows = data_health.quarantine_rows(scope, load["load_id"], load["path"], load["sheet"])
            st.table(data_health.rows_table(rows.head(data_health.SHOWN_ROWS), lang))
            if rows.height > data_health.SHOWN_ROWS:
                st.caption(t("datahealth.more_rows", n=fmt_int(rows.height - data_health.SHOWN_ROWS, lang)))
            st.download_button(
                t("datahealth.download_quarantine"),
                data=data_health.quarantine_download(
                    scope, load["load_id"], load["path"], load["sheet"], load["kind"], load["sha256"]
                ),
                file_name=data_health.download_name(item["name"], load["sheet"]),
                mime="text/csv",
                icon=":material/download:",
                on_click=data_health.audit_download,
                args=(data_health.download_name(item["name"], load["sheet"]), rows.height),
                key=f"data_health.download.{load['load_id']}.{load['path']}.{load['sheet']}",
            )
waiting = data_health.pending(uploads, scope)
if waiting:
    data_health.watch_pending(waiting, lang)

# Load history ---------------------------------------------------------------------------------------------
st.subheader(t("datahealth.history_header"))
history = data_health.history(scope)
if history.is_empty():
    st.info(t("datahealth.history_empty"), icon=":material/info:")
else:
    totals = datahealth.load_totals(history)
    for column, key in zip(st.columns(4), ("files", "rows_read", "loaded", "quarantined"), strict=True):
        column.metric(t(f"datahealth.total.{key}"), fmt_int(totals[key], lang), border=True)
    st.caption(t("datahealth.accounting", refused=fmt_int(totals["refused"], lang)))
    st.plotly_chart(data_health.rows_per_file_bar(history, lang))
    st.dataframe(data_health.history_table(history, lang), hide_index=True)

# Quarantine -----------------------------------------------------------------------------------------------
st.subheader(t("datahealth.quarantine_header"))
reasons = data_health.top_reasons(scope)
if reasons.is_empty():
    st.info(t("datahealth.quarantine_empty"), icon=":material/verified:")
else:
    st.caption(t("datahealth.reasons_caption", total=fmt_int(reasons["quarantined"][0], lang)))
    st.dataframe(data_health.reasons_table(reasons, lang), hide_index=True)
    st.markdown(f"**{t('datahealth.examples_header')}**")
    examples = data_health.examples(scope, reasons["reason_code"].to_list())
    st.dataframe(data_health.rows_table(examples, lang, with_file=True), hide_index=True)

    files_with_rows = data_health.quarantined_files(scope)
    choices = {data_health.file_key(r): r for r in files_with_rows.iter_rows(named=True)}
    chosen = st.selectbox(
        t("datahealth.download_file"),
        list(choices),
        format_func=lambda key: data_health.file_choice_label(choices[key], lang),
        key="data_health.download_choice",
    )
    row = choices.get(chosen) or next(iter(choices.values()))
    st.download_button(
        t("datahealth.download_quarantine"),
        data=lambda: data_health.quarantine_download(
            scope, row["load_id"], row["path"], row["sheet"], row["kind"], row["sha256"]
        ),
        file_name=data_health.download_name(row["file_name"], row["sheet"]),
        mime="text/csv",
        icon=":material/download:",
        on_click=data_health.audit_download,
        args=(data_health.download_name(row["file_name"], row["sheet"]), row["rows"]),
    )
    st.caption(t("datahealth.download_note"))

# Freshness per source ---------------------------------------------------------------------------------------
st.subheader(t("datahealth.freshness_header"))
silent_days = st.number_input(t("datahealth.silent_days"), 1, 365, 7, key="data_health.silent_days")
sources = data_health.freshness(scope, int(silent_days))
if sources.is_empty():
    st.info(t("datahealth.freshness_empty"), icon=":material/info:")
else:
    reference = fmt_date(sources["reference_received"][0], lang)
    silent_count = int(sources["silent"].sum())
    if silent_count:
        st.warning(
            t("datahealth.silent_warning", n=silent_count, days=int(silent_days)), icon=":material/notifications:"
        )
    st.caption(t("datahealth.freshness_caption", reference=reference, days=int(silent_days)))
    st.dataframe(data_health.freshness_table(sources, lang), hide_index=True)

# Communes with no opinions --------------------------------------------------------------------------------
st.subheader(t("datahealth.communes_header"))
silent, looked_at = data_health.silent_communes(scope, filters)
period = fmt_period(filters.date_from, filters.date_to, lang)
st.metric(
    t("datahealth.communes_metric", period=period),
    t("datahealth.communes_value", n=fmt_int(silent.height, lang), total=fmt_int(looked_at, lang)),
    border=True,
)
st.caption(t("datahealth.communes_caption", period=period))
if not silent.is_empty():
    if filters.province_code is None and scope.is_all:
        st.dataframe(data_health.province_counts_table(silent, lang), hide_index=True)
    st.dataframe(data_health.communes_table(silent, lang), hide_index=True)
