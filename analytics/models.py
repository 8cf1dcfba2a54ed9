"""Mô hình — which social dialogue / community security models work: adoption, a staggered DiD event study
per model kind × outcome (analytics.did), nearest peers of a province, and the replication table.

Treatment: a province counts as adopting a model kind from the month of its first adoption row of that kind
(a provincial pilot or the first commune; stopped models included — intent to treat). Panels are province ×
month (the trust score: province × survey wave), over the whole history in the viewer's scope: the DiD needs
the periods before adoption, so the page's date filter does not cut them. Outcomes:
- security_opinions_per_100k: opinions in field an_ninh per 100,000 people per month;
- on_time_share: share of due opinions answered within the on-time deadline (analytics.overview rule);
- trust_overall: survey mean of q_trust_overall (0–10, survey weights when present) per wave;
- security_incidents, mediation_success_rate: from the `outcome` table (its indicator names).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import polars as pl

from analytics import did, outcomes
from analytics.db import query
from analytics.filters import Filters
from analytics.overview import ON_TIME_DAYS, PER_PEOPLE, data_info
from analytics.scope import Scope, scope_predicate

MODEL_KINDS = ("social_dialogue", "community_security")
OUTCOMES = (
    "security_opinions_per_100k",
    "on_time_share",
    "trust_overall",
    "security_incidents",
    "mediation_success_rate",
)
HIGHER_IS_BETTER = {
    "security_opinions_per_100k": False,
    "on_time_share": True,
    "trust_overall": True,
    "security_incidents": False,
    "mediation_success_rate": True,
}
MIN_ADOPTERS = 3
PRETREND_ALPHA = 0.05  # joint placebo test: below this p-value trends differed before adoption
NO_EFFECT_BAND = 0.10  # |relative CI bounds| within ±10% of the counterfactual: "no meaningful effect"
PEERS = 5
_FAR_FUTURE = datetime(2999, 1, 1)


@dataclass(frozen=True)
class Estimate:
    """One model kind × outcome: `fit` holds the estimator's output on period indexes, `result` the same as
    one labelled frame (see `estimate`)."""

    model_kind: str
    outcome: str
    fit: did.DidResult
    first_period: str | None
    last_period: str | None
    result: pl.DataFrame


def adoptions(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every adoption row in the scope with the province name: for the map and the timeline.

    A commune scope sees its own commune's models only: a province-wide model (commune_code '') is a province
    row, like the province totals of other tables, and is left to province and national viewers."""
    where, params = scope_predicate(scope, "m")
    return query(
        con,
        f"""
        SELECT m.province_code, p.name_vi AS province_name, nullif(m.commune_code, '') AS commune_code,
               m.model_kind, m.model_name, m.adopted_at, m.status
        FROM model_adoption m LEFT JOIN dim_province p USING (province_code)
        WHERE {where}
        ORDER BY m.adopted_at, m.province_code
        """,
        params,
    )


def first_adoption(frame: pl.DataFrame) -> pl.DataFrame:
    """First adoption date per province and model kind, with the communes using it (of `adoptions`)."""
    return (
        frame.group_by("province_code", "province_name", "model_kind")
        .agg(
            pl.col("adopted_at").min(),
            pl.col("commune_code").drop_nulls().n_unique().alias("communes"),
        )
        .sort("model_kind", "adopted_at")
    )


