"""Survey statistics as pure functions: raking to population margins and design-based (Taylor linearised)
means with their standard errors, per domain, computed as R's `survey` package computes them (svydesign +
svymean/svyby; `rake`; `fpc`; `options(survey.lonely.psu)`).

Variance: first-stage ("ultimate cluster") variance between primary sampling units (PSUs) within strata, with
replacement unless a finite-population correction is given (`fpc`: the population size of each row's
first-stage stratum, in PSUs; then each stratum's term is scaled by 1 − n_h/N_h). Without PSUs each respondent
is its own PSU, without strata the sample is one stratum. Domain estimation keeps the full design (zeros
outside the domain). After raking (`calibration=`) each respondent's linearised value is its calibration
residual wᵢ(zᵢ − xᵢ′B̂), B̂ from the base-weighted least-squares fit of zᵢ on the margin indicators xᵢ
(Deville & Särndal 1992; R's `calibrate(..., calfun="raking")`), so the margins the weights were raked to
carry no sampling error. R's `rake()` agrees when the base weights are equal within the margins (the `api`
example) and differs by about 0.1% otherwise (it projects without the base weights). A stratum with a single PSU is handled as
`lonely_psu` says (R's option names; default "adjust": centred at the mean of all PSU totals, conservative).
Confidence intervals use Student's t with (PSUs − strata) degrees of freedom in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components

LONELY_PSU = ("adjust", "average", "certainty", "remove", "fail")  # R's options(survey.lonely.psu=...)
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
    base_weights: np.ndarray | None = None  # the weights raking started from
    cells: np.ndarray | None = None  # n × dimensions: each row's raked category, numbered across them (−1: none)


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
    n = len(next(iter(categories.values()))) if categories else 0
    w = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    plan = []
    empty: list[str] = []
    cells = np.full((n, len(categories)), -1, dtype=np.int64)  # one column per dimension given
    first = 0
    for column, (dim, cats) in enumerate(categories.items()):
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
        cells[:, column] = np.where(codes >= 0, codes + first, -1)
        first += len(present)
    base = w.copy()
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
    return RakeResult(w, iterations, error < tol, error, tuple(empty), base, cells)


def stack_rakes(parts: list[RakeResult | np.ndarray]) -> RakeResult:
    """Several groups of rows, each raked to its own margins (e.g. each province), as one calibration of all
    rows in the order given; a plain weight array stands for rows that were not raked. For `domain_means`."""
    weights, bases, cells, offset = [], [], [], 0
    width = max((p.cells.shape[1] for p in parts if isinstance(p, RakeResult) and p.cells is not None), default=0)
    for part in parts:
        if isinstance(part, RakeResult):
            w = part.weights
            base = part.weights if part.base_weights is None else part.base_weights
            own = np.full((w.size, width), -1, dtype=np.int64)
            if part.cells is not None and part.cells.size:
                own[:, : part.cells.shape[1]] = np.where(part.cells >= 0, part.cells + offset, -1)
                offset += int(part.cells.max()) + 1
        else:
            w = base = np.asarray(part, dtype=float)
            own = np.full((w.size, width), -1, dtype=np.int64)
        weights.append(w)
        bases.append(base)
        cells.append(own)
    done = [p for p in parts if isinstance(p, RakeResult)]
    return RakeResult(
        np.concatenate(weights) if weights else np.zeros(0),
        max((p.iterations for p in done), default=0),
        all(p.converged for p in done),
        max((p.max_error for p in done), default=0.0),
        tuple(e for p in done for e in p.empty_categories),
        np.concatenate(bases) if bases else np.zeros(0),
        np.concatenate(cells) if cells else np.zeros((0, width), dtype=np.int64),
    )


@dataclass(frozen=True)
class DomainEstimates:
    """Per domain (rows) and variable (columns): estimate, standard error, respondents with an answer;
    per domain: degrees of freedom. `scores` are the linearised values (sparse n × domains·k; column d·k + j
    is variable j in domain d), for linear combinations."""

    estimate: np.ndarray  # D × k
    se: np.ndarray  # D × k
    n: np.ndarray  # D × k (respondents with a non-missing value)
    df: np.ndarray  # D
    scores: sparse.csc_array  # n × (D·k)
    design: _Design


@dataclass(frozen=True)
class _Design:
    domain: np.ndarray  # row -> domain
    n_domains: int
    stratum: np.ndarray  # row -> stratum number
    psu: np.ndarray  # row -> PSU number (PSUs numbered across strata)
    finite: np.ndarray  # per stratum: 1 − n_h/N_h (1 without a population size)
    labels: np.ndarray  # per stratum: its label, for messages
    lonely_psu: str
    calibrated: bool


def _codes(values: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and each row's number among them (one label "" without values)."""
    if values is None:
        return np.array([""]), np.zeros(n, dtype=np.int64)
    labels, codes = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return labels, codes.astype(np.int64)


