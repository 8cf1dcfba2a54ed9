"""Tổ chức — membership coverage against targets, the cone by level, the inverted-cone rule, base growth.

Coverage = members / eligible people (null when eligible is 0 or missing: no denominator, no rate).
Snapshot = the latest reporting period (YYYY-MM) not after the end of the chosen period.
Inverted cone (rule and values in data/reference/targets.toml): an organisation in a province whose coverage
in the base settings (village-level rows in industrial parks, boarding houses, new rural areas) is below
`base_fraction_of_target` × its target while its full-time cadres per 1,000 members at province level are
above that organisation's national median. Missing base rows or a missing province row: no verdict (null).
The national median is a benchmark over all provinces (an aggregate), whatever the viewer's scope.
"""

from __future__ import annotations

import argparse
from typing import Any

import duckdb
import polars as pl

from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope, scope_predicate
from analytics.targets import load_targets

LEVELS = ("province", "commune", "village")


def with_coverage(frame: pl.DataFrame, targets: dict[str, Any]) -> pl.DataFrame:
    """Add coverage (members / eligible; null without eligible people), the organisation's target, the gap
    (coverage − target) and `meets_target`. Organisations without a target get nulls."""
    goal = targets["membership"]["coverage_target"]
    frame = frame.with_columns(
        pl.col(c).cast(pl.Float64) for c in ("members", "eligible", "cadres") if c in frame.columns
    )
    return frame.with_columns(
        pl.when(pl.col("eligible") > 0).then(pl.col("members") / pl.col("eligible")).otherwise(None).alias("coverage"),
        pl.col("organization").replace_strict(goal, default=None, return_dtype=pl.Float64).alias("target"),
    ).with_columns(
        (pl.col("coverage") - pl.col("target")).alias("gap"),
        (pl.col("coverage") >= pl.col("target")).alias("meets_target"),
    )


def inverted_cone_flags(province: pl.DataFrame, base: pl.DataFrame, targets: dict[str, Any]) -> pl.DataFrame:
    """The inverted-cone verdict per organisation × province (see the module docstring).

    `province`: province-level rows (organization, province_code, members, eligible, cadres);
    `base`: village rows in base settings (organization, province_code, members, eligible).
    Columns out: organization, province_code, coverage, target, base_coverage, base_threshold,
    cadres_per_1000, national_median, thin_base, heavy_top, inverted_cone (null when data are missing).
    """
    rule = targets["inverted_cone"]
    top = with_coverage(
        province.group_by("organization", "province_code").agg(pl.col("members", "eligible", "cadres").sum()),
        targets,
    ).with_columns(
        pl.when(pl.col("members") > 0)
        .then(pl.col("cadres") * 1000 / pl.col("members"))
        .otherwise(None)
        .alias("cadres_per_1000")
    )
    top = top.with_columns(pl.col("cadres_per_1000").median().over("organization").alias("national_median"))
    bottom = (
        base.group_by("organization", "province_code")
        .agg(
            pl.col("members").cast(pl.Float64).sum().alias("base_members"),
            pl.col("eligible").cast(pl.Float64).sum().alias("base_eligible"),
        )
        .with_columns(
            pl.when(pl.col("base_eligible") > 0)
            .then(pl.col("base_members") / pl.col("base_eligible"))
            .otherwise(None)
            .alias("base_coverage")
        )
    )
    out = top.join(bottom, on=["organization", "province_code"], how="left").with_columns(
        (pl.col("target") * rule["base_fraction_of_target"]).alias("base_threshold")
    )
    return (
        out.with_columns(
            (pl.col("base_coverage") < pl.col("base_threshold")).alias("thin_base"),
            (pl.col("cadres_per_1000") > pl.col("national_median")).alias("heavy_top"),
        )
        .with_columns((pl.col("thin_base") & pl.col("heavy_top")).alias("inverted_cone"))
        .select(
            "organization",
            "province_code",
            "members",
            "eligible",
            "coverage",
            "target",
            "base_members",
            "base_eligible",
            "base_coverage",
            "base_threshold",
            "cadres",
            "cadres_per_1000",
            "national_median",
            "thin_base",
            "heavy_top",
            "inverted_cone",
        )
        .sort("organization", "province_code")
    )


