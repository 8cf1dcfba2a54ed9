"""Feedback-specific steps before the upsert, kept out of the generic loader.

`before_upsert` fills what the export did not give: an analyst's earlier correction wins (it survives a
re-export of the opinion); otherwise the field of an opinion without one comes from the keyword rules and
the trained model (etl/classify.py). It also adds the folded text the explorer searches
(etl/search_index.py), stored with the row. Each step lives in its own module; this file only wires them.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl import classify, search_index


def _corrections(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    if not con.sql("SELECT count(*) FROM correction").fetchall()[0][0]:
        return frame
    con.register("_keys", frame.select("source_system", "source_id").to_arrow())
    try:
        found = con.sql(
            """SELECT c.source_system, c.source_id, c.field AS _corrected
               FROM correction c JOIN _keys k USING (source_system, source_id)"""
        ).pl()
    finally:
        con.unregister("_keys")
    if not found.height:
        return frame
    frame = frame.join(found, on=["source_system", "source_id"], how="left", maintain_order="left")
    fixed = pl.col("_corrected").is_not_null()
    return frame.with_columns(
        pl.when(fixed).then("_corrected").otherwise("field").alias("field"),
        pl.when(fixed).then(pl.lit("correction")).otherwise("field_origin").alias("field_origin"),
        pl.when(fixed).then(pl.lit(1.0)).otherwise("field_confidence").alias("field_confidence"),
    ).drop("_corrected")


def before_upsert(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    """Feedback rows about to be stored (typed, personal data hashed) -> the same rows, enriched."""
    if "field_confidence" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("field_confidence"))
    frame = _corrections(con, frame)
    frame = search_index.with_folded_text(frame)
    missing = frame.get_column("field").is_null()
    if not missing.any():
        return frame
    frame = frame.with_row_index("_enrich_row")
    todo = frame.filter(missing)
    found = classify.classify(todo.get_column("content"), classify.load_model(), todo.get_column(search_index.FOLDED))
    done = pl.concat([todo.select("_enrich_row"), found], how="horizontal")
    return (
        frame.join(done, on="_enrich_row", how="left", suffix="_new", maintain_order="left")
        .with_columns(
            pl.coalesce("field", "field_new").alias("field"),
            pl.coalesce("field_origin", "field_origin_new").alias("field_origin"),
            pl.coalesce("field_confidence", "field_confidence_new").alias("field_confidence"),
        )
        .drop("_enrich_row", "field_new", "field_origin_new", "field_confidence_new")
    )