def _design(
    n: int,
    domain: np.ndarray,
    n_domains: int,
    stratum: np.ndarray | None,
    psu: np.ndarray | None,
    fpc: np.ndarray | None,
    lonely_psu: str,
    calibrated: bool,
) -> _Design:
    if lonely_psu not in LONELY_PSU:
        raise ValueError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {lonely_psu!r}")
    labels, strata = _codes(stratum, n)
    if psu is None:
        psus = np.arange(n, dtype=np.int64)
    else:  # PSU labels are only unique within their stratum
        _, own = _codes(psu, n)
        psus = np.unique(strata * (own.max() + 1 if n else 1) + own, return_inverse=True)[1].astype(np.int64)
    finite = _finite_correction(fpc, strata, psus, labels)
    return _Design(domain, n_domains, strata, psus, finite, labels, lonely_psu, calibrated)


def _finite_correction(fpc: np.ndarray | None, strata: np.ndarray, psus: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per stratum 1 − n_h/N_h from each row's stratum population N_h (in PSUs; NaN or inf: unknown, no
    correction). As in R, values that are all ≤ 1 are sampling fractions n_h/N_h instead."""
    h = labels.size
    if fpc is None:
        return np.ones(h)
    population = np.asarray(fpc, dtype=float).reshape(-1)
    if population.size != strata.size:
        raise ValueError(f"fpc has {population.size} values for {strata.size} rows")
    stratum_of_psu = np.zeros(psus.max() + 1 if psus.size else 0, dtype=np.int64)
    stratum_of_psu[psus] = strata
    sampled = np.bincount(stratum_of_psu, minlength=h).astype(float)
    known = np.isfinite(population)
    if np.any(population[known] <= 0):
        raise ValueError("fpc must be positive: the population size of each row's stratum")
    if known.any() and np.all(population[known] <= 1):
        population = np.where(known, sampled[strata] / np.where(known, population, 1.0), population)
    low = np.full(h, np.inf)
    high = np.full(h, -np.inf)
    np.minimum.at(low, strata, np.where(known, population, np.inf))
    np.maximum.at(high, strata, np.where(known, population, -np.inf))
    unknown = np.bincount(strata, weights=~known, minlength=h) > 0
    varies = (unknown & np.isfinite(low)) | (np.isfinite(low) & (low != high))
    if varies.any():
        raise ValueError(
            f"fpc varies within stratum {str(labels[np.argmax(varies)])!r}: give one population per stratum"
        )
    with np.errstate(invalid="ignore"):
        over = np.isfinite(low) & (low < sampled - 1e-9)
    if over.any():
        j = int(np.argmax(over))
        raise ValueError(
            f"fpc of stratum {str(labels[j])!r} is {low[j]:g} but {int(sampled[j])} PSUs were sampled in it (over 100%)"
        )
    return np.where(np.isfinite(low), (low - sampled) / np.where(np.isfinite(low), low, 1.0), 1.0)


def design_variance(scores: np.ndarray | sparse.sparray, design: _Design) -> np.ndarray:
    """Variance of each column total of the linearised `scores` (n × c; columns grouped by domain, c/D per
    domain) under the design: Σ_h (1 − f_h)·n_h/(n_h − 1)·Σ_i (t_hi − t̄_h)² over PSU totals t_hi, as R's
    `svyrecvar` does at the first stage; single-PSU strata as `design.lonely_psu` says."""
    n = design.psu.size
    scores = sparse.csc_array(scores.reshape(n, -1) if isinstance(scores, np.ndarray) else scores)
    c = scores.shape[1]
    n_psu = int(design.psu.max()) + 1 if n else 0
    h = design.finite.size
    stratum_of_psu = np.zeros(n_psu, dtype=np.int64)
    stratum_of_psu[design.psu] = design.stratum
    to_psu = sparse.csr_array((np.ones(n), (design.psu, np.arange(n))), shape=(n_psu, n))
    totals = (to_psu @ scores).tocsc()  # PSU × c
    to_stratum = sparse.csr_array((np.ones(n_psu), (stratum_of_psu, np.arange(n_psu))), shape=(h, n_psu))
    s1 = np.asarray((to_stratum @ totals).todense())
    s2 = np.asarray((to_stratum @ totals.multiply(totals)).todense())
    nh = np.bincount(stratum_of_psu, minlength=h).astype(float)[:, None]
    f = design.finite[:, None]
    terms = np.where(nh > 1, f * nh / np.maximum(nh - 1, 1) * (s2 - s1**2 / nh), 0.0)
    lonely = (nh[:, 0] == 1) & (design.finite > 1e-7)  # one PSU and not a certainty (self-representing) one
    scale = np.ones(c)
    if lonely.any():
        if design.lonely_psu == "fail":
            raise ValueError(
                f"stratum {str(design.labels[np.argmax(lonely)])!r} has only one PSU: its variance cannot be estimated "
                "(choose lonely_psu='adjust', 'average', 'certainty' or 'remove')"
            )
        # Strata each column's domain reaches (R drops the other rows; a calibrated design keeps them all).
        per_domain = max(c // max(design.n_domains, 1), 1)
        reach = np.zeros((h, design.n_domains), dtype=bool)
        reach[design.stratum, design.domain] = True
        if design.calibrated:
            reach[:] = True
        present = reach[:, np.arange(c) // per_domain]
        if design.lonely_psu == "adjust":  # centred at the mean of all PSU totals (R's survey ≥ 4.1)
            centre = np.asarray(totals.sum(axis=0)).ravel() / max(n_psu, 1)
            adjusted = f * (s2 - 2 * centre * s1 + centre**2)
            terms = np.where(lonely[:, None] & present, adjusted, terms)
        elif design.lonely_psu == "average":  # the other strata's average stands in for the lonely ones
            used = present.sum(axis=0)
            ok = (present & ~lonely[:, None]).sum(axis=0)
            scale = np.divide(used, ok, out=np.ones(c), where=ok > 0)
    return np.maximum(terms.sum(axis=0) * scale, 0.0)


def domain_means(
    values: np.ndarray,
    weights: np.ndarray,
    domain: np.ndarray,
    n_domains: int,
    stratum: np.ndarray | None = None,
    psu: np.ndarray | None = None,
    *,
    calibration: RakeResult | None = None,
    fpc: np.ndarray | None = None,
    lonely_psu: str = "adjust",
) -> DomainEstimates:
    """Weighted (ratio) means of each column of `values` (n × k, NaN = missing) per domain, with
    Taylor-linearised standard errors under the design (see the module docstring).

    Each respondent's linearised score for domain d is w·(y − ȳ_d)/Σw over respondents of d with an answer;
    zero outside the domain or when the answer is missing (domain estimation keeps the full design).
    `calibration`: the `rake(...)` result the weights come from (its margins and base weights; see
    `stack_rakes` for groups raked separately): scores become calibration residuals. `fpc`: each row's
    first-stage stratum population size in PSUs (R's `fpc=~fpc`). `lonely_psu`: R's survey.lonely.psu
    ("adjust" default; "average", "certainty", "remove", or "fail" to raise as R does by default).
    """
    y = np.asarray(values, dtype=float)
    y = y.reshape(y.shape[0], -1)
    n, k = y.shape
    w = np.asarray(weights, dtype=float).reshape(-1)
    domain = np.asarray(domain, dtype=np.int64).reshape(-1)
    if w.size != n or domain.size != n:
        raise ValueError(f"values has {n} rows but weights {w.size} and domain {domain.size}")
    design = _design(n, domain, n_domains, stratum, psu, fpc, lonely_psu, calibration is not None)
    observed = ~np.isnan(y)
    sum_w = np.column_stack([np.bincount(domain, weights=w * observed[:, j], minlength=n_domains) for j in range(k)])
    sum_wy = np.column_stack(
        [np.bincount(domain, weights=w * np.where(observed[:, j], y[:, j], 0.0), minlength=n_domains) for j in range(k)]
    )
    count = np.column_stack([np.bincount(domain, weights=observed[:, j], minlength=n_domains) for j in range(k)])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sum_w > 0, sum_wy / sum_w, np.nan)
    rows, cols = np.nonzero(observed)
    with np.errstate(invalid="ignore", divide="ignore"):
        vals = w[rows] * (y[rows, cols] - mean[domain[rows], cols]) / sum_w[domain[rows], cols]
    scores = sparse.csc_array((np.nan_to_num(vals), (rows, domain[rows] * k + cols)), shape=(n, max(n_domains, 0) * k))
    if calibration is not None:
        scores = _calibration_residuals(scores, w, calibration)
    se = np.sqrt(design_variance(scores, design)).reshape(n_domains, k)
    se = np.where(sum_w > 0, se, np.nan)
    return DomainEstimates(mean, se, count.astype(np.int64), _domain_df(design), scores, design)


def _calibration_residuals(scores: sparse.csc_array, weights: np.ndarray, calibration: RakeResult) -> sparse.csc_array:
    """wᵢ(zᵢ − xᵢ′B̂) for scores wᵢzᵢ: B̂ regresses z on the margin indicators x with the base weights.
    Margins that never share a respondent (other provinces) are solved apart, so residuals stay sparse."""
    cells, base = calibration.cells, calibration.base_weights
    n = scores.shape[0]
    if cells is None or base is None:
        raise ValueError("calibration must be the result of rake(...)")
    if cells.shape[0] != n or base.size != n:
        raise ValueError(f"calibration covers {cells.shape[0]} rows but there are {n}")
    rows, dims = np.nonzero(cells >= 0)
    m = int(cells.max()) + 1 if cells.size else 0
    if m == 0:
        return scores
    x = sparse.csr_array((np.ones(rows.size), (rows, cells[rows, dims])), shape=(n, m))
    gram = (x.T @ (x * base[:, None])).tocsr()  # X′DX
    ratio = np.divide(base, weights, out=np.zeros(n), where=weights > 0)
    cross = (x.T @ (scores * ratio[:, None])).tocsr()  # X′Dz
    n_parts, part = connected_components(gram, directed=False)
    blocks_r, blocks_c, blocks_v = [], [], []
    for p in range(n_parts):
        idx = np.flatnonzero(part == p)
        rhs = cross[idx].toarray()
        used = np.flatnonzero(np.abs(rhs).sum(axis=0) > 0)
        if used.size == 0:
            continue
        values, vectors = np.linalg.eigh(gram[idx][:, idx].toarray())
        keep = values > values.max() * 1e-10  # the margins are collinear (each sums to the total): pseudo-inverse
        v = vectors[:, keep]
        coef = v @ ((v.T @ rhs[:, used]) / values[keep][:, None])
        r, c = np.meshgrid(idx, used, indexing="ij")
        blocks_r.append(r.ravel())
        blocks_c.append(c.ravel())
        blocks_v.append(coef.ravel())
    if not blocks_r:
        return scores
    b = sparse.csr_array(
        (np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))), shape=(m, scores.shape[1])
    )
    fitted = (x @ b) * weights[:, None]
    return sparse.csc_array(scores - fitted)


def _domain_df(design: _Design) -> np.ndarray:
    """Degrees of freedom per domain: PSUs with a respondent in it minus strata with one (at least 1)."""
    n_psu, n_strata = int(design.psu.max(initial=-1)) + 1, design.finite.size
    psus = np.unique(design.domain * n_psu + design.psu) // max(n_psu, 1)  # (domain, PSU) pairs, by domain
    strata = np.unique(design.domain * n_strata + design.stratum) // n_strata
    counts = np.bincount(psus, minlength=design.n_domains) - np.bincount(strata, minlength=design.n_domains)
    return np.maximum(counts, 1)


def combination_se(estimates: DomainEstimates, coefficients: np.ndarray) -> np.ndarray:
    """Standard error per domain of Σ_k c_k·mean_k (the linearised scores combine linearly)."""
    d, k = estimates.estimate.shape
    weights = sparse.kron(sparse.eye_array(d), np.asarray(coefficients, dtype=float).reshape(k, 1)).tocsc()
    return np.sqrt(design_variance(estimates.scores @ weights, estimates.design))


def t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Student-t confidence interval."""
    q = stats.t.ppf(0.5 + level / 2, np.asarray(df, dtype=float))
    return estimate - q * se, estimate + q * se
