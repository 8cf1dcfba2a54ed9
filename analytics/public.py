"""The public view (no login): only what each province chose to publish, with the strictest small-count rule
and no citizen text (DESIGN §5).

The publication choices are a CSV with the header `province_code,counts_by_field,on_time_share,answers`
(true/false): `$FRONT_DATA_DIR/public.csv` when present, else `data/reference/public.csv` (the demo's).
Every number here goes through `suppress.protect(..., "public", "screen")`: counts below 10 are hidden, and
where a total is shown the next smallest count is hidden too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

import config
from analytics import overview, suppress
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

ROLE, MEDIUM = "public", "screen"
CHOICES = ("counts_by_field", "on_time_share", "answers")


def settings_file() -> Path:
    """Where the provinces' publication choices are read from."""
    local = config.data_dir() / "public.csv"
    return local if local.exists() else config.REFERENCE_DIR / "public.csv"


def published(path: Path | None = None) -> pl.DataFrame:
    """province_code and one boolean column per choice (missing or unreadable: nothing is published)."""
    path = path or settings_file()
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError):
        return pl.DataFrame(schema={"province_code": pl.String, **dict.fromkeys(CHOICES, pl.Boolean)})
    return frame.select(
        pl.col("province_code").str.strip_chars().str.zfill(2),
        *(pl.col(c).fill_null("").str.strip_chars().str.to_lowercase().is_in(["true", "1", "yes", "co", "có"]).alias(c)
          for c in CHOICES),
    )  # fmt: skip


def provinces_publishing(settings: pl.DataFrame, choice: str, scope: Scope) -> list[str]:
    """The provinces (within `scope`) that publish `choice`."""
    chosen = settings.filter(pl.col(choice))["province_code"].to_list()
    return [code for code in chosen if scope.province_code in (None, code)]


def field_counts(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """Opinions per field in the publishing provinces: field_code, name_vi, name_en, count, share, suppressed,
    complementary (share of the shown total; hidden with its count)."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    counts = query(
        con,
        f"""
        SELECT d.field_code, d.name_vi, d.name_en, count(f.field) AS count
        FROM dim_field d
        LEFT JOIN feedback f ON f.field = d.field_code AND {scope_sql} AND {filter_sql}
             AND f.province_code IN (SELECT unnest($published::VARCHAR[]))
        GROUP BY ALL
        ORDER BY count DESC, d.field_code
        """,
        {**scope_params, **filter_params, "published": provinces},
    )
    total = int(counts["count"].sum() or 0)
    counts = counts.with_columns((pl.col("count") / total if total else pl.lit(None, pl.Float64)).alias("share"))
    return suppress.protect(counts, ROLE, MEDIUM, dependent=["share"], groups=())


def on_time(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """Share answered on time per publishing province (overview's rule and denominator): province_code, name,
    due, on_time, on_time_share, suppressed (share hidden when either count is below the threshold)."""
    period = overview.resolve_period(con, scope, filters)
    names = dict(overview.provinces(con, scope).select("province_code", "name_vi").iter_rows())
    rows = []
    for code in provinces:
        if code not in names:
            continue
        inner = Scope(code)
        counts = overview._handling_counts(con, inner, period, overview.data_info(con, inner).as_of)
        share = suppress.share(counts["on_time"], counts["due"], ROLE, MEDIUM)
        rows.append(
            {
                "province_code": code,
                "name": names[code],
                "due": suppress.value(counts["due"], ROLE, MEDIUM),
                "on_time_share": share,
                "suppressed": share is None,
            }
        )
    schema = {"province_code": pl.String, "name": pl.String, "due": pl.Int64, "on_time_share": pl.Float64,
              "suppressed": pl.Boolean}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def answers(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """A summary of the published answers per field: field_code, names, answered (answered or resolved),
    resolved — each under the public rule (complementary suppression within each column's total)."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    counts = query(
        con,
        f"""
        SELECT d.field_code, d.name_vi, d.name_en,
               count(f.field) FILTER (WHERE f.status IN ('answered', 'resolved')) AS answered,
               count(f.field) FILTER (WHERE f.status = 'resolved') AS resolved
        FROM dim_field d
        LEFT JOIN feedback f ON f.field = d.field_code AND {scope_sql} AND {filter_sql}
             AND f.province_code IN (SELECT unnest($published::VARCHAR[]))
        GROUP BY ALL
        ORDER BY answered DESC, d.field_code
        """,
        {**scope_params, **filter_params, "published": provinces},
    )
    out = suppress.protect(counts, ROLE, MEDIUM, count="answered", groups=())
    out = out.rename({"suppressed": "answered_suppressed", "complementary": "answered_complementary"})
    out = suppress.protect(out, ROLE, MEDIUM, count="resolved", groups=())
    return out.rename({"suppressed": "resolved_suppressed", "complementary": "resolved_complementary"})
