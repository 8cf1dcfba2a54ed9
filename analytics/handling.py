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
from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from analytics import suppress, workdays
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.overview import as_of_and_first_day
from analytics.scope import Scope, scope_predicate

LEVELS = ["village", "commune", "province", "central", ""]
CALENDAR_SLACK_DAYS = 200  # the calendar runs this far past the as-of day, enough for any configured deadline
GROUPS = ("agency", "province")  # league table keys
SECONDS_PER_DAY = 86400  # answer times are bucketed by whole days for exact medians


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
    # the counts' cell keys by field name (analytics.suppress; None unless computed with cell_keys=True)
    keys: dict[str, int] | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class Figures:
    """The page's numbers from one pass over the opinions: the summary and the league tables per handling
    agency and per province (as `summary` and `league` return them)."""

    summary: Summary
    by_agency: pl.DataFrame
    by_province: pl.DataFrame

    def league(self, by: str) -> pl.DataFrame:
        """The league table for `by` = 'agency' or 'province'."""
        return {"agency": self.by_agency, "province": self.by_province}[by]


@dataclass(frozen=True)
class _Calendar:
    """What the handling SQL joins: the deadline rule per (field, level) and the deadline per (day, N)."""

    tables: dict[str, pl.DataFrame]
    first_day: date
    last_day: date
    as_of: datetime
    as_of_ordinal: int


