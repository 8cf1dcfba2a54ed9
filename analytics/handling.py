"""The "Xử lý & phản hồi" questions: funnel, answers on time in working days, overdue cases, league tables.

Rules (shown on the page):
- An opinion's *response* is the earlier of `answered_at` and `resolved_at`.
- Its *deadline* is the N-th working day after the day it was received (analytics/workdays.py: weekends and
  Vietnamese public holidays, Tết included, do not count); N comes from data/reference/deadlines.csv by field
  and handling level (default 15).
- *Due*: answered, or its deadline has passed at the data's as-of time. Younger unanswered opinions are not
  late yet and count neither way. On-time share = answered by the deadline ÷ due.
- *Overdue now*: no response, not rejected, deadline before the as-of day.
- Days to answer: calendar days from receipt to response (median over answered opinions).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import polars as pl

from analytics import workdays
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.overview import data_info
from analytics.scope import Scope, scope_predicate

LEVELS = ["village", "commune", "province", "central", ""]
CALENDAR_SLACK_DAYS = 200  # the calendar runs this far past the as-of day, enough for any configured deadline
GROUPS = {"agency": "coalesce(h.agency, '')", "province": "h.province_code"}


@dataclass(frozen=True)
class Summary:
    """Headline handling numbers under the filters; shares are None when their denominator is 0."""

    opinions: int
    forwarded: int
    answered: int
    resolved: int
    due: int
    on_time: int
    overdue: int
    median_days: float | None
    rated: int
    satisfaction: float | None
    as_of: datetime

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def _calendar_params(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> tuple[dict, datetime]:
    """The working-day calendar and deadline grid as list parameters, and the as-of time."""
    info = data_info(con, scope)
    as_of = info.as_of or datetime.now()
    first = min(filters.date_from or info.first_day or as_of.date(), info.first_day or as_of.date())
    calendar = workdays.working_calendar(first - timedelta(days=1), as_of.date() + timedelta(days=CALENDAR_SLACK_DAYS))
    fields = query(con, "SELECT field_code FROM dim_field")["field_code"].to_list() + [""]
    grid = workdays.deadline_grid(workdays.deadline_rules(), fields, LEVELS)
    params = {
        "cal_day": calendar["day"].to_list(),
        "cal_working": calendar["working"].to_list(),
        "cal_ordinal": calendar["ordinal"].to_list(),
        "dl_field": grid["field"].to_list(),
        "dl_level": grid["level"].to_list(),
        "dl_days": grid["working_days"].to_list(),
        "as_of_day": as_of.date(),
    }
    return params, as_of


def _handled_cte(scope: Scope, filters: Filters) -> tuple[str, dict]:
    """`handled`: one row per opinion under scope and filters, with deadline, response and on-time flags."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    sql = f"""
        cal AS (
            SELECT unnest($cal_day::DATE[]) AS day, unnest($cal_working::BOOLEAN[]) AS working,
                   unnest($cal_ordinal::INTEGER[]) AS ordinal
        ), dl AS (
            SELECT unnest($dl_field::VARCHAR[]) AS field, unnest($dl_level::VARCHAR[]) AS level,
                   unnest($dl_days::INTEGER[]) AS days
        ), base AS (
            SELECT f.source_system, f.source_id, f.received_at, f.province_code, f.commune_code, f.field,
                   f.level, f.agency, f.status, f.satisfaction, f.content,
                   f.forwarded_at IS NOT NULL OR f.status <> 'received' AS forwarded,
                   least(f.answered_at, f.resolved_at) AS responded_at,
                   f.resolved_at IS NOT NULL OR f.status = 'resolved' AS resolved,
                   c.ordinal + coalesce(d.days, {workdays.DEFAULT_WORKING_DAYS}) AS deadline_ordinal,
                   coalesce(d.days, {workdays.DEFAULT_WORKING_DAYS}) AS deadline_days
            FROM feedback f
            JOIN cal c ON c.day = f.received_at::DATE
            LEFT JOIN dl d ON d.field = coalesce(f.field, '') AND d.level = coalesce(f.level, '')
            WHERE {scope_sql} AND {filter_sql}
        ), handled AS (
            SELECT b.*, w.day AS deadline,
                   b.responded_at IS NOT NULL OR w.day < $as_of_day AS due,
                   b.responded_at IS NOT NULL AND b.responded_at::DATE <= w.day AS on_time,
                   b.responded_at IS NULL AND b.status <> 'rejected' AND w.day < $as_of_day AS overdue,
                   date_diff('second', b.received_at, b.responded_at) / 86400.0 AS days_to_answer
            FROM base b
            LEFT JOIN cal w ON w.working AND w.ordinal = b.deadline_ordinal
        )"""
    return sql, {**scope_params, **filter_params}


_AGGREGATES = """
    count(*) AS received,
    count(*) FILTER (WHERE forwarded) AS forwarded,
    count(*) FILTER (WHERE responded_at IS NOT NULL) AS answered,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE due) AS due,
    count(*) FILTER (WHERE on_time) AS on_time,
    count(*) FILTER (WHERE overdue) AS overdue,
    median(days_to_answer) AS median_days,
    count(satisfaction) AS rated,
    avg(satisfaction) AS satisfaction
