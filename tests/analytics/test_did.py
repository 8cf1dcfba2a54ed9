"""The staggered DiD estimator: exact on noise-free panels where TWFE is biased (group, simple and dynamic
aggregations against their planted estimands), honest intervals over 100 seeded synthetic panels (coverage,
power, coverage of zero without an effect, and a calibrated joint pre-trend test), a few-adopters state with
t(G − 1) intervals, a joint pre-trend test that opposite pre-trends cannot fool, simultaneous bands, and a
bootstrap that keeps every cohort's size."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from analytics.did import (
    FEW_ADOPTERS,
    NEVER,
    bootstrap_weights,
    cohort_strata,
    nearest_peers,
    panel_matrix,
    staggered_did,
    twfe_estimate,
)

N_UNITS, N_PERIODS = 34, 24  # provinces since 2025, months of the full demo
EFFECT = 1.0


def _noise(rng: np.random.Generator, n_units: int, scale: float) -> np.ndarray:
    eps = np.zeros((n_units, N_PERIODS))
    shocks = rng.normal(0, scale, (n_units, N_PERIODS))
    for t in range(N_PERIODS):
        eps[:, t] = (0.4 * eps[:, t - 1] if t else 0) + shocks[:, t]
    return eps


def _panel(seed: int, effect: float, *, noise: float = 1.0, dynamic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Unit and period effects, AR(1) noise within a unit, staggered cohorts at periods 4..19, a quarter
    never treated; the effect is `effect` from adoption on (or grows with time since adoption)."""
    rng = np.random.default_rng(seed)
    cohort = np.where(rng.random(N_UNITS) < 0.25, NEVER, rng.integers(4, 20, N_UNITS))
    unit_fe = rng.normal(5, 2, (N_UNITS, 1))
    time_fe = np.cumsum(rng.normal(0.1, 0.3, N_PERIODS))[None, :]
    since = np.arange(N_PERIODS)[None, :] - cohort[:, None]
    tau = np.where(since >= 0, effect * (1 + since) if dynamic else effect, 0.0)
    return unit_fe + time_fe + _noise(rng, N_UNITS, noise) + tau, cohort


def _planted(cohort: np.ndarray, effect: float) -> tuple[float, float]:
    """The group and simple estimands of a dynamic effect effect × (1 + t − g), by hand."""
    adopted = cohort[cohort < N_PERIODS]
    cells = {g: [effect * (1 + t - g) for t in range(g, N_PERIODS)] for g in np.unique(adopted)}
    size = {g: int((adopted == g).sum()) for g in cells}
    group = sum(size[g] * np.mean(v) for g, v in cells.items()) / sum(size.values())
    simple = sum(size[g] * sum(v) for g, v in cells.items()) / sum(size[g] * len(v) for g, v in cells.items())
    return float(group), float(simple)


def test_noise_free_panel_with_dynamic_effects_is_recovered_exactly_where_twfe_is_biased():
    y, cohort = _panel(3, 0.5, noise=0.0, dynamic=True)
    result = staggered_did(y, cohort, draws=50)
    group, simple = _planted(cohort, 0.5)
    assert result.estimate == pytest.approx(group, abs=1e-9)  # the headline: cohorts weighed by size only
    assert result.simple.estimate == pytest.approx(simple, abs=1e-9)
    assert abs(group - simple) > 0.3  # early adopters have more (and larger) cells: simple leans on them
    es = {r["event_time"]: r["estimate"] for r in result.event_study.iter_rows(named=True)}
    assert es[0] == pytest.approx(0.5) and es[3] == pytest.approx(2.0)
    assert all(abs(es[e]) < 1e-9 for e in es if e < 0)  # parallel trends hold exactly: placebos are 0
    assert abs(twfe_estimate(y, cohort) - simple) > 0.3  # the forbidden comparisons bias TWFE
    cells = result.cells
    assert cells.filter(pl.col("event_time") >= 0)["estimate"].to_list() == pytest.approx(
        [0.5 * (1 + e) for e in cells.filter(pl.col("event_time") >= 0)["event_time"]]
    )


def test_interval_coverage_power_and_pretrend_size_over_100_seeds():
    covered = excludes_zero = null_covers_zero = pretrend_rejects = 0
    for seed in range(100):
        y, cohort = _panel(seed, EFFECT)
        r = staggered_did(y, cohort, draws=199, seed=seed)
        covered += r.ci_low <= EFFECT <= r.ci_high
        excludes_zero += r.ci_low > 0
        y0, cohort0 = _panel(seed + 1000, 0.0)
        r0 = staggered_did(y0, cohort0, draws=199, seed=seed)
        null_covers_zero += r0.ci_low <= 0 <= r0.ci_high
        pretrend_rejects += r0.pretrend_p < 0.05
    assert covered >= 90, covered
    assert excludes_zero >= 80, excludes_zero
    assert null_covers_zero >= 90, null_covers_zero
    assert pretrend_rejects <= 10, pretrend_rejects  # parallel trends hold: a 5% test rarely fires


def _few(seed: int, n_adopters: int, effect: float = EFFECT) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cohort = np.full(N_UNITS, NEVER)
    cohort[:n_adopters] = rng.integers(6, 18, n_adopters)
    y = rng.normal(5, 2, (N_UNITS, 1)) + np.cumsum(rng.normal(0.1, 0.3, N_PERIODS))[None, :]
    since = np.arange(N_PERIODS)[None, :] - cohort[:, None]
    return y + _noise(rng, N_UNITS, 1.0) + np.where(since >= 0, effect, 0.0), cohort


