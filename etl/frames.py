"""Polars helpers for large loads."""

from __future__ import annotations

from typing import TypeVar

import polars as pl

Frame = TypeVar("Frame", pl.DataFrame, pl.Series)


def in_chunks(data: Frame, rows: int = 100_000) -> Frame:
    """The same values as several chunks (zero-copy slices). Polars runs a string expression on the chunks of
    a column in parallel, and DuckDB scans an Arrow table's batches in parallel: one contiguous chunk of a
    million rows (what a filter or a join leaves) is processed on one core."""
    if data.shape[0] <= rows or data.n_chunks() > 1:
        return data
    return pl.concat([data.slice(start, rows) for start in range(0, data.shape[0], rows)], rechunk=False)
