"""Kết quả — community welfare and security results from the `outcome` table: Fund for the Poor mobilised
and spent, solidarity houses, poor and near-poor household rates, security incidents, mediation cases and
success (mediation_resolved / mediation_cases). Counts and money add up over communes and months; rates
(unit '%') are averaged over the areas that report them, weighted by population.

With `cell_keys=True` (the protected roles: analytics.protected.outcome_*), every figure comes with a
`cell_key`: the data are monthly aggregates with no record to key, so — as for the trust index's survey cells —
the key is a keyed hash of the cell's identity (indicator, the provinces and the first and last month it sums:
analytics.suppress.identity_key). The same cell always gets the same key, however it was queried.
"""

from __future__ import annotations

import argparse

import duckdb
import polars as pl

from analytics import suppress
from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope, scope_predicate

INDICATORS = (
    "fund_for_poor_vnd",
    "fund_for_poor_spent_vnd",
    "solidarity_houses",
    "poor_household_rate",
    "near_poor_household_rate",
    "security_incidents",
    "mediation_cases",
    "mediation_resolved",
)
RATES = ("poor_household_rate", "near_poor_household_rate")
DERIVED = "mediation_success_rate"


def _period_bounds(filters: Filters) -> tuple[str, str]:
    start = f"{filters.date_from:%Y-%m}" if filters.date_from else "0000-00"
    end = f"{filters.date_to:%Y-%m}" if filters.date_to else "9999-99"
    return start, end


def province_month(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters | None = None) -> pl.DataFrame:
    """Long frame period, province_code, indicator, value: every indicator per province and month (communes
    summed; rates averaged), plus the derived mediation success rate. `filters=None`: the whole history."""
    where, params = scope_predicate(scope, "o")
    filters = filters or Filters()
    start, end = _period_bounds(filters)
    place = "o.province_code = $f_province" if filters.province_code else "TRUE"
    if filters.province_code:
        params = {**params, "f_province": filters.province_code}
    frame = query(
        con,
        f"""
        SELECT o.period, o.province_code, o.indicator,
               CASE WHEN list_contains($rates::VARCHAR[], o.indicator) THEN avg(o.value) ELSE sum(o.value) END
                   AS value
        FROM outcome o
        WHERE o.period BETWEEN $p0 AND $p1 AND {where} AND {place}
        GROUP BY o.period, o.province_code, o.indicator
        """,
        {**params, "rates": list(RATES), "p0": start, "p1": end},
    )
    wide = frame.pivot(on="indicator", index=["period", "province_code"], values="value")
    if {"mediation_cases", "mediation_resolved"} <= set(wide.columns):
        derived = wide.select(
            "period",
            "province_code",
            pl.lit(DERIVED).alias("indicator"),
            pl.when(pl.col("mediation_cases") > 0)
            .then(pl.col("mediation_resolved") / pl.col("mediation_cases"))
            .alias("value"),
        ).filter(pl.col("value").is_not_null())
        frame = pl.concat([frame, derived.cast(frame.schema)])
    return frame.sort("period", "province_code", "indicator")


def cell_key(indicator: str, provinces: list[str], first: str | None, last: str | None) -> int:
    """The cell key of `indicator` summed over `provinces` and the months `first`..`last` (see module doc)."""
    return suppress.identity_key("outcome", indicator, ",".join(sorted(set(provinces))), first, last)


def summarise(frame: pl.DataFrame, population: pl.DataFrame, *, cell_keys: bool = False) -> pl.DataFrame:
    """Per indicator over the frame's months and provinces: total (counts, money; null for rates), the
    population-weighted mean of the latest month (rates), and the months covered (with `cell_keys`, each
    total's `cell_key`)."""
    weighted = frame.join(population, on="province_code", how="left")
    rows = []
    for indicator, group in weighted.group_by("indicator", maintain_order=True):
        name = indicator[0]
        latest = group.filter(pl.col("period") == group["period"].max())
        rate = name in RATES or name == DERIVED
        if name == DERIVED:
            value = None
        elif rate:
            w = latest["population"].fill_null(0).cast(pl.Float64)
            value = float((latest["value"] * w).sum() / w.sum()) if w.sum() > 0 else None
        else:
            value = float(group["value"].sum())
        rows.append(
            {
                "indicator": name,
                "total": None if rate else value,
                "latest_rate": value if rate else None,
                "first_period": group["period"].min(),
                "last_period": group["period"].max(),
                "provinces": group["province_code"].n_unique(),
                "cell_key": cell_key(name, group["province_code"].to_list(), group["period"].min(),
                                     group["period"].max()),
            }
        )  # fmt: skip
    out = pl.DataFrame(rows, schema={"indicator": pl.String, "total": pl.Float64, "latest_rate": pl.Float64,
                                     "first_period": pl.String, "last_period": pl.String, "provinces": pl.Int64,
                                     "cell_key": pl.Int64})  # fmt: skip
    cases = out.filter(pl.col("indicator") == "mediation_cases")["total"]
    resolved = out.filter(pl.col("indicator") == "mediation_resolved")["total"]
    if cases.len() and resolved.len() and cases[0]:
        out = out.with_columns(
            pl.when(pl.col("indicator") == DERIVED)
            .then(pl.lit(resolved[0] / cases[0]))
            .otherwise(pl.col("latest_rate"))
            .alias("latest_rate")
        )
    return out if cell_keys else out.drop("cell_key")


