"""Outstanding concerns of the selected area: the top fields and their change, and a few example opinions."""

from __future__ import annotations

import re

import duckdb
import polars as pl

from analytics import overview
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

_LONG_NUMBER = re.compile(r"\d[\d .-]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def field_changes(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 5, *, cell_keys: bool = False
) -> pl.DataFrame:
    """Top fields of the period with the previous period of equal length: field_code, name_vi, name_en,
    opinions, share, previous, change_pct (None when the field had no opinions before). With `cell_keys`
    (protected roles: analytics.brief), also the cell keys `cell_key`, `previous_key`, `total`, `total_key`,
    and every field (overview.top_fields): protected.field_changes takes the top `limit` on the perturbed counts."""
    period = overview.resolve_period(con, scope, filters)
    current = overview.top_fields(con, scope, period, limit, cell_keys=cell_keys)
    before = overview.top_fields(con, scope, period.previous_period(), 100, cell_keys=cell_keys).select(
        "field_code", pl.col("opinions").alias("previous"), *([pl.col("cell_key").alias("previous_key")] * cell_keys)
    )
    return current.join(before, on="field_code", how="left", nulls_equal=True).with_columns(
        pl.col("previous").fill_null(0),
        *([pl.col("previous_key").fill_null(0)] * cell_keys),
        pl.when(pl.col("previous").fill_null(0) > 0)
        .then(100.0 * (pl.col("opinions") - pl.col("previous")) / pl.col("previous"))
        .otherwise(None)
        .alias("change_pct"),
    )


def mask_text(content: str | None) -> str:
    """Defence in depth on top of the loader's masking: long digit runs and e-mail addresses become '***'."""
    return _EMAIL.sub("***", _LONG_NUMBER.sub("***", content or ""))


def example_opinions(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 5) -> pl.DataFrame:
    """The latest opinions under the filters, masked: received_at, field_code, channel, commune, content."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    frame = query(
        con,
        f"""
        SELECT f.received_at, f.field AS field_code, f.channel, c.name_vi AS commune, f.content
        FROM feedback f LEFT JOIN dim_commune c ON c.commune_code = f.commune_code
        WHERE {scope_sql} AND {filter_sql} AND f.content IS NOT NULL
        ORDER BY f.received_at DESC, f.source_id
        LIMIT $limit
        """,
        {**scope_params, **filter_params, "limit": limit},
    )
    return frame.with_columns(pl.col("content").map_elements(mask_text, return_dtype=pl.String))
