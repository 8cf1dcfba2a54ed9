"""`python -m etl train-classifier`: learn the field model from opinions whose field is known, then
re-classify the opinions whose field was guessed (rules, an older model, or none) in a new generation, with
the case groups (which are per field) brought up to date."""

from __future__ import annotations

import sys

import duckdb
import polars as pl

import config
from etl import cases, classify, warehouse

MAX_TRAINING_ROWS = 300_000


def training_rows(con: duckdb.DuckDBPyConnection, limit: int = MAX_TRAINING_ROWS, seed: int = 42) -> pl.DataFrame:
    """content, field of opinions whose field came from the source or an analyst (a seeded sample)."""
    return con.sql(
        f"""SELECT content, field FROM feedback
            WHERE field IS NOT NULL AND field_origin IN ('source', 'correction') AND content IS NOT NULL
            USING SAMPLE reservoir({int(limit)} ROWS) REPEATABLE ({int(seed)})"""
    ).pl()


def reclassify(con: duckdb.DuckDBPyConnection, model: classify.FieldModel | None) -> int:
    """Classify again every opinion whose field is empty or was guessed; returns how many rows were updated."""
    todo = con.sql(
        """SELECT source_system, source_id, content FROM feedback
           WHERE field IS NULL OR field_origin IN ('rule', 'model')"""
    ).pl()
    if not todo.height:
        return 0
    found = pl.concat([todo.drop("content"), classify.classify(todo["content"], model)], how="horizontal")
    con.register("_found", found.to_arrow())
    try:
        con.execute(
            """UPDATE feedback f SET field = n.field, field_origin = n.field_origin,
                      field_confidence = n.field_confidence
               FROM _found n WHERE f.source_system = n.source_system AND f.source_id = n.source_id"""
        )
    finally:
        con.unregister("_found")
    return todo.height


def train_classifier(progress: bool = True) -> dict:
    """Train, save the model, re-classify guessed fields and relink case groups in a new generation."""
    path = config.current_warehouse()
    if path is None:
        raise ValueError("chưa có kho dữ liệu để học (no warehouse yet: load data first)")
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = training_rows(con)
    finally:
        con.close()
    if rows.height < 50 or rows["field"].n_unique() < 2:
        raise ValueError(f"quá ít ý kiến đã có lĩnh vực để học ({rows.height}) — need labelled opinions")
    if progress:
        print(f"Học mô hình phân loại từ {rows.height:,} ý kiến đã có lĩnh vực…", file=sys.stderr)
    model = classify.train(rows["content"].to_list(), rows["field"].to_list())
    saved = classify.save_model(model)
    with warehouse.write_lock(), warehouse.new_generation() as (generation, wcon):
        updated = reclassify(wcon, model)
        cases.link_cases(wcon)  # case groups are per field: a new field can move an opinion to another case
        warehouse.set_meta(wcon, field_model_trained_at=model.trained_at, field_model_rows=str(model.trained_rows))
    return {
        "generation": generation,
        "model": str(saved),
        "trained_rows": model.trained_rows,
        "reclassified": updated,
    }
