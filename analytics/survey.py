"""Survey statistics as pure functions: raking to population margins and design-based (Taylor linearised)
means with their standard errors, per domain.

Variance: with-replacement approximation at the first stage (no finite-population correction), strata and
primary sampling units (PSUs) as given; without PSUs each respondent is its own PSU, without strata the
domain is one stratum. A stratum with a single PSU cannot estimate its own variance: its PSU total is centred
at zero (conservative). Weights are treated as fixed (raked weights included), as most survey software does by
default. Confidence intervals use Student's t with (PSUs − strata) degrees of freedom in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

AGE_GROUPS = ((18, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 200, "60+"))


def age_group(age: pl.Expr) -> pl.Expr:
    """Age in years -> the margins' age group ('18-29', '30-44', '45-59', '60+'); under 18 or unknown -> null."""
    expr = pl.lit(None, dtype=pl.String)
    for low, high, label in reversed(AGE_GROUPS):
        expr = pl.when(age.is_between(low, high)).then(pl.lit(label)).otherwise(expr)
    return expr


def urban_category(urban: pl.Expr) -> pl.Expr:
    """The survey's boolean `urban` -> the margins' category ('urban' / 'rural'); unknown -> null."""
    return pl.when(urban).then(pl.lit("urban")).when(~urban).then(pl.lit("rural")).otherwise(None)


@dataclass(frozen=True)
class RakeResult:
    weights: np.ndarray
    iterations: int
    converged: bool
    max_error: float  # largest |achieved − target| / target over all margins, at the end
    empty_categories: tuple[str, ...]  # "dimension=category" with population but no respondent


def rake(
    categories: dict[str, np.ndarray],
    targets: dict[str, dict[str, float]],
    base_weights: np.ndarray | None = None,
    *,
    max_iter: int = 200,
    tol: float = 1e-9,
) -> RakeResult:
    """Iterative proportional fitting of weights to marginal population totals.

    `categories[dim]` holds each respondent's category (None = unknown); `targets[dim][category]` the
    population. A respondent with an unknown category is left unadjusted on that dimension. A category with
    population but no respondent cannot be matched: its population is spread over the other categories of
    that dimension (reported in `empty_categories`), so the weights still sum to the population.
    """
    n = next(iter(categories.values())).shape[0] if categories else 0
    w = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    plan = []
    empty: list[str] = []
    for dim, cats in categories.items():
        cats = np.asarray(cats, dtype=object)
        wanted = targets.get(dim, {})
        present = [c for c in wanted if np.any(cats == c)]
        empty += [f"{dim}={c}" for c in wanted if c not in present and wanted[c] > 0]
        if not present:
            continue
        scale = sum(wanted.values()) / sum(wanted[c] for c in present)
        codes = np.full(n, -1)
        for j, c in enumerate(present):
            codes[cats == c] = j
        plan.append((codes, np.array([wanted[c] * scale for c in present], dtype=float)))
    iterations, error = 0, 0.0
    while iterations < max_iter:
        iterations += 1
        for codes, target in plan:
            known = codes >= 0
            totals = np.bincount(codes[known], weights=w[known], minlength=target.size)
            factor = np.divide(target, totals, out=np.ones_like(target), where=totals > 0)
            w[known] *= factor[codes[known]]
        error = max(
            (
                float(np.max(np.abs(np.bincount(c[c >= 0], weights=w[c >= 0], minlength=t.size) - t) / t))
                for c, t in plan
            ),
            default=0.0,
        )
        if error < tol:
            break
    return RakeResult(w, iterations, error < tol, error, tuple(empty))


@dataclass(frozen=True)
class DomainEstimates:
    """Per domain (rows) and variable (columns): estimate, standard error, respondents with an answer;
    per domain: degrees of freedom. `scores` are the linearised values (n × k) for linear combinations."""

    estimate: np.ndarray  # D × k
    se: np.ndarray  # D × k
    n: np.ndarray  # D × k (respondents with a non-missing value)
    df: np.ndarray  # D
    scores: np.ndarray  # n × k
    design: _Design


@dataclass(frozen=True)
class _Design:
    domain: np.ndarray
    n_domains: int
    stratum: np.ndarray
    psu: np.ndarray


