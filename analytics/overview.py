"""The Overview page's questions, one function each, SQL beside it.

Every function takes (con, scope, ...) and filters in SQL: the scope always, the user's filters where they apply.

On-time rule: an opinion is answered on time when its first response — the earlier of `answered_at` and
`resolved_at` — comes within `ON_TIME_DAYS` days of `received_at` (the Law on Grievances-style handling
deadline). The denominator is the opinions *due* in the period: received in the period and either already
answered or received at least `ON_TIME_DAYS` days before the data's as-of time (younger unanswered ones
are not late yet, so they count neither way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

import config
from analytics import suppress
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

ON_TIME_DAYS = 15
PER_PEOPLE = 100_000
TREND_MONTHS = 12
_FAR_FUTURE = datetime(2999, 1, 1)  # no as-of time (no data): nothing is overdue


@dataclass(frozen=True)
class DataInfo:
    """What the warehouse holds for a scope: its date range, as-of time and whether it is demo data."""

    synthetic: bool
    as_of: datetime | None
    first_day: date | None
    last_day: date | None
    opinions: int


@dataclass(frozen=True)
class Kpis:
    """Headline numbers for a period and the period of equal length before it."""

    date_from: date
    date_to: date
    opinions: int
    previous_from: date
    previous_to: date
    previous_opinions: int
    due: int
    on_time: int
    deadline_days: int = ON_TIME_DAYS
    # cell keys of the four counts (analytics.suppress; None unless queried with cell_keys=True)
    opinions_key: int | None = None
    previous_key: int | None = None
    due_key: int | None = None
    on_time_key: int | None = None

    @property
    def change_pct(self) -> float | None:
        """Change against the previous period in percent; None when the previous period had no opinions."""
        if self.previous_opinions == 0:
            return None
        return 100.0 * (self.opinions - self.previous_opinions) / self.previous_opinions

    @property
    def on_time_share(self) -> float | None:
        """Share (0–1) of due opinions answered on time; None when none were due."""
        return self.on_time / self.due if self.due else None


def _as_of_local(text: str | None) -> datetime | None:
    """An ISO timestamp from `meta` as a naive local (Asia/Ho_Chi_Minh) datetime, like the fact tables."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(config.TIMEZONE)).replace(tzinfo=None)
    return moment


def data_info(con: duckdb.DuckDBPyConnection, scope: Scope) -> DataInfo:
    """Synthetic flag, as-of time (meta 'data_as_of', else the newest record) and date range of the scope."""
    where, params = scope_predicate(scope, "f")
    row = query(
        con,
        f"""
        SELECT (SELECT value FROM meta WHERE key = 'synthetic') AS synthetic,
               (SELECT value FROM meta WHERE key = 'data_as_of') AS as_of,
               min(f.received_at) AS first_at,
               max(f.received_at) AS last_received,
               count(*) AS opinions
        FROM feedback f
        WHERE {where}
        """,
        params,
    ).row(0, named=True)
    as_of = _as_of_local(row["as_of"]) or _newest_record(con, scope)  # every load records data_as_of
    return DataInfo(
        synthetic=(row["synthetic"] or "").strip().lower() == "true",
        as_of=as_of,
        first_day=row["first_at"].date() if row["first_at"] else None,
        last_day=row["last_received"].date() if row["last_received"] else None,
        opinions=int(row["opinions"]),
    )


def _newest_record(con: duckdb.DuckDBPyConnection, scope: Scope) -> datetime | None:
    """The newest time any opinion of the scope was received, forwarded, answered or resolved (reads four
    columns: only when the warehouse has no recorded as-of time)."""
    where, params = scope_predicate(scope, "f")
    return query(
        con,
        f"""SELECT max(greatest(f.received_at, f.forwarded_at, f.answered_at, f.resolved_at)) AS last_at
            FROM feedback f WHERE {where}""",
        params,
    )["last_at"][0]


