"""Staggered-adoption difference-in-differences (Callaway & Sant'Anna 2021) and nearest peers: pure functions.

Why not a two-way fixed-effects regression: with adoption at different times and effects that change with
time since adoption, TWFE compares late adopters with early adopters that are already treated and can even
flip the sign. Here every comparison is clean:

- ATT(g, t), the effect in period t on the provinces that adopted in period g ("cohort" g), is the change of
  the cohort's mean from its last period before adoption (base period g − 1, the same for every t: a
  "universal" base) minus the same change among the provinces *not yet treated* at both t and g − 1 (never
  adopters included);
- the event study averages ATT(g, g + e) over cohorts, weighted by cohort size, for each event time e
  (e = −1 is the reference, 0 by construction; e < −1 are placebo pre-trends);
- the overall effect averages every post-adoption ATT(g, t) (t ≥ g) weighted by cohort size (CS "simple"
  aggregation): the average effect after adoption, per province and period, in the outcome's units.

Uncertainty: a cluster bootstrap by province (provinces drawn with replacement, the whole estimator
recomputed), so serial correlation within a province is respected; 95% intervals are estimate ± t(n − 1) ×
bootstrap SE × √(n / (n − 1)), with n the number of provinces (the resampling shrinks the variance by (n − 1) / n). Missing cells (NaN) are skipped cell by cell.
Provinces already treated in the first period (no pre-period) cannot be used and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

BOOTSTRAP = 299
LEVEL = 0.95
NEVER = np.iinfo(np.int64).max // 4  # cohort of provinces that never adopted


@dataclass(frozen=True)
class DidResult:
    """The overall effect with its interval, the event study, the placebo pre-trend and the sample sizes."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    baseline: float | None  # adopters' counterfactual mean after adoption (denominator of the relative effect)
    pretrend: float | None  # mean placebo effect before adoption (e <= -2)
    pretrend_low: float | None
    pretrend_high: float | None
    n_adopters: int
    n_comparison: int
    event_study: pl.DataFrame  # event_time, estimate, ci_low, ci_high, cohorts

    @property
    def relative_effect(self) -> float | None:
        if self.estimate is None or not self.baseline:
            return None
        return self.estimate / self.baseline


