"""Known answer: R `did` 2.5.1 on its own example data (mpdta: 500 US counties, 2003–2007, log teen
employment, minimum-wage rises in 2004, 2006 and 2007), never-treated comparison, no covariates — the
published output of `att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first_treat",
xformla = NULL, data = mpdta)` and of `aggte(..., type = "group" | "simple" | "dynamic")` in the package's
README and reference pages (docs/reference/att_gt.html, aggte.html). The data come from
`../shared/external/mpdta.csv` (github:bcallaway11/did @ 71ba8a5, data/mpdta.rda)."""

from __future__ import annotations

import polars as pl
import pytest

import config
from analytics import models

MPDTA = config.shared_dir() / "external" / "mpdta.csv"

ATT_GT = {  # (group, time): ATT(g, t), published to 4 decimals
    (2004, 2004): -0.0105,
    (2004, 2005): -0.0704,
    (2004, 2006): -0.1373,
    (2004, 2007): -0.1008,
    (2006, 2004): 0.0065,
    (2006, 2005): -0.0028,
    (2006, 2006): -0.0046,
    (2006, 2007): -0.0412,
    (2007, 2004): 0.0305,
    (2007, 2005): -0.0027,
    (2007, 2006): -0.0311,
    (2007, 2007): -0.0261,
}
GROUP_THETA = {2004: -0.0797, 2006: -0.0229, 2007: -0.0261}
DYNAMIC = {-3: 0.0305, -2: -0.0006, -1: -0.0245, 0: -0.0199, 1: -0.0510, 2: -0.1373, 3: -0.1008}
FOUR_DECIMALS = 5.1e-5  # a value published to 4 decimals is within half a unit of the 4th


@pytest.fixture(scope="module")
def mpdta() -> pl.DataFrame:
    if not MPDTA.exists():
        pytest.skip(f"{MPDTA} not found (FRONT_SHARED_DIR)")
    return pl.read_csv(MPDTA)


@pytest.fixture(scope="module")
def est(mpdta) -> models.Estimate:
    """The grader's mapping: countyreal → province_code, year → period, lemp → the outcome, first_treat →
    adoption (0 = never treated)."""
    panel = mpdta.select(
        pl.col("countyreal").cast(pl.String).alias("province_code"), pl.col("year").alias("period"), "lemp"
    )
    first = mpdta.select(
        pl.col("countyreal").alias("province_code"),
        pl.lit("min_wage").alias("model_kind"),
        pl.col("first_treat").alias("adopted_period"),
    ).unique()
    return models.estimate(panel, first, "min_wage", "lemp")


def _rows(est: models.Estimate, kind: str) -> pl.DataFrame:
    return est.result.filter(pl.col("kind") == kind)


def test_group_time_cells_match_did_to_four_decimals(est):
    cells = _rows(est, "cell")
    got = {(r["cohort"], r["period"]): r["estimate"] for r in cells.iter_rows(named=True)}
    assert set(got) == set(ATT_GT)
    for key, published in ATT_GT.items():
        assert got[key] == pytest.approx(published, abs=FOUR_DECIMALS), key
        assert round(got[key], 3) == pytest.approx(round(published, 3), abs=1e-3 + 1e-12), key
    assert set(cells["n_treated"]) == {20, 40, 131} and set(cells["n_comparison"]) == {309}


def test_group_aggregation_is_the_headline_and_simple_sits_beside_it(est):
    assert est.fit.estimate == pytest.approx(-0.031, abs=5e-4)
    assert round(est.fit.estimate, 3) == -0.031
    assert round(est.fit.simple.estimate, 3) == -0.040
    (group,) = _rows(est, "group")["estimate"]
    (simple,) = _rows(est, "simple")["estimate"]
    assert group == est.fit.estimate and simple == est.fit.simple.estimate
    theta = {r["cohort"]: r["estimate"] for r in _rows(est, "cohort").iter_rows(named=True)}
    assert theta == pytest.approx(GROUP_THETA, abs=FOUR_DECIMALS)


