"""Emerging issues: commune × field series whose last 7 or 30 days rise above their own season-aware baseline.

Method (stated on the page and in `python -m analytics emerging`):
- For each commune × field and each window (the last 7 and the last 30 days up to the end of the period),
  the recent count O is compared with the series' reference count B over a reference period:
  the same calendar days one year earlier, widened by `SEASON_MARGIN_DAYS` on each side (season-aware); when
  the data do not reach back a year, the `FALLBACK_DAYS` days just before the window (not season-aware; the
  page says which was used).
- Expected count = g · B · d / D (d, D: days in window and reference), where g is the change of the total
  volume of all series in scope between the reference and the window, so a platform-wide growth or a
  national campaign does not flag every commune.
- Test: exact conditional test of two Poisson rates, O | O + B ~ Binomial(O + B, g·d / (g·d + D)), one-sided
  (rise). Series with O + B < `MIN_COUNT` are not tested (selection on the total keeps the test valid).
- Benjamini–Hochberg across every series × window tested; listed when q ≤ `ALPHA` and O ≥ `MIN_COUNT`.
The test runs on the exact counts (a model output: which series rose). For the roles with a threshold
(`emerging(..., cell_keys=True)`, `apply_role`) the counts shown with a rise — recent, and the reference
count behind the expected one — are ABS cell-key perturbed (analytics.suppress, docs/disclosure-control.md),
the expected count and the ratio are of those, and a rise whose perturbed recent count is hidden is not listed.
They get no p- or q-value (those are of the exact counts, and would give the exact pair back) and the rises
are ordered by the perturbed ratio instead of by q.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from analytics import overview, suppress
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.hotspots import benjamini_hochberg
from analytics.scope import Scope, scope_predicate

WINDOWS = (7, 30)
SEASON_MARGIN_DAYS = 28
FALLBACK_DAYS = 84
YEAR_DAYS = 364  # 52 weeks: the same weekdays one year earlier
MIN_COUNT = 5
ALPHA = 0.05
SPARK_WEEKS = 12


@dataclass(frozen=True)
class Window:
    """A recent window and its reference period (both ends inclusive)."""

    days: int
    recent_from: date
    recent_to: date
    reference_from: date
    reference_to: date
    seasonal: bool

    @property
    def reference_days(self) -> int:
        return (self.reference_to - self.reference_from).days + 1


def windows(end: date, first_day: date | None, lengths: tuple[int, ...] = WINDOWS) -> list[Window]:
    """The recent windows ending on `end` with their reference periods (seasonal when the data reach back)."""
    out = []
    for days in lengths:
        recent_from = end - timedelta(days=days - 1)
        seasonal_from = recent_from - timedelta(days=YEAR_DAYS + SEASON_MARGIN_DAYS)
        if first_day is not None and first_day <= seasonal_from:
            ref_from, ref_to, seasonal = seasonal_from, end - timedelta(days=YEAR_DAYS - SEASON_MARGIN_DAYS), True
        else:
            ref_from, ref_to, seasonal = (
                recent_from - timedelta(days=FALLBACK_DAYS),
                recent_from - timedelta(days=1),
                False,
            )
        out.append(Window(days, recent_from, end, ref_from, ref_to, seasonal))
    return out


def rise_tests(counts: pl.DataFrame, *, min_count: int = MIN_COUNT, alpha: float = ALPHA) -> pl.DataFrame:
    """Pure test. Input: one row per series × window with `window_days`, `recent`, `reference`,
    `reference_days`. Adds `scale` (g), `expected`, `ratio`, `p_value`, `q_value`, `tested`, `significant`."""
    frame = counts.with_columns(
        (pl.col("recent").sum() / (pl.col("reference") * pl.col("window_days") / pl.col("reference_days")).sum())
        .over("window_days")
        .fill_nan(1.0)
        .alias("scale")
    ).with_columns(
        pl.when(pl.col("scale").is_infinite() | pl.col("scale").is_null())
        .then(1.0)
        .otherwise(pl.col("scale"))
        .alias("scale")
    )
    recent = frame["recent"].to_numpy().astype(np.int64)
    reference = frame["reference"].to_numpy().astype(np.int64)
    share = (frame["scale"] * frame["window_days"]).to_numpy().astype(float)
    share = share / (share + frame["reference_days"].to_numpy().astype(float))
    total = recent + reference
    tested = total >= min_count
    p = np.full(len(frame), np.nan)
    p[tested] = stats.binom.sf(recent[tested] - 1, total[tested], share[tested])
    q = benjamini_hochberg(p)
    expected = (frame["scale"] * frame["reference"] * frame["window_days"] / frame["reference_days"]).to_numpy()
    return frame.with_columns(
        pl.Series("expected", expected),
        pl.Series("ratio", np.where(expected > 0, recent / np.where(expected > 0, expected, 1.0), np.nan)).fill_nan(
            None
        ),
        pl.Series("p_value", p).fill_nan(None),
        pl.Series("q_value", q).fill_nan(None),
        pl.Series("tested", tested),
        pl.Series("significant", tested & (np.nan_to_num(q, nan=1.0) <= alpha) & (recent >= min_count)),
    )


def series_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, spans: list[Window], *, cell_keys: bool = False
) -> pl.DataFrame:
    """Recent and reference counts per commune × field × window (classified, located opinions only); with
    `cell_keys`, their cell keys (recent_key, reference_key)."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f", dates=False, commune=False)
    selects, params = [], {}
    for i, w in enumerate(spans):
        params |= {f"r{i}_from": w.recent_from, f"r{i}_to": w.recent_to, f"b{i}_from": w.reference_from,
                   f"b{i}_to": w.reference_to}  # fmt: skip
        keys = "".join(
            f""", (coalesce(sum(record_key) FILTER (WHERE day BETWEEN ${span}{i}_from AND ${span}{i}_to), 0)
                    % {suppress.KEY_MODULUS})::INTEGER AS {name}_key"""
            for span, name in (("r", "recent"), ("b", "reference"))
        )
        selects.append(
            f"""SELECT commune_code, field, {w.days} AS window_days, {w.reference_days} AS reference_days,
                       count(*) FILTER (WHERE day BETWEEN $r{i}_from AND $r{i}_to) AS recent,
                       count(*) FILTER (WHERE day BETWEEN $b{i}_from AND $b{i}_to) AS reference
                       {keys if cell_keys else ""}
                FROM base GROUP BY ALL"""
        )
    first = min(min(w.reference_from, w.recent_from) for w in spans)
    last = max(w.recent_to for w in spans)
    return query(
        con,
        f"""
        WITH base AS (
            SELECT f.commune_code, f.field, f.received_at::DATE AS day
                   {f", {suppress.record_key_sql('f')} AS record_key" if cell_keys else ""}
            FROM feedback f
            WHERE {scope_sql} AND {filter_sql} AND f.commune_code IS NOT NULL AND f.field IS NOT NULL
              AND f.received_at >= $first AND f.received_at < $last_excl
        )
        {" UNION ALL ".join(selects)}
        """,
        {**scope_params, **filter_params, **params, "first": first, "last_excl": last + timedelta(days=1),
         **(suppress.key_params() if cell_keys else {})},
    )  # fmt: skip


