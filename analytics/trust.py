"""Provincial trust index: item catalogue -> respondent dimension scores (0–100) -> weights (design or raked)
-> design-based province and national estimates with 95% CIs -> marginal and joint rank intervals, quartile groups,
sensitivity to weighting and aggregation, wave-over-wave change with breaks. Method: docs/trust-index.md.

SQL lives in the `_read_*` functions (scoped); everything after is pure functions of frames.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope, scope_predicate
from analytics.survey import (
    RakeResult,
    age_group,
    combination_se,
    domain_means,
    rake,
    t_interval,
    urban_category,
)
from etl.items import Break, Catalogue, catalogue

MERGER_DATE = date(2025, 7, 1)  # 34 provinces from 1 July 2025
RANK_DRAWS = 4000  # simulated max-t statistics per wave for the rank intervals' critical values
RANK_SEED = 20250701
RANK_LEVEL = 0.90  # of both rank intervals (marginal and simultaneous); the page prints it
RANK_COLUMNS = (
    "rank",
    "rank_low",
    "rank_high",
    "rank_low_joint",
    "rank_high_joint",
    "quartile",
    "quartile_low_joint",
    "quartile_high_joint",
)
SCHEMES = ("equal", "expert", "pca")
AGGREGATIONS = ("arithmetic", "geometric")
MAIN = ("equal", "arithmetic")
RAKE_DIMENSIONS = ("sex", "age_group", "urban")


@dataclass(frozen=True)
class SurveyData:
    """What the warehouse holds for the index, in the viewer's scope."""

    responses: (
        pl.DataFrame
    )  # wave, response_id, province_code, interviewed_at, mode, sex, age, urban, weight, stratum, psu,
    # stratum_population
    answers: pl.DataFrame  # wave, response_id, item, value (catalogue items only)
    margins: pl.DataFrame  # province_code, dimension, category, population
    provinces: pl.DataFrame  # province_code, name_vi, name_short, region
    unknown_items: list[str]


@dataclass(frozen=True)
class TrustResult:
    """Everything the page and the command show (see `compute`)."""

    catalogue: Catalogue
    index: pl.DataFrame  # province × wave: n, index, se, ci_low, ci_high, df, RANK_COLUMNS, <dims>
    dimensions: pl.DataFrame  # long: level, province_code, wave, dimension, n, estimate, se, ci_low, ci_high
    national: pl.DataFrame  # wave: n, index, se, ci_low, ci_high, <dims>
    changes: pl.DataFrame  # level, province_code, wave, previous_wave, change, ci_low, ci_high, significant, break
    breaks: pl.DataFrame  # wave, kind, note_vi, note_en
    waves: pl.DataFrame  # wave, first_day, last_day, respondents, modes, weighting
    sensitivity: pl.DataFrame  # province_code, wave, scheme, aggregation, index, rank
    scheme_weights: pl.DataFrame  # scheme, dimension, weight
    provinces: pl.DataFrame = field(default_factory=pl.DataFrame)  # province_code, name_vi, name_short, region
    unknown_items: list[str] = field(default_factory=list)

    def latest_wave(self) -> str | None:
        return self.waves["wave"].max() if self.waves.height else None  # type: ignore[return-value]

    def peers(self, province_code: str) -> list[str]:
        """Peer provinces: the other provinces of the same region (DESIGN regions, as PAPI compares them)."""
        own = self.provinces.filter(pl.col("province_code") == province_code)
        if own.height == 0:
            return []
        region = own["region"][0]
        same = self.provinces.filter((pl.col("region") == region) & (pl.col("province_code") != province_code))
        return same["province_code"].to_list()


# ---------------------------------------------------------------------------------------------------------
# SQL


def read_survey(con: duckdb.DuckDBPyConnection, scope: Scope, items: Catalogue | None = None) -> SurveyData:
    """Responses, catalogue answers, margins and province names in `scope`; unknown `q_` items listed."""
    cat = items or catalogue()
    where, params = scope_predicate(scope, "r")
    # A warehouse from before 2026-12 has no stratum population until its next load upgrades it.
    has_population = query(
        con,
        """SELECT count(*) AS n FROM duckdb_columns()
           WHERE table_name = 'survey_response' AND column_name = 'stratum_population'""",
    )["n"][0]
    population = "r.stratum_population" if has_population else "NULL::DOUBLE AS stratum_population"
    responses = query(
        con,
        f"""
        SELECT r.wave, r.response_id, r.province_code, r.interviewed_at, r.mode, r.sex, r.age, r.urban,
               r.weight, r.stratum, r.psu, {population}
        FROM survey_response r
        WHERE {where}
        ORDER BY r.wave, r.response_id
        """,
        params,
    )
    answers = query(
        con,
        f"""
        SELECT a.wave, a.response_id, a.item, a.value
        FROM survey_answer a
        JOIN survey_response r ON r.wave = a.wave AND r.response_id = a.response_id
        WHERE {where} AND a.item IN (SELECT unnest($items::VARCHAR[]))
        """,
        {**params, "items": cat.item_codes},
    )
    unknown = query(
        con,
        f"""
        SELECT DISTINCT a.item
        FROM survey_answer a
        JOIN survey_response r ON r.wave = a.wave AND r.response_id = a.response_id
        WHERE {where} AND a.item NOT IN (SELECT unnest($items::VARCHAR[]))
        ORDER BY a.item
        """,
        {**params, "items": cat.item_codes},
    )["item"].to_list()
    m_where, m_params = scope_predicate(scope, "m", commune_column=None)
    margins = query(
        con,
        f"SELECT m.province_code, m.dimension, m.category, m.population::DOUBLE AS population FROM margins m WHERE {m_where}",
        m_params,
    )
    p_where, p_params = scope_predicate(scope, "p", commune_column=None)
    provinces = query(
        con,
        f"SELECT p.province_code, p.name_vi, p.name_short, p.region FROM dim_province p WHERE {p_where} ORDER BY 1",
        p_params,
    )
    return SurveyData(responses, answers, margins, provinces, unknown)


