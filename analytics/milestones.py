"""Lộ trình — action-programme milestones with the "5 clear points" (goal, task, deadline, responsibility,
result) and their status as of the data's as-of date:
done_on_time (done_at ≤ due_date), done_late (done after the due date), overdue (not done, due date passed),
upcoming (not done, due date not yet passed). A national-scope milestone is shown to every viewer; a
provincial one only within its province's scope.
"""

from __future__ import annotations

import argparse
from datetime import date

import duckdb
import polars as pl

from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope

STATUSES = ("done_on_time", "done_late", "overdue", "upcoming")


def with_status(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Add `status`, `days_overdue` (overdue only) and `result_share` (result / target; null without both)."""
    return frame.with_columns(
        pl.when(pl.col("done_at").is_not_null() & (pl.col("done_at") <= pl.col("due_date")))
        .then(pl.lit("done_on_time"))
        .when(pl.col("done_at").is_not_null())
        .then(pl.lit("done_late"))
        .when(pl.col("due_date") < pl.lit(as_of))
        .then(pl.lit("overdue"))
        .otherwise(pl.lit("upcoming"))
        .alias("status"),
        pl.when(pl.col("target").is_not_null() & (pl.col("target") != 0) & pl.col("result").is_not_null())
        .then(pl.col("result") / pl.col("target"))
        .alias("result_share"),
    ).with_columns(
        pl.when(pl.col("status") == "overdue")
        .then((pl.lit(as_of) - pl.col("due_date")).dt.total_days())
        .alias("days_overdue")
    )


def status_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Milestones per scope and status (every status present, zeros included)."""
    scopes = frame.select("scope").unique()
    grid = scopes.join(pl.DataFrame({"status": list(STATUSES)}), how="cross")
    counts = frame.group_by("scope", "status").agg(pl.len().alias("milestones"))
    return (
        grid.join(counts, on=["scope", "status"], how="left")
        .with_columns(pl.col("milestones").fill_null(0).cast(pl.Int64))
        .sort("scope", "status")
    )


def milestones(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, as_of: date) -> pl.DataFrame:
    """Milestones visible in the scope (national ones and the provinces in view; the province filter keeps
    national ones plus that province's), with their status."""
    params: dict = {}
    clauses = []
    if scope.province_code is not None:
        clauses.append("(m.scope = 'national' OR m.scope = $scope_province)")
        params["scope_province"] = scope.province_code
    if filters.province_code is not None:
        clauses.append("(m.scope = 'national' OR m.scope = $f_province)")
        params["f_province"] = filters.province_code
    where = " AND ".join(clauses) or "TRUE"
    frame = query(
        con,
        f"""
        SELECT m.milestone_id, m.scope, p.name_vi AS scope_name, m.title, m.indicator, m.target, m.due_date,
               m.owner, m.result, m.done_at
        FROM milestone m LEFT JOIN dim_province p ON p.province_code = m.scope
        WHERE {where}
        ORDER BY m.due_date, m.milestone_id
        """,
        params,
    )
    return with_status(frame, as_of)


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics milestones`: every milestone in view with its status (`--summary` for counts per
    scope and status).

    `--role` changes nothing here: milestones are the Front's own action-programme records, not counts of
    citizens or their opinions, so the small-count rule (DESIGN §5) does not apply to them."""
    del role
    from analytics.monitoring import as_of_date

    parser = argparse.ArgumentParser(prog="python -m analytics milestones")
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args(extra)
    frame = milestones(con, scope, filters, as_of_date(con, scope))
    return status_counts(frame) if args.summary else frame