def growth(frame: pl.DataFrame) -> pl.DataFrame:
    """Members per setting from the first to the last period: first, last, change (share; null from 0)."""
    ordered = frame.sort("period")
    return (
        ordered.group_by("organization", "setting")
        .agg(
            pl.col("period").first().alias("first_period"),
            pl.col("period").last().alias("last_period"),
            pl.col("members").first().alias("first_members"),
            pl.col("members").last().alias("last_members"),
        )
        .with_columns(
            pl.when(pl.col("first_members") > 0)
            .then(pl.col("last_members") / pl.col("first_members") - 1)
            .otherwise(None)
            .alias("change")
        )
        .sort("organization", "setting")
    )


# SQL ---------------------------------------------------------------------------------------------------


def snapshot_period(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> str | None:
    """The latest reporting period not after the end of the chosen period (else the latest)."""
    where, params = scope_predicate(scope, "m")
    limit = f"{filters.date_to:%Y-%m}" if filters.date_to else "9999-12"
    row = query(
        con,
        f"SELECT coalesce(max(period) FILTER (WHERE period <= $limit), max(period)) AS p FROM membership m WHERE {where}",
        {**params, "limit": limit},
    )
    return row["p"][0]


def _place(filters: Filters, alias: str) -> tuple[str, dict[str, Any]]:
    if filters.province_code is None:
        return "TRUE", {}
    return f"{alias}.province_code = $f_province", {"f_province": filters.province_code}


def province_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, period: str, *, national: bool = False
) -> pl.DataFrame:
    """Province-level rows of a period: organization, province_code, name, members, eligible, branches, cadres.
    `national=True` ignores the province filter (the benchmark median needs every province).
    Province rows are province totals (commune_code ''): a commune scope gets none."""
    where, params = scope_predicate(scope, "m")
    place, place_params = ("TRUE", {}) if national else _place(filters, "m")
    return query(
        con,
        f"""
        SELECT m.organization, m.province_code, p.name_vi AS province_name,
               sum(m.members) AS members, sum(m.eligible) AS eligible,
               sum(m.branches) AS branches, sum(m.cadres) AS cadres
        FROM membership m LEFT JOIN dim_province p USING (province_code)
        WHERE m.level = 'province' AND m.period = $period AND {where} AND {place}
        GROUP BY ALL ORDER BY m.organization, m.province_code
        """,
        {**params, **place_params, "period": period},
    )


def base_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, period: str | None, settings: list[str]
) -> pl.DataFrame:
    """Village-level rows in `settings` (one period, or all when `period` is None), summed per organisation,
    province, setting and period."""
    where, params = scope_predicate(scope, "m")
    place, place_params = _place(filters, "m")
    return query(
        con,
        f"""
        SELECT m.period, m.organization, m.province_code, m.setting,
               sum(m.members) AS members, sum(m.eligible) AS eligible
        FROM membership m
        WHERE m.level = 'village' AND m.setting IN (SELECT unnest($settings::VARCHAR[]))
          AND ($period IS NULL OR m.period = $period) AND {where} AND {place}
        GROUP BY ALL ORDER BY ALL
        """,
        {**params, **place_params, "period": period, "settings": settings},
    )


