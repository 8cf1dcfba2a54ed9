"""Working-day deadlines (weekends, Vietnamese holidays, Tết) and the handling numbers."""

from __future__ import annotations

from datetime import date, timedelta

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
