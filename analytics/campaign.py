"""The "Tháng lắng nghe" (Listening Month) view: a campaign window against its baseline.

- Baseline of a day: the mean number of opinions on the same weekday over the BASELINE_WEEKS weeks before
  the window (so a Monday is compared with Mondays).
- Participation per 10,000 people: opinions in the window ÷ province population (dim_province) × 10,000.
- Share answered: opinions with a response (answered or resolved) ÷ opinions received in the window.
- Silent communes: communes in the scope (and the chosen province) with no opinion in the window.
The window comes from the filters' period (both ends inclusive); the other filters apply as everywhere.
With `cell_keys=True` (the protected roles: analytics.protected.campaign_*), every count comes with its cell
key (`<count>_key`: analytics.suppress, docs/disclosure-control.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl

from analytics import suppress
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

BASELINE_WEEKS = 8
PER_PEOPLE = 10_000
LEVELS = ("central", "province", "commune", "village")


def campaigns(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Named campaigns in the data: campaign, first_day, last_day, opinions (most recent first)."""
    where, params = scope_predicate(scope, "f")
    return query(
        con,
        f"""SELECT f.campaign, min(f.received_at)::DATE AS first_day, max(f.received_at)::DATE AS last_day,
                   count(*) AS opinions
            FROM feedback f WHERE f.campaign IS NOT NULL AND {where}
            GROUP BY ALL ORDER BY last_day DESC, campaign""",
        params,
    )


def _window(filters: Filters) -> tuple[date, date]:
    if filters.date_from is None or filters.date_to is None:
        raise ValueError("a campaign window needs --from and --to")
    return filters.date_from, filters.date_to


def _keys(cell_keys: bool, *cells: tuple[str, str | None]) -> str:
    """`, <cell key> AS name` per (name, condition) when `cell_keys`; nothing otherwise."""
    return "".join(f", {suppress.cell_key_sql('f', where)} AS {name}" for name, where in cells) if cell_keys else ""


ANSWERED = "f.answered_at IS NOT NULL OR f.resolved_at IS NOT NULL"


