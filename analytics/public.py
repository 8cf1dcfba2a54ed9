"""The public view (no login): only what each province chose to publish, with the strictest small-count rule
and no citizen text (DESIGN §5).

The publication choices are a CSV with the header `province_code,counts_by_field,on_time_share,answers`
(true/false): `$FRONT_DATA_DIR/public.csv` when present, else `data/reference/public.csv` (the demo's).
Every count here is perturbed with the ABS cell-key method (analytics.suppress, docs/disclosure-control.md) and
then goes through `suppress.protect(..., "public", "screen")`: perturbed counts below 10 are hidden, and where
a total is shown the next smallest count is hidden too. Shares are of the perturbed counts, rounded to whole
percent; rows are ordered by the perturbed counts, ties and hidden rows by name (never by an exact count).
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
SHARE_DIGITS = 2  # shares (0–1) rounded to whole percent


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


def _by_shown_count(frame: pl.DataFrame, count: str, hidden: str = "suppressed") -> pl.DataFrame:
    """Shown rows by their (perturbed) count, largest first, then hidden rows; ties by Vietnamese name."""
    return frame.sort([hidden, count, "name_vi", "field_code"], descending=[False, True, False, False], nulls_last=True)


def field_counts(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """Opinions per field in the publishing provinces: field_code, name_vi, name_en, count, share, suppressed,
    complementary. Counts perturbed (cell-key method); share of the perturbed total of all fields, rounded to
    whole percent, hidden with its count."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    record_key = suppress.record_key_sql("f")
    counts = query(
        con,
        f"""
        SELECT d.field_code, d.name_vi, d.name_en, count(f.field) AS count,
               {suppress.cell_key_sql("f", "f.field IS NOT NULL")} AS cell_key,
               sum(count(f.field)) OVER ()::BIGINT AS total,
               (coalesce(sum(sum({record_key}) FILTER (WHERE f.field IS NOT NULL)) OVER (), 0)
                   % {suppress.KEY_MODULUS})::INTEGER AS total_key
        FROM dim_field d
        LEFT JOIN feedback f ON f.field = d.field_code AND {scope_sql} AND {filter_sql}
             AND f.province_code IN (SELECT unnest($published::VARCHAR[]))
        GROUP BY ALL
        """,
        {**scope_params, **filter_params, **suppress.key_params(), "published": provinces},
    )
    total = suppress.perturbed(int(counts["total"][0]), int(counts["total_key"][0])) if counts.height else 0
    out = suppress.protect(counts.drop("total", "total_key"), ROLE, MEDIUM, groups=(), key="cell_key")
    share = (pl.col("count") / total).round(SHARE_DIGITS) if total else pl.lit(None, pl.Float64)
    out = out.with_columns(pl.when(pl.col("suppressed")).then(None).otherwise(share).alias("share"))
    return _by_shown_count(out, "count").select(
        "field_code", "name_vi", "name_en", "count", "share", "suppressed", "complementary"
    )


def on_time(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """Share answered on time per publishing province (overview's rule and denominator): province_code, name,
    due, on_time_share, suppressed (share hidden when either perturbed count is below the threshold; both
    counts perturbed, the share of the perturbed counts rounded to whole percent)."""
    period = overview.resolve_period(con, scope, filters)
    names = dict(overview.provinces(con, scope).select("province_code", "name_vi").iter_rows())
    rows = []
    for code in provinces:
        if code not in names:
            continue
        inner = Scope(code)
        counts = overview._handling_counts(con, inner, period, overview.data_info(con, inner).as_of, cell_keys=True)
        keys = (counts["on_time_key"], counts["due_key"])
        share = suppress.share(counts["on_time"], counts["due"], ROLE, MEDIUM, keys=keys)
        rows.append(
            {
                "province_code": code,
                "name": names[code],
                "due": suppress.value(counts["due"], ROLE, MEDIUM, key=counts["due_key"], keyed=True),
                "on_time_share": None if share is None else round(share, SHARE_DIGITS),
                "suppressed": share is None,
            }
        )
    schema = {"province_code": pl.String, "name": pl.String, "due": pl.Int64, "on_time_share": pl.Float64,
              "suppressed": pl.Boolean}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def answers(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, provinces: list[str]) -> pl.DataFrame:
    """A summary of the published answers per field: field_code, names, answered (answered or resolved),
    resolved — each perturbed and under the public rule (complementary suppression within each column's
    total); ordered by the shown answered count, ties and hidden rows by name."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    answered, resolved = "f.status IN ('answered', 'resolved')", "f.status = 'resolved'"
    counts = query(
        con,
        f"""
        SELECT d.field_code, d.name_vi, d.name_en,
               count(f.field) FILTER (WHERE {answered}) AS answered,
               {suppress.cell_key_sql("f", f"f.field IS NOT NULL AND {answered}")} AS answered_key,
               count(f.field) FILTER (WHERE {resolved}) AS resolved,
               {suppress.cell_key_sql("f", f"f.field IS NOT NULL AND {resolved}")} AS resolved_key
        FROM dim_field d
        LEFT JOIN feedback f ON f.field = d.field_code AND {scope_sql} AND {filter_sql}
             AND f.province_code IN (SELECT unnest($published::VARCHAR[]))
        GROUP BY ALL
        """,
        {**scope_params, **filter_params, **suppress.key_params(), "published": provinces},
    )
    out = suppress.protect(counts, ROLE, MEDIUM, count="answered", groups=(), key="answered_key")
    out = out.rename({"suppressed": "answered_suppressed", "complementary": "answered_complementary"})
    out = suppress.protect(out, ROLE, MEDIUM, count="resolved", groups=(), key="resolved_key")
    out = out.rename({"suppressed": "resolved_suppressed", "complementary": "resolved_complementary"})
    # resolved ones are answered too: noise must not show more resolved than answered
    both = pl.col("resolved").is_not_null() & pl.col("answered").is_not_null()  # (min_horizontal skips nulls)
    out = out.with_columns(
        pl.when(both).then(pl.min_horizontal("resolved", "answered")).otherwise(pl.col("resolved")).alias("resolved")
    )
    return _by_shown_count(out, "answered", hidden="answered_suppressed")