def coverage_trend(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Coverage per organisation and period from province-level rows (summed over provinces in view).

    A commune scope sees its own commune's commune-level rows instead: the province totals (commune_code '')
    hold other communes' members."""
    where, params = scope_predicate(scope, "m")
    place, place_params = _place(filters, "m")
    frame = query(
        con,
        f"""
        SELECT m.period, m.organization, sum(m.members) AS members, sum(m.eligible) AS eligible
        FROM membership m
        WHERE m.level = $level AND {where} AND {place}
        GROUP BY ALL ORDER BY ALL
        """,
        {**params, **place_params, "level": "province" if scope.commune_code is None else "commune"},
    )
    return with_coverage(frame, load_targets())


def commune_coverage(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, period: str, province_code: str
) -> pl.DataFrame:
    """Commune-level coverage per organisation in a province (communes that report)."""
    where, params = scope_predicate(scope, "m")
    frame = query(
        con,
        f"""
        SELECT m.organization, m.commune_code, c.name_vi AS commune_name,
               sum(m.members) AS members, sum(m.eligible) AS eligible
        FROM membership m LEFT JOIN dim_commune c USING (commune_code)
        WHERE m.level = 'commune' AND m.period = $period AND m.province_code = $province AND {where}
        GROUP BY ALL ORDER BY ALL
        """,
        {**params, "period": period, "province": province_code},
    )
    return with_coverage(frame, load_targets())


def cone(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, period: str) -> pl.DataFrame:
    """Members, branches and full-time cadres by level per organisation (levels that report; a missing level
    is a row of nulls so the chart shows the gap)."""
    where, params = scope_predicate(scope, "m")
    place, place_params = _place(filters, "m")
    frame = query(
        con,
        f"""
        SELECT m.organization, m.level, sum(m.members) AS members,
               sum(m.branches) AS branches, sum(m.cadres) AS cadres
        FROM membership m
        WHERE m.period = $period AND {where} AND {place}
        GROUP BY ALL
        """,
        {**params, **place_params, "period": period},
    )
    organizations = pl.Series("organization", frame["organization"].unique().sort().to_list(), dtype=pl.String)
    grid = organizations.to_frame().join(pl.DataFrame({"level": list(LEVELS)}), how="cross")
    order = {level: i for i, level in enumerate(LEVELS)}
    return (
        grid.join(frame, on=["organization", "level"], how="left")
        .with_columns(pl.col("level").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("organization", "_o")
        .drop("_o")
    )


def inverted_cone(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, period: str) -> pl.DataFrame:
    """The inverted-cone verdicts of the snapshot period for provinces in view (national median benchmark)."""
    targets = load_targets()
    national = province_rows(con, scope, filters, period, national=True)
    base = base_rows(con, scope, filters, period, targets["inverted_cone"]["base_settings"])
    flags = inverted_cone_flags(national, base, targets)
    names = national.select("province_code", "province_name").unique()
    if filters.province_code is not None:
        flags = flags.filter(pl.col("province_code") == filters.province_code)
    return flags.join(names, on="province_code", how="left")


def base_growth(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Members per base setting and period (for the growth chart), and first-to-last change per setting."""
    settings = load_targets()["inverted_cone"]["growth_settings"]
    rows = base_rows(con, scope, filters, None, settings)
    return rows.group_by("period", "organization", "setting").agg(pl.col("members", "eligible").sum()).sort("period")


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics membership`: one row per organisation × province of the snapshot period.

    `--role` changes nothing here: members and eligible people come from the organisations' own registers,
    summed to province level, and say nothing about anyone's opinion (DESIGN §5's small-count rule is about
    citizens' opinions and small groups of people; see analytics/protected.py)."""
    del role
    parser = argparse.ArgumentParser(prog="python -m analytics membership")
    parser.parse_args(extra)
    period = snapshot_period(con, scope, filters)
    if period is None:
        return pl.DataFrame()
    return inverted_cone(con, scope, filters, period).select(
        pl.lit(period).alias("period"),
        "organization",
        "province_code",
        "members",
        "eligible",
        "coverage",
        "target",
        "base_coverage",
        "base_threshold",
        "cadres_per_1000",
        "national_median",
        "inverted_cone",
    )
