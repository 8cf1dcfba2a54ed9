"""The data officer's questions ("Dữ liệu" page): what was loaded, what was refused and why, which sources
have gone quiet, which communes have no opinions. One function per question, SQL beside it.

Scope: every function takes the viewer's `Scope`.
- The load history (`load_log`) describes files, which may mix provinces: it is shown to a national
  (all-provinces) viewer only; a province or commune scope gets an empty frame. Roles (data_officer) come
  later; until then the app's viewer is national.
- Quarantined rows are located by the province (and commune) code in their original values, read by the
  loader's own rule (a number's trailing '.0' dropped, then zero-padded: '1' -> '01'; nothing is cut, so
  '7901' stays invalid) and kept only when it is a known 2025 code (a commune: of that province). Then
  the one scope rule (`scope_predicate`) applies. Rows without such a code (or of kinds without a locality)
  are visible to a national viewer only.
- Feedback and communes are filtered by the scope in SQL as everywhere else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

COUNT_COLUMNS = ("loaded", "updated", "duplicates", "quarantined", "skipped")
HISTORY_LIMIT = 500
_LOADS = "(SELECT load_id, max(loaded_at) AS loaded_at FROM load_log GROUP BY load_id)"


def _national(scope: Scope) -> dict[str, Any]:
    if not isinstance(scope, Scope):
        raise TypeError(f"a Scope is required, got {type(scope).__name__}")
    return {"national": scope.is_all}


def _code(alias: str, key: str, width: int) -> str:
    """The code under `key` in a quarantined row's original values, read as the loader reads codes
    (etl.normalise._digits_code): ASCII digits after dropping a trailing '.0', zero-padded to `width`; NULL
    for anything else (text, more digits than `width`)."""
    raw = f"regexp_replace(json_extract_string({alias}.original, '$.{key}'), '\\.0+$', '')"
    return f"CASE WHEN regexp_full_match({raw}, '[0-9]{{1,{width}}}') THEN lpad({raw}, {width}, '0') END"


# Quarantined rows with the province and commune they belong to (NULL unless a known 2025 code; a commune
# only within its own province), so that the scope filter is the same `scope_predicate` as everywhere.
_LOCATED = f"""(
    SELECT q.*, p.province_code, c.commune_code
    FROM quarantine q
    LEFT JOIN dim_province p ON p.province_code = {_code("q", "province_code", 2)}
    LEFT JOIN dim_commune c ON c.commune_code = {_code("q", "commune_code", 5)} AND c.province_code = p.province_code
)"""


def quarantine_scope(scope: Scope, alias: str = "q") -> tuple[str, dict[str, Any]]:
    """SQL condition restricting located quarantine rows `alias` (of `_LOCATED`) to `scope`."""
    return scope_predicate(scope, alias)


def load_history(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = HISTORY_LIMIT) -> pl.DataFrame:
    """One row per file (or sheet) loaded or refused, newest first, with the row accounting of each."""
    return query(
        con,
        """
        SELECT load_id, generation, loaded_at, path,
               regexp_extract(path, '[^/\\\\]*$') AS file_name,
               kind, sheet, status, error, rows_read, loaded, updated, duplicates, quarantined, skipped,
               reasons, warnings, sha256
        FROM load_log
        WHERE $national
        ORDER BY loaded_at DESC, path, sheet NULLS FIRST
        LIMIT $limit
        """,
        {**_national(scope), "limit": limit},
    )


def loads_of_file(con: duckdb.DuckDBPyConnection, scope: Scope, file_name: str) -> pl.DataFrame:
    """The load-history rows of a file by its name (the app's uploads end up in the inbox under it)."""
    return query(
        con,
        """
        SELECT load_id, generation, loaded_at, path, kind, sheet, status, error, rows_read,
               loaded, updated, duplicates, quarantined, skipped, reasons, warnings, sha256
        FROM load_log
        WHERE $national AND (path = $name OR ends_with(path, '/' || $name) OR ends_with(path, '\\' || $name))
        ORDER BY loaded_at DESC, sheet NULLS FIRST
        """,
        {**_national(scope), "name": file_name},
    )


def load_totals(history: pl.DataFrame) -> dict[str, int]:
    """Files, refused files and the sum of each row count over a load history frame."""
    totals = {"files": history.height, "refused": int((history.get_column("status") == "refused").sum())}
    for column in ("rows_read", *COUNT_COLUMNS):
        totals[column] = int(history.get_column(column).sum() or 0)
    return totals


def _distinct_rows(where: str) -> str:
    """Quarantined rows in scope, each source row once: a file sent twice is quarantined twice, so rows of
    the same content (sha256), sheet and row number count once, their newest load kept."""
    return f"""
        SELECT q.*, l.loaded_at
        FROM {_LOCATED} q LEFT JOIN {_LOADS} l USING (load_id)
        WHERE {where} AND ($load_id IS NULL OR q.load_id = $load_id)
        QUALIFY row_number() OVER (PARTITION BY coalesce(nullif(q.sha256, ''), q.path), q.sheet, q.row_number
                                   ORDER BY l.loaded_at DESC NULLS LAST, q.load_id) = 1
    """


def top_reasons(
    con: duckdb.DuckDBPyConnection, scope: Scope, load_id: str | None = None, limit: int = 10
) -> pl.DataFrame:
    """The commonest quarantine reasons: distinct rows, files, share of all quarantined rows in scope
    (`quarantined`, the denominator), and one message as an example."""
    where, params = quarantine_scope(scope)
    return query(
        con,
        f"""
        SELECT reason_code,
               count(*) AS rows,
               count(DISTINCT (coalesce(nullif(sha256, ''), path), sheet)) AS files,
               count(*) / sum(count(*)) OVER () AS share,
               CAST(sum(count(*)) OVER () AS BIGINT) AS quarantined,
               min(reason) AS example
        FROM ({_distinct_rows(where)})
        GROUP BY reason_code
        ORDER BY rows DESC, reason_code
        LIMIT $limit
        """,
        {**params, "load_id": load_id, "limit": limit},
    )


def reason_examples(
    con: duckdb.DuckDBPyConnection, scope: Scope, reason_codes: list[str], per_reason: int = 3
) -> pl.DataFrame:
    """Up to `per_reason` quarantined rows for each reason, newest load first (values already masked)."""
    where, params = quarantine_scope(scope)
    return query(
        con,
        f"""
        SELECT reason_code, path, sheet, row_number, column_name, reason, original
        FROM (
            SELECT *, row_number() OVER (PARTITION BY reason_code
                                         ORDER BY loaded_at DESC NULLS LAST, path, row_number) AS rank
            FROM ({_distinct_rows(where)})
            WHERE reason_code IN (SELECT unnest($codes::VARCHAR[]))
        )
        WHERE rank <= $per_reason
        ORDER BY list_position($codes::VARCHAR[], reason_code), rank
        """,
        {**params, "load_id": None, "codes": list(reason_codes), "per_reason": per_reason},
    )


def quarantined_files(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Each file (load, path, sheet) with quarantined rows in scope, newest load first."""
    where, params = quarantine_scope(scope)
    return query(
        con,
        f"""
        SELECT q.load_id, q.path, regexp_extract(q.path, '[^/\\\\]*$') AS file_name, q.sheet, q.kind,
               any_value(q.sha256) AS sha256, count(*) AS rows, max(l.loaded_at) AS loaded_at
        FROM {_LOCATED} q LEFT JOIN {_LOADS} l USING (load_id)
        WHERE {where}
        GROUP BY q.load_id, q.path, q.sheet, q.kind
        ORDER BY loaded_at DESC NULLS LAST, q.path, q.sheet NULLS FIRST
        """,
        params,
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, load_id: str, path: str, sheet: str | None
) -> pl.DataFrame:
    """The quarantined rows in scope of one file of one load, in file order."""
    where, params = quarantine_scope(scope)
    return query(
        con,
        f"""
        SELECT q.row_number, q.reason_code, q.reason, q.column_name, q.original, q.kind, q.sha256
        FROM {_LOCATED} q
        WHERE {where} AND q.load_id = $load_id AND q.path = $path AND q.sheet IS NOT DISTINCT FROM $sheet
        ORDER BY q.row_number
        """,
        {**params, "load_id": load_id, "path": path, "sheet": sheet},
    )


def freshness(con: duckdb.DuckDBPyConnection, scope: Scope, silent_days: int, now: datetime) -> pl.DataFrame:
    """Per source system: opinions, first and newest `received_at`, last load time, and how far behind it is.

    `days_behind` counts days from the source's newest opinion to the newest opinion of any source in scope
    (so a demo with a fixed end date is judged fairly); `silent` = days_behind > silent_days.
    `days_since_load` counts days from the source's last load to `now`.
    """
    where, params = scope_predicate(scope, "f")
    return query(
        con,
        f"""
        WITH per_source AS (
            SELECT f.source_system, count(*) AS opinions, min(f.received_at) AS first_received,
                   max(f.received_at) AS newest_received, max(l.loaded_at) AS last_loaded
            FROM feedback f LEFT JOIN {_LOADS} l USING (load_id)
            WHERE {where}
            GROUP BY f.source_system
        )
        SELECT *,
               max(newest_received) OVER () AS reference_received,
               date_diff('day', newest_received, max(newest_received) OVER ()) AS days_behind,
               date_diff('day', newest_received, max(newest_received) OVER ()) > $silent_days AS silent,
               date_diff('day', last_loaded, $now::TIMESTAMP) AS days_since_load
        FROM per_source
        ORDER BY silent DESC, days_behind DESC, source_system
        """,
        {**params, "silent_days": silent_days, "now": now},
    )


def _commune_filters(filters: Filters) -> tuple[str, str, dict[str, Any]]:
    """(condition on dim_commune c, condition on feedback f, parameters) for the user's filters."""
    place: list[str] = []
    params: dict[str, Any] = {}
    if filters.province_code is not None:
        place.append("c.province_code = $c_province")
        params["c_province"] = filters.province_code
    if filters.commune_code is not None:
        place.append("c.commune_code = $c_commune")
        params["c_commune"] = filters.commune_code
    feedback, feedback_params = filter_predicate(filters, "f", place=False)
    return " AND ".join(place) or "TRUE", feedback, {**params, **feedback_params}


def communes_without_opinions(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Communes in scope and in the chosen place with no opinion under the filters (period, fields, channels).

    Opinions without a commune code count for no commune.
    """
    where, params = scope_predicate(scope, "c")
    place, feedback, filter_params = _commune_filters(filters)
    return query(
        con,
        f"""
        SELECT c.province_code, p.name_vi AS province_name, c.commune_code, c.name_vi AS commune_name,
               c.commune_type
        FROM dim_commune c JOIN dim_province p USING (province_code)
        WHERE {where} AND {place}
          AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.commune_code = c.commune_code AND {feedback})
        ORDER BY c.province_code, c.commune_code
        """,
        {**params, **filter_params},
    )


def commune_count(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> int:
    """Communes in scope and in the chosen place (the denominator of `communes_without_opinions`)."""
    where, params = scope_predicate(scope, "c")
    place, _, filter_params = _commune_filters(filters)
    filter_params = {k: v for k, v in filter_params.items() if k.startswith("c_")}
    frame = query(
        con, f"SELECT count(*) AS n FROM dim_commune c WHERE {where} AND {place}", {**params, **filter_params}
    )
    return int(frame.item())


def silent_by_province(silent: pl.DataFrame) -> pl.DataFrame:
    """Communes without opinions counted per province, most first."""
    return (
        silent.group_by("province_code", "province_name")
        .agg(pl.len().alias("communes"))
        .sort(["communes", "province_code"], descending=[True, False])
    )
