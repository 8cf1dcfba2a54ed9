"""Feedback-specific steps around the upsert, kept out of the generic loader.

- `before_upsert`: fill what the export did not give (the field of an opinion: rules, then the model).
- `after_upsert`: derived tables that follow the loaded rows (search tokens, case groups).
Each step lives in its own module; this file only wires them.
"""

from __future__ import annotations

import duckdb
import polars as pl


def before_upsert(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> pl.DataFrame:
    """Feedback rows about to be stored (typed, personal data hashed) -> the same rows, enriched."""
    return frame


def after_upsert(con: duckdb.DuckDBPyConnection, load_id: str) -> None:
    """Runs once per feedback table loaded, after its rows (tagged `load_id`) are stored."""
