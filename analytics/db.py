"""Opening a warehouse generation and running one parameterised query on it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import polars as pl


def open_warehouse(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a warehouse generation read-only (a load writes a new file, so readers never block it)."""
    return duckdb.connect(str(path), read_only=True)


def query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Mapping[str, Any] | None = None,
    tables: Mapping[str, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Run `sql` with `$name` parameters on a fresh cursor (a connection is not shared across threads).

    `tables`: small frames the query reads by name (e.g. a calendar), registered on that cursor only; unlike
    list parameters, the planner knows their size."""
    cursor = con.cursor()
    try:
        for name, frame in (tables or {}).items():
            cursor.register(name, frame.to_arrow())
        return cursor.sql(sql, params=dict(params or {})).pl()
    finally:
        cursor.close()
