"""The explorer's search table `feedback_search`: one row per opinion with its folded text and the columns the
"Tiếng nói nhân dân" table filters and shows, kept in sync with `feedback` by key at every load.

DuckDB here has no full-text extension. A substring scan over folded text is fast enough because the table
is written in `received_at` order and the explorer asks for the newest matches first: DuckDB's top-N
filter skips row groups that cannot beat the current 50th row (measured in docs/benchmarks.md).
Field corrections change `feedback.field` without a feedback load; readers take the field from the
(small) `correction` table first, so this table never shows a stale field.
"""

from __future__ import annotations

import duckdb

# Folded text with a space at both ends, as etl.classify.fold_expr makes it (same rules, in SQL).
FOLD_SQL = (
    "' ' || trim(regexp_replace(lower(strip_accents(replace(replace(coalesce({col}, ''), 'Đ', 'd'), 'đ', 'd'))),"
    " '[^a-z0-9]+', ' ', 'g')) || ' '"
)
COLUMNS = (
    "source_system, source_id, received_at, province_code, commune_code, channel, field, field_origin, "
    "status, level, agency, campaign, content, row_hash, load_id"
)


def _insert(con: duckdb.DuckDBPyConnection, where: str, params: dict) -> None:
    con.execute(
        f"""INSERT INTO feedback_search ({COLUMNS}, text_folded)
            SELECT {COLUMNS}, {FOLD_SQL.format(col="content")}
            FROM feedback f WHERE {where}
            ORDER BY received_at""",
        params,
    )


def sync(con: duckdb.DuckDBPyConnection, load_id: str) -> None:
    """Bring the search rows of every opinion written by load `load_id` up to date (new, changed, re-sent).

    Several feedback files of one load share its id: rows already indexed in this load with the same content
    are left alone, so each file costs only its own rows."""
    params = {"load_id": load_id}
    con.execute(
        """DELETE FROM feedback_search s USING feedback f
           WHERE f.load_id = $load_id AND s.source_system = f.source_system AND s.source_id = f.source_id
             AND (s.load_id <> $load_id OR s.row_hash <> f.row_hash)""",
        params,
    )
    _insert(
        con,
        """f.load_id = $load_id AND NOT EXISTS (
               SELECT 1 FROM feedback_search s
               WHERE s.load_id = $load_id AND s.source_system = f.source_system AND s.source_id = f.source_id)""",
        params,
    )


def rebuild(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the whole search table from `feedback` (after reclassification or for an older warehouse)."""
    con.execute("DELETE FROM feedback_search")
    _insert(con, "TRUE", {})
    return con.sql("SELECT count(*) FROM feedback_search").fetchall()[0][0]
