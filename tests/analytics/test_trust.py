"""The trust index on a warehouse built in code: contract columns, weighting, design-based estimates that can
be recomputed by hand, small provinces not scored, unknown items ignored, real change detected, breaks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from analytics import trust
from analytics.__main__ import main
from analytics.db import open_warehouse
from analytics.scope import Scope
from analytics.survey import domain_means
from etl.items import catalogue, parse_catalogue, unknown_items
from tests.fixtures.trust import RISER, SMALL, TrustFixture, build_trust_warehouse

DIMS = catalogue().dimension_codes


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> TrustFixture:
    return build_trust_warehouse(tmp_path_factory.mktemp("trust-data"))


@pytest.fixture(scope="module")
def result(fixture: TrustFixture) -> trust.TrustResult:
    con = open_warehouse(fixture.warehouse.path)
    try:
        return trust.trust_index(con, Scope.all())
    finally:
        con.close()


def test_catalogue_covers_the_required_dimensions_and_reports_unknown_items() -> None:
    cat = catalogue()
    assert {
        "trust_front",
        "trust_commune",
        "responsiveness",
        "integrity",
        "fairness",
        "openness",
        "reliability",
    } <= set(cat.dimension_codes)
    assert abs(sum(cat.expert_weights().values()) - 1) < 1e-12
    assert unknown_items(["q_trust_front", "q_new", "age", "q_new", "q_open_1"]) == ["q_new"]
    with pytest.raises(ValueError, match="unknown dimension"):
        parse_catalogue(
            {"version": "x", "dimensions": {"a": {"name_vi": "A", "name_en": "A", "expert_weight": 1, "order": 1}},
             "items": {"q_a": {"dimension": "b", "min": 1, "max": 5, "direction": 1, "text_vi": "", "text_en": ""}}}
        )  # fmt: skip


def test_respondent_scores_rescale_reverse_and_keep_missing_as_missing() -> None:
    cat = catalogue()
    answers = pl.DataFrame(
        {
            "wave": ["w"] * 5,
            "response_id": ["a", "a", "a", "b", "b"],
            "item": ["q_trust_front", "q_trust_overall", "q_reliable_2", "q_trust_front", "q_unknown"],
            "value": [5.0, 5.0, 1.0, 9.0, 3.0],  # b's 9 is outside the 1–5 scale: missing
        }
    )
    scores = trust.respondent_scores(answers, cat).sort("response_id")
    a = scores.row(0, named=True)
    assert a["trust_front"] == pytest.approx((100 + 50) / 2)
    assert a["reliability"] == pytest.approx(100.0)  # reverse-coded 1 on 1–5 -> 100
    assert a["integrity"] is None  # not answered: missing, not zero
    assert scores.filter(pl.col("response_id") == "b").height == 0 or scores.row(1, named=True)["trust_front"] is None


def test_report_has_the_contract_columns_and_ignores_unknown_items(fixture, result, monkeypatch, capsys) -> None:
    frame = trust.report_frame(result)
    assert frame.columns[:10] == ["province_code", "wave", "n", "index", "ci_low", "ci_high", "rank", "rank_low",
                                  "rank_high", "quartile"]  # fmt: skip
    assert frame.columns[10:14] == ["rank_low_joint", "rank_high_joint", "quartile_low_joint", "quartile_high_joint"]
    assert frame.columns[14:] == DIMS
    assert result.unknown_items == ["q_pilot_x"]
    monkeypatch.setenv("FRONT_DATA_DIR", str(fixture.warehouse.data_dir))
    assert main(["trust", "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    rows = rows[0] if len(rows) == 1 and isinstance(rows[0], list) else rows
    assert {r["wave"] for r in rows} == {"2026Q1"}
    assert main(["trust", "--wave", "1999Q1"]) == 2


def test_province_estimates_match_an_independent_recomputation(fixture, result) -> None:
    """Recompute one province-wave from the raw fixture frames with numpy: raked weights reproduce the
    margins, and the index and its CI come out the same."""
    wave, province = "2025Q4", fixture.provinces[2]
    weighted = trust.survey_weights(
        fixture.responses.with_columns(pl.col("interviewed_at").cast(pl.Date)), fixture.margins
    )
    own = weighted.filter((pl.col("wave") == wave) & (pl.col("province_code") == province))
    assert set(own["weight_source"]) == {"raked"}
    margins = fixture.margins.filter(pl.col("province_code") == province)
    urban_target = margins.filter((pl.col("dimension") == "urban") & (pl.col("category") == "urban"))["population"][0]
    assert own.filter(pl.col("urban"))["final_weight"].sum() == pytest.approx(urban_target, rel=1e-6)
    scores = trust.respondent_scores(fixture.answers.filter(pl.col("wave") == wave), catalogue())
    frame = own.join(scores, on=["wave", "response_id"], how="left")
    est = domain_means(frame.select(DIMS).to_numpy().astype(float), frame["final_weight"].to_numpy(),
                       np.zeros(frame.height, dtype=int), 1, frame["stratum_key"].to_numpy(), frame["psu_key"].to_numpy())  # fmt: skip
    row = result.index.filter((pl.col("wave") == wave) & (pl.col("province_code") == province)).row(0, named=True)
    assert row["index"] == pytest.approx(est.estimate[0].mean(), rel=1e-9)
    assert row["n"] == frame.height
    for j, dim in enumerate(DIMS):
        assert row[dim] == pytest.approx(est.estimate[0, j], rel=1e-9)
    assert row["ci_low"] < row["index"] < row["ci_high"]


def test_small_provinces_are_not_scored_nor_ranked(result) -> None:
    small = result.index.filter(pl.col("province_code") == SMALL)
    assert small.height > 0 and small["n"].max() < 30
    assert small["index"].null_count() == small.height and small["rank"].null_count() == small.height
    scored = result.index.filter(pl.col("index").is_not_null())
    assert (scored["n"] >= 30).all()


def test_ranks_intervals_and_quartiles(result) -> None:
    for (_wave,), group in result.index.filter(pl.col("index").is_not_null()).group_by("wave"):
        m = group.height
        assert sorted(group["rank"]) == list(range(1, m + 1))
        assert (group["rank_low"] <= group["rank"]).all() and (group["rank"] <= group["rank_high"]).all()
        assert group.sort("index", descending=True)["quartile"].to_list() == sorted(group["quartile"])
        assert set(group["quartile"]) == {1, 2, 3, 4}


def test_sensitivity_main_scheme_reproduces_the_ranks(result) -> None:
    summary = trust.sensitivity_summary(result, "2026Q1")
    ranks = result.index.filter(pl.col("wave") == "2026Q1").select("province_code", "rank")
    joined = summary.join(ranks, on="province_code")
    assert (joined["rank_main"] == joined["rank"]).all()
    assert (joined["rank_best"] <= joined["rank_main"]).all() and (joined["rank_main"] <= joined["rank_worst"]).all()
    weights = result.scheme_weights.group_by("scheme").agg(pl.col("weight").sum())
    assert np.allclose(weights["weight"].to_numpy(), 1.0)


def test_real_change_is_detected_and_the_merger_is_a_break(result) -> None:
    assert result.breaks.filter(pl.col("kind") == "merger")["wave"].to_list() == ["2025Q3"]
    riser = trust.province_trend(result, RISER)
    assert riser["index"].to_list() == sorted(riser["index"].to_list())
    assert riser["index"][-1] - riser["index"][0] > 20
    changes = result.changes.filter(pl.col("level") == "province")
    across = changes.filter(pl.col("wave") == "2025Q3")
    assert across["break"].all() and not changes.filter(pl.col("wave") == "2025Q4")["break"].any()
    stable = changes.filter(pl.col("province_code") != RISER)
    assert stable["significant"].mean() <= 0.15  # no real change: few false alarms at the 5% level
    assert changes.filter((pl.col("province_code") == RISER) & pl.col("significant")).height >= 1


def test_scope_limits_the_provinces(fixture) -> None:
    con = open_warehouse(fixture.warehouse.path)
    try:
        one = trust.trust_index(con, Scope(province_code=RISER), draws=50)
    finally:
        con.close()
    assert set(one.index["province_code"]) == {RISER}


def test_no_survey_data_gives_empty_frames(tmp_path: Path) -> None:
    from tests.fixtures.warehouse import build_warehouse

    base = build_warehouse(tmp_path, n=50)
    con = open_warehouse(base.path)
    try:
        empty = trust.trust_index(con, Scope.all())
    finally:
        con.close()
    assert empty.index.height == 0 and empty.waves.height == 0
    assert trust.report_frame(empty).columns[:3] == ["province_code", "wave", "n"]


def test_role_rule_hides_index_cells_on_too_few_respondents(result) -> None:
    """A province-wave under 10 respondents (possible with a smaller configured minimum: here made by hand)
    shows no n, index, CI, rank, dimension scores, changes or sensitivity ranks for leader exports and the
    presenter; the analyst sees it exactly."""
    from dataclasses import replace

    from analytics import protected

    wave = result.latest_wave()
    tiny = (pl.col("province_code") == RISER) & (pl.col("wave") == wave)
    made = replace(
        result,
        index=result.index.with_columns(pl.when(tiny).then(6).otherwise(pl.col("n")).alias("n")),
        dimensions=result.dimensions.with_columns(pl.when(tiny).then(6).otherwise(pl.col("n")).alias("n")),
    )
    for role, medium in (("presenter", "screen"), ("leader", "export")):
        shown = protected.trust_result(made, role, medium)
        row = shown.index.filter(tiny).row(0, named=True)
        assert all(row[c] is None for c in ("n", "index", "ci_low", "ci_high", *trust.RANK_COLUMNS, DIMS[0]))
        assert shown.dimensions.filter(tiny)["estimate"].null_count() == len(DIMS)
        assert shown.changes.filter((pl.col("province_code") == RISER) & (pl.col("wave") == wave)).is_empty()
        assert shown.sensitivity.filter(tiny).is_empty()
        others = shown.index.filter(~tiny & pl.col("index").is_not_null())
        assert others.height == made.index.filter(~tiny & pl.col("index").is_not_null()).height
        assert shown.index.filter(pl.col("province_code") == SMALL)["n"].drop_nulls().min() >= 10  # 20: shown
    exact = protected.trust_result(made, "analyst", "export")
    assert exact.index.filter(tiny)["index"][0] == made.index.filter(tiny)["index"][0]


def _survey_data(fixture: TrustFixture) -> trust.SurveyData:
    con = open_warehouse(fixture.warehouse.path)
    try:
        return trust.read_survey(con, Scope.all())
    finally:
        con.close()


def test_raked_standard_errors_use_the_calibration_residuals(fixture, result) -> None:
    """A raked province-wave recomputed by hand: rake its respondents to its margins, then the design-based
    SE from the calibration residuals (as R's survey does after rake); the weights-as-fixed SE differs."""
    from analytics.survey import combination_se, rake

    wave, province = "2025Q4", fixture.provinces[2]
    weighted = trust.survey_weights(_survey_data(fixture).responses, fixture.margins)
    own = weighted.filter((pl.col("wave") == wave) & (pl.col("province_code") == province)).sort("response_id")
    assert set(own["weight_source"]) == {"raked"}
    targets: dict[str, dict[str, float]] = {}
    for dim, category, population in (
        fixture.margins.filter(pl.col("province_code") == province).select("dimension", "category", "population")
    ).iter_rows():
        targets.setdefault(dim, {})[category] = float(population)
    cats = {"sex": own["sex"], "age_group": own["age_group"], "urban": own["urban_cat"]}
    raked = rake({d: cats[d].to_numpy() for d in targets}, targets)
    scores = trust.respondent_scores(fixture.answers.filter(pl.col("wave") == wave), catalogue())
    frame = own.join(scores, on=["wave", "response_id"], how="left")
    args = (frame.select(DIMS).to_numpy().astype(float), raked.weights, np.zeros(frame.height, dtype=int), 1)
    design = (frame["stratum_key"].to_numpy(), frame["psu_key"].to_numpy())
    calibrated = domain_means(*args, *design, calibration=raked)
    fixed = domain_means(*args, *design)
    equal = np.full(len(DIMS), 1 / len(DIMS))
    row = result.index.filter((pl.col("wave") == wave) & (pl.col("province_code") == province)).row(0, named=True)
    assert row["se"] == pytest.approx(combination_se(calibrated, equal)[0], rel=1e-9)
    assert row["se"] != pytest.approx(combination_se(fixed, equal)[0], rel=1e-3)
    dims = result.dimensions.filter(
        (pl.col("level") == "province") & (pl.col("wave") == wave) & (pl.col("province_code") == province)
    )
    assert dims.sort(pl.col("dimension").replace_strict({d: i for i, d in enumerate(DIMS)}))["se"].to_list() == (
        pytest.approx(calibrated.se[0].tolist(), rel=1e-9)
    )


def test_stratum_population_gives_the_finite_population_correction(fixture, result) -> None:
    """2025Q2 has strata and PSUs: a stratum population of twice its sampled PSUs halves every province's
    variance (1 − n/N = 1/2); a stratum whose rows disagree gets no correction."""
    data = _survey_data(fixture)
    sampled = pl.col("psu").n_unique().over("wave", "stratum")
    doubled = data.responses.with_columns(
        pl.when(pl.col("wave") == "2025Q2").then(2.0 * sampled).otherwise(None).alias("stratum_population")
    )
    corrected = trust.compute(replace(data, responses=doubled), draws=20)
    key = ["wave", "province_code"]
    both = corrected.index.join(result.index, on=key, suffix="_srs").filter(pl.col("se").is_not_null())
    early = both.filter(pl.col("wave") == "2025Q2")
    assert early.height > 5
    assert (early["se"] / early["se_srs"]).to_list() == pytest.approx([np.sqrt(0.5)] * early.height, rel=1e-9)
    later = both.filter(pl.col("wave") != "2025Q2")
    assert (later["se"] == later["se_srs"]).all()
    noisy = doubled.with_columns(  # one province's stratum gives two different sizes: ignored there
        pl.when(pl.col("response_id").str.ends_with("0001") & (pl.col("province_code") == RISER))
        .then(pl.col("stratum_population") + 1)
        .otherwise(pl.col("stratum_population"))
        .alias("stratum_population")
    )
    mixed = trust.compute(replace(data, responses=noisy), draws=20).index.filter(pl.col("wave") == "2025Q2")
    riser = mixed.join(result.index, on=key, suffix="_srs").filter(pl.col("province_code") == RISER)
    assert riser["se"][0] == pytest.approx(riser["se_srs"][0], rel=1e-12)


def test_a_warehouse_without_the_stratum_population_column_still_reads(fixture, tmp_path: Path) -> None:
    import shutil

    import duckdb

    copy = tmp_path / "old.duckdb"
    shutil.copyfile(fixture.warehouse.path, copy)
    con = duckdb.connect(str(copy))
    con.execute("ALTER TABLE survey_response DROP COLUMN stratum_population")
    con.close()
    con = open_warehouse(copy)
    try:
        data = trust.read_survey(con, Scope(province_code=RISER))
    finally:
        con.close()
    assert data.responses.height > 0 and data.responses["stratum_population"].null_count() == data.responses.height