def weekly_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, end: date, keys: list[str], weeks: int = SPARK_WEEKS
) -> pl.DataFrame:
    """Counts per week (oldest first, `weeks` weeks ending on `end`) for series keys "commune|field"."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f", dates=False, commune=False)
    counts = query(
        con,
        f"""
        SELECT f.commune_code || '|' || f.field AS key,
               ($end - f.received_at::DATE) // 7 AS weeks_ago, count(*) AS n
        FROM feedback f
        WHERE {scope_sql} AND {filter_sql}
          AND f.received_at >= $start AND f.received_at < $end_excl
          AND f.commune_code || '|' || f.field IN (SELECT unnest($keys::VARCHAR[]))
        GROUP BY ALL
        """,
        {
            **scope_params,
            **filter_params,
            "end": end,
            "start": end - timedelta(days=7 * weeks - 1),
            "end_excl": end + timedelta(days=1),
            "keys": keys,
        },  # fmt: skip
    )
    grid = {key: [0] * weeks for key in keys}
    for key, weeks_ago, n in counts.iter_rows():
        grid[key][weeks - 1 - int(weeks_ago)] = int(n)
    return pl.DataFrame(
        {"key": list(grid), "weekly": list(grid.values())}, schema={"key": pl.String, "weekly": pl.List(pl.Int64)}
    )


@dataclass(frozen=True)
class Emerging:
    """The significant rises (`rises`), how many series × windows were tested, whether every reference period
    was seasonal, and the last day of the windows."""

    rises: pl.DataFrame
    tested: int
    seasonal: bool
    end: date


KEYED_COLUMNS = ("reference", "reference_days", "scale", "recent_key", "reference_key")


def emerging(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> Emerging:
    """The significant rises up to the end of the period, strongest first. `rises` columns: commune_code,
    commune, province_code, province, field, field_vi, field_en, lat, lon, window_days, recent, expected, ratio,
    p_value, q_value, seasonal, weekly (counts of the last `SPARK_WEEKS` weeks, oldest first). With
    `cell_keys` (the protected roles: apply_role), also `KEYED_COLUMNS` (what the perturbed expected count is
    built from)."""
    filters = overview.resolve_period(con, scope, filters)
    info = overview.data_info(con, scope)
    assert filters.date_to is not None
    spans = windows(filters.date_to, info.first_day)
    counts = series_counts(con, scope, filters, spans, cell_keys=cell_keys)
    seasonal = {w.days: w.seasonal for w in spans}
    tested = rise_tests(counts)
    hits = tested.filter("significant").with_columns(
        pl.col("window_days").replace_strict(seasonal, return_dtype=pl.Boolean).alias("seasonal"),
    )
    keys = (hits["commune_code"] + "|" + hits["field"]).unique().to_list()
    spark = weekly_counts(con, scope, filters, filters.date_to, keys)
    names = query(
        con,
        """
        SELECT c.commune_code, c.name_vi AS commune, c.province_code, p.name_vi AS province, c.lat, c.lon
        FROM dim_commune c JOIN dim_province p USING (province_code)
        WHERE c.commune_code IN (SELECT unnest($codes::VARCHAR[]))
        """,
        {"codes": hits["commune_code"].unique().to_list()},
    )
    fields = query(con, "SELECT field_code AS field, name_vi AS field_vi, name_en AS field_en FROM dim_field")
    rises = (
        hits.with_columns((pl.col("commune_code") + "|" + pl.col("field")).alias("key"))
        .join(spark, on="key", how="left")
        .join(names, on="commune_code", how="left")
        .join(fields, on="field", how="left")
        .sort(["q_value", "ratio"], descending=[False, True], nulls_last=True)
        .select(
            "commune_code", "commune", "province_code", "province", "field", "field_vi", "field_en", "lat", "lon",
            "window_days", "recent", "expected", "ratio", "p_value", "q_value", "seasonal", "weekly",
            *(KEYED_COLUMNS if cell_keys else ()),
        )
    )  # fmt: skip
    return Emerging(rises, int(tested["tested"].sum()), all(w.seasonal for w in spans), filters.date_to)


def apply_role(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """The role's small-count rule: hidden recent counts drop the row (a listed rise without its count
    would still reveal a small number); weekly sparklines are kept only for exact roles. For the roles with a
    threshold (`frame` from emerging(..., cell_keys=True)) the recent and reference counts are perturbed first,
    the expected count and ratio recomputed from them, and the threshold applies to the perturbed recent; the
    p- and q-values (of the exact counts) are dropped and rises are ordered by the perturbed ratio."""
    if suppress.threshold(role, medium) is not None:
        if "recent_key" not in frame.columns:
            raise ValueError("protected rises need their cell keys: emerging(..., cell_keys=True)")
        frame = suppress.perturb(frame, role, medium, count="recent", key="recent_key")
        frame = suppress.perturb(frame, role, medium, count="reference", key="reference_key")
        expected = pl.col("scale") * pl.col("reference") * pl.col("window_days") / pl.col("reference_days")
        frame = frame.with_columns(expected.alias("expected")).with_columns(
            pl.when(pl.col("expected") > 0).then(pl.col("recent") / pl.col("expected")).alias("ratio")
        )
    frame = frame.drop(KEYED_COLUMNS, strict=False)
    marked = suppress.suppress(frame, role, medium, count="recent", dependent=["expected", "ratio"])
    kept = marked.filter(~pl.col("suppressed"))
    if suppress.threshold(role, medium) is not None:
        # p and q are of the exact counts: beside the perturbed counts, binom.sf would pick the true pair, and
        # the q order would tell the exact strength. Protected roles get neither, rises by the perturbed ratio.
        kept = (
            kept.with_columns(pl.lit(None, dtype=pl.List(pl.Int64)).alias("weekly"))
            .drop("p_value", "q_value", strict=False)
            .sort(["ratio", "commune_code", "field", "window_days"], descending=[True, False, False, False],
                  nulls_last=True)
        )  # fmt: skip
    return kept


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics emerging`: the significant rises, the role's export rule; weekly counts as text."""
    argparse.ArgumentParser(prog="python -m analytics emerging").parse_args(extra)
    keyed = suppress.threshold(role, "export") is not None
    frame = apply_role(emerging(con, scope, filters, cell_keys=keyed).rises, role, "export")
    return frame.with_columns(pl.col("weekly").cast(pl.List(pl.String)).list.join(" ").alias("weekly")).drop(
        "suppressed"
    )