# ---------------------------------------------------------------------------------------------------------
# Scores and weights


def respondent_scores(answers: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """Per respondent (wave, response_id) one column per dimension on 0–100: the mean of its answered items,
    each rescaled (value − min)/(max − min)·100 and reversed when the item is reverse-coded. Items not in the
    catalogue are ignored; answers outside an item's scale are missing; a dimension without any answered item
    is missing (null), never zero."""
    spec = pl.DataFrame(
        {
            "item": [i.code for i in cat.items],
            "dimension": [i.dimension for i in cat.items],
            "low": [i.low for i in cat.items],
            "high": [i.high for i in cat.items],
            "direction": [i.direction for i in cat.items],
        }
    )
    scored = (
        answers.join(spec, on="item", how="inner")
        .filter(pl.col("value").is_between(pl.col("low"), pl.col("high")))
        .with_columns(((pl.col("value") - pl.col("low")) / (pl.col("high") - pl.col("low")) * 100).alias("s"))
        .with_columns(pl.when(pl.col("direction") < 0).then(100 - pl.col("s")).otherwise(pl.col("s")).alias("s"))
        .group_by("wave", "response_id", "dimension")
        .agg(pl.col("s").mean())
    )
    wide = scored.pivot(on="dimension", index=["wave", "response_id"], values="s")
    for dim in cat.dimension_codes:
        if dim not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(dim))
    return wide.select("wave", "response_id", *cat.dimension_codes)


def survey_weights(responses: pl.DataFrame, margins: pl.DataFrame) -> pl.DataFrame:
    """Final weight per respondent, with `weight_source` per (wave, province):

    - `design`: every respondent carries a positive design weight;
    - `raked`: otherwise, raked (sex × age group × urban/rural margins) to the province's adult population;
    - `unweighted`: no margins for the province (each respondent counts once).
    Weights are then scaled to sum to the province's adult population (its margins total) so that provinces
    combine into national figures by population. Design keys: `stratum_key` (province + stratum) and `psu_key`
    (the PSU, or the respondent itself); `stratum_population` kept only where it is one number per stratum
    and at least its sampled PSUs (else no finite-population correction there). What raking did, for the
    standard errors (`rake_calibration`): `base_weight` (the weight raking started from) and `rake_<dimension>`
    (the raked category's number in the province's `rake` result; null: not adjusted on that margin)."""
    frame = responses.with_columns(
        age_group(pl.col("age")).alias("age_group"),
        urban_category(pl.col("urban")).alias("urban_cat"),
    )
    if "stratum_population" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("stratum_population"))
    totals = margins.filter(pl.col("dimension") == "sex").group_by("province_code").agg(pl.col("population").sum())
    cell_columns = [f"rake_{d}" for d in RAKE_DIMENSIONS]
    parts = []
    for (_wave, province), group in frame.group_by("wave", "province_code", maintain_order=True):
        design = group["weight"].is_not_null().all() and bool((group["weight"] > 0).all())
        own = margins.filter(pl.col("province_code") == province)
        cells = {c: pl.lit(None, dtype=pl.Int64).alias(c) for c in cell_columns}
        if design:
            w, source = group["weight"].to_numpy().astype(float), "design"
        elif own.height:
            targets: dict[str, dict[str, float]] = {}
            for dim, cat_, pop in own.select("dimension", "category", "population").iter_rows():
                targets.setdefault(dim, {})[cat_] = float(pop)
            cats = {
                "sex": group["sex"].to_numpy(),
                "age_group": group["age_group"].to_numpy(),
                "urban": group["urban_cat"].to_numpy(),
            }
            dims = [d for d in RAKE_DIMENSIONS if d in targets]
            raked = rake({d: cats[d] for d in dims}, targets)
            w, source = raked.weights, "raked"
            for j, d in enumerate(dims):
                codes = raked.cells[:, j]  # one column per dimension raked on
                own_cells = pl.Series(f"rake_{d}", codes, dtype=pl.Int64)
                cells[f"rake_{d}"] = own_cells.scatter(np.flatnonzero(codes < 0), None)
        else:
            w, source = np.ones(group.height), "unweighted"
        base = np.ones(group.height) if source == "raked" else w
        parts.append(
            group.with_columns(
                pl.Series("final_weight", w),
                pl.lit(source).alias("weight_source"),
                pl.Series("base_weight", base),
                *cells.values(),
            )
        )
    if not parts:
        return frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("final_weight"),
            pl.lit(None, dtype=pl.String).alias("weight_source"),
            pl.lit(None, dtype=pl.Float64).alias("base_weight"),
            *(pl.lit(None, dtype=pl.Int64).alias(c) for c in cell_columns),
            pl.lit(None, dtype=pl.String).alias("stratum_key"),
            pl.lit(None, dtype=pl.String).alias("psu_key"),
        )
    out = pl.concat(parts).join(totals.rename({"population": "adults"}), on="province_code", how="left")
    out = out.with_columns(
        pl.when(pl.col("adults").is_not_null())
        .then(pl.col("final_weight") / pl.col("final_weight").sum().over("wave", "province_code") * pl.col("adults"))
        .otherwise(pl.col("final_weight"))
        .alias("final_weight"),
        pl.concat_str(pl.col("province_code"), pl.col("stratum").fill_null(""), separator="|").alias("stratum_key"),
        pl.coalesce(pl.col("psu"), pl.col("response_id")).alias("psu_key"),
    ).drop("adults")
    stratum = ["wave", "stratum_key"]
    population = pl.col("stratum_population")
    usable = (
        population.is_not_null().all().over(stratum)
        & (population.n_unique().over(stratum) == 1)
        & (population >= pl.col("psu_key").n_unique().over(stratum))
    )
    return out.with_columns(pl.when(usable).then(population).otherwise(None).alias("stratum_population"))


