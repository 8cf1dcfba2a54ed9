"""The staggered DiD estimator: exact on noise-free panels where TWFE is biased, and honest intervals over
100 seeded synthetic panels (coverage of the planted effect, power, and coverage of zero without an effect)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analytics.did import NEVER, nearest_peers, panel_matrix, staggered_did, twfe_estimate

N_UNITS, N_PERIODS = 34, 24  # provinces since 2025, months of the full demo
EFFECT = 1.0


def _panel(seed: int, effect: float, *, noise: float = 1.0, dynamic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Unit and period effects, AR(1) noise within a unit, staggered cohorts at periods 4..19, a quarter
    never treated; the effect is `effect` from adoption on (or grows with time since adoption)."""
    rng = np.random.default_rng(seed)
    cohort = np.where(rng.random(N_UNITS) < 0.25, NEVER, rng.integers(4, 20, N_UNITS))
    unit_fe = rng.normal(5, 2, (N_UNITS, 1))
    time_fe = np.cumsum(rng.normal(0.1, 0.3, N_PERIODS))[None, :]
    eps = np.zeros((N_UNITS, N_PERIODS))
    shocks = rng.normal(0, noise, (N_UNITS, N_PERIODS))
    for t in range(N_PERIODS):
        eps[:, t] = (0.4 * eps[:, t - 1] if t else 0) + shocks[:, t]
    since = np.arange(N_PERIODS)[None, :] - cohort[:, None]
    tau = np.where(since >= 0, effect * (1 + since) if dynamic else effect, 0.0)
    return unit_fe + time_fe + eps + tau, cohort


def _true_simple_att(cohort: np.ndarray, effect: float, dynamic: bool) -> float:
    """Cohort-size-weighted mean of the planted effect over post-adoption cells (the estimand)."""
    cells = [
        effect * (1 + t - g) if dynamic else effect
        for g in cohort[(cohort >= 1) & (cohort < N_PERIODS)]
        for t in range(g, N_PERIODS)
    ]
    return float(np.mean(cells))


def test_noise_free_panel_with_dynamic_effects_is_recovered_exactly_where_twfe_is_biased():
    y, cohort = _panel(3, 0.5, noise=0.0, dynamic=True)
    result = staggered_did(y, cohort, draws=50)
    truth = _true_simple_att(cohort, 0.5, dynamic=True)
    assert result.estimate == pytest.approx(truth, abs=1e-9)
    es = {r["event_time"]: r["estimate"] for r in result.event_study.iter_rows(named=True)}
    assert es[0] == pytest.approx(0.5) and es[3] == pytest.approx(2.0)
    assert all(abs(es[e]) < 1e-9 for e in es if e < 0)  # parallel trends hold exactly: placebos are 0
    assert abs(twfe_estimate(y, cohort) - truth) > 0.3  # the forbidden comparisons bias TWFE


def test_interval_coverage_and_power_over_100_seeds():
    covered = excludes_zero = null_covers_zero = 0
    for seed in range(100):
        y, cohort = _panel(seed, EFFECT)
        r = staggered_did(y, cohort, draws=199, seed=seed)
        covered += r.ci_low <= EFFECT <= r.ci_high
        excludes_zero += r.ci_low > 0
        y0, cohort0 = _panel(seed + 1000, 0.0)
        r0 = staggered_did(y0, cohort0, draws=199, seed=seed)
        null_covers_zero += r0.ci_low <= 0 <= r0.ci_high
    assert covered >= 90, covered
    assert excludes_zero >= 80, excludes_zero
    assert null_covers_zero >= 90, null_covers_zero


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
