# ruff: noqa: F811  (pytest fixtures imported from tests/fixtures/front.py)
"""Coverage, target gaps, the inverted-cone flag, the recommendation chain, overdue counts, activity targets
and milestone status on small hand-made fixtures with known answers (edge cases included); then the SQL
paths and the commands on the front fixture warehouse."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from analytics import membership, milestones, models, monitoring, outcomes
from analytics.__main__ import main as analytics_main
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.scope import Scope
from analytics.targets import load_targets
from tests.fixtures.front import front_warehouse, front_warehouse_module  # noqa: F401

TARGETS = load_targets()


def test_targets_file_holds_the_resolution_04_defaults():
    assert TARGETS["membership"]["coverage_target"] == {
        "farmers": 0.86,
        "veterans": 0.98,
        "women": 0.75,
        "labour": 0.95,
        "youth": 0.725,
    }
    assert TARGETS["monitoring"]["supervision_per_unit_year"] == 2
    assert TARGETS["monitoring"]["social_criticism_per_unit_year"] == 2


def test_coverage_gap_and_zero_eligible():
    frame = pl.DataFrame(
        {
            "organization": ["women", "women", "front", "youth"],
            "members": [600, 10, 5, 725],
            "eligible": [1000, 0, 10, 1000],
        }
    )
    out = membership.with_coverage(frame, TARGETS)
    assert out["coverage"].to_list() == [0.6, None, 0.5, 0.725]
    assert out["target"].to_list() == [0.75, 0.75, None, 0.725]
    assert out["gap"][0] == pytest.approx(-0.15)
    assert out["meets_target"].to_list() == [False, None, None, True]


def _cone_fixture() -> tuple[pl.DataFrame, pl.DataFrame]:
    # women (target 75%, base threshold 37.5%); cadres per 1,000 members: A 3.0, B 1.0, C 2.0, D 0.5 -> median 1.5
    province = pl.DataFrame(
        {
            "organization": ["women"] * 4,
            "province_code": ["A", "B", "C", "D"],
            "members": [1000, 2000, 1000, 2000],
            "eligible": [2000, 2500, 1500, 0],
            "cadres": [3, 2, 2, 1],
        }
    )
    base = pl.DataFrame(
        {
            "organization": ["women"] * 4,
            "province_code": ["A", "A", "B", "D"],
            "members": [100, 200, 100, 10],
            "eligible": [1000, 1000, 1000, 100],  # A: 15% thin; B: 10% thin; C: no village rows; D: 10%
        }
    )
    return province, base


def test_inverted_cone_flag_with_known_answers_and_a_missing_level():
    province, base = _cone_fixture()
    flags = {
        r["province_code"]: r for r in membership.inverted_cone_flags(province, base, TARGETS).iter_rows(named=True)
    }
    assert flags["A"]["national_median"] == pytest.approx(1.5)
    assert flags["A"]["base_coverage"] == pytest.approx(0.15)
    assert flags["A"]["inverted_cone"] is True  # thin base, heavy top
    assert flags["B"]["thin_base"] is True and flags["B"]["heavy_top"] is False and flags["B"]["inverted_cone"] is False
    assert flags["C"]["base_coverage"] is None and flags["C"]["inverted_cone"] is None  # missing level: no verdict
    assert flags["D"]["coverage"] is None  # eligible = 0: no rate
    assert flags["D"]["inverted_cone"] is False  # 0.5 per 1,000 is below the median


def test_inverted_cone_threshold_is_configurable():
    province, base = _cone_fixture()
    stricter = {**TARGETS, "inverted_cone": {**TARGETS["inverted_cone"], "base_fraction_of_target": 0.1}}
    flags = membership.inverted_cone_flags(province, base, stricter)
    assert flags.filter(pl.col("province_code") == "A")["inverted_cone"][0] is False  # 15% >= 7.5%


def test_recommendation_stages_overdue_age_and_late_answers():
    recs = pl.DataFrame(
        {
            "recommendation_id": ["on", "late", "over", "young", "nodue"],
            "agency": ["X", "X", "Y", "Y", "Y"],
            "due_at": [date(2026, 1, 31), date(2026, 1, 31), date(2026, 1, 31), date(2026, 5, 1), None],
            "answered_at": [date(2026, 1, 31), date(2026, 2, 1), None, None, None],
            "implemented_at": [date(2026, 3, 1), None, None, None, None],
            "resupervised_at": [date(2026, 4, 1), None, None, None, None],
        },
        schema_overrides={"due_at": pl.Date, "answered_at": pl.Date},
    )
    out = monitoring.recommendation_status(recs, date(2026, 4, 1))
    assert out["stage"].to_list() == ["answered_on_time", "answered_late", "overdue", "not_due", "not_due"]
    assert out["days_overdue"].to_list() == [None, None, 60, None, None]
    chain = dict(monitoring.chain(out).select("step", "count").iter_rows())
    assert chain == {"issued": 5, "answered": 2, "implemented": 1, "resupervised": 1}
    overdue = monitoring.overdue_by_agency(out, [30, 90, 180])
    assert overdue.select("agency", "age", "overdue").rows() == [("Y", "31-90", 1)]


def test_units_without_activities_count_as_zero_against_the_target():
    counts = pl.DataFrame(
        {
            "year": [2026, 2026, 2026],
            "level": ["commune", "commune", "commune"],
            "unit_code": ["00001", "00001", "00002"],
            "kind": ["supervision", "social_criticism", "supervision"],
            "contents": [2, 3, 1],
        }
    )
    units = pl.DataFrame({"level": ["commune"] * 3, "unit_code": ["00001", "00002", "00003"]})
    out = monitoring.units_vs_target(counts, units, TARGETS)
    sup = out.filter(pl.col("kind") == "supervision").row(0, named=True)
    assert (sup["units"], sup["units_meeting"], sup["contents"]) == (3, 1, 3)
    assert sup["per_unit"] == pytest.approx(1.0)
    dia = out.filter(pl.col("kind") == "dialogue").row(0, named=True)
    assert (dia["units_meeting"], dia["share_meeting"]) == (0, 0.0)


def test_milestone_status_and_counts():
    frame = pl.DataFrame(
        {
            "milestone_id": ["a", "b", "c", "d"],
            "scope": ["national", "national", "01", "01"],
            "target": [100.0, 0.0, 50.0, None],
            "result": [100.0, 3.0, 25.0, None],
            "due_date": [date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1), date(2026, 12, 1)],
            "done_at": [date(2025, 12, 1), date(2026, 2, 1), None, None],
        }
    )
    out = milestones.with_status(frame, date(2026, 3, 2))
    assert out["status"].to_list() == ["done_on_time", "done_late", "overdue", "upcoming"]
    assert out["days_overdue"].to_list() == [None, None, 60, None]
    assert out["result_share"].to_list() == [1.0, None, 0.5, None]
    counts = milestones.status_counts(out)
    assert counts.height == 8 and counts["milestones"].sum() == 4


# On the front fixture warehouse ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(front_warehouse_module):
    connection = open_warehouse(front_warehouse_module.path)
    yield connection
    connection.close()


def test_models_find_the_planted_effect_and_not_the_null(con, front_warehouse_module):
    table = models.table(models.estimates(con, Scope.all()))
    security = table.filter(
        (pl.col("model_kind") == "community_security") & (pl.col("outcome") == "security_incidents")
    )
    row = security.row(0, named=True)
    assert row["ci_low"] <= front_warehouse_module.planted_effect <= row["ci_high"]
    assert row["ci_high"] < 0 and row["evidence"] == "better"
    null = table.filter((pl.col("model_kind") == "social_dialogue") & (pl.col("outcome") == "security_incidents"))
    assert null["ci_low"][0] <= 0 <= null["ci_high"][0]
    assert set(table["outcome"]) == set(models.OUTCOMES)


def test_peers_are_five_other_provinces(con):
    panel = models.panels(con, Scope.all())
    first = models.first_adoption(models.adoptions(con, Scope.all()))
    peers, series = models.peer_comparison(
        panel, first, models.province_features(con, Scope.all()), "79", "community_security", "security_incidents"
    )
    assert peers.height == 5 and "79" not in peers["province_code"].to_list()
    assert series["province"].null_count() < series.height


def test_sql_membership_monitoring_outcomes_and_scope(con):
    filters = Filters(date(2025, 1, 1), date(2026, 3, 31))
    period = membership.snapshot_period(con, Scope.all(), filters)
    flags = membership.inverted_cone(con, Scope.all(), filters, period)
    assert set(flags.filter(pl.col("inverted_cone"))["province_code"]) >= {"79", "01"}
    scoped = membership.inverted_cone(con, Scope("79"), Filters(date(2025, 1, 1), date(2026, 3, 31)), period)
    assert set(scoped["province_code"]) == {"79"}
    recs = monitoring.recommendations(con, Scope.all(), filters, date(2026, 4, 1))
    assert (recs["stage"] == "overdue").sum() > 0
    scoped_recs = monitoring.recommendations(con, Scope("01"), filters, date(2026, 4, 1))
    assert set(scoped_recs["province_code"]) <= {"01"}
    summary = outcomes.summary(con, Scope.all(), filters)
    assert {"security_incidents", "mediation_success_rate"} <= set(summary["indicator"])
    rate = summary.filter(pl.col("indicator") == "mediation_success_rate")["latest_rate"][0]
    assert 0 < rate < 1
    per_province = outcomes.by_province(con, Scope.all(), filters, "mediation_success_rate")
    assert per_province["cases"].null_count() == 0 and (per_province["cases"] > 0).all()
    assert ((per_province["value"] >= 0) & (per_province["value"] <= 1)).all()


@pytest.mark.parametrize("report", ["models", "membership", "monitoring", "outcomes", "milestones"])
def test_commands_print_tidy_tables(report, front_warehouse, capsys):
    assert analytics_main([report, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and len({tuple(sorted(r)) for r in rows}) == 1  # one header for every row
    if report == "models":
        assert list(rows[0]) == [
            "model_kind",
            "outcome",
            "estimate",
            "ci_low",
            "ci_high",
            "simple",
            "relative_effect",
            "n_adopters",
            "n_comparison",
            "few_adopters",
            "pretrend_p",
        ]
        assert len(rows) == len(models.MODEL_KINDS) * len(models.OUTCOMES)
