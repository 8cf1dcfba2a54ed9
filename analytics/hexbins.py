"""Opinion density on H3 hexagons (the analysts' alternative map layer).

Each opinion is placed at its own `lat`/`lon` when the export had one (app reports with a location) and at its
commune's centroid otherwise; opinions with neither (province only) are counted but not drawn. Coordinates are
rounded before indexing (≈1 km for the country, ≈100 m inside a province), far below the hexagon size.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import h3
import polars as pl

from analytics import suppress
from analytics.db import query
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate

COUNTRY_RESOLUTION = 5  # ≈250 km² per hexagon
PROVINCE_RESOLUTION = 7  # ≈5 km² per hexagon
_DECIMALS = {COUNTRY_RESOLUTION: 2, PROVINCE_RESOLUTION: 3}


@dataclass(frozen=True)
class Density:
    """Hexagon counts (columns hex, count) and where the positions came from."""

    cells: pl.DataFrame
    resolution: int
    own_location: int | None  # None: hidden by the viewer's small-count rule (analytics.protected.density)
    commune_centroid: int | None
    not_placed: int | None
    # with cell_keys=True: the cell keys of the three counts (cells then have a `cell_key` column too)
    keys: dict[str, int] | None = None

    @property
    def own_share(self) -> float | None:
        """Share (0–1) of the drawn opinions placed at their own coordinates."""
        if self.own_location is None or self.commune_centroid is None:
            return None
        drawn = self.own_location + self.commune_centroid
        return min(self.own_location / drawn, 1.0) if drawn else None


def resolution_for(scope: Scope, filters: Filters) -> int:
    """Finer hexagons inside a province than for the whole country."""
    return PROVINCE_RESOLUTION if (scope.province_code or filters.province_code) else COUNTRY_RESOLUTION


def to_cells(points: pl.DataFrame, resolution: int) -> pl.DataFrame:
    """Pure: (lat, lon, n) points -> (hex, count) at `resolution`, busiest first (with the points' `key`
    column, their cell keys: hex, count, cell_key)."""
    cells = [h3.latlng_to_cell(lat, lon, resolution) for lat, lon in points.select("lat", "lon").iter_rows()]
    keyed = "key" in points.columns
    return (
        points.select(pl.Series("hex", cells, dtype=pl.String), pl.col("n"), *(["key"] if keyed else []))
        .group_by("hex")
        .agg(
            pl.col("n").sum().alias("count"),
            *([(pl.col("key").cast(pl.Int64).sum() % suppress.KEY_MODULUS).alias("cell_key")] if keyed else []),
        )
        .sort(["count", "hex"], descending=[True, False])
    )


def density(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    resolution: int | None = None,
    *,
    cell_keys: bool = False,
) -> Density:
    """Opinions per H3 hexagon under the filters, with the counts by origin of the position. With `cell_keys`
    (the protected roles: analytics.protected.density), every count's cell key too."""
    resolution = resolution or resolution_for(scope, filters)
    scope_sql, scope_params = scope_predicate(scope, "f")
    filter_sql, filter_params = filter_predicate(filters, "f")
    points = query(
        con,
        f"""
        SELECT round(coalesce(f.lat, c.lat), $decimals) AS lat, round(coalesce(f.lon, c.lon), $decimals) AS lon,
               f.lat IS NOT NULL AND f.lon IS NOT NULL AS own, count(*) AS n
               {f", {suppress.cell_key_sql('f')} AS key" if cell_keys else ""}
        FROM feedback f LEFT JOIN dim_commune c ON c.commune_code = f.commune_code
        WHERE {scope_sql} AND {filter_sql}
        GROUP BY ALL
        """,
        {**scope_params, **filter_params, "decimals": _DECIMALS.get(resolution, 3),
         **(suppress.key_params() if cell_keys else {})},
    )  # fmt: skip
    placed = points.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    key = lambda part: int(part["key"].cast(pl.Int64).sum() or 0) % suppress.KEY_MODULUS  # noqa: E731
    keys = (
        {
            "own_location": key(placed.filter("own")),
            "commune_centroid": key(placed.filter(~pl.col("own"))),
            "not_placed": key(points.filter(pl.col("lat").is_null() | pl.col("lon").is_null())),
        }
        if cell_keys
        else None
    )
    return Density(
        cells=to_cells(placed, resolution),
        resolution=resolution,
        own_location=int(placed.filter("own")["n"].sum()),
        commune_centroid=int(placed.filter(~pl.col("own"))["n"].sum()),
        not_placed=int(points["n"].sum() - placed["n"].sum()),
        keys=keys,
    )
