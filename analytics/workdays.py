"""Working days in Vietnam: weekends and public holidays (Tết included) do not count toward a deadline.

Holidays come from the `holidays` package (Vietnam: New Year, the Lunar New Year days, Hùng Kings,
30/4, 1/5, National Day 2/9 with its adjacent day, and the substituted/observed days it knows).
A deadline of N working days after an opinion received on day D is the N-th working day after D (the day
of receipt never counts, whether or not it is a working day). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import polars as pl

import config

DEFAULT_WORKING_DAYS = 15


@cache
def _holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a Vietnamese public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n ≥ 0; n = 0 gives `day` itself)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    current = day
    while n:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def working_calendar(first: date, last: date) -> pl.DataFrame:
    """One row per day: day, working (bool), ordinal (working days from `first` up to and including the day).

    With it, SQL finds a deadline by ordinal arithmetic: deadline = the working day whose ordinal is
    ordinal(received day) + N."""
    days = pl.date_range(first, last, interval="1d", eager=True).alias("day")
    working = [is_working_day(d) for d in days.to_list()]
    return pl.DataFrame({"day": days, "working": working}).with_columns(
        pl.col("working").cast(pl.Int32).cum_sum().alias("ordinal")
    )


def deadline_table(calendar: pl.DataFrame, spans: Iterable[int]) -> pl.DataFrame:
    """For every day of `calendar` (working_calendar) and every N in `spans`: day, working_days (N), deadline
    (the N-th working day after the day; null past the calendar's end) and deadline_ordinal (its ordinal).

    A small table SQL joins on (received day, N) instead of walking the calendar row by row."""
    working = calendar.filter("working").select(
        pl.col("ordinal").alias("deadline_ordinal"), pl.col("day").alias("deadline")
    )
    spans_frame = pl.DataFrame({"working_days": sorted(set(spans))}, schema={"working_days": pl.Int32})
    return (
        calendar.select("day", "ordinal")
        .join(spans_frame, how="cross")
        .with_columns((pl.col("ordinal") + pl.col("working_days")).alias("deadline_ordinal"))
        .join(working, on="deadline_ordinal", how="left")
        .select("day", "working_days", "deadline", "deadline_ordinal")
    )


def deadline_rules() -> pl.DataFrame:
    """The configured deadlines (data/reference/deadlines.csv): field_code, level ('*' = any), working_days."""
    return pl.read_csv(config.REFERENCE_DIR / "deadlines.csv", infer_schema=False).select(
        "field_code", "level", pl.col("working_days").cast(pl.Int32)
    )


def deadline_grid(rules: pl.DataFrame, fields: list[str], levels: list[str]) -> pl.DataFrame:
    """Working days for every (field, level) pair, the most specific rule winning (field+level > field >
    level > default); pairs with no rule get DEFAULT_WORKING_DAYS. `levels` may include '' for "not given"."""
    out = []
    for f in fields:
        for lv in levels:
            best, rank = DEFAULT_WORKING_DAYS, -1
            for rf, rl, days in rules.iter_rows():
                if rf not in ("*", f) or rl not in ("*", lv):
                    continue
                r = (rf != "*") * 2 + (rl != "*")
                if r > rank:
                    best, rank = days, r
            out.append((f, lv, best))
    return pl.DataFrame(out, schema={"field": pl.String, "level": pl.String, "working_days": pl.Int32}, orient="row")
