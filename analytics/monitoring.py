"""Giám sát & phản biện — supervision and social-criticism contents per unit per year against the target,
dialogues, the share of dialogue opinions that entered conclusions and were handled, and the
recommendation chain issued → answered → implemented → re-supervised with overdue items.

A unit is the Front committee of a province (province-level activities) or of a commune (commune-level
ones); the denominator of "units meeting the target" is every unit in view (communes without any activity
count as 0). Years are calendar years of `start_date`, within the chosen period's years.

Recommendations (as of the data's as-of date): answered on time = answered on or before `due_at`; answered
late = answered after it; overdue = not answered and `due_at` before the as-of date (age = days past due);
not yet due = not answered, due on or after the as-of date.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

import duckdb
import polars as pl

from analytics import suppress
from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope, scope_predicate
from analytics.targets import load_targets

TARGET_KINDS = ("supervision", "social_criticism", "dialogue")


def _place(filters: Filters, alias: str) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if filters.province_code is not None:
        clauses.append(f"{alias}.province_code = $f_province")
        params["f_province"] = filters.province_code
    if filters.commune_code is not None:
        clauses.append(f"{alias}.commune_code = $f_commune")
        params["f_commune"] = filters.commune_code
    return " AND ".join(clauses) or "TRUE", params


def _years(filters: Filters) -> tuple[int, int]:
    start = filters.date_from.year if filters.date_from else 1900
    end = filters.date_to.year if filters.date_to else 2999
    return start, end


def units_vs_target(counts: pl.DataFrame, units: pl.DataFrame, targets: dict[str, Any]) -> pl.DataFrame:
    """Per year, level and kind: units in view, units meeting the target, mean contents per unit.

    `counts`: year, level, unit_code, kind, contents (units with activities); `units`: level, unit_code
    (every unit in view, the denominator). Units without a row count 0 contents."""
    goal = {k: targets["monitoring"][f"{k}_per_unit_year"] for k in TARGET_KINDS}
    years = counts.select("year").unique()
    kinds = pl.DataFrame({"kind": list(TARGET_KINDS)})
    grid = units.join(years, how="cross").join(kinds, how="cross")
    full = grid.join(counts, on=["year", "level", "unit_code", "kind"], how="left").with_columns(
        pl.col("contents").fill_null(0),
        pl.col("kind").replace_strict(goal, return_dtype=pl.Float64).alias("target"),
    )
    return (
        full.group_by("year", "level", "kind")
        .agg(
            pl.len().alias("units"),
            (pl.col("contents") >= pl.col("target")).sum().alias("units_meeting"),
            pl.col("contents").sum().alias("contents"),
            pl.col("target").first(),
        )
        .with_columns(
            (pl.col("contents") / pl.col("units")).alias("per_unit"),
            (pl.col("units_meeting") / pl.col("units")).alias("share_meeting"),
        )
        .sort("year", "level", "kind")
    )


def recommendation_status(recs: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Add `stage` (overdue, not_due, answered_on_time, answered_late) and `days_overdue` to recommendations
    (columns due_at, answered_at). Without a due date an unanswered one is never overdue."""
    return recs.with_columns(
        pl.when(
            pl.col("answered_at").is_not_null()
            & (pl.col("due_at").is_null() | (pl.col("answered_at") <= pl.col("due_at")))
        )
        .then(pl.lit("answered_on_time"))
        .when(pl.col("answered_at").is_not_null())
        .then(pl.lit("answered_late"))
        .when(pl.col("due_at") < pl.lit(as_of))
        .then(pl.lit("overdue"))
        .otherwise(pl.lit("not_due"))
        .alias("stage"),
    ).with_columns(
        pl.when(pl.col("stage") == "overdue")
        .then((pl.lit(as_of) - pl.col("due_at")).dt.total_days())
        .otherwise(None)
        .alias("days_overdue")
    )


def chain(recs: pl.DataFrame) -> pl.DataFrame:
    """The chain issued → answered → implemented → re-supervised: count and share of issued per step."""
    issued = recs.height
    steps = [
        ("issued", issued),
        ("answered", int(recs["answered_at"].is_not_null().sum())),
        ("implemented", int(recs["implemented_at"].is_not_null().sum())),
        ("resupervised", int(recs["resupervised_at"].is_not_null().sum())),
    ]
    return pl.DataFrame(
        {
            "step": [s for s, _ in steps],
            "count": [n for _, n in steps],
            "share_of_issued": [n / issued if issued else None for _, n in steps],
        },
        schema={"step": pl.String, "count": pl.Int64, "share_of_issued": pl.Float64},
    )


