"""The small-count rule (DESIGN §5) on the Handling, Listening Month, Kết quả and Giám sát numbers and their
commands: hand-made tables with a small cell that leader and presenter must not see and the analyst must."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import polars as pl
import pytest

from analytics import campaign, handling, protected, suppress
from analytics.__main__ import main as analytics_main

AS_OF = datetime(2026, 4, 1, 8, 0)
# A cell key whose noise is 0 for every count: the suppression rules are tested on their own with it (the
# perturbation is tested in tests/analytics/test_disclosure_attacks.py on real warehouses).
NO_NOISE = next(k for k in range(256) if suppress.noise(1, k) == 0 and suppress.noise(2, k) == 0)


def _keyed(frame: pl.DataFrame, key: int = NO_NOISE) -> pl.DataFrame:
    """`frame` with the `<count>_key` columns handling.league(..., cell_keys=True) adds."""
    return frame.with_columns(pl.lit(key, pl.Int32).alias(f"{c}_key") for c in protected.LEAGUE_COUNTS if c in frame)


def _league() -> pl.DataFrame:
    """Agencies as handling.league(..., cell_keys=True) returns them (best on-time share first); `C` is small."""
    return _keyed(_exact_league())


def _exact_league() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agency": ["A", "B", "D", "C"],
            "received": [120, 40, 60, 3],
            "forwarded": [110, 35, 50, 3],
            "answered": [100, 30, 8, 2],
            "resolved": [80, 20, 5, 1],
            "due": [90, 30, 50, 2],
            "on_time": [80, 20, 4, 1],
            "overdue": [5, 6, 40, 1],
            "median_days": [4.0, 6.0, 20.0, 2.0],
            "rated": [50, 12, 3, 0],
            "satisfaction": [4.1, 3.5, 2.0, None],
            "on_time_share": [80 / 90, 20 / 30, 4 / 50, None],
        }
    )


@pytest.mark.parametrize(
    ("role", "medium", "hidden_overdue"),
    [("presenter", "screen", [True, True, False, True]), ("leader", "export", [True, True, False, True])],
)
def test_league_hides_the_small_agency_its_complement_and_rates_on_small_counts(role, medium, hidden_overdue):
    shown = protected.league(_league(), role, medium)
    by = {r["agency"]: r for r in shown.iter_rows(named=True)}
    assert by["C"]["received"] is None and by["C"]["suppressed"] and not by["C"]["complementary"]
    assert by["C"]["due"] is None and by["C"]["on_time_share"] is None and by["C"]["median_days"] is None
    # complementary: B (40) is the smallest shown agency, so the total minus the rest cannot give C back
    assert by["B"]["received"] is None and by["B"]["suppressed"] and by["B"]["complementary"]
    # D: 4 on time of 50 due — the share rests on a small count; 8 answered — no median; 3 rated — no mean
    assert by["D"]["received"] == 60 and by["D"]["on_time"] is None and by["D"]["on_time_share"] is None
    assert by["D"]["answered"] is None and by["D"]["median_days"] is None and by["D"]["satisfaction"] is None
    assert by["D"]["overdue"] == 40
    assert [v is None for v in shown["overdue"]] == hidden_overdue


def test_leader_on_screen_sees_counts_from_five_and_the_analyst_everything():
    leader = {r["agency"]: r for r in protected.league(_league(), "leader", "screen").iter_rows(named=True)}
    assert leader["C"]["received"] is None and leader["B"]["complementary"]
    assert leader["D"]["answered"] == 8 and leader["D"]["on_time"] is None and leader["D"]["satisfaction"] is None
    analyst = protected.league(_league(), "analyst", "screen")
    assert analyst.drop("suppressed", "complementary").equals(_exact_league())
    assert not analyst["suppressed"].any() and not analyst["complementary"].any()


def test_agency_by_province_tables_are_protected_per_agency_and_per_province():
    # Each agency's provinces add up to the agency's total and each province's agencies to the province's:
    # hiding (X, 02) = 4 must hide one more cell in agency X and in province 02, and so on until stable.
    frame = pl.DataFrame(
        {
            "agency": ["X", "X", "Y", "Y"],
            "province": ["01", "02", "01", "02"],
            "received": [50, 4, 30, 70],
        }
    )
    shown = protected.league(_keyed(frame), "presenter", "export")
    hidden = dict(zip(zip(shown["agency"], shown["province"], strict=True), shown["suppressed"], strict=True))
    assert hidden == {("X", "01"): True, ("X", "02"): True, ("Y", "01"): True, ("Y", "02"): True}
    assert shown["complementary"].to_list() == [True, False, True, True]


def test_ranked_agencies_stay_in_the_bottom_five_with_their_share_hidden():
    best, worst = protected.league_top_bottom(_league(), "presenter", "screen", n=2)
    assert best["agency"].to_list() == ["A", "B"]
    assert worst["agency"].to_list() == ["D"]  # its own on-time count is hidden: last, shown without its share
    assert worst["on_time_share"][0] is None
    exact_best, exact_worst = handling.top_bottom(_league(), 2)
    assert protected.league_top_bottom(_league(), "analyst", "screen", n=2)[1]["on_time_share"].equals(
        exact_worst["on_time_share"]
    )


def test_handling_headline_numbers_and_funnel():
    found = handling.Summary(
        opinions=150, forwarded=140, answered=7, resolved=3, due=60, on_time=6, overdue=30, median_days=5.5,
        rated=4, satisfaction=3.9, as_of=AS_OF,
        keys=dict.fromkeys(("opinions", "forwarded", "answered", "resolved", "due", "on_time", "overdue", "rated"),
                           NO_NOISE),
    )  # fmt: skip
    shown = protected.handling_summary(found, "presenter", "screen")
    assert (shown.opinions, shown.answered, shown.resolved, shown.on_time, shown.rated) == (150, None, None, None, None)
    assert shown.median_days is None and shown.satisfaction is None and shown.on_time_share is None
    funnel = protected.handling_funnel(shown)
    assert funnel["opinions"].to_list() == [150, 140, None, None]
    assert funnel["share"].to_list()[2:] == [None, None] and funnel["suppressed"].to_list() == [0, 0, 1, 1]
    leader = protected.handling_summary(found, "leader", "screen")
    assert leader.answered == 7 and leader.median_days == 5.5 and leader.on_time == 6 and leader.rated is None
    exact = protected.handling_summary(found, "analyst", "export")
    assert exact.on_time_share == found.on_time_share and exact.satisfaction == 3.9
    with pytest.raises(ValueError, match="cell keys"):  # a protected summary is never shown unperturbed
        protected.handling_summary(replace(found, keys=None), "leader", "screen")
    with pytest.raises(ValueError, match="cell keys"):
        protected.league(_exact_league(), "presenter", "screen")


def _campaign() -> dict[str, pl.DataFrame]:
    days = pl.date_range(date(2026, 5, 1), date(2026, 5, 4), interval="1d", eager=True)
    return {
        "daily": pl.DataFrame({"day": days, "opinions": [40, 3, 25, 60], "baseline": [5.0, 0.5, 2.0, 0.25]}),
        "levels": pl.DataFrame(
            {
                "level": ["province", "commune", ""],
                "opinions": [90, 30, 8],
                "answered": [50, 5, 2],
                "answered_share": [50 / 90, 5 / 30, 2 / 8],
            }
        ),  # fmt: skip
        "provinces": pl.DataFrame(
            {
                "province_code": ["01", "79", "04"],
                "province_name": ["Hà Nội", "HCM", "Cao Bằng"],
                "opinions": [70, 50, 8],
                "population": [8_000_000, 9_000_000, 500_000],
                "per_10k": [70 / 800, 50 / 900, 8 / 50],
                "answered": [30, 25, 2],
                "answered_share": [30 / 70, 25 / 50, 2 / 8],
                "communes": [120, 160, 50],
                "silent_communes": [60, 120, 44],
            }
        ),  # fmt: skip
        "silent": pl.DataFrame({"commune_code": ["00001"]}),
    }


def _keyed_campaign(view: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """A campaign view as the campaign functions return it with cell_keys=True (every key NO_NOISE)."""
    key = pl.lit(NO_NOISE, pl.Int64)
    daily = view["daily"].with_columns(
        key.alias("opinions_key"),
        (pl.col("baseline") * campaign.BASELINE_WEEKS).round().cast(pl.Int64).alias("baseline_opinions"),
        key.alias("baseline_opinions_key"),
    )
    counts = {name: view[name].with_columns(key.alias("opinions_key"), key.alias("answered_key"))
              for name in ("levels", "provinces")}  # fmt: skip
    return {**view, "daily": daily, **counts}


def test_campaign_days_levels_and_provinces_hide_small_counts_with_their_complement():
    view = protected.campaign_view(_keyed_campaign(_campaign()), "presenter", "screen")
    daily = view["daily"]
    assert daily["opinions"].to_list() == [40, None, None, 60]  # 3 hidden; 25 is its complement (the total shows)
    assert daily["baseline"].to_list() == [5.0, None, 2.0, None]  # 0.5 × 8 weeks = 4 opinions, 0.25 × 8 = 2
    levels = view["levels"]
    assert levels["opinions"].to_list() == [90, None, None] and levels["complementary"].to_list() == [0, 1, 0]
    assert levels["answered"].to_list() == [50, None, None] and levels["answered_share"][1] is None
    provinces = view["provinces"]
    assert provinces["opinions"].to_list() == [70, None, None]
    assert provinces["per_10k"][2] is None and provinces["answered_share"][2] is None
    assert provinces["province_code"].to_list() == ["01", "04", "79"]  # hidden after the shown ones, by code
    assert provinces["silent_communes"].to_list() == [60, 44, 120]  # places, not people
    exact = protected.campaign_view(_campaign(), "analyst", "screen")
    assert exact["provinces"]["opinions"].to_list() == [70, 50, 8] and exact["daily"]["baseline"][1] == 0.5


def test_campaign_totals_hide_a_small_window():
    small = _keyed_campaign(_campaign() | {"daily": pl.DataFrame({"opinions": [3, 4], "baseline": [1.0, 1.0]})})
    totals = protected.campaign_totals(small, "presenter", "screen")
    assert totals.opinions is None and totals.per_10k is None and totals.answered_share is None
    assert totals.baseline == 2.0  # 2 × 8 weeks = 16 opinions
    assert protected.campaign_totals(small, "leader", "screen").opinions == 7
    assert protected.campaign_totals(small, "analyst", "export").answered == 57


def test_outcomes_hide_small_counts_of_incidents_and_the_rate_on_them():
    summary = pl.DataFrame(
        {
            "indicator": ["fund_for_poor_vnd", "security_incidents", "mediation_cases", "mediation_resolved",
                          "mediation_success_rate", "poor_household_rate"],
            "total": [5e9, 4.0, 30.0, 7.0, None, None],
            "latest_rate": [None, None, None, None, 7 / 30, 3.2],
            "cell_key": [NO_NOISE] * 6,  # as outcomes.summary(..., cell_keys=True) gives it
        }
    )  # fmt: skip
    shown = protected.outcome_summary(summary, "presenter", "screen")
    values = dict(zip(shown["indicator"], zip(shown["total"], shown["latest_rate"], strict=True), strict=True))
    assert values["security_incidents"] == (None, None) and values["mediation_resolved"] == (None, None)
    assert values["mediation_success_rate"] == (None, None)  # built on 7 resolved cases
    assert values["fund_for_poor_vnd"] == (5e9, None) and values["poor_household_rate"] == (None, 3.2)
    assert values["mediation_cases"] == (30.0, None)
    assert protected.outcome_summary(summary, "analyst", "export")["total"].equals(summary["total"])
    with pytest.raises(ValueError, match="cell keys"):
        protected.outcome_summary(summary.drop("cell_key"), "leader", "screen")

    provinces = pl.DataFrame(
        {"province_code": ["01", "79", "04"], "value": [40.0, 25.0, 2.0], "per_100k": [0.5, 0.3, 0.4],
         "cell_key": [NO_NOISE] * 3}
    )  # fmt: skip
    shown = protected.outcome_by_province(provinces, "security_incidents", "leader", "export")
    assert shown["value"].to_list() == [40.0, None, None] and shown["per_100k"].to_list() == [0.5, None, None]
    assert shown["province_code"].to_list() == ["01", "04", "79"]  # hidden after the shown ones, by code
    success = pl.DataFrame(
        {"province_code": ["79", "01", "04"], "value": [0.5, 0.8, 0.9], "cases": [6.0, 40.0, 50.0],
         "resolved": [3.0, 32.0, 45.0], "resolved_key": [NO_NOISE] * 3, "cases_key": [NO_NOISE] * 3}
    )  # fmt: skip
    hidden = protected.outcome_by_province(success, "mediation_success_rate", "presenter", "screen")
    assert hidden["province_code"].to_list() == ["04", "01", "79"]  # on the perturbed rate, hidden last
    assert hidden["value"].to_list() == [0.9, 0.8, None] and hidden["suppressed"].to_list() == [False, False, True]
    assert set(hidden.columns) == {"province_code", "value", "suppressed"}  # no exact cases, no keys
    with pytest.raises(ValueError, match="cell keys"):
        protected.outcome_by_province(success.drop("cases_key"), "mediation_success_rate", "leader", "screen")
    exact = protected.outcome_by_province(success, "mediation_success_rate", "analyst", "export")
    assert exact["value"].to_list() == [0.5, 0.8, 0.9] and exact["cases"].to_list() == [6.0, 40.0, 50.0]
    rates = provinces.with_columns(pl.col("value") / 100)
    assert protected.outcome_by_province(rates, "poor_household_rate", "public", "screen")["value"].equals(
        rates["value"]
    )

    monthly = pl.DataFrame(
        {
            "period": ["2026-01", "2026-02"] * 4,
            "indicator": ["mediation_cases"] * 2
            + ["mediation_success_rate"] * 2
            + ["fund_for_poor_vnd"] * 2
            + ["mediation_resolved"] * 2,
            "value": [40.0, 6.0, 0.7, 0.5, 1e8, 2e8, 32.0, 3.0],  # the rate recomputed: 32 / 40
            "cell_key": [NO_NOISE] * 8,
        }
    )
    shown = protected.outcome_monthly(monthly, "presenter", "screen")
    got = {(p, i): v for p, i, v in shown.select("period", "indicator", "value").iter_rows()}
    assert got[("2026-02", "mediation_cases")] is None and got[("2026-01", "mediation_cases")] is None
    assert got[("2026-02", "mediation_success_rate")] is None and got[("2026-01", "mediation_success_rate")] == 0.8
    assert got[("2026-02", "fund_for_poor_vnd")] == 2e8


def test_dialogue_opinions_are_citizens_counts():
    frame = pl.DataFrame(
        {"level": ["province", "commune"], "dialogues": [3, 5], "opinions": [20, 8], "concluded": [4, 3],
         "channel_opinions": [6, 6], "handled": [5, 5]}
    )  # fmt: skip
    keys = [pl.lit(NO_NOISE).alias(f"{c}_key") for c in ("channel", "handled")]
    keyed = frame.with_columns(*keys, opinions_key=pl.Series([NO_NOISE, 0]), concluded_key=pl.Series([0, NO_NOISE]))
    with pytest.raises(ValueError, match="cell keys"):
        protected.dialogue_totals(frame, "presenter", "screen")
    shown = protected.dialogue_totals(keyed, "presenter", "screen")
    assert shown["dialogues"] == 8 and shown["opinions"] == 28 and shown["concluded"] is None
    assert shown["concluded_share"] is None and shown["channel_opinions"] is None and shown["handled_share"] is None
    exact = protected.dialogue_totals(frame, "analyst", "screen")
    assert exact["concluded_share"] == 7 / 28 and exact["handled_share"] == 5 / 6


@pytest.mark.parametrize("report", ["handling", "campaign"])
def test_commands_apply_the_role_export_rule(report, warehouse, capsys):
    """One month of the fixture warehouse per province: small cells exist; presenter and leader exports show
    none of them, the analyst's shows them exactly, and the hidden cells are empty with the flag set."""
    args = [report, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"]
    if report == "handling":
        args += ["--by", "province"]
    count = "received" if report == "handling" else "opinions"
    tables = {}
    for role in ("analyst", "leader", "presenter"):
        assert analytics_main([*args, "--role", role]) == 0
        tables[role] = pl.DataFrame(json.loads(capsys.readouterr().out))
    exact = tables["analyst"]
    assert (exact[count] < 10).any(), "the fixture month should have small cells"
    assert not exact["suppressed"].any()
    for role in ("leader", "presenter"):
        shown = tables[role]
        assert shown.filter(pl.col(count).is_not_null())[count].min() >= 10
        assert shown.filter(pl.col("suppressed"))[count].null_count() == shown["suppressed"].sum()
        assert shown["complementary"].sum() <= 1  # one complement at most: the small cells are many


# The Overview under the cell-key method (analytics.suppress; the attacks: test_disclosure_attacks.py) ---------


def _fields() -> pl.DataFrame:
    """overview.top_fields(..., cell_keys=True) as it comes back: exact counts, shares, keys and the total."""
    return pl.DataFrame(
        {
            "field_code": ["y_te", "dat_dai", "giao_duc", "khac"],
            "name_vi": ["Y tế", "Đất đai", "Giáo dục", "Khác"],
            "name_en": ["Health", "Land", "Education", "Other"],
            "opinions": [40, 30, 3, 2],
            "share": [40 / 80, 30 / 80, 3 / 80, 2 / 80],
            "cell_key": [11, 200, 7, 99],
            "total": [80] * 4,
            "total_key": [61] * 4,
        }
    )


def test_top_fields_are_perturbed_with_shares_of_the_perturbed_total():
    from analytics import suppress

    shown = protected.top_fields(_fields(), "presenter", "screen")
    assert not {"cell_key", "total", "total_key"} & set(shown.columns)
    total = 80 + suppress.noise(80, 61)
    expected = {c: n + suppress.noise(n, k) for c, n, k in (("y_te", 40, 11), ("dat_dai", 30, 200))}
    visible = shown.filter(~pl.col("suppressed"))
    assert dict(zip(visible["field_code"], visible["opinions"], strict=True)) == expected
    assert visible["share"].to_list() == [expected[c] / total for c in visible["field_code"]]
    assert shown["suppressed"].to_list() == [False, False, True, True]  # hidden ones last, by code
    assert shown.filter(pl.col("suppressed"))["field_code"].to_list() == ["giao_duc", "khac"]
    assert shown.filter(pl.col("suppressed"))["share"].null_count() == 2
    exact = protected.top_fields(_fields(), "analyst", "screen")
    assert exact["opinions"].to_list() == [40, 30, 3, 2] and exact["share"][0] == 0.5
    with pytest.raises(ValueError, match="cell_keys=True"):
        protected.top_fields(_fields().drop("cell_key", "total", "total_key"), "leader", "screen")


def test_rate_by_area_ranks_perturbed_rates_and_puts_hidden_areas_last_by_code():
    from analytics import suppress

    frame = pl.DataFrame(
        {
            "level": ["commune"] * 5,
            "code": ["05", "01", "03", "02", "04"],
            "name": list("abcde"),
            "opinions": [4, 3, 60, 2, 55],  # exact-rate order puts 05 before 01 before 02: that order must go
            "population": [1000, 2000, 50_000, 9000, 40_000],
            "population_estimated": [False] * 5,
            "population_source": ["x"] * 5,
            "rate_per_100k": [400.0, 150.0, 120.0, 22.2, 137.5],
            "cell_key": [1, 2, 3, 4, 5],
        }
    )
    shown = protected.rate_by_area(frame, "leader", "screen")
    assert shown["code"].to_list()[2:] == ["01", "02", "05"]
    assert shown["rate_per_100k"].to_list()[2:] == [None, None, None]
    top = shown.head(2)
    assert top["rate_per_100k"].to_list() == sorted(top["rate_per_100k"].to_list(), reverse=True)
    for row in top.iter_rows(named=True):
        true = int(frame.filter(pl.col("code") == row["code"])["opinions"][0])
        assert abs(row["opinions"] - true) <= suppress.NOISE_BOUND
        assert row["rate_per_100k"] == row["opinions"] * 100_000 / row["population"]


def test_overview_command_perturbs_for_protected_roles(warehouse, capsys):
    args = ["overview", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json"]
    tables = {}
    for role in ("analyst", "leader"):
        assert analytics_main([*args, "--role", role]) == 0
        tables[role] = pl.DataFrame(json.loads(capsys.readouterr().out))
    exact = dict(zip(tables["analyst"]["code"], tables["analyst"]["opinions"], strict=True))
    shown = tables["leader"].filter(~pl.col("suppressed"))
    assert "cell_key" not in tables["leader"].columns
    gaps = [o - exact[c] for c, o in zip(shown["code"], shown["opinions"], strict=True)]
    assert gaps and any(gaps) and max(map(abs, gaps)) <= 2


def test_trust_n_of_a_one_province_scope_matches_its_national_n():
    """The survey cells' keys come from their identity: in a one-province scope the national cell holds the
    same respondents as the province cell and shows the same perturbed n."""
    from analytics import suppress, trust
    from etl.items import catalogue

    index = pl.DataFrame({"province_code": ["01", "01"], "wave": ["2025Q4", "2026Q1"], "n": [57, 80]})
    national = pl.DataFrame({"wave": ["2025Q4", "2026Q1"], "n": [57, 80]})
    waves = pl.DataFrame({"wave": ["2025Q4", "2026Q1"], "respondents": [57, 80]})
    empty = pl.DataFrame()
    result = trust.TrustResult(
        catalogue=catalogue(), index=index, dimensions=pl.DataFrame(
            schema={"level": pl.String, "province_code": pl.String, "wave": pl.String, "dimension": pl.String,
                    "n": pl.Int64, "estimate": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
                    "ci_high": pl.Float64}),
        national=national,
        changes=pl.DataFrame(schema={"province_code": pl.String, "wave": pl.String, "previous_wave": pl.String}),
        breaks=empty, waves=waves,
        sensitivity=pl.DataFrame(schema={"province_code": pl.String, "wave": pl.String}),
        scheme_weights=empty,
    )  # fmt: skip
    shown = protected.trust_result(result, "presenter", "export")
    assert shown.index["n"].to_list() == shown.national["n"].to_list() == shown.waves["respondents"].to_list()
    assert all(abs(a - b) <= suppress.NOISE_BOUND for a, b in zip(shown.index["n"], [57, 80], strict=True))
    assert protected.trust_result(result, "analyst", "export").index["n"].to_list() == [57, 80]