def _calendar(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> _Calendar:
    """The working-day calendar from the scope's first opinion to well past the as-of day, as small tables."""
    found_as_of, first_day = as_of_and_first_day(con, scope)
    as_of = found_as_of or datetime.now()
    first = min(filters.date_from or first_day or as_of.date(), first_day or as_of.date())
    calendar = workdays.working_calendar(first - timedelta(days=1), as_of.date() + timedelta(days=CALENDAR_SLACK_DAYS))
    fields = query(con, "SELECT field_code FROM dim_field")["field_code"].to_list() + [""]
    grid = workdays.deadline_grid(workdays.deadline_rules(), fields, LEVELS)
    spans = [*grid["working_days"].drop_nulls().to_list(), workdays.DEFAULT_WORKING_DAYS]
    as_of_row = calendar.filter(pl.col("day") == as_of.date())
    return _Calendar(
        tables={"handling_rule": grid, "handling_deadline": workdays.deadline_table(calendar, spans)},
        first_day=calendar["day"][0],
        last_day=calendar["day"][-1],
        as_of=as_of,
        as_of_ordinal=int(as_of_row["ordinal"][0]) if as_of_row.height else 0,
    )


def _handled_cte(scope: Scope, filters: Filters, cell_keys: bool = False) -> tuple[str, dict]:
    """`handled`: one row per opinion under scope and filters (received on a calendar day), with its response
    time, deadline and deadline ordinal (and its `record_key` with `cell_keys`). Reads the `_Calendar` tables."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    record_key = f"{suppress.record_key_sql('f')} AS record_key," if cell_keys else ""
    sql = f"""
        handled AS (
            SELECT f.source_system, f.source_id, f.received_at, f.province_code, f.field, f.level, f.agency,
                   f.status, f.satisfaction, f.content, {record_key}
                   f.forwarded_at IS NOT NULL OR f.status <> 'received' AS forwarded,
                   least(f.answered_at, f.resolved_at) AS responded_at,
                   f.resolved_at IS NOT NULL OR f.status = 'resolved' AS resolved,
                   date_diff('second', f.received_at, least(f.answered_at, f.resolved_at)) AS seconds_to_answer,
                   c.working_days AS deadline_days, c.deadline, c.deadline_ordinal
            FROM feedback f
            LEFT JOIN handling_rule r ON r.field = coalesce(f.field, '') AND r.level = coalesce(f.level, '')
            JOIN handling_deadline c
              ON c.day = f.received_at::DATE
             AND c.working_days = coalesce(r.working_days, {workdays.DEFAULT_WORKING_DAYS})
            WHERE {scope_sql} AND {filter_sql}
        )"""
    return sql, {**scope_params, **filter_params, **(suppress.key_params() if cell_keys else {})}


_COUNTS = ["received", "forwarded", "answered", "resolved", "due", "on_time", "overdue", "rated", "satisfaction_sum"]
# The rows each count of the histogram counts (the same conditions as its SQL below): their record keys are
# summed into the count's cell key for the protected roles (analytics.suppress, docs/disclosure-control.md).
_COUNTED = {
    "received": None,
    "forwarded": "forwarded",
    "answered": "responded_at IS NOT NULL",
    "resolved": "resolved",
    "due": "responded_at IS NOT NULL OR deadline < $as_of_day",
    "on_time": "responded_at::DATE <= deadline",
    "overdue": "responded_at IS NULL AND status <> 'rejected' AND deadline < $as_of_day",
    "rated": "satisfaction IS NOT NULL",
}
# Summary field -> league/histogram count
_SUMMARY_COUNTS = {"opinions": "received", **{c: c for c in _COUNTED if c != "received"}}


def _key_sums(cell_keys: bool) -> str:
    """The histogram's `<count>_key` columns: its rows' record keys summed per count, mod 256 (with `cell_keys`)."""
    if not cell_keys:
        return ""
    sums = (
        f"(coalesce(sum(record_key){f' FILTER (WHERE {where})' if where else ''}, 0) % {suppress.KEY_MODULUS})"
        f"::INTEGER AS {count}_key"
        for count, where in _COUNTED.items()
    )
    return "".join(f",\n                   {item}" for item in sums)


def _histogram(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, cal: _Calendar, cell_keys: bool = False
) -> pl.DataFrame:
    """The one scan: counts per (agency, province, day bucket of the answer time), with the bucket's shortest
    and longest answer in seconds (bucket null = not answered), and with `cell_keys` each count's cell key
    (`<count>_key`). Everything else is summed from it."""
    cte, params = _handled_cte(scope, filters, cell_keys)
    return query(
        con,
        f"""WITH {cte}
            SELECT coalesce(agency, '') AS agency, province_code AS province,
                   seconds_to_answer // {SECONDS_PER_DAY} AS bucket,
                   count(*) AS received,
                   count(*) FILTER (WHERE forwarded) AS forwarded,
                   count(responded_at) AS answered,
                   count(*) FILTER (WHERE resolved) AS resolved,
                   count(*) FILTER (WHERE responded_at IS NOT NULL OR deadline < $as_of_day) AS due,
                   count(*) FILTER (WHERE responded_at::DATE <= deadline) AS on_time,
                   count(*) FILTER (WHERE responded_at IS NULL AND status <> 'rejected' AND deadline < $as_of_day)
                       AS overdue,
                   count(satisfaction) AS rated,
                   coalesce(sum(satisfaction), 0)::BIGINT AS satisfaction_sum,
                   min(seconds_to_answer) AS lo,
                   max(seconds_to_answer) AS hi{_key_sums(cell_keys)}
            FROM handled
            GROUP BY ALL""",
        {**params, "as_of_day": cal.as_of.date()},
        cal.tables,
    )


def median_ranks(histogram: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Where the median of the answer times lies, per group of `keys`, from a histogram (keys..., bucket,
    answered, lo, hi; buckets ordered like the values). As DuckDB's `median` (quantile_cont 0.5) does, the
    median of n values is the mean of the order statistics of 0-based ranks ⌊(n−1)/2⌋ ('lo') and ⌈(n−1)/2⌉
    ('hi'). One row per group and rank: keys..., rank ('lo'|'hi'), bucket, offset (rank inside the bucket),
    seconds (the value when the bucket holds one value only, else null: read the bucket to find it)."""
    group = keys or ["_all"]
    buckets = (
        histogram.filter(pl.col("bucket").is_not_null() & (pl.col("answered") > 0))
        .with_columns(pl.lit(0).alias("_all"))
        .group_by([*group, "bucket"])
        .agg(pl.col("answered").sum().alias("n"), pl.col("lo").min(), pl.col("hi").max())
        .sort([*group, "bucket"])
        .with_columns(
            (pl.col("n").cum_sum().over(group) - pl.col("n")).alias("before"),
            pl.col("n").sum().over(group).alias("total"),
        )
    )
    parts = []
    for name, rank in (("lo", (pl.col("total") - 1) // 2), ("hi", pl.col("total") // 2)):
        parts.append(
            buckets.filter((pl.col("before") <= rank) & (rank < pl.col("before") + pl.col("n"))).select(
                *group,
                pl.lit(name).alias("rank"),
                "bucket",
                (rank - pl.col("before")).alias("offset"),
                pl.when(pl.col("lo") == pl.col("hi")).then(pl.col("lo")).alias("seconds"),
            )
        )
    return pl.concat(parts).sort([*group, "rank"]).drop([] if keys else ["_all"])


def median_days(ranks: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """keys..., median_days from `median_ranks` with every `seconds` known: (lo + hi) / 2 in days, the same
    floating-point steps as DuckDB's `median` (in Python: polars divides by a constant with a reciprocal,
    which can differ in the last bit)."""
    values: dict[tuple, dict[str, float]] = {}
    for row in ranks.iter_rows(named=True):
        values.setdefault(tuple(row[k] for k in keys), {})[row["rank"]] = row["seconds"] / SECONDS_PER_DAY
    rows = [(*key, (v["lo"] + v["hi"]) / 2) for key, v in values.items()]
    schema = {**{k: ranks.schema[k] for k in keys}, "median_days": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read_buckets(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, cal: _Calendar, open_ranks: dict[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """For ranks whose bucket holds several values: the bucket's answer times in order (keys..., bucket,
    values), read in one narrow pass (no deadline needed). `open_ranks`: grouping name ('' = all) → ranks."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    tables, selects = {}, []
    for name, ranks in open_ranks.items():
        keys = [k for k in ("agency", "province") if k in ranks.columns]
        table = f"handling_open_{name or 'all'}"
        tables[table] = ranks.select(*keys, "bucket").unique()
        on = " AND ".join(f"t.{k} = a.{k}" for k in [*keys, "bucket"])
        cols = ", ".join([*(f"a.{k}" if k in keys else f"NULL::VARCHAR AS {k}" for k in ("agency", "province"))])
        selects.append(
            f"SELECT '{name}' AS grouping, {cols}, a.bucket, list_sort(list(a.seconds)) AS values "
            f"FROM answered a JOIN {table} t ON {on} GROUP BY ALL"
        )
    found = query(
        con,
        f"""WITH answered AS (
                SELECT coalesce(f.agency, '') AS agency, f.province_code AS province,
                       date_diff('second', f.received_at, least(f.answered_at, f.resolved_at)) AS seconds,
                       seconds // {SECONDS_PER_DAY} AS bucket
                FROM feedback f
                WHERE (f.answered_at IS NOT NULL OR f.resolved_at IS NOT NULL)
                  AND f.received_at >= $cal_first AND f.received_at < $cal_end
                  AND {scope_sql} AND {filter_sql}
            )
            {" UNION ALL ".join(selects)}""",
        {**scope_params, **filter_params, "cal_first": cal.first_day, "cal_end": cal.last_day + timedelta(days=1)},
        tables,
    )
    return {name: found.filter(pl.col("grouping") == name).drop("grouping") for name in open_ranks}


def _medians(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    cal: _Calendar,
    histogram: pl.DataFrame,
    groupings: dict[str, list[str]],
) -> dict[str, pl.DataFrame]:
    """Exact median days to answer per grouping (name → keys): from the histogram, reading only the buckets
    that hold a median rank and more than one value."""
    ranks = {name: median_ranks(histogram, keys) for name, keys in groupings.items()}
    open_ranks = {name: r.filter(pl.col("seconds").is_null()) for name, r in ranks.items()}
    open_ranks = {name: r for name, r in open_ranks.items() if r.height}
    if open_ranks:
        for name, values in _read_buckets(con, scope, filters, cal, open_ranks).items():
            keys = [*groupings[name], "bucket"]
            filled = (
                ranks[name]
                .join(values, on=keys, how="left", nulls_equal=True)
                .with_columns(pl.coalesce("seconds", pl.col("values").list.get(pl.col("offset"))).alias("seconds"))
                .drop("values")
            )
            ranks[name] = filled
    return {name: median_days(r, groupings[name]) for name, r in ranks.items()}


def _tally(histogram: pl.DataFrame, medians: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Counts per group of `keys` (one row when there are none), the median days and the mean satisfaction;
    with the histogram's cell keys, each count's `<count>_key` too (the sum of its rows' keys mod 256)."""
    key_columns = [f"{c}_key" for c in _COUNTED if f"{c}_key" in histogram.columns]
    sums = [pl.col(c).sum() for c in _COUNTS]
    sums += [(pl.col(k).cast(pl.Int64).sum() % suppress.KEY_MODULUS).cast(pl.Int32).alias(k) for k in key_columns]
    if keys:
        counts = histogram.group_by(keys).agg(sums).join(medians, on=keys, how="left")
    else:
        median = medians["median_days"][0] if medians.height else None
        counts = histogram.select(sums).with_columns(pl.lit(median, pl.Float64).alias("median_days"))
    return counts.select(
        *keys,
        *(pl.col(c).cast(pl.Int64) for c in _COUNTS[:-2]),
        pl.col("median_days").cast(pl.Float64),
        pl.col("rated").cast(pl.Int64),
        pl.when(pl.col("rated") > 0).then(pl.col("satisfaction_sum") / pl.col("rated")).alias("satisfaction"),
        *key_columns,
    )


def _summary(totals: pl.DataFrame, as_of: datetime) -> Summary:
    row = totals.row(0, named=True)
    keyed = "received_key" in totals.columns
    return Summary(
        opinions=row["received"],
        forwarded=row["forwarded"],
        answered=row["answered"],
        resolved=row["resolved"],
        due=row["due"],
        on_time=row["on_time"],
        overdue=row["overdue"],
        median_days=row["median_days"],
        rated=row["rated"],
        satisfaction=row["satisfaction"],
        as_of=as_of,
        keys={name: row[f"{count}_key"] for name, count in _SUMMARY_COUNTS.items()} if keyed else None,
    )


def _ranked(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, keys: list[str], min_due: int) -> pl.DataFrame:
    """A league table: province names, the on-time share (null below `min_due`), best first, ties by key."""
    if "province" in keys:
        names = query(con, "SELECT province_code AS province, name_vi AS province_name FROM dim_province")
        frame = frame.join(names, on="province", how="left")
    return frame.with_columns(
        pl.when(pl.col("due") >= min_due).then(pl.col("on_time") / pl.col("due")).alias("on_time_share")
    ).sort(["on_time_share", "due", *keys], descending=[True, True, *[False] * len(keys)], nulls_last=True)


def _compute(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    groupings: dict[str, list[str]],
    cell_keys: bool = False,
) -> tuple[dict[str, pl.DataFrame], datetime]:
    """Per grouping (name → keys; [] = everything): the league columns (and with `cell_keys` the counts' cell
    keys), from one scan (plus, for exact medians, one narrow read of the few answer-time buckets that need it)."""
    cal = _calendar(con, scope, filters)
    histogram = _histogram(con, scope, filters, cal, cell_keys)
    medians = _medians(con, scope, filters, cal, histogram, groupings)
    return {name: _tally(histogram, medians[name], keys) for name, keys in groupings.items()}, cal.as_of


def summary(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> Summary:
    """Funnel counts, on-time share, overdue count, median days to answer and satisfaction (see module doc).
    With `cell_keys` (protected roles: analytics.protected.handling_summary), the counts' cell keys in `keys`."""
    tables, as_of = _compute(con, scope, filters, {"": []}, cell_keys)
    return _summary(tables[""], as_of)


def funnel(s: Summary) -> pl.DataFrame:
    """received → forwarded → answered → resolved as rows (stage, opinions, share of received)."""
    stages = [("received", s.opinions), ("forwarded", s.forwarded), ("answered", s.answered), ("resolved", s.resolved)]
    return pl.DataFrame(stages, schema={"stage": pl.String, "opinions": pl.Int64}, orient="row").with_columns(
        (pl.col("opinions") / max(s.opinions, 1)).alias("share")
    )


def league(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    by: str = "agency",
    min_due: int = 20,
    *,
    cell_keys: bool = False,
) -> pl.DataFrame:
    """Per handling agency, province, or both (`by` = 'agency' | 'province' | 'agency,province'): received,
    answered, due, on_time, on_time_share (null below `min_due` due opinions: too few to rank), median_days,
    overdue, rated, satisfaction. Sorted best first (on-time share, then due, then the key). With `cell_keys`
    (protected roles: analytics.protected.league), each count's cell key as `<count>_key`."""
    keys = [k.strip() for k in by.split(",")]
    if not keys or any(k not in GROUPS for k in keys):
        raise ValueError(f"by must name agency and/or province, got {by!r}")
    tables, _ = _compute(con, scope, filters, {"league": keys}, cell_keys)
    return _ranked(con, tables["league"], keys, min_due)


def figures(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, min_due: int = 20, *, cell_keys: bool = False
) -> Figures:
    """`summary`, `league(by='agency')` and `league(by='province')` together, from one scan (what the page
    shows); with `cell_keys`, the counts' cell keys too (as `summary` and `league` give them)."""
    groupings = {"": [], "agency": ["agency"], "province": ["province"]}
    tables, as_of = _compute(con, scope, filters, groupings, cell_keys)
    return Figures(
        summary=_summary(tables[""], as_of),
        by_agency=_ranked(con, tables["agency"], ["agency"], min_due),
        by_province=_ranked(con, tables["province"], ["province"], min_due),
    )


def overdue_cases(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 200) -> pl.DataFrame:
    """Overdue opinions now, the longest overdue first: keys, received_at, deadline, working days overdue,
    province, agency, level, field, content (masked at load)."""
    cal = _calendar(con, scope, filters)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    # The first page is found on narrow columns (deadline, receipt time, row id); the wide ones (source_id,
    # content, ...) are read for those rows and the ties at the page's edge only.
    return query(
        con,
        f"""WITH late AS MATERIALIZED (
                SELECT f.rowid AS row_id, f.received_at, c.deadline, c.deadline_ordinal, c.working_days
                FROM feedback f
                LEFT JOIN handling_rule r ON r.field = coalesce(f.field, '') AND r.level = coalesce(f.level, '')
                JOIN handling_deadline c
                  ON c.day = f.received_at::DATE
                 AND c.working_days = coalesce(r.working_days, {workdays.DEFAULT_WORKING_DAYS})
                WHERE f.answered_at IS NULL AND f.resolved_at IS NULL AND f.status <> 'rejected'
                  AND c.deadline < $as_of_day AND {scope_sql} AND {filter_sql}
            ), edge AS (
                SELECT deadline, received_at FROM late ORDER BY deadline, received_at LIMIT $limit
            ), last AS (
                SELECT deadline, received_at FROM edge ORDER BY deadline DESC, received_at DESC LIMIT 1
            )
            SELECT f.source_system, f.source_id, f.received_at, l.deadline, l.working_days AS deadline_days,
                   ($as_of_ordinal - l.deadline_ordinal)::BIGINT AS working_days_late,
                   f.province_code, f.agency, f.level, f.field, f.status, f.content
            FROM late l
            JOIN last ON l.deadline < last.deadline
                      OR (l.deadline = last.deadline AND l.received_at <= last.received_at)
            JOIN feedback f ON f.rowid = l.row_id
            ORDER BY l.deadline, f.received_at, f.source_id
            LIMIT $limit""",
        {
            **scope_params,
            **filter_params,
            "as_of_day": cal.as_of.date(),
            "as_of_ordinal": cal.as_of_ordinal,
            "limit": limit,
        },
        cal.tables,
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
