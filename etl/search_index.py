"""The explorer's search column `feedback.text_folded`: each opinion's content folded (lower case, no
diacritics, punctuation as spaces, ' word word '), written by the loader with the opinion itself.

DuckDB here has no full-text extension. A substring scan over folded text is fast enough because each load
writes its rows in `received_at` order and the explorer asks for the newest matches first: DuckDB's top-N
filter skips row groups that cannot beat the current 50th row (measured in docs/benchmarks.md). The column
lives in `feedback` itself (a separate search table meant writing every opinion's text twice per load).
The text is folded in polars (`etl.text.fold_expr`), several times faster than the same rules in SQL.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl.text import fold_expr, in_chunks

# The same folding in SQL (for SQL-built warehouses such as the benchmark's): lower case, no diacritics,
# ' word word '.
FOLD_SQL = (
    "' ' || trim(regexp_replace(lower(strip_accents(replace(replace(coalesce({col}, ''), 'Đ', 'd'), 'đ', 'd'))),"
    " '[^a-z0-9]+', ' ', 'g')) || ' '"
)
FOLDED = "text_folded"


def with_folded_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Incoming feedback rows with their folded text, computed once before the upsert."""
    content = in_chunks(frame.get_column("content"))
    return frame.with_columns(content.to_frame().select(fold_expr(pl.col("content"))).to_series().alias(FOLDED))


def fill_missing(con: duckdb.DuckDBPyConnection) -> int:
    """Fold the opinions that have no folded text yet (a warehouse from before the column existed)."""
    rows = con.sql("SELECT source_system, source_id, content FROM feedback WHERE text_folded IS NULL").pl()
    if not rows.height:
        return 0
    con.register("_folded", with_folded_text(rows).drop("content").to_arrow())
    try:
        con.execute(
            """UPDATE feedback f SET text_folded = n.text_folded FROM _folded n
               WHERE f.source_system = n.source_system AND f.source_id = n.source_id"""
        )
    finally:
        con.unregister("_folded")
    return rows.height