def test_few_adopters_are_flagged_and_their_intervals_use_adopters_minus_one_degrees_of_freedom():
    covered = 0
    for seed in range(60):
        y, cohort = _few(seed, 3)
        r = staggered_did(y, cohort, draws=99, seed=seed)
        covered += r.ci_low <= EFFECT <= r.ci_high
    assert covered >= 55, covered  # 95% intervals from 3 adopters among 34 provinces
    assert r.few_adopters and r.n_adopters == 3 and r.df == 2
    half = (r.ci_high - r.ci_low) / 2
    assert half == pytest.approx(stats.t.ppf(0.975, 2) * r.se)  # not t(33): 4.30 × SE, not 2.03 × SE
    many = staggered_did(*_few(0, FEW_ADOPTERS), draws=30)
    assert not many.few_adopters and many.df == FEW_ADOPTERS - 1


def test_one_adopter_gets_an_estimate_but_no_interval():
    y, cohort = _few(1, 1)
    r = staggered_did(y, cohort, draws=50)
    assert r.estimate is not None and r.ci_low is None and r.df is None and r.few_adopters


def test_opposite_pretrends_that_cancel_on_average_fail_the_joint_test():
    rng = np.random.default_rng(7)
    n = 120
    cohort = np.full(n, NEVER)
    cohort[:30], cohort[30:60] = 12, 12  # one cohort, two halves with opposite pre-trends
    trend = np.where(np.arange(N_PERIODS) < 12, np.arange(N_PERIODS), 11)[None, :] * 0.5
    y = rng.normal(5, 2, (n, 1)) + _noise(rng, n, 0.3)
    y[:30] += trend
    y[30:60] -= trend
    cohort[30:60] = 13  # the second half adopts a period later so both pre-trends are separate cells
    r = staggered_did(y, cohort, draws=99, seed=1)
    pre = r.cells.filter(pl.col("event_time") < 0)
    assert abs(pre["estimate"].mean()) < 0.1  # the old averaged placebo: nothing to see
    assert r.pretrend_p < 1e-6 and r.pretrend_stat > 5  # the joint test sees both


def test_simultaneous_band_covers_the_pointwise_intervals():
    y, cohort = _panel(11, EFFECT)
    r = staggered_did(y, cohort, draws=199, seed=2)
    es = r.event_study.drop_nulls("se")
    assert r.band_crit > stats.t.ppf(0.975, r.df)
    assert (es["band_low"] <= es["ci_low"]).all() and (es["band_high"] >= es["ci_high"]).all()
    assert (es["band_high"] - es["band_low"]).to_numpy() == pytest.approx(2 * r.band_crit * es["se"].to_numpy())


def test_bootstrap_resamples_within_cohort_and_keeps_every_cohorts_size():
    cohort = np.array([NEVER] * 5 + [3, 3, 3, 5, 5, 7])
    strata = cohort_strata(cohort, 10)
    assert strata.tolist() == [0] * 5 + [1, 1, 1, 2, 2, 3]
    weights = bootstrap_weights(strata, 200, np.random.default_rng(0))
    for s in np.unique(strata):
        members = strata == s
        assert weights[:, members].sum(axis=1) == pytest.approx(np.full(201, members.sum()))
    assert (weights[:, strata == 3] == 1).all()  # a lone adopter is always in (its noise comes from donors)
    assert weights[1:, strata == 1].std() > 0


def test_missing_cells_and_always_treated_units_are_handled():
    y, cohort = _panel(5, EFFECT, noise=0.0)
    y[0, 5] = np.nan
    cohort[1] = 0  # treated before the panel starts: dropped
    result = staggered_did(y, cohort, draws=30)
    assert result.estimate == pytest.approx(EFFECT)
    assert result.n_adopters == int(((cohort >= 1) & (cohort < N_PERIODS)).sum())


def test_no_comparison_group_gives_no_estimate():
    y = np.arange(12, dtype=float).reshape(3, 4)
    result = staggered_did(y, np.array([1, 1, 1]), draws=20)
    assert result.estimate is None and result.ci_low is None


def test_not_yet_treated_comparison_is_available_and_unknown_controls_are_refused():
    y, cohort = _panel(3, 0.5, noise=0.0, dynamic=True)
    assert staggered_did(y, cohort, draws=20, control="notyet").estimate == pytest.approx(_planted(cohort, 0.5)[0])
    with pytest.raises(ValueError, match="control"):
        staggered_did(y, cohort, control="everyone")


def test_panel_matrix_maps_adoption_to_the_first_period_on_or_after_it():
    panel = pl.DataFrame(
        {
            "province_code": ["01", "01", "01", "02", "02", "02"],
            "period": ["2025-01", "2025-02", "2025-03"] * 2,
            "value": [1.0, 2.0, 3.0, 4.0, None, 6.0],
        }
    )
    adoption = pl.DataFrame({"province_code": ["02"], "adopted_period": ["2025-02"]})
    y, cohort, units, periods = panel_matrix(panel, adoption)
    assert units == ["01", "02"] and periods == ["2025-01", "2025-02", "2025-03"]
    assert cohort.tolist() == [NEVER, 1]
    assert np.isnan(y[1, 1]) and y[1, 2] == 6.0


def test_nearest_peers_prefers_same_region_and_similar_size():
    features = pl.DataFrame(
        {
            "province_code": ["A", "B", "C", "D"],
            "population": [1.0, 1.1, 1.0, 9.0],
            "region": ["x", "x", "y", "x"],
        }
    )
    peers = nearest_peers(features, "A", k=2)
    assert peers["province_code"].to_list() == ["B", "C"]
    assert peers["distance"].is_sorted()