def rake_calibration(frame: pl.DataFrame) -> RakeResult | None:
    """The raking of `survey_weights` for these rows (each province raked to its own margins) as one
    calibration for `domain_means`; None when no row was raked."""
    raked = frame["weight_source"] == "raked"
    if not raked.any():
        return None
    keys = frame.select(
        pl.when(raked & pl.col(f"rake_{d}").is_not_null())
        .then(pl.concat_str("wave", "province_code", pl.lit(d), pl.col(f"rake_{d}").cast(pl.String), separator="|"))
        .alias(d)
        for d in RAKE_DIMENSIONS
    )
    known = pl.concat([keys[d] for d in RAKE_DIMENSIONS]).drop_nulls().unique().sort()
    numbers = pl.Series(np.arange(known.len()), dtype=pl.Int64)
    cells = np.column_stack(
        [keys[d].replace_strict(known, numbers, default=None).fill_null(-1).to_numpy() for d in RAKE_DIMENSIONS]
    )
    weights = frame["final_weight"].to_numpy().astype(float)
    base = frame["base_weight"].to_numpy().astype(float)
    return RakeResult(weights, 0, True, 0.0, (), base, cells.astype(np.int64))


# ---------------------------------------------------------------------------------------------------------
# Estimation


def scheme_weights(dimension_means: pl.DataFrame, cat: Catalogue) -> dict[str, dict[str, float]]:
    """Dimension weights of each scheme: equal; expert (the catalogue); PCA (squared loadings of the first
    principal component of the standardised province × dimension scores, scaled to sum 1; OECD/JRC Handbook)."""
    dims = cat.dimension_codes
    out = {"equal": {d: 1 / len(dims) for d in dims}, "expert": cat.expert_weights()}
    matrix = dimension_means.select(dims).drop_nulls().to_numpy()
    if matrix.shape[0] > len(dims):
        std = matrix.std(axis=0)
        z = (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1)
        _, vectors = np.linalg.eigh(np.cov(z, rowvar=False))
        loadings = vectors[:, -1] ** 2
        out["pca"] = {d: float(v) for d, v in zip(dims, loadings / loadings.sum(), strict=True)}
    else:
        out["pca"] = dict(out["equal"])
    return out


def aggregate(dimension_scores: np.ndarray, weights: np.ndarray, aggregation: str) -> np.ndarray:
    """Composite of dimension scores (rows × dims, 0–100): weighted arithmetic or geometric mean (a score
    below 1 counts as 1 in the geometric mean, so one zero does not wipe out a province)."""
    if aggregation == "arithmetic":
        return dimension_scores @ weights
    if aggregation == "geometric":
        return np.exp(np.log(np.maximum(dimension_scores, 1.0)) @ weights)
    raise ValueError(f"unknown aggregation {aggregation!r}")