def _codes(values: np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    return np.unique(np.asarray(values).astype(str), return_inverse=True)[1].astype(np.int64)


def design_variance(scores: np.ndarray, design: _Design) -> np.ndarray:
    """Variance (D × k) of domain totals of the linearised `scores` under the stratified PSU design."""
    scores = scores.reshape(scores.shape[0], -1)
    k = scores.shape[1]
    n_psu = design.psu.max() + 1 if design.psu.size else 0
    stratum_of_psu = np.zeros(n_psu, dtype=np.int64)
    stratum_of_psu[design.psu] = design.stratum
    psus_per_stratum = np.bincount(stratum_of_psu, minlength=design.stratum.max() + 1 if design.stratum.size else 0)
    keys = design.domain * n_psu + design.psu
    uniq, inv = np.unique(keys, return_inverse=True)
    totals = np.zeros((uniq.size, k))
    np.add.at(totals, inv, scores)
    dom, psu = uniq // n_psu, uniq % n_psu
    strat = stratum_of_psu[psu]
    n_strata = psus_per_stratum.size
    cell = dom * n_strata + strat
    cuniq, cinv = np.unique(cell, return_inverse=True)
    s1 = np.zeros((cuniq.size, k))
    s2 = np.zeros((cuniq.size, k))
    np.add.at(s1, cinv, totals)
    np.add.at(s2, cinv, totals**2)
    nh = psus_per_stratum[cuniq % n_strata].astype(float)[:, None]
    contribution = np.where(nh > 1, nh / np.maximum(nh - 1, 1) * (s2 - s1**2 / nh), s2)
    var = np.zeros((design.n_domains, k))
    np.add.at(var, cuniq // n_strata, contribution)
    return np.maximum(var, 0.0)


def domain_means(
    values: np.ndarray,
    weights: np.ndarray,
    domain: np.ndarray,
    n_domains: int,
    stratum: np.ndarray | None = None,
    psu: np.ndarray | None = None,
) -> DomainEstimates:
    """Weighted (ratio) means of each column of `values` (n × k, NaN = missing) per domain, with
    Taylor-linearised standard errors under the design (strata and PSUs optional, see the module docstring).

    Each respondent's linearised score for domain d is w·(y − ȳ_d)/Σw over respondents of d with an answer;
    zero outside the domain or when the answer is missing (domain estimation keeps the full design).
    """
    y = np.asarray(values, dtype=float)
    y = y.reshape(y.shape[0], -1)
    n = y.shape[0]
    w = np.asarray(weights, dtype=float)
    domain = np.asarray(domain, dtype=np.int64)
    strata = _codes(stratum, n)
    if psu is None:
        psus = np.arange(n, dtype=np.int64)
    else:  # PSU labels are only unique within their stratum
        psus = _codes(np.array([f"{h}|{p}" for h, p in zip(strata, np.asarray(psu), strict=True)]), n)
    observed = ~np.isnan(y)
    wy = np.where(observed, y, 0.0) * w[:, None]
    wo = observed * w[:, None]
    k = y.shape[1]
    sum_w = np.zeros((n_domains, k))
    sum_wy = np.zeros((n_domains, k))
    count = np.zeros((n_domains, k))
    np.add.at(sum_w, domain, wo)
    np.add.at(sum_wy, domain, wy)
    np.add.at(count, domain, observed.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sum_w > 0, sum_wy / sum_w, np.nan)
        scores = np.where(observed, w[:, None] * (y - mean[domain]) / sum_w[domain], 0.0)
    scores = np.nan_to_num(scores)
    design = _Design(domain, n_domains, strata, psus)
    se = np.sqrt(design_variance(scores, design))
    se = np.where(sum_w > 0, se, np.nan)
    df = _domain_df(design)
    return DomainEstimates(mean, se, count.astype(np.int64), df, scores, design)


def _domain_df(design: _Design) -> np.ndarray:
    """Degrees of freedom per domain: PSUs with a respondent in it minus strata with one (at least 1)."""
    psus = np.unique(np.stack([design.domain, design.psu]), axis=1)
    strata = np.unique(np.stack([design.domain, design.stratum]), axis=1)
    n_psu = np.bincount(psus[0], minlength=design.n_domains)
    n_str = np.bincount(strata[0], minlength=design.n_domains)
    return np.maximum(n_psu - n_str, 1)


def combination_se(estimates: DomainEstimates, coefficients: np.ndarray) -> np.ndarray:
    """Standard error per domain of Σ_k c_k·mean_k (the linearised scores combine linearly)."""
    combined = estimates.scores @ np.asarray(coefficients, dtype=float)
    return np.sqrt(design_variance(combined[:, None], estimates.design)[:, 0])


def t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Student-t confidence interval."""
    q = stats.t.ppf(0.5 + level / 2, np.asarray(df, dtype=float))
    return estimate - q * se, estimate + q * se
