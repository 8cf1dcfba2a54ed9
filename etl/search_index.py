"""The explorer's search table `feedback_search`: one row per opinion with its folded text and the columns the
"Tiếng nói nhân dân" table filters and shows, kept in step with `feedback` at every load.

DuckDB here has no full-text extension. A substring scan over folded text is fast enough because each load
writes its rows in `received_at` order and the explorer asks for the newest matches first: DuckDB's top-N
filter skips row groups that cannot beat the current 50th row (measured in docs/benchmarks.md).
The text is folded in polars (`etl.text.fold_expr`), several times faster than the same rules in SQL.
Field corrections change `feedback.field` without a feedback load; readers take the field from the
(small) `correction` table first, so this table never shows a stale field.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl.text import fold_expr

# The same folding in SQL (for SQL-built warehouses such as the benchmark's): lower case, no diacritics,
# ' word word '.
FOLD_SQL = (
    "' ' || trim(regexp_replace(lower(strip_accents(replace(replace(coalesce({col}, ''), 'Đ', 'd'), 'đ', 'd'))),"
    " '[^a-z0-9]+', ' ', 'g')) || ' '"
)
COLUMNS = (
    "source_system, source_id, received_at, province_code, commune_code, channel, field, field_origin, "
    "status, level, agency, campaign, content, row_hash, load_id"
)
FOLDED = "text_folded"  # the column the loader adds to incoming feedback rows (`with_folded_text`)


def with_folded_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Incoming feedback rows with their folded text, computed once before the upsert."""
    return frame.with_columns(fold_expr(pl.col("content")).alias(FOLDED))


def sync(con: duckdb.DuckDBPyConnection, upserted, load_id: str) -> None:
    """Mirror one feedback upsert (`etl.load.Upserted`) into the search table: the stored rows it replaced
    go, the rows it wrote come in, with the same row hash, so the two tables cannot disagree."""
    if upserted.replaced:
        con.execute(
            f"""DELETE FROM feedback_search t USING {upserted.staged} s
                WHERE {upserted.replaced} AND t.source_system = s.source_system AND t.source_id = s.source_id"""
        )
    picked = ", ".join(
        "$load_id" if c == "load_id" else upserted.row_hash if c == "row_hash" else c for c in _columns()
    )
    con.execute(
        f"""INSERT INTO feedback_search ({COLUMNS}, text_folded)
            SELECT {picked}, {FOLDED} FROM {upserted.incoming} WHERE {upserted.written}
            ORDER BY received_at""",
        {"load_id": load_id},
    )


def _columns() -> list[str]:
    return [c.strip() for c in COLUMNS.split(",")]


def rebuild(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the whole search table from `feedback` (after reclassification or for an older warehouse)."""
    con.execute("DELETE FROM feedback_search")
    rows = con.sql(f"SELECT {COLUMNS} FROM feedback ORDER BY received_at").pl()
    con.register("_search_rows", with_folded_text(rows).to_arrow())
    try:
        con.execute(f"INSERT INTO feedback_search ({COLUMNS}, text_folded) SELECT * FROM _search_rows")
    finally:
        con.unregister("_search_rows")
    return con.sql("SELECT count(*) FROM feedback_search").fetchall()[0][0]