def as_of_and_first_day(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[datetime | None, date | None]:
    """data_info's as-of time and first day, reading only `received_at` when the warehouse records its as-of
    time (every load does): for pages that need just these two on large warehouses."""
    where, params = scope_predicate(scope, "f")
    row = query(
        con,
        f"""SELECT (SELECT value FROM meta WHERE key = 'data_as_of') AS as_of, min(f.received_at) AS first_at
            FROM feedback f WHERE {where}""",
        params,
    ).row(0, named=True)
    as_of = _as_of_local(row["as_of"])
    if as_of is None:
        return data_info(con, scope).as_of, row["first_at"].date() if row["first_at"] else None
    return as_of, row["first_at"].date() if row["first_at"] else None


def resolve_period(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> Filters:
    """Fill a missing end of the period with the data's first/last day in the scope."""
    if filters.date_from is not None and filters.date_to is not None:
        return filters
    info = data_info(con, scope)
    today = date.today()
    return filters.with_period(filters.date_from or info.first_day or today, filters.date_to or info.last_day or today)


def _keys_sql(cell_keys: bool, *cells: tuple[str, str | None]) -> tuple[str, dict[str, str]]:
    """Extra select-list items `, <cell key> AS <name>` (cells: name, FILTER condition) and their parameters
    when `cell_keys`; nothing otherwise (exact roles do not pay for hashing)."""
    if not cell_keys:
        return "", {}
    items = "".join(f", {suppress.cell_key_sql('f', where)} AS {name}" for name, where in cells)
    return items, suppress.key_params()


def _handling_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, as_of: datetime | None, *, cell_keys: bool = False
) -> dict[str, int]:
    """Opinions, opinions due and opinions answered on time under `filters` (see the module docstring); with
    `cell_keys`, also their cell keys (opinions_key, due_key, on_time_key: analytics.suppress)."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    keys_sql, key_params = _keys_sql(
        cell_keys, ("opinions_key", None), ("due_key", "f.due"), ("on_time_key", "f.on_time")
    )
    row = query(
        con,
        f"""
        WITH handled AS (
            SELECT f.received_at,
                   least(f.answered_at, f.resolved_at) AS responded_at
            FROM feedback f
            WHERE {scope_sql} AND {filter_sql}
        ), judged AS (
            SELECT received_at,
                   responded_at IS NOT NULL
                       OR received_at + to_days(CAST($deadline AS INTEGER)) <= $as_of AS due,
                   responded_at IS NOT NULL
                       AND responded_at <= received_at + to_days(CAST($deadline AS INTEGER)) AS on_time
            FROM handled
        )
        SELECT count(*) AS opinions,
               count(*) FILTER (WHERE due) AS due,
               count(*) FILTER (WHERE on_time) AS on_time
               {keys_sql}
        FROM judged f
        """,
        {**scope_params, **filter_params, **key_params, "deadline": ON_TIME_DAYS, "as_of": as_of or _FAR_FUTURE},
    ).row(0, named=True)
    return {k: int(v or 0) for k, v in row.items()}


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False) -> Kpis:
    """Opinions in the period, in the previous period of equal length, and the on-time share (with
    `cell_keys`, the counts' cell keys too, for the protected roles: analytics.protected.kpis)."""
    filters = resolve_period(con, scope, filters)
    as_of = data_info(con, scope).as_of
    current = _handling_counts(con, scope, filters, as_of, cell_keys=cell_keys)
    previous_filters = filters.previous_period()
    previous = _handling_counts(con, scope, previous_filters, as_of, cell_keys=cell_keys)
    assert filters.date_from and filters.date_to and previous_filters.date_from and previous_filters.date_to
    return Kpis(
        date_from=filters.date_from,
        date_to=filters.date_to,
        opinions=current["opinions"],
        previous_from=previous_filters.date_from,
        previous_to=previous_filters.date_to,
        previous_opinions=previous["opinions"],
        due=current["due"],
        on_time=current["on_time"],
        opinions_key=current.get("opinions_key"),
        previous_key=previous.get("opinions_key"),
        due_key=current.get("due_key"),
        on_time_key=current.get("on_time_key"),
    )


def top_fields(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, limit: int = 10, *, cell_keys: bool = False
) -> pl.DataFrame:
    """The fields with most opinions: field_code (null = not yet classified), names, opinions, share of all
    opinions under the filters (0–1). With `cell_keys` (protected roles, analytics.protected.top_fields) also
    `cell_key`, `total` (all opinions under the filters) and `total_key`, and every field, not the first
    `limit`: the protected wrapper takes the top on the perturbed counts (which fields make the cut on the exact
    counts would tell their exact order)."""
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    keys_sql, key_params = _keys_sql(cell_keys, ("cell_key", None))
    if cell_keys:
        keys_sql += f""", sum(count(*)) OVER ()::BIGINT AS total,
               (sum(sum({suppress.record_key_sql("f")})) OVER () % {suppress.KEY_MODULUS})::INTEGER AS total_key"""
    return query(
        con,
        f"""
        SELECT f.field AS field_code, d.name_vi, d.name_en,
               count(*) AS opinions,
               count(*) / sum(count(*)) OVER () AS share
               {keys_sql}
        FROM feedback f
        LEFT JOIN dim_field d ON d.field_code = f.field
        WHERE {scope_sql} AND {filter_sql}
        GROUP BY ALL
        ORDER BY opinions DESC, field_code NULLS LAST
        {"" if cell_keys else "LIMIT $limit"}
        """,
        {**scope_params, **filter_params, **key_params, **({} if cell_keys else {"limit": limit})},
    )


def area_level(scope: Scope, filters: Filters) -> tuple[str, str | None]:
    """Which areas to compare: ('province', None) for the country, ('commune', code) inside a province."""
    province = scope.province_code or filters.province_code
    return ("commune", province) if province else ("province", None)


def rate_by_area(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, *, cell_keys: bool = False
) -> pl.DataFrame:
    """Opinions per 100,000 people by area, highest first, areas without opinions included.

    Provinces for the whole country; the communes of the province when one is selected (the commune filter
    is not applied here: the point is to compare communes). Columns: level, code, name, opinions,
    population, population_estimated, population_source, rate_per_100k.

    Commune population: the latest year in table `population` when present; otherwise an estimate, the
    province population × the commune's share of the province area (`population_estimated` = true).
    """
    level, province = area_level(scope, filters)
    filter_sql, filter_params = filter_predicate(filters, "f", commune=False)
    keys_sql, key_params = _keys_sql(cell_keys, ("cell_key", None))  # with `cell_keys`: each area's cell key
    key_out = ", coalesce(c.cell_key, 0) AS cell_key" if cell_keys else ""
    if level == "province":
        scope_sql, scope_params = scope_predicate(scope, "f")
        dim_scope_sql, _ = scope_predicate(scope, "p", commune_column=None)
        sql = f"""
            WITH counts AS (
                SELECT f.province_code AS code, count(*) AS opinions {keys_sql}
                FROM feedback f
                WHERE {scope_sql} AND {filter_sql}
                GROUP BY ALL
            )
            SELECT 'province' AS level, p.province_code AS code, p.name_vi AS name,
                   coalesce(c.opinions, 0) AS opinions,
                   p.population::BIGINT AS population,
                   false AS population_estimated,
                   p.source AS population_source {key_out}
            FROM dim_province p
            LEFT JOIN counts c ON c.code = p.province_code
            WHERE {dim_scope_sql}
        """
        params = {**scope_params, **filter_params, **key_params}
    else:
        scope_sql, scope_params = scope_predicate(scope, "f")
        dim_scope_sql, _ = scope_predicate(scope, "c")
        sql = f"""
            WITH counts AS (
                SELECT f.commune_code AS code, count(*) AS opinions {keys_sql}
                FROM feedback f
                WHERE {scope_sql} AND {filter_sql} AND f.province_code = $area_province
                GROUP BY ALL
            ), latest AS (
                SELECT commune_code, population, source
                FROM population
                QUALIFY row_number() OVER (PARTITION BY commune_code ORDER BY year DESC) = 1
            ), area_share AS (
                SELECT commune_code,
                       area_km2 / nullif(sum(area_km2) OVER (PARTITION BY province_code), 0) AS share
                FROM dim_commune
            )
            SELECT 'commune' AS level, c.commune_code AS code, c.name_vi AS name,
                   coalesce(n.opinions, 0) AS opinions,
                   coalesce(l.population, round(p.population * s.share))::BIGINT AS population,
                   l.population IS NULL AS population_estimated,
                   l.source AS population_source {key_out.replace("c.cell_key", "n.cell_key")}
            FROM dim_commune c
            JOIN dim_province p ON p.province_code = c.province_code
            LEFT JOIN latest l ON l.commune_code = c.commune_code
            LEFT JOIN area_share s ON s.commune_code = c.commune_code
            LEFT JOIN counts n ON n.code = c.commune_code
            WHERE c.province_code = $area_province AND {dim_scope_sql}
        """
        params = {**scope_params, **filter_params, **key_params, "area_province": province}
    frame = query(con, sql, params)
    return frame.with_columns(
        pl.when(pl.col("population") > 0)
        .then(pl.col("opinions") * PER_PEOPLE / pl.col("population"))
        .otherwise(None)
        .alias("rate_per_100k")
    ).sort(["rate_per_100k", "opinions", "code"], descending=[True, True, False], nulls_last=True)


def trend_window(filters: Filters, months: int = TREND_MONTHS) -> Filters:
    """The `months` whole calendar months ending with the month of the period's end."""
    if filters.date_to is None:
        raise ValueError("a trend needs the end of the period")
    end = filters.date_to
    first = date(end.year, end.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    next_month = (date(end.year, end.month, 28) + timedelta(days=4)).replace(day=1)
    return filters.with_period(first, next_month - timedelta(days=1))


def monthly_trend(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    months: int = TREND_MONTHS,
    *,
    cell_keys: bool = False,
) -> pl.DataFrame:
    """Opinions per calendar month over the `months` months ending with the period's end (empty months = 0).
    Columns: month (first day), opinions (and `cell_key` with `cell_keys`: analytics.protected)."""
    window = trend_window(resolve_period(con, scope, filters), months)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(window, "f")
    keys_sql, key_params = _keys_sql(cell_keys, ("cell_key", None))
    counts = query(
        con,
        f"""
        SELECT date_trunc('month', f.received_at)::DATE AS month, count(*) AS opinions {keys_sql}
        FROM feedback f
        WHERE {scope_sql} AND {filter_sql}
        GROUP BY ALL
        """,
        {**scope_params, **filter_params, **key_params},
    )
    assert window.date_from and window.date_to
    all_months = pl.DataFrame({"month": pl.date_range(window.date_from, window.date_to, interval="1mo", eager=True)})
    return (
        all_months.join(counts, on="month", how="left")
        .with_columns(pl.col("opinions").fill_null(0).cast(pl.Int64))
        .with_columns(*([pl.col("cell_key").fill_null(0)] if cell_keys else []))
        .sort("month")
    )


def provinces(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Provinces in the scope for the filter bar: code, names, population and `merged_names` (the legacy
    provinces merged into it in 2025, other than its own name)."""
    where, params = scope_predicate(scope, "p", commune_column=None)
    return query(
        con,
        f"""
        SELECT p.province_code, p.name_vi, p.name_short, p.population,
               list_filter(string_split(coalesce(p.merged_from, ''), ';'),
                           lambda x: trim(x) <> '' AND trim(x) <> p.name_short) AS merged_names
        FROM dim_province p
        WHERE {where}
        ORDER BY p.province_code
        """,
        params,
    )


def communes(con: duckdb.DuckDBPyConnection, scope: Scope, province_code: str) -> pl.DataFrame:
    """Communes of a province within the scope, in Vietnamese alphabetical order: code, names, type."""
    where, params = scope_predicate(scope, "c")
    return query(
        con,
        f"""
        SELECT c.commune_code, c.name_vi, c.name_short, c.commune_type
        FROM dim_commune c
        WHERE c.province_code = $province AND {where}
        ORDER BY c.name_short COLLATE vi, c.commune_code
        """,
        {**params, "province": province_code},
    )


def fields(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The field taxonomy (the same for every scope; the scope is taken for uniformity)."""
    scope_predicate(scope, "d")
    return query(con, "SELECT field_code, name_vi, name_en FROM dim_field ORDER BY field_code")


def channels(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The channels (the same for every scope; the scope is taken for uniformity)."""
    scope_predicate(scope, "d")
    return query(con, "SELECT channel_code, name_vi, name_en FROM dim_channel ORDER BY channel_code")


def boundaries(
    con: duckdb.DuckDBPyConnection, scope: Scope, level: str, province_code: str | None = None
) -> pl.DataFrame:
    """Boundary polygons (GeoJSON geometry text) of the areas `rate_by_area` compares: code, geometry,
    approximate, source."""
    if level == "province":
        where, params = scope_predicate(scope, "p", commune_column=None)
        sql = f"""
            SELECT b.code, b.geometry, b.approximate, b.source
            FROM boundary b JOIN dim_province p ON p.province_code = b.code
            WHERE b.level = 'province' AND {where}
        """
    elif level == "commune":
        where, params = scope_predicate(scope, "c")
        params = {**params, "province": province_code}
        sql = f"""
            SELECT b.code, b.geometry, b.approximate, b.source
            FROM boundary b JOIN dim_commune c ON c.commune_code = b.code
            WHERE b.level = 'commune' AND c.province_code = $province AND {where}
        """
    else:
        raise ValueError(f"unknown level {level!r}")
    return query(con, sql + " ORDER BY b.code", params)


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics overview`: the Overview's rate-per-100,000 table for the filters, under the role's
    export rule (hidden counts empty with `suppressed` true, complementary suppression: the areas add up)."""
    from analytics import protected  # (protected builds on this module)

    del extra
    period = resolve_period(con, scope, filters)
    keyed = suppress.threshold(role, "export") is not None
    return protected.rate_by_area(rate_by_area(con, scope, period, cell_keys=keyed), role, "export")