"""


def summary(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> Summary:
    """Funnel counts, on-time share, overdue count, median days to answer and satisfaction (see module doc)."""
    params, as_of = _calendar_params(con, scope, filters)
    cte, cte_params = _handled_cte(scope, filters)
    row = query(con, f"WITH {cte} SELECT {_AGGREGATES} FROM handled", {**params, **cte_params}).row(0, named=True)
    return Summary(
        opinions=int(row["received"]),
        forwarded=int(row["forwarded"] or 0),
        answered=int(row["answered"] or 0),
        resolved=int(row["resolved"] or 0),
        due=int(row["due"] or 0),
        on_time=int(row["on_time"] or 0),
        overdue=int(row["overdue"] or 0),
        median_days=row["median_days"],
        rated=int(row["rated"] or 0),
        satisfaction=row["satisfaction"],
        as_of=as_of,
    )


def funnel(s: Summary) -> pl.DataFrame:
    """received → forwarded → answered → resolved as rows (stage, opinions, share of received)."""
    stages = [("received", s.opinions), ("forwarded", s.forwarded), ("answered", s.answered), ("resolved", s.resolved)]
    return pl.DataFrame(stages, schema={"stage": pl.String, "opinions": pl.Int64}, orient="row").with_columns(
        (pl.col("opinions") / max(s.opinions, 1)).alias("share")
    )


def league(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, by: str = "agency", min_due: int = 20
) -> pl.DataFrame:
    """Per handling agency, province, or both (`by` = 'agency' | 'province' | 'agency,province'): received,
    answered, due, on_time, on_time_share (null below `min_due` due opinions: too few to rank), median_days,
    overdue, rated, satisfaction. Sorted best first (on-time share, then due)."""
    keys = [k.strip() for k in by.split(",")]
    if not keys or any(k not in GROUPS for k in keys):
        raise ValueError(f"by must name agency and/or province, got {by!r}")
    params, _ = _calendar_params(con, scope, filters)
    cte, cte_params = _handled_cte(scope, filters)
    select = ", ".join(f"{GROUPS[k]} AS {k}" for k in keys)
    frame = query(
        con,
        f"""WITH {cte}
            SELECT {select}, {_AGGREGATES}
            FROM handled h
            GROUP BY ALL""",
        {**params, **cte_params},
    )
    if "province" in keys:
        names = query(con, "SELECT province_code AS province, name_vi AS province_name FROM dim_province")
        frame = frame.join(names, on="province", how="left")
    return frame.with_columns(
        pl.when(pl.col("due") >= min_due).then(pl.col("on_time") / pl.col("due")).alias("on_time_share")
    ).sort(["on_time_share", "due"], descending=[True, True], nulls_last=True)


def overdue_cases(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 200) -> pl.DataFrame:
    """Overdue opinions now, the longest overdue first: keys, received_at, deadline, working days overdue,
    province, agency, level, field, content (masked at load)."""
    params, _ = _calendar_params(con, scope, filters)
    cte, cte_params = _handled_cte(scope, filters)
    return query(
        con,
        f"""WITH {cte}
            SELECT h.source_system, h.source_id, h.received_at, h.deadline, h.deadline_days,
                   (SELECT count(*) FROM cal WHERE working AND day > h.deadline AND day <= $as_of_day)
                       AS working_days_late,
                   h.province_code, h.agency, h.level, h.field, h.status, h.content
            FROM handled h
            WHERE h.overdue
            ORDER BY h.deadline, h.received_at, h.source_id
            LIMIT $limit""",
        {**params, **cte_params, "limit": limit},
    )


def top_bottom(table: pl.DataFrame, n: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The n best and the n worst ranked rows (on_time_share not null) of a league table; a row is never in both."""
    ranked = table.filter(pl.col("on_time_share").is_not_null())
    best = ranked.head(n)
    worst = ranked.slice(max(best.height, ranked.height - n)).reverse()
    return best, worst


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics handling [--by agency,province] [--min-due N]`: the league table of the page."""
    del role  # row counts per agency; small-count rules arrive with the access-control issue
    parser = argparse.ArgumentParser(prog="python -m analytics handling")
    parser.add_argument("--by", default="agency,province")
    parser.add_argument("--min-due", type=int, default=20)
    args = parser.parse_args(extra)
    table = league(con, scope, filters, by=args.by, min_due=args.min_due)
    keys = [c for c in ("province", "province_name", "agency") if c in table.columns]
    return table.select(*keys, "received", "answered", "due", "on_time", "on_time_share", "median_days", "overdue",
                        "rated", "satisfaction")  # fmt: skip