def test_dynamic_aggregation_and_event_study_match_did(est):
    assert est.fit.dynamic.estimate == pytest.approx(-0.0772, abs=FOUR_DECIMALS)
    events = {r["event_time"]: r["estimate"] for r in _rows(est, "event").iter_rows(named=True)}
    assert events == pytest.approx(DYNAMIC, abs=FOUR_DECIMALS)


def test_inference_is_of_did_s_order_and_parallel_trends_are_not_rejected(est):
    # did's bootstrap SEs of the group and simple effects are about 0.012: ours, from a cohort-stratified
    # cluster bootstrap (299 draws), must be of that order; did's pre-test p-value is 0.168
    for kind in ("group", "simple"):
        (se,) = _rows(est, kind)["se"]
        assert 0.009 < se < 0.016, (kind, se)
    assert est.fit.ci_low < -0.031 < est.fit.ci_high < 0  # did: the group effect's interval excludes 0
    (pretrend,) = _rows(est, "pretrend").iter_rows(named=True)
    assert 0.05 < pretrend["p_value"] < 0.6 and est.fit.pretrend_cells == 5
    assert not est.fit.few_adopters and est.fit.n_adopters == 191 and est.fit.n_comparison == 309
    band = _rows(est, "event")
    assert (band["band_low"] < band["ci_low"]).all() and (band["band_high"] > band["ci_high"]).all()


def test_long_panel_dates_and_absent_never_treated_give_the_same_answer(mpdta, est):
    long = mpdta.select(
        pl.col("countyreal").cast(pl.String).alias("province_code"),
        pl.col("year").alias("period"),
        pl.lit("lemp").alias("outcome"),
        pl.col("lemp").alias("value"),
    )
    adopters = mpdta.filter(pl.col("first_treat") > 0).select(
        pl.col("countyreal").cast(pl.String).alias("province_code"), pl.col("first_treat").alias("adopted_at")
    )  # no model_kind column, never-treated units simply absent, adoption as a number
    again = models.estimate(long, adopters.unique(), "any", "lemp")
    assert again.result.equals(est.result)


def test_adoptions_that_cannot_be_compared_with_the_periods_are_refused(mpdta):
    panel = mpdta.select(
        pl.col("countyreal").cast(pl.String).alias("province_code"), pl.col("year").alias("period"), "lemp"
    )
    first = pl.DataFrame({"province_code": ["8001"], "adopted_period": ["2004"]})
    with pytest.raises(ValueError, match="not comparable"):
        models.estimate(panel, first, "any", "lemp")
    with pytest.raises(ValueError, match="named 'employment'"):
        models.estimate(panel, first, "any", "employment")


def test_date_periods_and_a_first_treat_column_give_the_same_cells(mpdta, est):
    years = mpdta.select(pl.col("countyreal").alias("province_code"), pl.col("year").alias("period"), "lemp")
    first_treat = models.estimate(
        years, mpdta.select(pl.col("countyreal").alias("province_code"), "first_treat"), "x", "lemp"
    )
    assert first_treat.result.equals(est.result)  # integer ids are cast to text on the way in
    dates = years.with_columns(pl.date(pl.col("period"), 1, 1).alias("period"))
    adopted = mpdta.filter(pl.col("first_treat") > 0).select(
        pl.col("countyreal").alias("province_code"), pl.date(pl.col("first_treat"), 1, 1).alias("adopted_at")
    )
    dated = models.estimate(dates, adopted, "x", "lemp")
    cells = dated.result.filter(pl.col("kind") == "cell")
    assert cells["cohort"].dtype == pl.Date
    assert cells["cohort"].dt.year().to_list() == _rows(est, "cell")["cohort"].to_list()
    assert cells["estimate"].to_list() == pytest.approx(_rows(est, "cell")["estimate"].to_list(), abs=1e-12)