def overdue_by_agency(recs: pl.DataFrame, buckets: list[int]) -> pl.DataFrame:
    """Overdue recommendations per agency and age bucket (days past due: ≤b1, b1+1–b2, …, >bn)."""
    overdue = recs.filter(pl.col("stage") == "overdue")
    labels = []
    lower = 0
    for upper in buckets:
        labels.append(f"{lower + 1}-{upper}")
        lower = upper
    labels.append(f">{buckets[-1]}")
    return (
        overdue.with_columns(
            pl.col("days_overdue").cut([b + 0.5 for b in buckets], labels=labels).cast(pl.String).alias("age")
        )
        .group_by("agency", "age")
        .agg(pl.len().alias("overdue"), pl.col("days_overdue").max().alias("oldest_days"))
        .with_columns(pl.col("overdue").sum().over("agency").alias("agency_total"))
        .sort(["agency_total", "agency", "age"], descending=[True, False, False])
    )


# SQL ---------------------------------------------------------------------------------------------------


def activity_counts(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Contents per year, level, unit and kind (supervision, social criticism, dialogue)."""
    where, params = scope_predicate(scope, "a")
    place, place_params = _place(filters, "a")
    start, end = _years(filters)
    return query(
        con,
        f"""
        SELECT year(a.start_date) AS year, a.level,
               CASE WHEN a.level = 'province' THEN a.province_code ELSE a.commune_code END AS unit_code,
               a.kind, count(*) AS contents
        FROM activity a
        WHERE a.kind IN ('supervision', 'social_criticism', 'dialogue') AND a.level IN ('province', 'commune')
          AND year(a.start_date) BETWEEN $y0 AND $y1 AND {where} AND {place}
        GROUP BY ALL
        """,
        {**params, **place_params, "y0": start, "y1": end},
    )


def units_in_view(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Every province and commune committee in view (level, unit_code): the denominators.

    A commune (scope or filter) has its own committee in view only, not its province's."""
    p_where, p_params = scope_predicate(scope, "p", commune_column=None)
    c_where, c_params = scope_predicate(scope, "c")
    p_place, place_params = _place(Filters(province_code=filters.province_code), "p")
    c_place, c_place_params = _place(
        Filters(province_code=filters.province_code, commune_code=filters.commune_code), "c"
    )
    return query(
        con,
        f"""
        SELECT 'province' AS level, p.province_code AS unit_code FROM dim_province p
        WHERE {p_where} AND {p_place} AND $provinces_in_view
        UNION ALL
        SELECT 'commune', c.commune_code FROM dim_commune c WHERE {c_where} AND {c_place}
        """,
        {**p_params, **c_params, **place_params, **c_place_params,
         "provinces_in_view": scope.commune_code is None and filters.commune_code is None},
    )  # fmt: skip


def targets_table(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Units meeting the supervision / criticism / dialogue targets per year and level."""
    counts = activity_counts(con, scope, filters)
    if counts.is_empty():
        return pl.DataFrame()
    return units_vs_target(counts, units_in_view(con, scope, filters), load_targets())


def _activity_key_sql(cell: str) -> str:
    """SQL aggregate for the cell key of a count summed over dialogue activities (`cell`: which count): the sum
    of the activities' permanent keys (a salted hash of activity_id and `cell`, 0–255) mod 256. The two counts
    of one activity get unrelated keys, so raised minus concluded is not the same noise cancelled."""
    record = f"(hash(a.activity_id, '{cell}', $cell_key_salt) & 255)::INTEGER"
    return f"(coalesce(sum({record}), 0) % {suppress.KEY_MODULUS})::INTEGER"


def dialogues(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False
) -> pl.DataFrame:
    """Dialogues in the period by level: number held, opinions raised, concluded (share of raised), and the
    opinions received through the dialogue channel in the period and the share of them handled
    (answered or resolved). With `cell_keys` (protected roles: analytics.protected.dialogue_totals), the cell
    keys of the four citizens' counts: `opinions_key`, `concluded_key` (per level, of the activities summed),
    `channel_key`, `handled_key` (of the feedback records, suppress.cell_key_sql)."""
    where, params = scope_predicate(scope, "a")
    f_where, _ = scope_predicate(scope, "f")
    place, place_params = _place(filters, "a")
    f_place, _ = _place(filters, "f")
    start = filters.date_from or date(1900, 1, 1)
    end = filters.date_to or date(2999, 12, 31)
    handled = "f.answered_at IS NOT NULL OR f.resolved_at IS NOT NULL"
    activity_keys = feedback_keys = ""
    if cell_keys:
        activity_keys = (
            f", {_activity_key_sql('opinions')} AS opinions_key, {_activity_key_sql('concluded')} AS concluded_key"
        )
        feedback_keys = (
            f", {suppress.cell_key_sql('f')} AS channel_key, {suppress.cell_key_sql('f', handled)} AS handled_key"
        )
    frame = query(
        con,
        f"""
        WITH d AS (
            SELECT a.level, count(*) AS dialogues, sum(a.opinions) AS opinions,
                   sum(a.opinions_concluded) AS concluded {activity_keys}
            FROM activity a
            WHERE a.kind = 'dialogue' AND a.start_date BETWEEN $d0 AND $d1 AND {where} AND {place}
            GROUP BY ALL
        ), f AS (
            SELECT count(*) AS channel_opinions,
                   count(*) FILTER (WHERE {handled}) AS handled {feedback_keys}
            FROM feedback f
            WHERE f.channel = 'dialogue' AND f.received_at >= $d0 AND f.received_at < $d1 + INTERVAL 1 DAY
              AND {f_where} AND {f_place}
        )
        SELECT d.*, f.* FROM d, f ORDER BY d.level DESC
        """,
        {**params, **place_params, "d0": start, "d1": end, **(suppress.key_params() if cell_keys else {})},
    )
    return frame.with_columns(
        pl.when(pl.col("opinions") > 0).then(pl.col("concluded") / pl.col("opinions")).alias("concluded_share"),
        pl.when(pl.col("channel_opinions") > 0)
        .then(pl.col("handled") / pl.col("channel_opinions"))
        .alias("handled_share"),
    )


def recommendations(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, as_of: date) -> pl.DataFrame:
    """Recommendations issued in the period (scope and place through their activity), with their stage."""
    where, params = scope_predicate(scope, "a")
    place, place_params = _place(filters, "a")
    start = filters.date_from or date(1900, 1, 1)
    end = filters.date_to or date(2999, 12, 31)
    recs = query(
        con,
        f"""
        SELECT r.recommendation_id, r.agency, r.field, r.issued_at, r.due_at, r.status,
               r.answered_at, r.implemented_at, r.resupervised_at, a.province_code
        FROM recommendation r JOIN activity a USING (activity_id)
        WHERE r.issued_at BETWEEN $d0 AND $d1 AND {where} AND {place}
        """,
        {**params, **place_params, "d0": start, "d1": end},
    )
    return recommendation_status(recs, as_of)


def as_of_date(con: duckdb.DuckDBPyConnection, scope: Scope) -> date:
    """The data's as-of date (meta `data_as_of`, else the latest date in recommendations and activities)."""
    from analytics.overview import data_info

    info = data_info(con, scope)
    if info.as_of is not None:
        return info.as_of.date()
    latest = query(
        con,
        "SELECT greatest(max(issued_at), max(answered_at), max(implemented_at), max(resupervised_at)) AS d "
        "FROM recommendation",
    )["d"][0]
    return latest or date.today()


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics monitoring`: per year, level and kind, units meeting the target; `--part
    recommendations` prints the overdue recommendations by agency and age instead.

    `--role` changes nothing here: supervision contents, units meeting targets and recommendations are the
    Front's and agencies' own records (documents, not people). The citizens' opinions at dialogues, which are
    protected on the page (analytics.protected.dialogue_totals), are not part of this report."""
    del role
    parser = argparse.ArgumentParser(prog="python -m analytics monitoring")
    parser.add_argument("--part", choices=("targets", "chain", "overdue"), default="targets")
    args = parser.parse_args(extra)
    if args.part == "targets":
        return targets_table(con, scope, filters)
    recs = recommendations(con, scope, filters, as_of_date(con, scope))
    if args.part == "chain":
        return chain(recs)
    return overdue_by_agency(recs, load_targets()["recommendations"]["overdue_buckets"])