def populations(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Province populations (for per-100,000 comparisons and weighted rates)."""
    where, params = scope_predicate(scope, "p", commune_column=None)
    return query(
        con,
        f"SELECT province_code, name_vi AS province_name, population FROM dim_province p WHERE {where}",
        params,
    )


def summary(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> pl.DataFrame:
    """The headline figures of the period (see `summarise`)."""
    return summarise(province_month(con, scope, filters), populations(con, scope), cell_keys=cell_keys)


def monthly(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> pl.DataFrame:
    """Per month and indicator over the provinces in view: counts summed, rates population-weighted (with
    `cell_keys`, each month's `cell_key`)."""
    frame = province_month(con, scope, filters).join(populations(con, scope), on="province_code", how="left")
    rate = pl.col("indicator").is_in(list((*RATES, DERIVED)))
    out = (
        frame.group_by("period", "indicator")
        .agg(
            pl.col("value").sum().alias("sum"),
            ((pl.col("value") * pl.col("population")).sum() / pl.col("population").sum()).alias("weighted"),
            pl.col("province_code").alias("_provinces"),
        )
        .select(
            "period",
            "indicator",
            pl.when(rate).then(pl.col("weighted")).otherwise(pl.col("sum")).alias("value"),
            "_provinces",
        )  # fmt: skip
        .sort("indicator", "period")
    )
    if not cell_keys:
        return out.drop("_provinces")
    keys = [cell_key(i, codes, p, p) for p, i, codes in out.select("period", "indicator", "_provinces").iter_rows()]
    return out.with_columns(pl.Series("cell_key", keys, dtype=pl.Int64)).drop("_provinces")


def by_province(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, indicator: str, *, cell_keys: bool = False
) -> pl.DataFrame:
    """One indicator per province over the period: total (counts) or latest value (rates), and per 100,000
    people for counts; the mediation success rate comes with its denominator (`cases`, the same month's).
    With `cell_keys`, a count's `cell_key` per province; for the success rate also its numerator (`resolved`)
    and both counts' keys (`resolved_key`, `cases_key`: the province-month cells of the monthly counts)."""
    frame = province_month(con, scope, filters).filter(pl.col("indicator") == indicator)
    pops = populations(con, scope)
    if indicator in (*RATES, DERIVED):
        latest = frame.filter(pl.col("period") == pl.col("period").max().over("province_code"))
        out = latest.select("province_code", "value")
        if indicator == DERIVED:  # the success rate's denominator: that month's mediation cases
            cases = province_month(con, scope, filters).filter(pl.col("indicator") == "mediation_cases")
            out = latest.select("province_code", "period", "value").join(
                cases.select("province_code", "period", pl.col("value").alias("cases")),
                on=["province_code", "period"],
                how="left",
            )
            if cell_keys:  # the rate's two counts and their cells (a province's month), for perturbation
                resolved = province_month(con, scope, filters).filter(pl.col("indicator") == "mediation_resolved")
                out = out.join(
                    resolved.select("province_code", "period", pl.col("value").alias("resolved")),
                    on=["province_code", "period"],
                    how="left",
                )
                cells = out.select("province_code", "period").iter_rows()
                keys = [(cell_key("mediation_resolved", [c], p, p), cell_key("mediation_cases", [c], p, p))
                        for c, p in cells]  # fmt: skip
                out = out.with_columns(
                    pl.Series("resolved_key", [k[0] for k in keys], dtype=pl.Int64),
                    pl.Series("cases_key", [k[1] for k in keys], dtype=pl.Int64),
                )
            out = out.drop("period")
    else:
        out = frame.group_by("province_code").agg(pl.col("value").sum(), pl.col("period").min().alias("_first"),
                                                  pl.col("period").max().alias("_last"))  # fmt: skip
        keys = [
            cell_key(indicator, [c], a, b) for c, a, b in out.select("province_code", "_first", "_last").iter_rows()
        ]
        out = out.with_columns(pl.Series("cell_key", keys, dtype=pl.Int64)).drop("_first", "_last")
        out = out if cell_keys else out.drop("cell_key")
    return (
        out.join(pops, on="province_code", how="left")
        .with_columns(
            pl.when(pl.lit(indicator not in (*RATES, DERIVED)) & (pl.col("population") > 0))
            .then(pl.col("value") * 100_000 / pl.col("population"))
            .alias("per_100k")
        )
        .sort("value", descending=True, nulls_last=True)
    )


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics outcomes`: the headline figures of the period (`--by-province INDICATOR` for one
    indicator per province), under the role's export rule (analytics.protected: small counts of incidents,
    cases and houses hidden)."""
    from analytics import protected  # (protected builds on this module)

    parser = argparse.ArgumentParser(prog="python -m analytics outcomes")
    parser.add_argument("--by-province", default=None, choices=(*INDICATORS, DERIVED))
    args = parser.parse_args(extra)
    keyed = protected.needs_keys(role, "export")
    if args.by_province:
        found = by_province(con, scope, filters, args.by_province, cell_keys=keyed)
        return protected.outcome_by_province(found, args.by_province, role, "export")
    return protected.outcome_summary(summary(con, scope, filters, cell_keys=keyed), role, "export")