def _nan_to_none(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def bootstrap_weights(n_units: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Row 0: every unit once (the point estimate); rows 1..draws: how often each unit is drawn."""
    counts = rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=draws).astype(float)
    return np.vstack([np.ones((1, n_units)), counts])


def cohort_cells(y: np.ndarray, cohort: np.ndarray, weights: np.ndarray) -> tuple[dict, dict, dict]:
    """ATT(g, t) for every cohort g and period t under each row of `weights` (units' bootstrap counts).

    `y`: units × periods (NaN = missing); `cohort`: first treated period index per unit (NEVER = never).
    Returns three dicts keyed by g, each holding a draws × periods array: the ATT, the cohort's weight
    (treated units with data in the cell) and the treated mean (for the counterfactual level).
    """
    n_periods = y.shape[1]
    att, size, treated_mean = {}, {}, {}
    periods = np.arange(n_periods)
    for g in np.unique(cohort[(cohort >= 1) & (cohort < n_periods)]):
        base = g - 1
        diff = y - y[:, [base]]
        valid = np.isfinite(diff)
        diff0 = np.where(valid, diff, 0.0)
        treated = (cohort == g)[:, None] & valid
        controls = (cohort[:, None] > np.maximum(periods, base)[None, :]) & (cohort != g)[:, None] & valid
        n_t, n_c = weights @ treated, weights @ controls
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_t = (weights @ (treated * diff0)) / n_t
            mean_c = (weights @ (controls * diff0)) / n_c
            level_t = (weights @ (treated * np.where(valid, y, 0.0))) / n_t
        ok = (n_t > 0) & (n_c > 0)
        att[g] = np.where(ok, mean_t - mean_c, np.nan)
        size[g] = np.where(ok, n_t, 0.0)
        treated_mean[g] = np.where(ok, level_t, np.nan)
    return att, size, treated_mean


def _weighted(values: list[np.ndarray], sizes: list[np.ndarray]) -> np.ndarray:
    """Size-weighted mean across cells, per draw (NaN where no cell has weight)."""
    if not values:
        return np.full(0, np.nan)
    v = np.stack(values)
    w = np.stack(sizes)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nansum(np.where(w > 0, v * w, 0.0), axis=0) / total, np.nan)


def _interval(draws: np.ndarray, n_clusters: int) -> tuple[float, float, float, float]:
    """Point estimate (row 0), bootstrap SE and the t-based interval."""
    point = draws[0]
    boot = draws[1:]
    boot = boot[np.isfinite(boot)]
    if not np.isfinite(point) or boot.size < 10 or n_clusters < 3:
        return point, np.nan, np.nan, np.nan
    se = float(np.std(boot, ddof=1)) * np.sqrt(n_clusters / (n_clusters - 1))  # resampling shrinks variance
    crit = stats.t.ppf(0.5 + LEVEL / 2, n_clusters - 1)
    return point, se, point - crit * se, point + crit * se


def staggered_did(
    y: np.ndarray,
    cohort: np.ndarray,
    *,
    max_pre: int = 6,
    max_post: int = 12,
    draws: int = BOOTSTRAP,
    seed: int = 0,
) -> DidResult:
    """Callaway–Sant'Anna estimate on a units × periods matrix `y` with first-treated period `cohort`
    (NEVER for never-treated). Event study from e = −max_pre to e = max_post; the overall effect uses every
    post-adoption cell. See the module docstring."""
    y = np.asarray(y, dtype=float)
    cohort = np.asarray(cohort, dtype=np.int64)
    n_periods = y.shape[1]
    usable = cohort >= 1  # adopted in the first period or before: no pre-period
    y, cohort = y[usable], cohort[usable]
    n = y.shape[0]
    adopters = int(((cohort >= 1) & (cohort < n_periods)).sum())
    comparison = int((cohort >= n_periods).sum())
    weights = bootstrap_weights(n, draws, np.random.default_rng(seed)) if n else np.ones((1, 0))
    att, size, level = cohort_cells(y, cohort, weights)

    post_v, post_w, post_l, pre_v, pre_w = [], [], [], [], []
    by_event: dict[int, tuple[list, list]] = {}
    for g, cells in att.items():
        for t in range(n_periods):
            e = t - g
            if e == -1:
                continue
            if e >= 0:
                post_v.append(cells[:, t])
                post_w.append(size[g][:, t])
                post_l.append(level[g][:, t] - cells[:, t])
            elif e >= -max_pre:
                pre_v.append(cells[:, t])
                pre_w.append(size[g][:, t])
            if -max_pre <= e <= max_post:
                values, sizes = by_event.setdefault(e, ([], []))
                values.append(cells[:, t])
                sizes.append(size[g][:, t])

    overall = _weighted(post_v, post_w) if post_v else np.full(weights.shape[0], np.nan)
    estimate, se, low, high = _interval(overall, n)
    baseline = _weighted(post_l, post_w)[0] if post_l else np.nan
    pre = _weighted(pre_v, pre_w) if pre_v else np.full(weights.shape[0], np.nan)
    pre_est, _, pre_low, pre_high = _interval(pre, n)

    rows = [{"event_time": -1, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "cohorts": len(att)}] if att else []
    for e, (values, sizes) in sorted(by_event.items()):
        series = _weighted(values, sizes)
        point, _, lo, hi = _interval(series, n)
        cohorts = int(sum(1 for s in sizes if s[0] > 0))
        if cohorts:
            rows.append({"event_time": e, "estimate": point, "ci_low": lo, "ci_high": hi, "cohorts": cohorts})
    event_study = pl.DataFrame(
        rows,
        schema={
            "event_time": pl.Int64,
            "estimate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "cohorts": pl.Int64,
        },
    ).sort("event_time")
    event_study = event_study.with_columns(pl.col("estimate", "ci_low", "ci_high").fill_nan(None))
    return DidResult(
        estimate=_nan_to_none(estimate),
        ci_low=_nan_to_none(low),
        ci_high=_nan_to_none(high),
        se=_nan_to_none(se),
        baseline=_nan_to_none(baseline),
        pretrend=_nan_to_none(pre_est),
        pretrend_low=_nan_to_none(pre_low),
        pretrend_high=_nan_to_none(pre_high),
        n_adopters=adopters,
        n_comparison=comparison,
        event_study=event_study,
    )


def panel_matrix(
    panel: pl.DataFrame, adoption: pl.DataFrame, *, unit: str = "province_code", period: str = "period"
) -> tuple[np.ndarray, np.ndarray, list[str], list]:
    """A long panel (unit, period, value) and adoptions (unit, adopted_period) as the matrix and cohort
    vector `staggered_did` takes. Periods are sorted; an adoption between periods counts from the next one;
    units without an adoption row (or adopting after the last period) are never treated."""
    periods = sorted(panel[period].unique().to_list())
    units = sorted(panel[unit].unique().to_list())
    wide = (
        panel.select(unit, period, "value")
        .pivot(on=period, index=unit, values="value", aggregate_function="mean")
        .join(pl.DataFrame({unit: units}), on=unit, how="right")
        .sort(unit)
    )
    columns = [str(p) for p in periods]
    y = np.full((len(units), len(periods)), np.nan)
    for j, name in enumerate(columns):
        if name in wide.columns:
            y[:, j] = wide[name].cast(pl.Float64).fill_null(np.nan).to_numpy()
    first = dict(adoption.select(unit, "adopted_period").iter_rows())
    cohort = np.full(len(units), NEVER, dtype=np.int64)
    for i, code in enumerate(units):
        when = first.get(code)
        if when is not None:
            cohort[i] = int(np.searchsorted(np.array(periods, dtype=object), when, side="left"))
            if cohort[i] >= len(periods):
                cohort[i] = NEVER
    return y, cohort, units, periods


def nearest_peers(features: pl.DataFrame, focal: str, *, k: int = 5, unit: str = "province_code") -> pl.DataFrame:
    """The `k` units most similar to `focal`: Euclidean distance on standardised numeric features (every
    column but `unit` and `region`), plus 1 when the region differs. Columns: unit, distance (ascending)."""
    numeric = [c for c in features.columns if c not in (unit, "region")]
    frame = features.with_columns(
        ((pl.col(c) - pl.col(c).mean()) / pl.when(pl.col(c).std() > 0).then(pl.col(c).std()).otherwise(1.0)).fill_null(
            0.0
        )
        for c in numeric
    )
    target = frame.filter(pl.col(unit) == focal)
    if target.is_empty():
        return pl.DataFrame(schema={unit: pl.String, "distance": pl.Float64})
    squared = pl.sum_horizontal([(pl.col(c) - target[c][0]) ** 2 for c in numeric]) if numeric else pl.lit(0.0)
    if "region" in frame.columns:
        squared = squared + (pl.col("region") != target["region"][0]).cast(pl.Float64).fill_null(1.0)
    return (
        frame.filter(pl.col(unit) != focal)
        .select(unit, squared.sqrt().alias("distance"))
        .sort("distance", unit)
        .head(k)
    )


def twfe_estimate(y: np.ndarray, cohort: np.ndarray) -> float:
    """The plain two-way fixed-effects coefficient on a post-adoption dummy (balanced panel): kept only to
    show, in tests, why it is not the headline estimate."""
    n_periods = y.shape[1]
    post = (np.arange(n_periods)[None, :] >= cohort[:, None]).astype(float)

    def demean(m: np.ndarray) -> np.ndarray:
        return m - m.mean(axis=1, keepdims=True) - m.mean(axis=0, keepdims=True) + m.mean()

    d, v = demean(post), demean(y)
    return float((d * v).sum() / (d * d).sum())