def _monthly_feedback(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    where, params = scope_predicate(scope, "f")
    as_of = data_info(con, scope).as_of or _FAR_FUTURE
    return query(
        con,
        f"""
        WITH f AS (
            SELECT f.province_code, date_trunc('month', f.received_at) AS month, f.field, f.received_at,
                   least(f.answered_at, f.resolved_at) AS responded_at
            FROM feedback f WHERE {where}
        ), c AS (
            SELECT province_code, month,
                   count(*) FILTER (WHERE field = 'an_ninh') AS security,
                   count(*) FILTER (WHERE responded_at IS NOT NULL
                       AND responded_at <= received_at + to_days(CAST($deadline AS INTEGER))) AS on_time,
                   count(*) FILTER (WHERE responded_at IS NOT NULL
                       OR received_at + to_days(CAST($deadline AS INTEGER)) <= $as_of) AS due
            FROM f GROUP BY ALL
        ), months AS (
            SELECT DISTINCT month FROM c
        ), grid AS (
            SELECT p.province_code, p.population, m.month FROM dim_province p, months m
            WHERE p.province_code IN (SELECT DISTINCT province_code FROM c)
        )
        SELECT g.province_code, strftime(g.month, '%Y-%m') AS period,
               coalesce(c.security, 0) * $per / g.population AS security_opinions_per_100k,
               c.on_time / nullif(c.due, 0) AS on_time_share
        FROM grid g LEFT JOIN c ON c.province_code = g.province_code AND c.month = g.month
        """,
        {**params, "deadline": ON_TIME_DAYS, "as_of": as_of, "per": PER_PEOPLE},
    )


def _trust(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    where, params = scope_predicate(scope, "r")
    return query(
        con,
        f"""
        SELECT r.province_code, r.wave AS period,
               sum(a.value * coalesce(r.weight, 1)) / sum(coalesce(r.weight, 1)) AS value
        FROM survey_response r JOIN survey_answer a USING (wave, response_id)
        WHERE a.item = 'q_trust_overall' AND a.value BETWEEN 0 AND 10 AND {where}
        GROUP BY ALL
        """,
        params,
    )


def panels(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Long frame outcome, province_code, period, value for every outcome (see the module docstring)."""
    parts = []
    feedback = _monthly_feedback(con, scope)
    for name in ("security_opinions_per_100k", "on_time_share"):
        parts.append(
            feedback.select(pl.lit(name).alias("outcome"), "province_code", "period", pl.col(name).alias("value"))
        )
    parts.append(
        _trust(con, scope).select(pl.lit("trust_overall").alias("outcome"), "province_code", "period", "value")
    )
    results = outcomes.province_month(con, scope)
    for name in ("security_incidents", outcomes.DERIVED):
        parts.append(
            results.filter(pl.col("indicator") == name).select(
                pl.lit(name).alias("outcome"), "province_code", "period", "value"
            )
        )
    schema = {"outcome": pl.String, "province_code": pl.String, "period": pl.String, "value": pl.Float64}
    return pl.concat([p.cast(schema) for p in parts]).sort("outcome", "province_code", "period")


def adoption_period(adopted: pl.Expr, outcome: str) -> pl.Expr:
    """The period label an adoption date falls in: 'YYYY-MM', or 'YYYYQn' for survey waves."""
    if outcome == "trust_overall":
        return pl.format("{}Q{}", adopted.dt.year(), adopted.dt.quarter())
    return adopted.dt.strftime("%Y-%m")


def estimate(panel: pl.DataFrame, first: pl.DataFrame, model_kind: str, outcome: str, *, seed: int = 0) -> Estimate:
    """The staggered DiD of one model kind on one outcome (pure: frames in, Estimate out; analytics.did).

    `panel`: one row per unit and period with `province_code` (the unit, any id), `period` (any sortable
    label: 'YYYY-MM', 'YYYYQn', an integer year, a date) and either `outcome` + `value` (the long frame of
    `panels`) or a column named after `outcome`. `first`: one row per adopting unit with `province_code`,
    optionally `model_kind` (rows of other kinds are ignored) and its adoption as `adopted_period` (in the
    panel's period labels; an adoption between periods counts from the next one), `adopted_at` (a date,
    turned into the outcome's period label; a number is taken as a period) or `first_treat` (as R `did`). Units absent from `first`, or
    with a null or 0 adoption (R `did`'s `first_treat = 0`), never adopted. Example, R `did`'s mpdta:
    panel = province_code ← str(countyreal), period ← year, lemp; first = province_code, adopted_period ←
    first_treat; then `estimate(panel, first, "any", "lemp")` gives `did` 2.5.1's never-treated results.

    `Estimate.result` has one row per estimated quantity, told apart by `kind`:
    - "cell": ATT(g, t) — `cohort` g (first adopted period, a period label), `period` t, `event_time` t − g;
    - "cohort": θ(g), the mean of the cohort's post-adoption cells;
    - "event": the event study θ(e) at `event_time` e, with the simultaneous band `band_low`, `band_high`;
    - "group" (the headline), "simple", "dynamic": the overall aggregations (R `aggte` types);
    - "pretrend": the joint placebo test, `estimate` = its sup-t statistic, `p_value` its bootstrap p-value.
    Columns: kind, cohort, period, event_time, estimate, se, ci_low, ci_high, band_low, band_high, p_value,
    n_treated (adopting units behind the row), n_comparison (comparison units; cells only). Intervals are 95%,
    t with (adopting units − 1) degrees of freedom on a cohort-stratified bootstrap SE (analytics.did)."""
    rows = _outcome_rows(panel, outcome)
    adopted = _adopted_periods(first, model_kind, outcome, rows.schema["period"] if "period" in rows.columns else None)
    if rows.is_empty():
        empty = did.staggered_did(np.zeros((0, 2)), np.zeros(0, dtype=int), draws=0)
        return Estimate(model_kind, outcome, empty, None, None, _result_frame(empty, [], pl.String))
    y, cohort, _, periods = did.panel_matrix(rows, adopted)
    fit = did.staggered_did(y, cohort, seed=seed)
    return Estimate(
        model_kind, outcome, fit, str(periods[0]), str(periods[-1]), _result_frame(fit, periods, rows.schema["period"])
    )


def _outcome_rows(panel: pl.DataFrame, outcome: str) -> pl.DataFrame:
    """province_code (text), period, value of one outcome, from the long or the wide panel."""
    missing = {"province_code", "period"} - set(panel.columns)
    if missing:
        raise ValueError(f"the panel needs columns province_code and period; missing: {', '.join(sorted(missing))}")
    if "outcome" in panel.columns and "value" in panel.columns:
        rows = panel.filter(pl.col("outcome") == outcome).select("province_code", "period", "value")
    elif outcome in panel.columns:
        rows = panel.select("province_code", "period", pl.col(outcome).alias("value"))
    else:
        raise ValueError(f"the panel has neither outcome/value columns nor a column named {outcome!r}")
    return rows.with_columns(pl.col("province_code").cast(pl.String), pl.col("value").cast(pl.Float64))


def _adopted_periods(
    first: pl.DataFrame, model_kind: str, outcome: str, period_type: pl.DataType | None
) -> pl.DataFrame:
    """province_code, adopted_period (in the panel's period labels) of the units adopting `model_kind`."""
    if "model_kind" in first.columns:
        first = first.filter(pl.col("model_kind") == model_kind)
    column = next((c for c in ("adopted_period", "adopted_at", "first_treat") if c in first.columns), None)
    if column is None or "province_code" not in first.columns:
        raise ValueError("the adoptions need columns province_code and adopted_period (or adopted_at, first_treat)")
    when, kind = pl.col(column), first.schema[column]
    if kind.is_temporal() and period_type == pl.String:
        when = adoption_period(when, outcome)
    elif kind.is_numeric():
        when = pl.when(when > 0).then(when)  # 0 = never treated, as R did's first_treat
    adopted = (
        first.select(pl.col("province_code").cast(pl.String), when.alias("adopted_period"))
        .drop_nulls()
        .group_by("province_code")
        .agg(pl.col("adopted_period").min())
    )
    if period_type is not None and adopted.height and adopted.schema["adopted_period"] != period_type:
        both_numeric = period_type.is_numeric() and adopted.schema["adopted_period"].is_numeric()
        if not both_numeric:
            raise ValueError(
                f"adoption periods ({adopted.schema['adopted_period']}) and panel periods ({period_type}) "
                "are not comparable: give adopted_period in the panel's period labels"
            )
    return adopted


def _result_frame(fit: did.DidResult, periods: list, period_type: pl.DataType) -> pl.DataFrame:
    """`fit` as the labelled frame of `estimate` (period indexes turned back into period labels)."""
    label = pl.Series("label", periods, dtype=period_type) if periods else pl.Series("label", [], dtype=period_type)

    def labels(index: pl.Series) -> pl.Series:
        return label.gather(index) if index.len() else pl.Series([], dtype=period_type)

    cells = fit.cells.with_columns(
        pl.lit("cell").alias("kind"), cohort=labels(fit.cells["cohort"]), period=labels(fit.cells["period"])
    )
    cohorts = fit.groups.with_columns(pl.lit("cohort").alias("kind"), cohort=labels(fit.groups["cohort"]))
    events = fit.event_study.drop("cohorts").with_columns(pl.lit("event").alias("kind"))
    overall = [
        {"kind": name, "estimate": a.estimate, "se": a.se, "ci_low": a.ci_low, "ci_high": a.ci_high}
        for name, a in (
            ("group", did.Aggregate(fit.estimate, fit.se, fit.ci_low, fit.ci_high)),
            ("simple", fit.simple),
            ("dynamic", fit.dynamic),
        )
    ]
    overall.append({"kind": "pretrend", "estimate": fit.pretrend_stat, "p_value": fit.pretrend_p})
    schema = {
        "kind": pl.String,
        "cohort": period_type,
        "period": period_type,
        "event_time": pl.Int64,
        "estimate": pl.Float64,
        "se": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "band_low": pl.Float64,
        "band_high": pl.Float64,
        "p_value": pl.Float64,
        "n_treated": pl.Int64,
        "n_comparison": pl.Int64,
    }
    totals = pl.DataFrame(
        overall, schema={k: schema[k] for k in ("kind", "estimate", "se", "ci_low", "ci_high", "p_value")}
    )
    totals = totals.with_columns(pl.lit(fit.n_adopters, pl.Int64).alias("n_treated"))
    parts = [cells, cohorts, events, totals]
    return pl.concat([p.cast({c: schema[c] for c in p.columns}) for p in parts], how="diagonal").select(list(schema))


def evidence(est: Estimate) -> str:
    """Strength of evidence as a code the page words: insufficient, pretrend, better, worse, no_effect,
    inconclusive (effect: a clear effect on an outcome not in HIGHER_IS_BETTER). The headline is the group aggregation; "pretrend" when the joint placebo test rejects
    parallel trends (p < PRETREND_ALPHA). With fewer than did.FEW_ADOPTERS adopters the code stands but the
    table flags `few_adopters`."""
    r = est.fit
    if r.estimate is None or r.ci_low is None or r.n_adopters < MIN_ADOPTERS:
        return "insufficient"
    if r.pretrend_p is not None and r.pretrend_p < PRETREND_ALPHA:
        return "pretrend"
    if r.ci_low > 0 or r.ci_high < 0:
        if est.outcome not in HIGHER_IS_BETTER:
            return "effect"  # an outcome of unknown direction (a caller's own panel)
        good = (r.estimate > 0) == HIGHER_IS_BETTER[est.outcome]
        return "better" if good else "worse"
    if r.baseline and max(abs(r.ci_low), abs(r.ci_high)) <= NO_EFFECT_BAND * abs(r.baseline):
        return "no_effect"
    return "inconclusive"


def estimates(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[Estimate]:
    """Every model kind × outcome."""
    panel = panels(con, scope)
    first = first_adoption(adoptions(con, scope))
    return [estimate(panel, first, kind, outcome) for kind in MODEL_KINDS for outcome in OUTCOMES]


def table(results: list[Estimate]) -> pl.DataFrame:
    """One row per model kind × outcome: the headline (group aggregation) with its interval, the simple
    aggregation beside it, the sample sizes and the few-adopters flag, the evidence code, the joint pre-trend
    p-value and the periods."""
    return pl.DataFrame(
        [
            {
                "model_kind": e.model_kind,
                "outcome": e.outcome,
                "estimate": e.fit.estimate,
                "ci_low": e.fit.ci_low,
                "ci_high": e.fit.ci_high,
                "simple": e.fit.simple.estimate,
                "simple_low": e.fit.simple.ci_low,
                "simple_high": e.fit.simple.ci_high,
                "relative_effect": e.fit.relative_effect,
                "n_adopters": e.fit.n_adopters,
                "n_comparison": e.fit.n_comparison,
                "few_adopters": e.fit.few_adopters,
                "evidence": evidence(e),
                "pretrend_p": e.fit.pretrend_p,
                "first_period": e.first_period,
                "last_period": e.last_period,
            }
            for e in results
        ],
        schema={
            "model_kind": pl.String,
            "outcome": pl.String,
            "estimate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "simple": pl.Float64,
            "simple_low": pl.Float64,
            "simple_high": pl.Float64,
            "relative_effect": pl.Float64,
            "n_adopters": pl.Int64,
            "n_comparison": pl.Int64,
            "few_adopters": pl.Boolean,
            "evidence": pl.String,
            "pretrend_p": pl.Float64,
            "first_period": pl.String,
            "last_period": pl.String,
        },
    )


def event_studies(results: list[Estimate]) -> pl.DataFrame:
    """All event studies stacked: model_kind, outcome, event_time, estimate, se, ci_low, ci_high (pointwise
    95%), band_low, band_high (simultaneous 95% sup-t band), cohorts."""
    frames = [
        e.fit.event_study.select(pl.lit(e.model_kind).alias("model_kind"), pl.lit(e.outcome).alias("outcome"), pl.all())
        for e in results
        if e.fit.event_study.height
    ]
    return pl.concat(frames) if frames else pl.DataFrame()


def province_features(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Population, urban share (share of a province's communes that are wards, 'Phường') and region."""
    where, params = scope_predicate(scope, "p", commune_column=None)
    return query(
        con,
        f"""
        SELECT p.province_code, p.name_vi AS province_name, p.region, p.population::DOUBLE AS population,
               avg((c.commune_type = 'Phường')::INTEGER) AS urban_share
        FROM dim_province p LEFT JOIN dim_commune c USING (province_code)
        WHERE {where}
        GROUP BY ALL
        """,
        params,
    )


def peer_comparison(
    panel: pl.DataFrame, first: pl.DataFrame, features: pl.DataFrame, province_code: str, model_kind: str, outcome: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `PEERS` provinces nearest to `province_code` (standardised population, urban share, region and
    the outcome's level before the province adopted — its first 6 periods when it never did or adopted
    before the data start) and the outcome over time: the province vs the peers' mean.
    Returns (peers: province_code, province_name, distance, pre_level, adopted_at;
             series: period, province, peers_mean)."""
    rows = panel.filter(pl.col("outcome") == outcome)
    periods = sorted(rows["period"].unique().to_list())
    mine = first.filter((pl.col("model_kind") == model_kind) & (pl.col("province_code") == province_code))
    cut = None
    if mine.height:
        cut = mine.select(adoption_period(pl.col("adopted_at"), outcome))[0, 0]
    pre_periods = [p for p in periods if cut is None or p < cut]
    if not pre_periods or cut is None:
        pre_periods = periods[:6]
    pre = (
        rows.filter(pl.col("period").is_in(pre_periods))
        .group_by("province_code")
        .agg(pl.col("value").mean().alias("pre_level"))
    )
    feats = features.join(pre, on="province_code", how="left").with_columns(pl.col("population").log())
    nearest = did.nearest_peers(
        feats.select("province_code", "region", "population", "urban_share", "pre_level"), province_code, k=PEERS
    )
    adopted = first.filter(pl.col("model_kind") == model_kind).select("province_code", "adopted_at")
    peers = (
        nearest.join(features.select("province_code", "province_name"), on="province_code", how="left")
        .join(pre, on="province_code", how="left")
        .join(adopted, on="province_code", how="left")
        .sort("distance")
    )
    series = (
        rows.filter(pl.col("province_code") == province_code)
        .select("period", pl.col("value").alias("province"))
        .join(
            rows.filter(pl.col("province_code").is_in(peers["province_code"].implode()))
            .group_by("period")
            .agg(pl.col("value").mean().alias("peers_mean")),
            on="period",
            how="full",
            coalesce=True,
        )
        .sort("period")
    )
    return peers, series


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics models`: one row per model kind × outcome (the pooled estimate over every
    province in scope; `--province` does not narrow it — one province has no comparison group): the headline
    (group aggregation) with its 95% interval, the simple aggregation beside it, the sample sizes, the
    few-adopters flag and the joint pre-trend p-value (see `table`).

    `--role` changes nothing here: each estimate pools every province-month (many opinions and survey
    respondents), and the only counts are numbers of provinces (adopters, comparison group), which describe
    where a model was adopted, not people (DESIGN §5; see analytics/protected.py)."""
    del role, filters
    parser = argparse.ArgumentParser(prog="python -m analytics models")
    parser.parse_args(extra)
    return table(estimates(con, scope)).select(
        "model_kind",
        "outcome",
        "estimate",
        "ci_low",
        "ci_high",
        "simple",
        "relative_effect",
        "n_adopters",
        "n_comparison",
        "few_adopters",
        "pretrend_p",
    )