def _estimate_wave(
    frame: pl.DataFrame, dims: list[str], index_weights: np.ndarray, level: str, min_n: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Province (or national) estimates of one wave: the wide index row and the long dimension rows."""
    codes = frame["province_code"].to_numpy() if level == "province" else np.array(["00"] * frame.height)
    domains, domain = np.unique(codes, return_inverse=True)
    values = frame.select(dims).to_numpy().astype(float)
    population = frame["stratum_population"].to_numpy().astype(float)  # null -> NaN: no correction
    est = domain_means(
        values,
        frame["final_weight"].to_numpy(),
        domain,
        domains.size,
        frame["stratum_key"].to_numpy(),
        frame["psu_key"].to_numpy(),
        calibration=rake_calibration(frame),
        fpc=population if np.isfinite(population).any() else None,
    )
    index = est.estimate @ index_weights
    se = combination_se(est, index_weights)
    low, high = t_interval(index, se, est.df)
    n = np.bincount(domain, minlength=domains.size)
    scored = n >= min_n
    wave = frame["wave"][0]
    wide = pl.DataFrame(
        {
            "province_code": domains if level == "province" else [None] * domains.size,
            "wave": [wave] * domains.size,
            "n": n,
            "index": np.where(scored, index, np.nan),
            "se": np.where(scored, se, np.nan),
            "ci_low": np.where(scored, low, np.nan),
            "ci_high": np.where(scored, high, np.nan),
            "df": est.df,
            **{d: np.where(scored, est.estimate[:, j], np.nan) for j, d in enumerate(dims)},
        },
        schema_overrides={"province_code": pl.String},
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    dlow, dhigh = t_interval(est.estimate, est.se, est.df[:, None])
    long = pl.DataFrame(
        {
            "level": level,
            "province_code": np.repeat(domains, len(dims))
            if level == "province"
            else [None] * (domains.size * len(dims)),
            "wave": wave,
            "dimension": dims * domains.size,
            "n": est.n.ravel(),
            "estimate": np.where(np.repeat(scored, len(dims)), est.estimate.ravel(), np.nan),
            "se": est.se.ravel(),
            "ci_low": dlow.ravel(),
            "ci_high": dhigh.ravel(),
        },
        schema_overrides={"province_code": pl.String},
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    return wide, long


def rank_intervals(
    index: pl.DataFrame,
    draws: int = RANK_DRAWS,
    seed: int = RANK_SEED,
    *,
    level: float = RANK_LEVEL,
    stepdown: bool = True,
) -> pl.DataFrame:
    """Per wave, the rank of every scored province (1 = highest index) and two rank intervals at `level`
    (docs/trust-index.md §6; Mogstad, Romano, Shaikh & Wilhelm 2024, as their R package csranks computes them):

    - `rank_low`–`rank_high` (marginal): covers the province's true rank with probability ≥ `level`, for
      that province seen alone;
    - `rank_low_joint`–`rank_high_joint` (simultaneous): cover the true ranks of all the wave's provinces at
      once with probability ≥ `level` — the one to use for a group ("the bottom five", a quartile group).

    Both come from confidence intervals for the pairwise differences of independent estimates (se √(se_j² +
    se_k²)) with a max-t critical value simulated from Student's t with each province's `df` (normal when the
    column is absent or null), refined step-down as Romano & Wolf (2005) unless `stepdown=False`: province k is
    surely above j when the interval of θ_k − θ_j lies above 0. A province without a usable standard error
    (null, NaN, negative, or df ≤ 0) is ranked on its point estimate but could be anywhere: its intervals span
    every position, and it is never surely above or below another province. `quartile` is the PAPI group of the
    point rank (1 = the highest quarter); `quartile_low_joint`–`quartile_high_joint` the groups the simultaneous
    interval allows."""
    if not 0 < level < 1:
        raise ValueError(f"rank interval level must be between 0 and 1 (e.g. 0.90), not {level!r}")
    if draws < 1:
        raise ValueError(f"rank intervals need at least one simulation draw, not {draws!r}")
    missing = {"province_code", "wave", "index", "se"} - set(index.columns)
    if missing:
        raise ValueError(f"rank_intervals needs the columns {', '.join(sorted(missing))} in the index frame")
    rng = np.random.default_rng(seed)
    parts = []
    scored = index.filter(pl.col("index").fill_nan(None).is_not_null())
    for (wave,), group in scored.group_by("wave", maintain_order=True):
        group = group.sort("province_code")
        est = group["index"].to_numpy().astype(float)
        se = group["se"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        df = (
            group["df"].cast(pl.Float64).fill_null(np.inf).fill_nan(np.inf).to_numpy()
            if "df" in group.columns
            else np.full(est.size, np.inf)
        )
        known = np.isfinite(se) & (se >= 0) & (df > 0)
        errors = _simulated_errors(se[known], df[known], draws, rng)
        above, below, joint = _sure_orderings(est[known], se[known], errors, level, stepdown)
        m = est.size
        rank = stats.rankdata(-est, method="min").astype(int)
        low, high = np.ones(m, dtype=int), np.full(m, m)  # a province without a standard error: anywhere
        low_joint, high_joint = low.copy(), high.copy()
        low[known], high[known] = 1 + above.sum(axis=1), m - below.sum(axis=1)
        low_joint[known], high_joint[known] = 1 + joint.sum(axis=0), m - joint.sum(axis=1)
        parts.append(
            pl.DataFrame(
                {
                    "province_code": group["province_code"],
                    "wave": wave,
                    "rank": rank,
                    "rank_low": low,
                    "rank_high": high,
                    "rank_low_joint": low_joint,
                    "rank_high_joint": high_joint,
                    "quartile": _quartile(rank, m),
                    "quartile_low_joint": _quartile(low_joint, m),
                    "quartile_high_joint": _quartile(high_joint, m),
                }
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={"province_code": pl.String, "wave": pl.String} | dict.fromkeys(RANK_COLUMNS, pl.Int64)
        )
    return pl.concat(parts)


def _quartile(rank: np.ndarray, m: int) -> np.ndarray:
    """PAPI's quartile group of a rank among m provinces: 1 = the highest quarter."""
    return 1 + (4 * (rank - 1)) // m


def _simulated_errors(se: np.ndarray, df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """draws × provinces estimation errors se·t(df) (normal where df is infinite), as the CIs assume them."""
    errors = rng.standard_normal((draws, se.size))
    t_df = np.isfinite(df)
    if t_df.any():
        errors[:, t_df] = rng.standard_t(df[t_df], size=(draws, int(t_df.sum())))
    return errors * se


def _sure_orderings(
    est: np.ndarray, se: np.ndarray, errors: np.ndarray, level: float, stepdown: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which province is surely above which, from one-sided tests of every ordered pair (j, k) of "θ_j ≤ θ_k"
    with t_jk = (θ̂_j − θ̂_k) / √(se_j² + se_k²), rejected above a max-t critical value: `above[j, k]` (k surely
    above j) and `below[j, k]` (k surely below j) in j's own family of pairs (marginal); `joint[j, k]` (j surely
    above k) in the family of all pairs (simultaneous). The critical value of a family is the
    ⌈level·(draws + 1)⌉-th smallest of its simulated max t, so that the family's true hypotheses are all kept
    with probability ≥ level whatever the number of draws. Step-down (Romano & Wolf 2005), rejected pairs leave
    their family and its critical value is recomputed on the same draws until nothing more is rejected."""
    n, draws = se.size, errors.shape[0]
    above, below, joint = np.zeros((n, n), bool), np.zeros((n, n), bool), np.zeros((n, n), bool)
    order = int(np.ceil(level * (draws + 1)))
    if n < 2 or order > draws:  # nothing to compare, or too few draws for the level: nothing is sure
        return above, below, joint
    sigma = np.sqrt(se[:, None] ** 2 + se[None, :] ** 2)
    inverse = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=sigma > 0)
    diff = est[:, None] - est[None, :]
    with np.errstate(invalid="ignore"):  # two exact estimates: the difference alone decides (0 × inf: a tie)
        t_hat = np.where(sigma > 0, diff * inverse, np.sign(diff) * np.inf)
    e = np.ascontiguousarray(errors.T, dtype=np.float32)  # [province, draw]; single precision is enough
    t = e[:, None, :] - e[None, :, :]  # [j, k, draw]
    t *= inverse.astype(np.float32)[:, :, None]
    marginal_max = np.maximum(t.max(axis=1), -t.min(axis=1))  # [j, draw]: every pair in every family at first
    joint_max = marginal_max.max(axis=0)
    own, against, family = (~np.eye(n, dtype=bool) for _ in range(3))  # j's θ_j ≤ θ_k, j's θ_k ≤ θ_j, all pairs
    while True:
        c_marginal = np.partition(marginal_max, order - 1, axis=1)[:, order - 1 : order]
        c_joint = np.partition(joint_max, order - 1)[order - 1]
        new_below, new_above = own & (t_hat > c_marginal), against & (-t_hat > c_marginal)
        new_joint = family & (t_hat > c_joint)
        below |= new_below
        above |= new_above
        joint |= new_joint
        changed = np.flatnonzero((new_below | new_above).any(axis=1))
        if not stepdown or not (changed.size or new_joint.any()):
            return above, below, joint
        own &= ~new_below
        against &= ~new_above
        family &= ~new_joint
        if changed.size:
            rows = t[changed]
            highest = rows.max(axis=1, where=own[changed][:, :, None], initial=-np.inf)
            lowest = rows.min(axis=1, where=against[changed][:, :, None], initial=np.inf)
            marginal_max[changed] = np.maximum(highest, -lowest)
        if new_joint.any():
            joint_max = t.max(axis=(0, 1), where=family[:, :, None], initial=-np.inf)


def sensitivity(index: pl.DataFrame, cat: Catalogue) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Index and rank of every scored province under each weighting scheme × aggregation, per wave, and the
    weights of each scheme (PCA weights from the latest wave)."""
    dims = cat.dimension_codes
    scored = index.filter(pl.col("index").is_not_null()).drop_nulls(dims)
    latest = scored.filter(pl.col("wave") == scored["wave"].max()) if scored.height else scored
    weights = scheme_weights(latest, cat)
    rows = []
    for (wave,), group in scored.group_by("wave", maintain_order=True):
        matrix = group.select(dims).to_numpy()
        for scheme in SCHEMES:
            w = np.array([weights[scheme][d] for d in dims])
            for aggregation in AGGREGATIONS:
                value = aggregate(matrix, w, aggregation)
                rows.append(
                    pl.DataFrame(
                        {
                            "province_code": group["province_code"],
                            "wave": wave,
                            "scheme": scheme,
                            "aggregation": aggregation,
                            "index": value,
                            "rank": stats.rankdata(-value, method="min").astype(int),
                        }
                    )
                )
    table = pl.DataFrame(
        [(s, d, weights[s][d]) for s in SCHEMES for d in dims], schema=["scheme", "dimension", "weight"], orient="row"
    )
    if not rows:
        return pl.DataFrame(
            schema={
                "province_code": pl.String,
                "wave": pl.String,
                "scheme": pl.String,
                "aggregation": pl.String,
                "index": pl.Float64,
                "rank": pl.Int64,
            }  # fmt: skip
        ), table
    return pl.concat(rows), table


def wave_breaks(waves: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """Breaks on every trend: the catalogue's method changes and the 2025 merger (the first wave whose
    fieldwork began on or after 1 July 2025, when earlier waves exist)."""
    breaks = list(cat.breaks)
    ordered = waves.sort("wave")
    before = ordered.filter(pl.col("first_day") < MERGER_DATE)
    after = ordered.filter(pl.col("first_day") >= MERGER_DATE)
    if before.height and after.height:
        breaks.append(
            Break(
                after["wave"][0],
                "merger",
                "Sáp nhập tỉnh 1/7/2025: các đợt trước gộp từ tỉnh cũ theo trọng số dân số",
                "Province merger of 1 July 2025: earlier waves combine the old provinces by population",
            )
        )
    present = set(waves["wave"].to_list())
    return pl.DataFrame(
        [(b.wave, b.kind, b.note_vi, b.note_en) for b in breaks if b.wave in present],
        schema={"wave": pl.String, "kind": pl.String, "note_vi": pl.String, "note_en": pl.String},
        orient="row",
    ).sort("wave")


def wave_changes(estimates: pl.DataFrame, breaks: pl.DataFrame, level: str) -> pl.DataFrame:
    """Wave-over-wave change of the index per province (or nationally) between consecutive scored waves, with
    a 95% CI (independent samples: se = √(se₁² + se₂²), t with the smaller df) and `significant` when the CI
    excludes 0. `break` marks a method change or the merger between the two waves: the change is then
    not like-for-like."""
    key = "province_code"
    frame = estimates.filter(pl.col("index").is_not_null()).sort(key, "wave")
    frame = frame.with_columns(
        pl.col("wave").shift(1).over(key).alias("previous_wave"),
        (pl.col("index") - pl.col("index").shift(1).over(key)).alias("change"),
        (pl.col("se") ** 2 + pl.col("se").shift(1).over(key) ** 2).sqrt().alias("change_se"),
        pl.min_horizontal(pl.col("df"), pl.col("df").shift(1).over(key)).alias("change_df"),
    ).filter(pl.col("change").is_not_null())
    if frame.height == 0:
        return pl.DataFrame(
            schema={
                "level": pl.String,
                key: pl.String,
                "wave": pl.String,
                "previous_wave": pl.String,
                "change": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
                "significant": pl.Boolean,
                "break": pl.Boolean,
            }  # fmt: skip
        )
    q = stats.t.ppf(0.975, frame["change_df"].to_numpy().astype(float))
    break_waves = breaks["wave"].to_list()
    return frame.with_columns(
        pl.lit(level).alias("level"),
        (pl.col("change") - pl.Series(q) * pl.col("change_se")).alias("ci_low"),
        (pl.col("change") + pl.Series(q) * pl.col("change_se")).alias("ci_high"),
    ).select(
        "level",
        key,
        "wave",
        "previous_wave",
        "change",
        "ci_low",
        "ci_high",
        ((pl.col("ci_low") > 0) | (pl.col("ci_high") < 0)).alias("significant"),
        pl.struct("previous_wave", "wave")
        .map_elements(lambda r: any(r["previous_wave"] < b <= r["wave"] for b in break_waves), return_dtype=pl.Boolean)
        .alias("break"),
    )


def wave_summary(weighted: pl.DataFrame) -> pl.DataFrame:
    """Per wave: fieldwork dates (or the wave label's quarter when dates are missing), respondents, modes and
    how it was weighted."""
    if weighted.height == 0:
        return pl.DataFrame(
            schema={
                "wave": pl.String,
                "first_day": pl.Date,
                "last_day": pl.Date,
                "respondents": pl.Int64,
                "modes": pl.String,
                "weighting": pl.String,
            }  # fmt: skip
        )
    quarter = pl.col("wave").str.extract(r"^(\d{4})Q([1-4])$", 1).cast(pl.Int32, strict=False)
    q_num = pl.col("wave").str.extract(r"^(\d{4})Q([1-4])$", 2).cast(pl.Int32, strict=False)
    return (
        weighted.group_by("wave")
        .agg(
            pl.col("interviewed_at").min().alias("first_day"),
            pl.col("interviewed_at").max().alias("last_day"),
            pl.len().alias("respondents"),
            pl.col("mode").drop_nulls().unique().sort().str.join(", ").alias("modes"),
            pl.col("weight_source").unique().sort().str.join(", ").alias("weighting"),
        )
        .with_columns(
            pl.coalesce("first_day", pl.date(quarter, (q_num - 1) * 3 + 1, 1)).alias("first_day"),
        )
        .sort("wave")
    )


def _empty_estimates(dims: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    wide = {"province_code": pl.String, "wave": pl.String, "n": pl.Int64}
    wide |= {c: pl.Float64 for c in ("index", "se", "ci_low", "ci_high")} | {"df": pl.Int64}
    wide |= {d: pl.Float64 for d in dims}
    long = {"level": pl.String, "province_code": pl.String, "wave": pl.String, "dimension": pl.String, "n": pl.Int64}
    long |= {c: pl.Float64 for c in ("estimate", "se", "ci_low", "ci_high")}
    return pl.DataFrame(schema=wide), pl.DataFrame(schema=long)


def compute(
    data: SurveyData, cat: Catalogue | None = None, *, draws: int = RANK_DRAWS, seed: int = RANK_SEED
) -> TrustResult:
    """The whole index from the survey data (pure)."""
    cat = cat or catalogue()
    dims = cat.dimension_codes
    equal = np.full(len(dims), 1 / len(dims))
    weighted = survey_weights(data.responses, data.margins)
    scores = respondent_scores(data.answers, cat)
    frame = weighted.join(scores, on=["wave", "response_id"], how="left")
    wides, longs, nats, nat_longs = [], [], [], []
    for (_wave,), group in frame.group_by("wave", maintain_order=True):
        wide, long = _estimate_wave(group, dims, equal, "province", cat.min_respondents)
        nat, nat_long = _estimate_wave(group, dims, equal, "national", cat.min_respondents)
        wides.append(wide)
        longs.append(long)
        nats.append(nat)
        nat_longs.append(nat_long)
    if not wides:
        index, dimensions = _empty_estimates(dims)
        national = index.drop("province_code")
    else:
        index, dimensions = pl.concat(wides), pl.concat(longs + nat_longs)
        national = pl.concat(nats).drop("province_code").sort("wave")
    ranks = rank_intervals(index, draws, seed)
    index = index.join(ranks, on=["province_code", "wave"], how="left").sort("wave", "province_code")
    waves = wave_summary(weighted)
    breaks = wave_breaks(waves, cat)
    changes = pl.concat(
        [
            wave_changes(index, breaks, "province"),
            wave_changes(
                national.with_columns(pl.lit(None, dtype=pl.String).alias("province_code")), breaks, "national"
            ),
        ]
    )
    sens, table = sensitivity(index, cat)
    return TrustResult(
        cat, index, dimensions, national, changes, breaks, waves, sens, table, data.provinces, data.unknown_items
    )


def trust_index(con: duckdb.DuckDBPyConnection, scope: Scope, *, draws: int = RANK_DRAWS) -> TrustResult:
    """The trust index for the viewer's scope (reads the warehouse, then `compute`)."""
    cat = catalogue()
    return compute(read_survey(con, scope, cat), cat, draws=draws)


REPORT_COLUMNS = [
    "province_code",
    "wave",
    "n",
    "index",
    "ci_low",
    "ci_high",
    "rank",
    "rank_low",
    "rank_high",
    "quartile",
    "rank_low_joint",
    "rank_high_joint",
    "quartile_low_joint",
    "quartile_high_joint",
]


def report_frame(result: TrustResult, wave: str | None = None) -> pl.DataFrame:
    """The command's table: contract columns plus one column per dimension, for one wave (default: all)."""
    frame = result.index if wave is None else result.index.filter(pl.col("wave") == wave)
    return frame.select(*REPORT_COLUMNS, *result.catalogue.dimension_codes).sort("wave", "province_code")


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics trust [--wave W]`: index per province and wave (the latest wave by default;
    `--wave all` for every wave); the province filter narrows the rows, not the ranking. Under the role's
    export rule: a row with fewer respondents than the threshold has no n, index, CI or rank (`suppressed`)."""
    from analytics import protected  # (protected builds on this module)

    parser = argparse.ArgumentParser(prog="python -m analytics trust")
    parser.add_argument(
        "--wave", default=None, help="đợt khảo sát, ví dụ 2026Q3 (mặc định: đợt mới nhất; all: mọi đợt)"
    )
    args = parser.parse_args(extra)
    result = protected.trust_result(trust_index(con, scope), role, "export")
    waves = result.waves["wave"].to_list()
    if args.wave is not None and args.wave != "all" and args.wave not in waves:
        raise ValueError(f"không có đợt khảo sát {args.wave!r}; có: {', '.join(waves) or '—'}")
    wave = None if args.wave == "all" else (args.wave or (waves[-1] if waves else None))
    frame = report_frame(result, wave).with_columns(pl.col("n").is_null().alias("suppressed"))
    if filters.province_code is not None:
        frame = frame.filter(pl.col("province_code") == filters.province_code)
    return frame


# ---------------------------------------------------------------------------------------------------------
# Views for the page (pure selections of a TrustResult)


def province_trend(result: TrustResult, province_code: str) -> pl.DataFrame:
    """One province's scored waves: wave, n, index, ci_low, ci_high, rank, rank_low, rank_high, quartile."""
    return (
        result.index.filter((pl.col("province_code") == province_code) & pl.col("index").is_not_null())
        .select("wave", "n", "index", "ci_low", "ci_high", "rank", "rank_low", "rank_high", "quartile")
        .sort("wave")
    )


def quartile_groups(result: TrustResult, wave: str) -> pl.DataFrame:
    """Per quartile group of `wave` (1 = the highest quarter): `provinces` in it on the point estimate (by
    rank), `sure` those whose simultaneous rank interval lies wholly inside it, `possible` how many could be in
    it. Every "surely in the group" of the wave holds at once with probability ≥ RANK_LEVEL."""
    ranked = result.index.filter((pl.col("wave") == wave) & pl.col("rank").is_not_null()).sort("rank")
    rows = []
    for quartile in (1, 2, 3, 4):
        inside = ranked.filter(pl.col("quartile") == quartile)["province_code"].to_list()
        low, high = pl.col("quartile_low_joint"), pl.col("quartile_high_joint")
        sure = ranked.filter((low == quartile) & (high == quartile))["province_code"].to_list()
        possible = ranked.filter((low <= quartile) & (quartile <= high)).height
        rows.append((quartile, inside, sure, possible))
    schema = {"quartile": pl.Int64, "provinces": pl.List(pl.String), "sure": pl.List(pl.String), "possible": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def peer_trends(result: TrustResult, province_code: str) -> pl.DataFrame:
    """The scored waves of the province's peers (same region)."""
    return result.index.filter(
        pl.col("province_code").is_in(result.peers(province_code)) & pl.col("index").is_not_null()
    ).select("province_code", "wave", "index")


def dimension_profile(result: TrustResult, wave: str, province_code: str | None) -> pl.DataFrame:
    """Dimension scores with CIs of the country (and the province, when scored) in `wave`, in catalogue order."""
    order = {d: i for i, d in enumerate(result.catalogue.dimension_codes)}
    rows = result.dimensions.filter(
        (pl.col("wave") == wave)
        & ((pl.col("level") == "national") | (pl.col("province_code") == (province_code or "")))
        & pl.col("estimate").is_not_null()  # a province not scored in the wave has no profile
    )
    return rows.with_columns(pl.col("dimension").replace_strict(order).alias("order")).sort("level", "order")


def sensitivity_summary(result: TrustResult, wave: str) -> pl.DataFrame:
    """Per scored province of `wave`: its rank under the main method and the best/worst rank over every
    weighting × aggregation scheme, and how far it moves (`shift` = worst − best)."""
    sens = result.sensitivity.filter(pl.col("wave") == wave)
    main = sens.filter((pl.col("scheme") == MAIN[0]) & (pl.col("aggregation") == MAIN[1])).select(
        "province_code", pl.col("rank").alias("rank_main")
    )
    spread = sens.group_by("province_code").agg(
        pl.col("rank").min().alias("rank_best"), pl.col("rank").max().alias("rank_worst")
    )
    return (
        main.join(spread, on="province_code")
        .with_columns((pl.col("rank_worst") - pl.col("rank_best")).alias("shift"))
        .sort("rank_main")
    )


def wave_change(result: TrustResult, wave: str) -> pl.DataFrame:
    """Changes into `wave` from the previous scored wave (national first, then provinces)."""
    return result.changes.filter(pl.col("wave") == wave).sort("level", "province_code", nulls_last=False)
