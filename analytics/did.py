"""Staggered-adoption difference-in-differences (Callaway & Sant'Anna 2021) and nearest peers: pure functions.

Why not a two-way fixed-effects regression: with adoption at different times and effects that change with
time since adoption, TWFE compares late adopters with early adopters that are already treated and can even
flip the sign. Here every comparison is clean, as in R `did` 2.5.1 `att_gt` with its defaults and no
covariates (`control_group = "nevertreated"`, `base_period = "varying"`, `anticipation = 0`):

- ATT(g, t), the effect in period t on the provinces that adopted in period g ("cohort" g), is the change of
  the cohort's mean minus the same change among the comparison provinces — those that *never* adopted in the
  panel (`control="notyet"` adds the not-yet-adopted ones). The change runs from the last period before
  adoption (g − 1) to t for t ≥ g; before adoption (placebo cells) it is the one-period change t − 1 → t
  ("varying" base), so each placebo cell tests parallel trends in one step;
- aggregations (R `aggte`), each a weighted mean of cells with cohort-size weights:
  *group* (the headline, `aggte`'s default): θ(g) = mean of ATT(g, t) over t ≥ g, then the cohort-size-weighted
  mean of θ(g) — every cohort counts by its size, whatever how long it has been treated;
  *simple*: the cohort-size-weighted mean of every post-adoption cell — early adopters have more cells and
  weigh more, so it is shown beside the headline, not as it;
  *dynamic*: the event study θ(e), the cohort-size-weighted mean of ATT(g, g + e), and its overall mean over
  e ≥ 0.

Uncertainty: a cluster bootstrap stratified by adoption cohort. Provinces are drawn with replacement *within*
their cohort (the never-adopters are one more stratum), so every draw keeps every cohort's size and serial
correlation within a province is kept. Each stratum of m provinces draws m − 1 of them with weight
m / (m − 1) (the McCarthy–Snowden bootstrap: its variance of a mean is the unbiased s² / m, no n / (n − 1)
factor needed). A cohort of one province cannot be resampled: its own noise is then borrowed from the
never-adopters (Conley & Taber 2011) — each draw adds to its change a random never-adopter's deviation from
the never-adopters' mean, the same donor for all its periods. Intervals are estimate ± t(G − 1) × bootstrap
SE with G the number of adopting provinces: the precision of a DiD is bounded by how many units changed, not
by how many exist, so with a handful of adopters the t quantile widens honestly (below `FEW_ADOPTERS` the
result is flagged `few_adopters`; with one adopter there is no interval). The event study also gets a
simultaneous (sup-t) band, as `did`'s `cband`: the bootstrap's 95% quantile of the largest studentised
deviation over event times (never below the pointwise quantile).
The pre-trend test is joint over every placebo cell ATT(g, t < g), so opposite pre-trends of two cohorts or
two periods cannot cancel: the statistic is the largest |estimate / SE| and its p-value Šidák's bound
1 − Π (1 − P(|t_c| ≥ max)), each cell's t with (its adopters − 1) degrees of freedom (a lone adopter: the
never-adopters − 1). Šidák's inequality makes it valid whatever the correlation of the cells, and it needs
no covariance matrix (a Wald test's bootstrap covariance of dozens of monthly cells from 34 provinces is
singular); with cells of one or two provinces it is conservative.
Missing cells (NaN) are skipped cell by cell. Provinces already treated in the first period (no pre-period)
cannot be used and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

BOOTSTRAP = 299
LEVEL = 0.95
FEW_ADOPTERS = 10  # below this many adopting provinces the result is flagged "few adopters"
NEVER = np.iinfo(np.int64).max // 4  # cohort of provinces that never adopted
CONTROLS = ("never", "notyet")
_MIN_STRATUM = 2
_MIN_DRAWS = 10

CELL_SCHEMA = {
    "cohort": pl.Int64,
    "period": pl.Int64,
    "event_time": pl.Int64,
    "estimate": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "n_treated": pl.Int64,
    "n_comparison": pl.Int64,
}
EVENT_SCHEMA = {
    "event_time": pl.Int64,
    "estimate": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "band_low": pl.Float64,
    "band_high": pl.Float64,
    "cohorts": pl.Int64,
}
GROUP_SCHEMA = {
    "cohort": pl.Int64,
    "estimate": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "n_treated": pl.Int64,
}


@dataclass(frozen=True)
class Aggregate:
    """One aggregated effect: estimate, bootstrap SE and the t(G − 1) interval (None when not estimable)."""

    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class DidResult:
    """The headline (group aggregation) with its interval, the simple and dynamic aggregations beside it, the
    joint pre-trend test, the cells, cohorts and event study (period *indexes*: see `panel_matrix`)."""

    estimate: float | None  # group aggregation: the headline
    ci_low: float | None
    ci_high: float | None
    se: float | None
    simple: Aggregate
    dynamic: Aggregate
    baseline: float | None  # adopters' counterfactual mean after adoption (denominator of the relative effect)
    pretrend_stat: float | None  # sup-t over the placebo cells
    pretrend_p: float | None  # its bootstrap p-value (None without placebo cells)
    pretrend_cells: int
    n_adopters: int
    n_comparison: int
    df: int | None  # degrees of freedom of the t quantile: adopting provinces − 1
    band_crit: float | None  # sup-t critical value of the event study's simultaneous band
    cells: pl.DataFrame  # CELL_SCHEMA: one row per ATT(g, t)
    groups: pl.DataFrame  # GROUP_SCHEMA: θ(g) per cohort
    event_study: pl.DataFrame  # EVENT_SCHEMA

    @property
    def relative_effect(self) -> float | None:
        if self.estimate is None or not self.baseline:
            return None
        return self.estimate / self.baseline

    @property
    def few_adopters(self) -> bool:
        """Some adopters, but fewer than FEW_ADOPTERS: the interval's t quantile has few degrees of freedom."""
        return 0 < self.n_adopters < FEW_ADOPTERS