def daily(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> pl.DataFrame:
    """One row per day of the window: day, opinions, baseline (same-weekday mean of the weeks before). With
    `cell_keys` also opinions_key, and the weekday's opinions of the weeks before (baseline_opinions =
    baseline × BASELINE_WEEKS) with their cell key (baseline_opinions_key)."""
    start, end = _window(filters)
    before = filters.with_period(start - timedelta(weeks=BASELINE_WEEKS), start - timedelta(days=1))
    scope_sql, scope_params = scope_predicate(scope, "f")
    spans = {}
    for name, f in (("window", filters), ("before", before)):
        filter_sql, filter_params = filter_predicate(f, "f")
        spans[name] = query(
            con,
            f"""SELECT f.received_at::DATE AS day, count(*) AS opinions{_keys(cell_keys, ("opinions_key", None))}
                FROM feedback f WHERE {scope_sql} AND {filter_sql} GROUP BY ALL""",
            {**scope_params, **filter_params, **(suppress.key_params() if cell_keys else {})},
        )
    keyed = [
        pl.col("opinions").sum().alias("baseline_opinions"),
        (pl.col("opinions_key").cast(pl.Int64).sum() % suppress.KEY_MODULUS).alias("baseline_opinions_key"),
    ]
    baseline = (
        spans["before"]
        .group_by(pl.col("day").dt.weekday().alias("weekday"))
        .agg((pl.col("opinions").sum() / BASELINE_WEEKS).alias("baseline"), *(keyed if cell_keys else []))
    )
    days = pl.DataFrame({"day": pl.date_range(start, end, interval="1d", eager=True)})
    filled = [
        pl.col(c).fill_null(0).cast(pl.Int64) for c in ("opinions_key", "baseline_opinions", "baseline_opinions_key")
    ]
    return (
        days.join(spans["window"], on="day", how="left")
        .with_columns(pl.col("opinions").fill_null(0).cast(pl.Int64), pl.col("day").dt.weekday().alias("weekday"))
        .join(baseline, on="weekday", how="left")
        .with_columns(pl.col("baseline").fill_null(0.0), *(filled if cell_keys else []))
        .drop("weekday")
        .sort("day")
    )


def by_level(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False
) -> pl.DataFrame:
    """Opinions in the window per handling level (central, province, commune, village, '' = not given),
    with the share answered (responses ÷ opinions); with `cell_keys`, opinions_key and answered_key."""
    _window(filters)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    return query(
        con,
        f"""SELECT coalesce(f.level, '') AS level, count(*) AS opinions,
                   count(*) FILTER (WHERE f.answered_at IS NOT NULL OR f.resolved_at IS NOT NULL) AS answered,
                   answered / count(*) AS answered_share
                   {_keys(cell_keys, ("opinions_key", None), ("answered_key", ANSWERED))}
            FROM feedback f WHERE {scope_sql} AND {filter_sql}
            GROUP BY 1
            ORDER BY list_position(['central', 'province', 'commune', 'village', ''], coalesce(f.level, ''))""",
        {**scope_params, **filter_params, **(suppress.key_params() if cell_keys else {})},
    )


def by_province(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False
) -> pl.DataFrame:
    """Per province in the scope (none left out): opinions, population, per_10k, answered, answered_share
    (null when no opinion), communes, silent_communes (communes with no opinion in the window); with
    `cell_keys`, opinions_key and answered_key."""
    _window(filters)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f", place=False)
    dim_sql, _ = scope_predicate(scope, "p", commune_column=None)
    place = "AND p.province_code = $f_province" if filters.province_code else ""
    return query(
        con,
        f"""WITH counts AS (
                SELECT f.province_code, count(*) AS opinions,
                       count(*) FILTER (WHERE f.answered_at IS NOT NULL OR f.resolved_at IS NOT NULL) AS answered,
                       count(DISTINCT f.commune_code) AS heard_communes
                       {_keys(cell_keys, ("opinions_key", None), ("answered_key", ANSWERED))}
                FROM feedback f WHERE {scope_sql} AND {filter_sql} GROUP BY ALL
            ), communes AS (
                SELECT province_code, count(*) AS communes FROM dim_commune GROUP BY ALL
            )
            SELECT p.province_code, p.name_vi AS province_name, coalesce(c.opinions, 0) AS opinions,
                   p.population::BIGINT AS population,
                   coalesce(c.opinions, 0) * {PER_PEOPLE} / nullif(p.population, 0) AS per_10k,
                   coalesce(c.answered, 0) AS answered,
                   c.answered / nullif(c.opinions, 0) AS answered_share,
                   m.communes, m.communes - coalesce(c.heard_communes, 0) AS silent_communes
                   {", coalesce(c.opinions_key, 0) AS opinions_key, coalesce(c.answered_key, 0) AS answered_key"
                    if cell_keys else ""}
            FROM dim_province p
            LEFT JOIN counts c USING (province_code)
            LEFT JOIN communes m USING (province_code)
            WHERE {dim_sql} {place}
            ORDER BY per_10k DESC NULLS LAST, p.province_code""",
        {**scope_params, **filter_params, **(suppress.key_params() if cell_keys else {}),
         **({"f_province": filters.province_code} if filters.province_code else {})},
    )  # fmt: skip


def silent_communes(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 5000) -> pl.DataFrame:
    """Communes (in the scope and chosen province) from which nothing was heard in the window:
    province_code, province_name, commune_code, commune_name."""
    _window(filters)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f", place=False)
    dim_sql, _ = scope_predicate(scope, "c")
    place = "AND c.province_code = $f_province" if filters.province_code else ""
    return query(
        con,
        f"""SELECT c.province_code, p.name_vi AS province_name, c.commune_code, c.name_vi AS commune_name
            FROM dim_commune c JOIN dim_province p USING (province_code)
            WHERE {dim_sql} {place} AND c.commune_code NOT IN (
                SELECT f.commune_code FROM feedback f
                WHERE {scope_sql} AND {filter_sql} AND f.commune_code IS NOT NULL)
            ORDER BY c.province_code, c.name_vi COLLATE vi, c.commune_code
            LIMIT $limit""",
        {**scope_params, **filter_params, "limit": limit,
         **({"f_province": filters.province_code} if filters.province_code else {})},
    )  # fmt: skip


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics campaign --from D --to D [--role R]`: the page's per-province table for the window
    under the role's export rule (analytics.protected.campaign_provinces)."""
    from analytics import protected  # (protected builds on this module)

    del extra
    keyed = protected.needs_keys(role, "export")
    return protected.campaign_provinces(by_province(con, scope, filters, cell_keys=keyed), role, "export")
