"""Working-day deadlines (weekends, Vietnamese holidays, Tết) and the handling numbers."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analytics import campaign, handling, workdays
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.voices import build_voices_warehouse


@pytest.mark.parametrize(
    ("received", "n", "expected"),
    [
        # Tết Bính Ngọ 2026: 16–20/02 are holidays, 14–15 and 21–22 weekends
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        (date(2026, 2, 17), 1, date(2026, 2, 23)),  # received on a holiday: counting starts after it
        # 30/4 (Thu) and 1/5 (Fri) 2026
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        # National Day 2026: 1–2/9 and the substituted 31/8
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        (date(2026, 8, 28), 15, date(2026, 9, 23)),
        (date(2026, 3, 6), 0, date(2026, 3, 6)),
    ],
)
def test_working_day_deadlines_skip_weekends_and_holidays(received, n, expected):
    assert workdays.add_working_days(received, n) == expected


def test_working_days_between_is_the_inverse_of_adding():
    start = date(2026, 1, 20)
    for n in (1, 5, 15, 30):
        assert workdays.working_days_between(start, workdays.add_working_days(start, n)) == n


def test_calendar_ordinals_count_working_days():
    cal = workdays.working_calendar(date(2026, 2, 1), date(2026, 2, 28))
    assert cal["working"].sum() == 15  # 20 weekdays in Feb 2026 minus 5 Tết days
    assert cal["ordinal"][-1] == 15


def test_most_specific_deadline_rule_wins():
    rules = pl.DataFrame(
        {"field_code": ["*", "*", "x", "x"], "level": ["*", "commune", "*", "commune"], "working_days": [15, 10, 5, 3]}
    )
    grid = workdays.deadline_grid(rules, ["x", "y"], ["commune", "province"])
    got = {(f, lv): d for f, lv, d in grid.iter_rows()}
    assert got == {("x", "commune"): 3, ("x", "province"): 5, ("y", "commune"): 10, ("y", "province"): 15}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    return build_voices_warehouse(tmp_path_factory.mktemp("handling"))


def test_handling_summary_matches_a_plain_python_count(fixture):
    con = open_warehouse(fixture.path)
    try:
        s = handling.summary(con, Scope.all(), Filters())
        stored = con.sql("SELECT received_at, answered_at, resolved_at, status, field, level FROM feedback").pl()
        as_of = s.as_of.date()
    finally:
        con.close()
    rules = workdays.deadline_rules()
    fields = sorted(set(stored["field"].drop_nulls())) + [""]
    grid = {(f, lv): d for f, lv, d in workdays.deadline_grid(rules, fields, handling.LEVELS).iter_rows()}
    due = on_time = overdue = 0
    for row in stored.iter_rows(named=True):
        days = grid.get((row["field"] or "", row["level"] or ""), workdays.DEFAULT_WORKING_DAYS)
        deadline = workdays.add_working_days(row["received_at"].date(), days)
        responded = min([t for t in (row["answered_at"], row["resolved_at"]) if t is not None], default=None)
        due += responded is not None or deadline < as_of
        on_time += responded is not None and responded.date() <= deadline
        overdue += responded is None and row["status"] != "rejected" and deadline < as_of
    assert (s.opinions, s.due, s.on_time, s.overdue) == (stored.height, due, on_time, overdue)
    assert 0 < s.on_time < s.due


def test_league_tables_add_up_and_rank_only_with_enough_due(fixture):
    con = open_warehouse(fixture.path)
    try:
        total = handling.summary(con, Scope.all(), Filters())
        by_province = handling.league(con, Scope.all(), Filters(), "province", min_due=10)
        by_agency = handling.league(con, Scope.all(), Filters(), "agency", min_due=1000)
    finally:
        con.close()
    assert by_province["received"].sum() == total.opinions and by_province["overdue"].sum() == total.overdue
    assert by_province["on_time_share"].is_not_null().all()
    assert by_agency["on_time_share"].is_null().all()  # too few due opinions to rank
    shares = by_province["on_time_share"].to_list()
    assert shares == sorted(shares, reverse=True)


def test_campaign_window_against_baseline_and_silent_communes(fixture):
    con = open_warehouse(fixture.path)
    window = Filters(date(2026, 6, 1), date(2026, 6, 30))
    try:
        daily = campaign.daily(con, Scope.all(), window)
        provinces = campaign.by_province(con, Scope.all(), window)
        silent = campaign.silent_communes(con, Scope.all(), window)
        stored = con.sql(
            "SELECT count(*) FROM feedback WHERE received_at >= DATE '2026-06-01' AND received_at < DATE '2026-07-01'"
        ).fetchall()[0][0]
        communes = con.sql("SELECT count(*) FROM dim_commune").fetchall()[0][0]
    finally:
        con.close()
    assert daily.height == 30 and daily["opinions"].sum() == stored == provinces["opinions"].sum()
    assert daily["baseline"].sum() > 0  # May had opinions
    assert provinces.height == 34
    assert silent.height == communes  # the fixture gives no commune codes: nothing heard from any commune
    assert daily["day"].min() == date(2026, 6, 1) and daily["day"].max() == date(2026, 6, 1) + timedelta(days=29)


def test_deadline_table_is_add_working_days_across_tet_and_national_holidays():
    """Every day from Tết 2026 to past National Day, every configured span: the calendar table's deadline is
    the day-by-day walk of workdays.add_working_days (holidays from the `holidays` package)."""
    cal = workdays.working_calendar(date(2026, 1, 1), date(2026, 11, 30))
    table = workdays.deadline_table(cal, [1, 5, 10, 15, 20, 30])
    for day, n, deadline in (
        table.filter(pl.col("deadline").is_not_null()).select("day", "working_days", "deadline").iter_rows()
    ):
        assert deadline == workdays.add_working_days(day, n), (day, n)
    assert table.filter(pl.col("day") >= date(2026, 11, 20), pl.col("working_days") == 30)["deadline"].is_null().all()


# A warehouse with opinions received around Tết 2026 (16–20/2), 30/4–1/5 and National Day (31/8–2/9), with
# deadlines from several rules, built in code (in memory) to compare with a walk over the calendar.
ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime(2026, 9, 30, 17, 0)
HOLIDAY_DAYS = [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 17), date(2026, 4, 28), date(2026, 4, 29),
                date(2026, 5, 1), date(2026, 8, 27), date(2026, 8, 28), date(2026, 8, 31), date(2026, 9, 20)]  # fmt: skip


def _holiday_warehouse() -> duckdb.DuckDBPyConnection:
    rng = random.Random(42)
    con = duckdb.connect()
    con.execute((ROOT / "etl" / "schema.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta VALUES ('data_as_of', $t)", {"t": AS_OF.isoformat()})
    con.execute("INSERT INTO dim_field SELECT field_code, name_vi, name_en FROM read_csv($p)",
                {"p": str(ROOT / "data" / "reference" / "fields.csv")})  # fmt: skip
    con.execute("INSERT INTO dim_province (province_code, name_vi, name_short) VALUES ('01', 'Hà Nội', 'Hà Nội'), "
                "('79', 'TP HCM', 'HCM')")  # fmt: skip
    rows = []
    for i in range(600):
        received = datetime.combine(rng.choice(HOLIDAY_DAYS), time(rng.randrange(7, 18), rng.randrange(60)))
        answered = received + timedelta(
            seconds=rng.choice([86400 * rng.randrange(1, 40), rng.randrange(1, 50 * 86400)])
        )
        kind = rng.random()
        status = "rejected" if kind < 0.1 else "forwarded" if kind < 0.4 else "answered"
        rows.append((
            "t", f"T{i:04d}", received, "app", rng.choice(["01", "79"]),
            rng.choice(["dat_dai", "thien_tai", "an_ninh", "y_te", None]),
            f"nội dung {i}", status, received if kind > 0.2 else None,
            answered if status == "answered" and answered < AS_OF else None,
            rng.choice(["UBND xã A", "UBND xã B", None]), rng.choice(["commune", "province", "village", None, "ward"]),
            rng.choice([None, 1, 4, 5]),
        ))  # fmt: skip
    con.executemany(
        """INSERT INTO feedback (source_system, source_id, received_at, channel, province_code, field, content, status,
                                 forwarded_at, answered_at, agency, level, satisfaction, row_hash, load_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'l')""",
        rows,
    )
    return con


def _reference(stored: pl.DataFrame) -> list[dict]:
    """Deadline, flags and days to answer of every stored opinion, by walking the calendar in Python."""
    rules = workdays.deadline_rules()
    fields = sorted(set(stored["field"].drop_nulls())) + [""]
    grid = {(f, lv): d for f, lv, d in workdays.deadline_grid(rules, fields, handling.LEVELS).iter_rows()}
    out = []
    for row in stored.iter_rows(named=True):
        days = grid.get((row["field"] or "", row["level"] or ""), workdays.DEFAULT_WORKING_DAYS)
        deadline = workdays.add_working_days(row["received_at"].date(), days)
        answered = row["answered_at"]
        out.append({
            **row, "deadline": deadline, "deadline_days": days,
            "due": answered is not None or deadline < AS_OF.date(),
            "on_time": answered is not None and answered.date() <= deadline,
            "overdue": answered is None and row["status"] != "rejected" and deadline < AS_OF.date(),
            "days": (answered - row["received_at"]).total_seconds() / 86400 if answered else None,
        })  # fmt: skip
    return out


def test_handling_numbers_around_holidays_match_a_calendar_walk():
    con = _holiday_warehouse()
    stored = con.sql("SELECT * EXCLUDE (phone_hash, id_hash) FROM feedback").pl()  # 128-bit numbers: SQL only
    ref = _reference(stored)
    figures = handling.figures(con, Scope.all(), Filters(), min_due=1)
    s = figures.summary
    assert s == handling.summary(con, Scope.all(), Filters())
    assert (s.opinions, s.due, s.on_time, s.overdue) == (
        len(ref), sum(r["due"] for r in ref), sum(r["on_time"] for r in ref), sum(r["overdue"] for r in ref)
    )  # fmt: skip
    assert s.overdue > 0 and 0 < s.on_time < s.due
    # medians and means as DuckDB computes them over the opinions themselves
    direct = con.sql(
        """SELECT coalesce(agency, '') AS agency,
                  median(date_diff('second', received_at, answered_at) / 86400.0) AS median_days,
                  avg(satisfaction) AS satisfaction, count(*) AS received
           FROM feedback GROUP BY ALL ORDER BY agency"""
    ).pl()
    by_agency = figures.by_agency.sort("agency").select("agency", "median_days", "satisfaction", "received")
    assert by_agency.equals(direct)
    assert figures.by_agency.equals(handling.league(con, Scope.all(), Filters(), "agency", min_due=1))
    assert figures.by_province.equals(handling.league(con, Scope.all(), Filters(), "province", min_due=1))
    total_median = con.sql("SELECT median(date_diff('second', received_at, answered_at) / 86400.0) FROM feedback")
    assert s.median_days == total_median.fetchall()[0][0]
    # the overdue list: the longest overdue first, working days late counted on the calendar
    overdue = handling.overdue_cases(con, Scope.all(), Filters(), limit=25)
    expected = sorted((r for r in ref if r["overdue"]), key=lambda r: (r["deadline"], r["received_at"], r["source_id"]))
    assert overdue["source_id"].to_list() == [r["source_id"] for r in expected[:25]]
    assert overdue["deadline"].to_list() == [r["deadline"] for r in expected[:25]]
    assert overdue["working_days_late"].to_list() == [
        workdays.working_days_between(r["deadline"], AS_OF.date()) for r in expected[:25]
    ]
    assert handling.overdue_cases(con, Scope.all(), Filters(), limit=10_000).height == s.overdue


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_median_from_buckets_equals_duckdb_median(seed):
    """Answer times with ties, whole days and scattered seconds: the bucketed order statistics (with buckets
    that hold several values read back) give DuckDB's own median, to the last bit."""
    rng = random.Random(seed)
    values = [
        rng.choice([86400 * rng.randrange(0, 9), rng.randrange(-3600, 40 * 86400)])
        for _ in range(rng.randrange(1, 400))
    ]
    frame = pl.DataFrame({"g": [rng.choice("ab") for _ in values], "seconds": values})
    histogram = (
        frame.with_columns((pl.col("seconds") // handling.SECONDS_PER_DAY).alias("bucket"))
        .group_by("g", "bucket")
        .agg(pl.len().alias("answered"), pl.col("seconds").min().alias("lo"), pl.col("seconds").max().alias("hi"))
    )
    ranks = handling.median_ranks(histogram, ["g"])
    inside = {g: sorted(v) for g, v in frame.group_by("g").agg(pl.col("seconds")).iter_rows()}
    buckets = {}
    for g, v in inside.items():
        for x in v:
            buckets.setdefault((g, x // handling.SECONDS_PER_DAY), []).append(x)
    filled = ranks.with_columns(
        pl.struct("g", "bucket", "offset")
        .map_elements(lambda r: buckets[(r["g"], r["bucket"])][r["offset"]], return_dtype=pl.Int64)
        .alias("read")
    )
    assert filled.filter(pl.col("seconds").is_not_null() & (pl.col("seconds") != pl.col("read"))).is_empty()
    got = handling.median_days(filled.with_columns(pl.col("read").alias("seconds")), ["g"]).sort("g")
    expected = duckdb.sql("SELECT g, median(seconds / 86400.0) AS median_days FROM frame GROUP BY g ORDER BY g").pl()
    assert got.equals(expected)
