"""Streamlit glue for the "Dữ liệu" page: cached reads, the upload box's bookkeeping, tables and the chart.

Cached results carry the warehouse path, the viewer's scope and the filters in their key (as ui/data.py).
Uploads are remembered in the session (file name -> inbox path) so the page can show each one's load
result when the watcher has loaded it and the new generation is visible.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st

import config
from analytics import datahealth
from analytics.filters import Filters
from analytics.scope import Scope
from etl import kinds, templates, upload
from ui import data
from ui.data import MAX_RESULTS, RESULT_TTL, connection_at, current_path
from ui.i18n import fmt_date, fmt_datetime, fmt_int, fmt_pct, plain, text

_cache = st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
UPLOADS = "data_health.uploads"  # session: list of {"name", "path", "error"}
SEEN = "data_health.seen"  # session: uploader file ids already dropped into the inbox
RERUN_FOR = "data_health.rerun_for"  # session: uploads for which the page already re-read the warehouse
MAX_UPLOAD_MB = 200  # keep equal to server.maxUploadSize in .streamlit/config.toml
POLL_SECONDS = 3
SHOWN_ROWS = 10  # quarantined rows shown under an upload's result (all are in the CSV)
COUNT_COLORS = {
    "loaded": "#1f5f8b",
    "updated": "#6fa8dc",
    "duplicates": "#b7c9d6",
    "quarantined": "#d9822b",
    "skipped": "#9e9e9e",
}

KINDS = kinds.KINDS  # the input kinds a template is offered for (pages reach etl/ only through ui/)


# -- cached reads --------------------------------------------------------------------------------------


@_cache
def _history(path: str, scope: Scope) -> pl.DataFrame:
    return datahealth.load_history(connection_at(path), scope)


@_cache
def _loads_of_file(path: str, scope: Scope, name: str) -> pl.DataFrame:
    return datahealth.loads_of_file(connection_at(path), scope, name)


@_cache
def _top_reasons(path: str, scope: Scope, load_id: str | None) -> pl.DataFrame:
    return datahealth.top_reasons(connection_at(path), scope, load_id)


@_cache
def _examples(path: str, scope: Scope, codes: tuple[str, ...]) -> pl.DataFrame:
    return datahealth.reason_examples(connection_at(path), scope, list(codes))


@_cache
def _quarantined_files(path: str, scope: Scope) -> pl.DataFrame:
    return datahealth.quarantined_files(connection_at(path), scope)


@_cache
def _quarantine_rows(path: str, scope: Scope, load_id: str, file_path: str, sheet: str | None) -> pl.DataFrame:
    return datahealth.quarantine_rows(connection_at(path), scope, load_id, file_path, sheet)


@st.cache_data(ttl=60, max_entries=MAX_RESULTS, show_spinner=False)
def _freshness(path: str, scope: Scope, silent_days: int) -> pl.DataFrame:
    return datahealth.freshness(connection_at(path), scope, silent_days, datetime.now())


@_cache
def _silent_communes(path: str, scope: Scope, filters: Filters) -> tuple[pl.DataFrame, int]:
    con = connection_at(path)
    return datahealth.communes_without_opinions(con, scope, filters), datahealth.commune_count(con, scope, filters)


@st.cache_data(max_entries=32, show_spinner=False)
def template_bytes(kind_name: str) -> bytes:
    """The blank XLSX template of a kind (pure, so cached for the server's life)."""
    return templates.template_xlsx(kind_name)


def history(scope: Scope) -> pl.DataFrame:
    """See analytics.datahealth.load_history."""
    return _history(current_path(), scope)


def loads_of_file(scope: Scope, name: str) -> pl.DataFrame:
    return _loads_of_file(current_path(), scope, name)


def top_reasons(scope: Scope, load_id: str | None = None) -> pl.DataFrame:
    return _top_reasons(current_path(), scope, load_id)


def examples(scope: Scope, codes: list[str]) -> pl.DataFrame:
    return _examples(current_path(), scope, tuple(codes))


def quarantined_files(scope: Scope) -> pl.DataFrame:
    return _quarantined_files(current_path(), scope)


def quarantine_rows(scope: Scope, load_id: str, file_path: str, sheet: str | None) -> pl.DataFrame:
    return _quarantine_rows(current_path(), scope, load_id, file_path, sheet)


def freshness(scope: Scope, silent_days: int) -> pl.DataFrame:
    return _freshness(current_path(), scope, silent_days)


def silent_communes(scope: Scope, filters: Filters) -> tuple[pl.DataFrame, int]:
    """Communes without opinions under the filters, and how many communes were looked at."""
    return _silent_communes(current_path(), scope, filters)


def quarantine_download(scope: Scope, load_id: str, file_path: str, sheet: str | None, kind: str, sha256: str) -> bytes:
    """The quarantined rows of one file as a CSV in the file's header language (see etl.templates)."""
    rows = quarantine_rows(scope, load_id, file_path, sheet)
    archived = templates.archived_copy(config.archive_dir(), sha256)
    lang = templates.header_language(archived, templates.kind_of(kind), sheet)
    return templates.quarantine_csv(rows.iter_rows(named=True), kind, lang)


def download_name(file_name: str, sheet: str | None) -> str:
    stem = upload.safe_stem(file_name)
    return f"cach-ly_{stem}{'_' + upload.safe_stem(sheet) if sheet else ''}.csv"


def may_upload() -> bool:
    """Whether the viewer's role may put files into the inbox (analytics.access.UPLOADS)."""
    from ui import auth

    return auth.viewer().uploads


def audit_download(name: str, rows: int) -> None:
    """Log a download of the data-health page in the audit log: a quarantine file (masked citizens' rows) or
    an empty input template (`rows` 0), so that every file leaving the app is on the record."""
    from ui import auth

    auth.audit_export(name, rows=rows)


def refresh() -> None:
    """Re-read the CURRENT pointer now instead of within `ui.data.POINTER_TTL` seconds."""
    data.warehouse_path.clear()


# -- uploads -------------------------------------------------------------------------------------------


def receive(files: list) -> None:
    """Drop newly uploaded files into the inbox (once per uploaded file) and remember them in the session."""
    seen: set[str] = st.session_state.setdefault(SEEN, set())
    uploads: list[dict] = st.session_state.setdefault(UPLOADS, [])
    for item in files or []:
        if item.file_id in seen:
            continue
        seen.add(item.file_id)
        try:
            dropped = upload.drop_into_inbox(item.getvalue(), item.name)
            uploads.append({"name": item.name, "path": str(dropped), "error": None})
        except upload.UploadRejected as rejected:
            uploads.append({"name": item.name, "path": None, "error": str(rejected)})
        except OSError as exc:
            uploads.append({"name": item.name, "path": None, "error": f"không ghi được vào thư mục nhận: {exc}"})


def session_uploads() -> list[dict]:
    return list(st.session_state.get(UPLOADS, []))


def pending(uploads: list[dict], scope: Scope) -> list[dict]:
    """Uploads accepted into the inbox whose load is not yet in the warehouse the page reads."""
    out = []
    for item in uploads:
        if item["path"] and loads_of_file(scope, Path(item["path"]).name).is_empty():
            out.append(item)
    return out


def watch_pending(items: list[dict], lang: str) -> None:
    """While uploads wait, look every few seconds for the watcher's result and re-read the warehouse."""

    @st.fragment(run_every=POLL_SECONDS)
    def _poll() -> None:
        done_before: set[str] = st.session_state.setdefault(RERUN_FOR, set())
        for item in items:
            status = upload.upload_status(Path(item["path"]))
            if status.state in ("loaded", "refused") and item["path"] not in done_before:
                done_before.add(item["path"])
                refresh()
                st.rerun(scope="app")
            key = {"waiting": "datahealth.upload_waiting", "unknown": "datahealth.upload_unknown"}.get(
                status.state, "datahealth.upload_done_refresh"
            )
            st.info(
                text(key, lang, name=plain(item["name"]), generation=status.generation or ""),
                icon=":material/hourglass_top:",
            )

    _poll()


# -- tables and the chart ----------------------------------------------------------------------------


def _label(lang: str, key: str) -> str:
    return text(f"datahealth.col.{key}", lang)


def history_table(history: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The load history with people's column names (counts per file, refused files with their reason)."""
    status = {s: text(f"datahealth.status.{s}", lang) for s in ("loaded", "refused")}
    return history.select(
        pl.col("loaded_at").alias(_label(lang, "loaded_at")),
        pl.col("file_name").alias(_label(lang, "file")),
        pl.col("sheet").alias(_label(lang, "sheet")),
        pl.col("kind").alias(_label(lang, "kind")),
        pl.col("status").replace_strict(status, default=pl.col("status")).alias(_label(lang, "status")),
        pl.col("rows_read").alias(_label(lang, "rows_read")),
        *[pl.col(c).alias(_label(lang, c)) for c in datahealth.COUNT_COLUMNS],
        pl.col("error").alias(_label(lang, "error")),
        pl.col("generation").alias(_label(lang, "generation")),
    )


def rows_per_file_bar(history: pl.DataFrame, lang: str, limit: int = 25) -> go.Figure:
    """Stacked horizontal bars: each file's rows as loaded / updated / duplicates / quarantined / skipped."""
    recent = history.head(limit)
    labels = [
        f"{r['file_name']}{' › ' + r['sheet'] if r['sheet'] else ''} · {fmt_datetime(r['loaded_at'], lang)}"
        for r in recent.iter_rows(named=True)
    ]
    fig = go.Figure()
    for column, color in COUNT_COLORS.items():
        fig.add_bar(
            y=labels[::-1],
            x=recent.get_column(column).to_list()[::-1],
            name=_label(lang, column),
            orientation="h",
            marker_color=color,
            hovertemplate="%{y}<br>%{fullData.name}: %{x}<extra></extra>",
        )
    first, last = (
        (recent.get_column("loaded_at").min(), recent.get_column("loaded_at").max()) if recent.height else (None, None)
    )
    title = text(
        "datahealth.chart_title",
        lang,
        n=recent.height,
        first=fmt_date(first, lang) if first else "–",
        last=fmt_date(last, lang) if last else "–",
    )
    fig.update_layout(
        barmode="stack",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template="plotly_white",
        height=140 + 28 * max(recent.height, 3),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": -0.08 if recent.height > 6 else -0.25},
        separators=",." if lang == "vi" else ".,",
        xaxis_title=text("datahealth.chart_axis", lang),
    )
    return fig


def reasons_table(reasons: pl.DataFrame, lang: str) -> pl.DataFrame:
    return reasons.select(
        pl.col("reason_code").alias(_label(lang, "reason_code")),
        pl.col("rows").alias(_label(lang, "rows")),
        pl.col("share").map_elements(lambda s: fmt_pct(s, lang), return_dtype=pl.String).alias(_label(lang, "share")),
        pl.col("files").alias(_label(lang, "files")),
        pl.col("example").alias(_label(lang, "example")),
    )


def original_text(original: str) -> str:
    """'source_id: A2 · received_at: 31/02/2026 · …' (empty values left out; already masked)."""
    try:
        values = json.loads(original)
    except ValueError:
        return original
    return " · ".join(f"{k}: {v}" for k, v in values.items() if v not in (None, ""))


def rows_table(rows: pl.DataFrame, lang: str, *, with_file: bool = False) -> pl.DataFrame:
    """Quarantined rows: (file,) row, column, reason and the masked original values."""
    columns = []
    if with_file:
        columns.append(pl.col("path").str.extract(r"([^/\\]*)$").alias(_label(lang, "file")))
    return rows.select(
        *columns,
        pl.col("row_number").alias(_label(lang, "row")),
        pl.col("column_name").alias(_label(lang, "column")),
        pl.col("reason").alias(_label(lang, "reason")),
        pl.col("original").map_elements(original_text, return_dtype=pl.String).alias(_label(lang, "original")),
    )


def file_key(row: dict) -> str:
    """A stable key for a (load, file, sheet) choice: survives new loads arriving between reruns."""
    return "|".join((row["load_id"], row["path"], row["sheet"] or ""))


def file_choice_label(row: dict, lang: str) -> str:
    sheet = f" › {row['sheet']}" if row["sheet"] else ""
    when = fmt_datetime(row["loaded_at"], lang) if row["loaded_at"] else "?"
    return text("datahealth.file_choice", lang, file=row["file_name"] + sheet, when=when, n=fmt_int(row["rows"], lang))


def freshness_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    flag = {True: text("datahealth.silent_yes", lang), False: text("datahealth.silent_no", lang)}
    return frame.select(
        pl.col("source_system").alias(_label(lang, "source")),
        pl.col("opinions").alias(_label(lang, "opinions")),
        pl.col("newest_received").alias(_label(lang, "newest")),
        pl.col("days_behind").alias(_label(lang, "days_behind")),
        pl.col("last_loaded").alias(_label(lang, "last_loaded")),
        pl.col("days_since_load").alias(_label(lang, "days_since_load")),
        pl.col("silent").replace_strict(flag, return_dtype=pl.String).alias(_label(lang, "silent")),
    )


def communes_table(silent: pl.DataFrame, lang: str) -> pl.DataFrame:
    return silent.select(
        pl.col("province_name").alias(_label(lang, "province")),
        pl.col("commune_code").alias(_label(lang, "commune_code")),
        pl.col("commune_name").alias(_label(lang, "commune")),
    )


def province_counts_table(silent: pl.DataFrame, lang: str) -> pl.DataFrame:
    return datahealth.silent_by_province(silent).select(
        pl.col("province_name").alias(_label(lang, "province")),
        pl.col("communes").alias(_label(lang, "silent_communes")),
    )