def _none(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def cohort_strata(cohort: np.ndarray, n_periods: int) -> np.ndarray:
    """Bootstrap stratum per unit: 0 for the never-adopters, then one per adoption cohort in adoption order."""
    adopted = cohort < n_periods
    strata = np.zeros(len(cohort), dtype=np.int64)
    strata[adopted] = np.unique(cohort[adopted], return_inverse=True)[1] + 1
    return strata


def donor_draws(cohort: np.ndarray, n_periods: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Per draw and unit, the never-adopter whose deviations stand in for a lone adopter's own (−1: none;
    row 0, the point estimate, has none). See the module docstring."""
    donors = np.full((draws + 1, len(cohort)), -1, dtype=np.int64)
    never = np.flatnonzero(cohort >= n_periods)
    adopted = cohort[cohort < n_periods]
    values, counts = np.unique(adopted, return_counts=True)
    lone = np.flatnonzero(np.isin(cohort, values[counts == 1]))
    if never.size >= 2 and lone.size and draws:
        donors[1:, lone] = rng.choice(never, size=(draws, lone.size))
    return donors


def bootstrap_weights(strata: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Row 0: every unit once (the point estimate); rows 1..draws: each unit's weight in a draw that takes
    m − 1 units with replacement within each stratum of m, weighted m / (m − 1) (see the module docstring)."""
    weights = np.ones((draws + 1, len(strata)))
    for s in np.unique(strata):
        members = np.flatnonzero(strata == s)
        m = members.size
        if m >= _MIN_STRATUM and draws:
            counts = rng.multinomial(m - 1, np.full(m, 1 / m), size=draws)
            weights[1:, members] = counts * (m / (m - 1))
    return weights


@dataclass(frozen=True)
class _Cell:
    g: int
    t: int
    att: np.ndarray  # per draw
    level: np.ndarray  # treated mean at t, per draw (post cells: counterfactual = level − att)
    n_treated: int
    n_comparison: int


def group_time_cells(
    y: np.ndarray,
    cohort: np.ndarray,
    weights: np.ndarray,
    *,
    max_pre: int,
    control: str = "never",
    donors: np.ndarray | None = None,
) -> list[_Cell]:
    """ATT(g, t) for every cohort g and period t ≥ 1 with t − g ≥ −max_pre, under every row of `weights`.

    `y`: units × periods (NaN = missing); `cohort`: first treated period index per unit (≥ n_periods or
    NEVER = never in the panel). Post cells (t ≥ g) use base g − 1, placebo cells base t − 1. `donors`
    (of `donor_draws`) adds to a lone adopter's change, per draw, a never-adopter's deviation from their mean."""
    n_periods = y.shape[1]
    cells = []
    for g in np.unique(cohort[(cohort >= 1) & (cohort < n_periods)]):
        ts = np.array([t for t in range(1, n_periods) if t - g >= -max_pre])
        if ts.size == 0:
            continue
        bases = np.where(ts >= g, g - 1, ts - 1)
        diff = y[:, ts] - y[:, bases]
        valid = np.isfinite(diff)
        diff0 = np.where(valid, diff, 0.0)
        level0 = np.where(valid, y[:, ts], 0.0)
        treated = (cohort == g)[:, None] & valid
        if control == "never":
            comparison = (cohort >= n_periods)[:, None] & valid
        else:
            comparison = (cohort[:, None] > np.maximum(ts, bases)[None, :]) & (cohort != g)[:, None] & valid
        n_t, n_c = weights @ treated, weights @ comparison
        with np.errstate(invalid="ignore", divide="ignore"):
            att = (weights @ (treated * diff0)) / n_t - (weights @ (comparison * diff0)) / n_c
            level = (weights @ (treated * level0)) / n_t
        members = np.flatnonzero(cohort == g)
        if donors is not None and members.size == 1 and (donors[:, members[0]] >= 0).any():
            never = (cohort >= n_periods)[:, None] & valid
            with np.errstate(invalid="ignore", divide="ignore"):
                centre = (never * diff0).sum(axis=0) / never.sum(axis=0)
            pick = donors[:, members[0]]
            deviation = np.where(pick[:, None] >= 0, diff[np.maximum(pick, 0)] - centre[None, :], 0.0)
            att = att + deviation  # NaN where the donor has no data: that draw skips the cell
        ok = (n_t > 0) & (n_c > 0)
        att, level = np.where(ok, att, np.nan), np.where(ok, level, np.nan)
        for j, t in enumerate(ts):
            if ok[0, j]:
                cells.append(
                    _Cell(int(g), int(t), att[:, j], level[:, j], int(treated[:, j].sum()), int(comparison[:, j].sum()))
                )
    return cells


def _weighted(values: list[np.ndarray], sizes: list[np.ndarray]) -> np.ndarray:
    """Size-weighted mean across cells, per draw, skipping cells missing in a draw (NaN if none is left)."""
    v, w = np.stack(values), np.stack(sizes)
    w = np.where(np.isfinite(v), w, 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.where(w > 0, v * w, 0.0).sum(axis=0) / total, np.nan)


def _nanmean(values: list[np.ndarray]) -> np.ndarray:
    v = np.stack(values)
    finite = np.isfinite(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(finite.any(axis=0), np.where(finite, v, 0.0).sum(axis=0) / finite.sum(axis=0), np.nan)


def _se(series: np.ndarray) -> float:
    """Bootstrap SE of a statistic whose row 0 is the point estimate (NaN with too few usable draws)."""
    boot = series[1:][np.isfinite(series[1:])]
    if not np.isfinite(series[0]) or boot.size < _MIN_DRAWS:
        return np.nan
    return float(np.std(boot, ddof=1))


def _aggregate(series: np.ndarray, crit: float) -> Aggregate:
    point, se = series[0], _se(series)
    return Aggregate(_none(point), _none(se), _none(point - crit * se), _none(point + crit * se))


def _sup_t(points: np.ndarray, boot: np.ndarray, se: np.ndarray) -> np.ndarray:
    """Largest studentised bootstrap deviation per draw (cells × draws in, draws out; NaN cells skipped)."""
    dev = np.abs(boot - points[:, None]) / se[:, None]
    dev = np.where(np.isfinite(dev), dev, -np.inf)
    top = dev.max(axis=0)
    return top[np.isfinite(top)]


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        pl.col(c).fill_nan(None) for c, kind in schema.items() if kind == pl.Float64
    )


def staggered_did(
    y: np.ndarray,
    cohort: np.ndarray,
    *,
    max_pre: int = 6,
    max_post: int = 12,
    draws: int = BOOTSTRAP,
    seed: int = 0,
    control: str = "never",
) -> DidResult:
    """Callaway–Sant'Anna estimate on a units × periods matrix `y` with first-treated period index `cohort`
    (≥ n_periods or NEVER for never-treated). Placebo cells and the event study from e = −max_pre, the event
    study shown to e = max_post; every aggregation uses every post-adoption cell. See the module docstring."""
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, not {control!r}")
    y = np.asarray(y, dtype=float)
    cohort = np.asarray(cohort, dtype=np.int64)
    n_periods = y.shape[1]
    usable = cohort >= 1  # adopted in the first period or before: no pre-period
    y, cohort = y[usable], cohort[usable]
    adopters = int((cohort < n_periods).sum())
    comparison = int((cohort >= n_periods).sum())
    df = adopters - 1 if adopters >= 2 else None
    crit = float(stats.t.ppf(0.5 + LEVEL / 2, df)) if df else np.nan
    rng = np.random.default_rng(seed)
    weights = bootstrap_weights(cohort_strata(cohort, n_periods), draws, rng) if len(cohort) else np.ones((1, 0))
    donors = donor_draws(cohort, n_periods, weights.shape[0] - 1, rng)
    cells = group_time_cells(y, cohort, weights, max_pre=max_pre, control=control, donors=donors)
    size = {g: weights @ (cohort == g).astype(float) for g in {c.g for c in cells}}
    post = [c for c in cells if c.t >= c.g]
    nan = np.full(weights.shape[0], np.nan)

    theta = {g: _nanmean([c.att for c in post if c.g == g]) for g in sorted({c.g for c in post})}
    group = _weighted(list(theta.values()), [size[g] for g in theta]) if theta else nan
    simple = _weighted([c.att for c in post], [size[c.g] for c in post]) if post else nan
    counterfactual = {g: _nanmean([c.level - c.att for c in post if c.g == g]) for g in theta}
    baseline = _weighted(list(counterfactual.values()), [size[g] for g in theta])[0] if theta else np.nan

    by_event: dict[int, list[_Cell]] = {}
    for c in cells:
        by_event.setdefault(c.t - c.g, []).append(c)
    event = {e: _weighted([c.att for c in cs], [size[c.g] for c in cs]) for e, cs in sorted(by_event.items())}
    dynamic = _nanmean([v for e, v in event.items() if e >= 0]) if post else nan

    headline = _aggregate(group, crit)
    cell_se = np.array([_se(c.att) for c in cells])
    cell_rows = [
        {
            "cohort": c.g,
            "period": c.t,
            "event_time": c.t - c.g,
            "estimate": c.att[0],
            "se": s,
            "ci_low": c.att[0] - crit * s,
            "ci_high": c.att[0] + crit * s,
            "n_treated": c.n_treated,
            "n_comparison": c.n_comparison,
        }
        for c, s in zip(cells, cell_se, strict=True)
    ]
    group_rows = []
    for g, series in theta.items():
        a = _aggregate(series, crit)
        group_rows.append(
            {"cohort": g, "estimate": a.estimate, "se": a.se, "ci_low": a.ci_low, "ci_high": a.ci_high,
             "n_treated": int((cohort == g).sum())}
        )  # fmt: skip

    # Joint pre-trend test over the placebo cells: sup-t with Šidák's bound (see the module docstring).
    pre = [i for i, c in enumerate(cells) if c.t < c.g and np.isfinite(cell_se[i]) and cell_se[i] > 0]
    pre_stat = pre_p = np.nan
    if pre:
        z = np.abs(np.array([cells[i].att[0] for i in pre]) / cell_se[pre])
        lone_df = comparison - 1 if comparison >= 2 else 0
        cell_df = np.array([cells[i].n_treated - 1 if cells[i].n_treated >= 2 else lone_df for i in pre])
        usable_df = cell_df >= 1
        if usable_df.any():
            pre_stat = float(z[usable_df].max())
            exceed = 2 * stats.t.sf(pre_stat, cell_df[usable_df])  # P(|T_c| ≥ max) per cell
            pre_p = float(-np.expm1(np.log1p(-np.minimum(exceed, 1 - 1e-16)).sum()))
        pre = [i for i, ok in zip(pre, usable_df, strict=True) if ok]

    # Event study with pointwise t(G − 1) intervals and a simultaneous sup-t band.
    shown = {e: v for e, v in event.items() if -max_pre <= e <= max_post}
    event_se = {e: _se(v) for e, v in shown.items()}
    banded = [e for e in shown if np.isfinite(event_se[e]) and event_se[e] > 0]
    band_crit = np.nan
    if banded and np.isfinite(crit):
        sup = _sup_t(
            np.array([shown[e][0] for e in banded]),
            np.stack([shown[e][1:] for e in banded]),
            np.array([event_se[e] for e in banded]),
        )
        if sup.size >= _MIN_DRAWS:
            band_crit = max(float(np.quantile(sup, LEVEL)), crit)
    event_rows = [
        {
            "event_time": e,
            "estimate": v[0],
            "se": event_se[e],
            "ci_low": v[0] - crit * event_se[e],
            "ci_high": v[0] + crit * event_se[e],
            "band_low": v[0] - band_crit * event_se[e],
            "band_high": v[0] + band_crit * event_se[e],
            "cohorts": len(by_event[e]),
        }
        for e, v in shown.items()
    ]
    return DidResult(
        estimate=headline.estimate,
        ci_low=headline.ci_low,
        ci_high=headline.ci_high,
        se=headline.se,
        simple=_aggregate(simple, crit),
        dynamic=_aggregate(dynamic, crit),
        baseline=_none(baseline),
        pretrend_stat=_none(pre_stat),
        pretrend_p=_none(pre_p),
        pretrend_cells=len(pre),
        n_adopters=adopters,
        n_comparison=comparison,
        df=df,
        band_crit=_none(band_crit),
        cells=_frame(cell_rows, CELL_SCHEMA),
        groups=_frame(group_rows, GROUP_SCHEMA),
        event_study=_frame(event_rows, EVENT_SCHEMA).sort("event_time"),
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
