"""Hot spots of opinions per 100,000 people: Getis-Ord Gi* on empirically-Bayes-smoothed rates, FDR-corrected.

Method (stated on the "Bản đồ số" page and in `python -m analytics hotspots`):
1. Counts and populations per area come from `overview.rate_by_area` (the same denominators as the Overview,
   commune populations from table `population` or estimated there and flagged `population_estimated`).
2. Rates are stabilised by global empirical Bayes smoothing (Marshall 1991, method of moments): each area's
   rate is shrunk towards the overall rate, more strongly the smaller its population.
3. Spatial weights: Queen contiguity of the boundary polygons (table `boundary`; polygons within
   `CONTIGUITY_TOLERANCE` count as touching), binary, with each area its own neighbour (Gi*). An area with no contiguous neighbour (an island) is linked, both ways, to its
   `ISLAND_NEIGHBOURS` nearest areas by centroid distance.
4. Gi* z-scores are computed by PySAL `esda.G_Local(star=True, transform="B")`. p-values come from a
   permutation test (`permutation_p_values`, `PERMUTATIONS` seeded draws shared by all areas), not from the
   normal approximation: smoothed rates are skewed and an area has ~5 neighbours, and there the normal upper
   tail is several times too light (on the 100 North Carolina SIDS counties randomly relabelled, normal
   p-values raised a flag at q ≤ 0.10 in about a third of relabellings). With 99,999 draws the smallest p is
   1e-5, small enough for Benjamini–Hochberg across the 3,321 communes.
5. Classes from the BH q-value and the sign of z: hot/cold at 99% (q ≤ 0.01), 95% (q ≤ 0.05), 90% (q ≤ 0.10),
   otherwise not significant; `suppressed` where the viewer's role hides the area's small count.
For the roles with a threshold (`hotspots(..., perturbed=True)`) every area's count is its ABS cell-key
perturbed count (analytics.suppress, docs/disclosure-control.md) and the rates and every statistic above are
computed from those counts, so no shown figure (a rate, a smoothed rate, a z-score) gives an exact count back.
"""

from __future__ import annotations

import argparse
import functools
import warnings
from dataclasses import replace

import duckdb
import numpy as np
import polars as pl
import shapely
from scipy import sparse, stats

from analytics import overview, suppress
from analytics.filters import Filters
from analytics.scope import Scope

ISLAND_NEIGHBOURS = 3
PERMUTATIONS = 99_999  # smallest p = 1e-5: BH at q ≤ 0.05 over 3,321 communes needs p ≤ 0.05/3,321 ≈ 1.5e-5
SEED = 1996  # fixed: the same data always give the same p-values
CONTIGUITY_TOLERANCE = 1e-4  # degrees (~10 m): slivers between official polygons do not break contiguity
CONFIDENCE_LEVELS = ((0.01, "99"), (0.05, "95"), (0.10, "90"))
CLASSES = ("hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99", "suppressed")
CONTRACT_COLUMNS = [
    "code", "name", "count", "population", "rate_per_100k", "smoothed_rate", "gi_z", "p_value", "q_value", "hotspot",
]  # fmt: skip


# Pure statistics ---------------------------------------------------------------------------------------


def empirical_bayes(counts: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Global empirical Bayes rates (per person): w·r_i + (1−w)·m with w = s²/(s² + m/P_i), where m is the
    overall rate and s² the between-area variance by moments; s² < 0 (no excess variation) gives s² = 0."""
    counts = np.asarray(counts, dtype=float)
    population = np.asarray(population, dtype=float)
    if counts.size == 0:
        return counts
    mean = counts.sum() / population.sum()
    rate = counts / population
    variance = (population * (rate - mean) ** 2).sum() / population.sum() - mean / population.mean()
    variance = max(variance, 0.0)
    if variance == 0.0:
        return np.full_like(rate, mean)
    weight = variance / (variance + mean / population)
    return weight * rate + (1.0 - weight) * mean


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted as a test."""
    p = np.asarray(p_values, dtype=float)
    q = np.full_like(p, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        q[tested] = stats.false_discovery_control(p[tested], method="bh")
    return q


def classify(z: np.ndarray, q: np.ndarray) -> list[str]:
    """hot_99 / hot_95 / hot_90 / cold_… / not_significant from q-values and the sign of z."""
    out = []
    for zi, qi in zip(np.asarray(z, dtype=float), np.asarray(q, dtype=float), strict=True):
        label = "not_significant"
        if not (np.isnan(zi) or np.isnan(qi)) and zi != 0:
            for level, name in CONFIDENCE_LEVELS:
                if qi <= level:
                    label = f"{'hot' if zi > 0 else 'cold'}_{name}"
                    break
        out.append(label)
    return out


def spatial_weights(codes: list[str], geometries: list[str], k_islands: int = ISLAND_NEIGHBOURS):
    """Binary libpysal weights over `codes` from GeoJSON polygons: Queen contiguity, islands linked both ways
    to their `k_islands` nearest areas (centroid distance, longitude scaled by cos(latitude)).
    Returns (W, list of island codes)."""
    from libpysal.weights import W

    shapes = shapely.from_geojson(geometries)
    shapes = shapely.make_valid(shapes)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=CONTIGUITY_TOLERANCE)
    neighbours: dict[str, set[str]] = {code: set() for code in codes}
    for i, j in zip(left, right, strict=True):
        if i != j:
            neighbours[codes[i]].add(codes[j])
    islands = [code for code in codes if not neighbours[code]]
    if islands and len(codes) > 1:
        centroids = shapely.centroid(shapes)
        x, y = shapely.get_x(centroids), shapely.get_y(centroids)
        x = x * np.cos(np.radians(np.nanmean(y)))
        index = {code: i for i, code in enumerate(codes)}
        for code in islands:
            i = index[code]
            distance = np.hypot(x - x[i], y - y[i])
            distance[i] = np.inf
            for j in np.argsort(distance)[: min(k_islands, len(codes) - 1)]:
                neighbours[code].add(codes[j])
                neighbours[codes[j]].add(code)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands/components; handled above
        weights = W({c: sorted(n) for c, n in neighbours.items()}, id_order=codes, silence_warnings=True)
    return weights, islands


def getis_ord(
    values: np.ndarray, weights, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores (esda, binary weights with self-neighbour) and two-sided permutation p-values
    (`permutation_p_values`; `permutations=0`: the normal approximation, for comparison only).
    A constant variable has no hot spots: z = 0, p = 1."""
    from esda.getisord import G_Local

    if permutations < 0:
        raise ValueError(f"permutations must be 0 (normal approximation) or more, not {permutations}")
    y = np.asarray(values, dtype=float)
    if y.size < 3 or np.allclose(y, y[0]):
        return np.zeros_like(y), np.ones_like(y)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        g = G_Local(y, weights, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float), nan=0.0)
    if permutations == 0:
        return z, 2.0 * stats.norm.sf(np.abs(z))
    adjacency = (weights.sparse != 0).astype(float).tocsr()
    adjacency = (adjacency - sparse.diags(adjacency.diagonal())).tocsr()
    adjacency.eliminate_zeros()
    return z, permutation_p_values(y, adjacency, permutations=permutations, seed=seed)


def permutation_p_values(
    values: np.ndarray, adjacency, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> np.ndarray:
    """Two-sided permutation p-values of Gi* with binary weights and the area itself included: under the null
    hypothesis of no spatial pattern (the values exchangeable over the map), the values of area i and its k_i
    neighbours are k_i + 1 values drawn without replacement from all n areas. Gi* is a monotone function of
    their sum S_i, so the statistic is |S_i − (k_i + 1)·mean| and p = (1 + #draws at least as far from the
    mean) / (permutations + 1): valid (never too small) however skewed the values are.

    This is "total" randomisation (spdep's `fix_i_in_Gstar_permutations=FALSE`): holding the area's own value
    fixed would test only its neighbours and miss the edge of a cluster.

    `adjacency`: n × n sparse 0/1 matrix without the diagonal. The draws are shared by every area (one pool of
    ordered samples without replacement, whose first k + 1 entries serve the areas with k neighbours), so the
    cost per number of neighbours is one cumulative sum, one sort of the sums and a binary search per area,
    not k_i gathers per area per draw."""
    y = np.asarray(values, dtype=float)
    n = y.size
    p = np.ones(n)
    size = np.diff(adjacency.indptr) + 1  # the area and its neighbours
    tested = (size > 1) & (size < n)  # no neighbour is no cluster; a star of every area cannot vary
    if n < 3 or not tested.any():
        return p
    observed = y + np.asarray(adjacency @ y, dtype=float).ravel()
    centre = size * y.mean()
    spread = np.abs(observed - centre)
    tolerance = 1e-9 * size * (np.abs(y).max() + 1e-300)
    tested &= spread > tolerance  # at the expected sum: every draw is as far, p = 1
    if not tested.any():
        return p
    lower, upper = centre - spread + tolerance, centre + spread - tolerance
    sums = np.cumsum(y[_ordered_samples(permutations, int(size[tested].max()), n, seed)], axis=0)
    count = np.zeros(n, dtype=np.int64)
    for k in np.unique(size[tested]):
        sites = np.flatnonzero(tested & (size == k))
        count[sites] = _outside(sums[k - 1], lower[sites], upper[sites])
    p[tested] = (1.0 + count[tested]) / (permutations + 1.0)
    return p


def _outside(draws: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """For each j, how many draws are ≤ lower[j] or ≥ upper[j] (lower < upper): one sort of the draws, then a
    binary search per bound."""
    ordered = np.sort(draws)
    return np.searchsorted(ordered, lower, side="right") + (draws.size - np.searchsorted(ordered, upper, side="left"))


@functools.lru_cache(maxsize=4)
def _ordered_samples(draws: int, size: int, population: int, seed: int) -> np.ndarray:
    """size × draws positions in range(population), each column an ordered sample without replacement (so
    its first k rows are a uniform k-subset for every k): row by row, entries equal to an earlier one in their
    column are drawn again. Cached: the draws depend only on the shape and the seed, not on the data."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, draws), dtype=np.int32)
    for j in range(size):
        row = rng.integers(0, population, draws, dtype=np.int32)
        redo = np.flatnonzero((out[:j] == row).any(axis=0))
        while redo.size:
            row[redo] = rng.integers(0, population, redo.size, dtype=np.int32)
            redo = redo[(out[:j, redo] == row[redo]).any(axis=0)]
        out[j] = row
    out.flags.writeable = False
    return out


def hotspot_table(
    areas: pl.DataFrame, boundaries: pl.DataFrame, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> pl.DataFrame:
    """Areas (code, opinions, population, …) + polygons (code, geometry) -> the areas with smoothed_rate
    (per 100,000), gi_z, p_value, q_value, hotspot and `island` (linked by nearest neighbours).
    Areas without a population or a polygon are not tested (hotspot = not_significant, statistics null).
    `permutations=0` uses the normal approximation instead (for comparison; not calibrated on skewed rates)."""
    missing = [c for c in ("code", "opinions", "population") if c not in areas.columns] + [
        c for c in ("code", "geometry") if c not in boundaries.columns
    ]
    if missing:
        raise ValueError(
            "hotspot_table needs areas with columns code, opinions, population and boundaries with code, "
            f"geometry (GeoJSON); missing: {', '.join(missing)}"
        )
    shapes = boundaries.select("code", "geometry").unique("code", keep="first")
    testable = areas.join(shapes, on="code", how="inner").filter(
        (pl.col("population") > 0) & pl.col("population").is_not_null()
    )
    testable = testable.sort("code")
    result = pl.DataFrame(
        schema={"code": pl.String, "smoothed_rate": pl.Float64, "gi_z": pl.Float64, "p_value": pl.Float64,
                "q_value": pl.Float64, "hotspot": pl.String, "island": pl.Boolean}
    )  # fmt: skip
    if testable.height:
        codes = testable["code"].to_list()
        counts = testable["opinions"].to_numpy().astype(float)
        population = testable["population"].to_numpy().astype(float)
        smoothed = empirical_bayes(counts, population) * overview.PER_PEOPLE
        if testable.height >= 3:
            weights, islands = spatial_weights(codes, testable["geometry"].to_list())
            z, p = getis_ord(smoothed, weights, permutations=permutations, seed=seed)
        else:
            islands, z, p = [], np.full(len(codes), np.nan), np.full(len(codes), np.nan)
        q = benjamini_hochberg(p)
        result = pl.DataFrame(
            {
                "code": codes,
                "smoothed_rate": smoothed,
                "gi_z": z,
                "p_value": p,
                "q_value": q,
                "hotspot": classify(z, q),
                "island": [c in set(islands) for c in codes],
            }
        ).with_columns(pl.col("gi_z", "p_value", "q_value").fill_nan(None))
    return areas.join(result, on="code", how="left").with_columns(
        pl.col("hotspot").fill_null("not_significant"), pl.col("island").fill_null(False)
    )


def apply_role(table: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """The small-count rule of `role`: areas with a hidden count lose their count, rates and statistics and
    get hotspot = "suppressed". For the roles with a threshold `table` must come from hotspots(...,
    perturbed=True) (its counts perturbed, the threshold applying to them)."""
    if suppress.threshold(role, medium) is not None and not ("perturbed" in table.columns and table["perturbed"].all()):
        raise ValueError("protected hot spots need perturbed counts: hotspots(..., perturbed=True)")
    hidden = suppress.suppress(
        table,
        role,
        medium,
        count="count",
        dependent=["rate_per_100k", "smoothed_rate", "gi_z", "p_value", "q_value"],
    )
    return hidden.with_columns(
        pl.when(pl.col("suppressed")).then(pl.lit("suppressed")).otherwise(pl.col("hotspot")).alias("hotspot")
    )


# Warehouse questions -----------------------------------------------------------------------------------


def area_counts(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    level: str,
    province_code: str | None = None,
    *,
    cell_keys: bool = False,
) -> pl.DataFrame:
    """Opinions and population per area (overview.rate_by_area): provinces of the country, the communes of
    `province_code`, or (level commune, no province) every commune of the provinces in scope. With
    `cell_keys`, each area's cell key (`cell_key`)."""
    if level not in ("province", "commune"):
        raise ValueError(f"unknown level {level!r}")
    rate = functools.partial(overview.rate_by_area, con, scope, cell_keys=cell_keys)
    if level == "province" and scope.province_code is None:
        return rate(replace(filters, province_code=None, commune_code=None))
    if province_code is not None:
        return rate(replace(filters, province_code=province_code, commune_code=None))
    parts = [
        rate(replace(filters, province_code=code, commune_code=None))
        for code in overview.provinces(con, scope)["province_code"].to_list()
    ]
    return pl.concat(parts) if parts else rate(filters)


def perturb_areas(areas: pl.DataFrame) -> pl.DataFrame:
    """area_counts(..., cell_keys=True) with each area's opinions perturbed by its cell key and the rate per
    100,000 recomputed from them (the key dropped)."""
    shown = [suppress.perturbed(n, k) for n, k in zip(areas["opinions"], areas["cell_key"], strict=True)]
    return (
        areas.with_columns(pl.Series("opinions", shown, dtype=areas.schema["opinions"]))
        .with_columns(
            pl.when(pl.col("population") > 0)
            .then(pl.col("opinions") * overview.PER_PEOPLE / pl.col("population"))
            .alias("rate_per_100k")
        )
        .drop("cell_key")
    )


def hotspots(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    level: str,
    province_code: str | None = None,
    *,
    perturbed: bool = False,
) -> pl.DataFrame:
    """One row per area: code, name, level, count, population, population_estimated, rate_per_100k,
    smoothed_rate, gi_z, p_value, q_value, hotspot, island, perturbed — before any role's small-count rule.
    With `perturbed` (the roles with a threshold: apply_role requires it), the counts are cell-key perturbed
    and the rates and statistics computed from them."""
    areas = area_counts(con, scope, filters, level, province_code, cell_keys=perturbed)
    if perturbed:
        areas = perturb_areas(areas)
    area_level = areas["level"][0] if areas.height else level
    province = scope.province_code or (province_code if area_level == "commune" else None)
    if area_level == "commune" and province is None:
        boundaries = _all_commune_boundaries(con, scope)
    else:
        boundaries = overview.boundaries(con, scope, area_level, province)
    table = hotspot_table(areas, boundaries).rename({"opinions": "count"})
    return table.select(
        "code", "name", "level", "count", "population", "population_estimated", "population_source", "rate_per_100k",
        "smoothed_rate", "gi_z", "p_value", "q_value", "hotspot", "island", pl.lit(perturbed).alias("perturbed"),
    ).sort("code")  # fmt: skip


def _all_commune_boundaries(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    parts = [
        overview.boundaries(con, scope, "commune", code)
        for code in overview.provinces(con, scope)["province_code"].to_list()
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"code": pl.String, "geometry": pl.String})


def report(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame:
    """`python -m analytics hotspots --level province|commune`: the contract columns, the role's export rule."""
    parser = argparse.ArgumentParser(prog="python -m analytics hotspots")
    parser.add_argument("--level", choices=("province", "commune"), default="province")
    args = parser.parse_args(extra)
    period = overview.resolve_period(con, scope, filters)
    keyed = suppress.threshold(role, "export") is not None
    table = hotspots(con, scope, period, args.level, period.province_code, perturbed=keyed)
    table = apply_role(table, role, "export")
    return table.select(*CONTRACT_COLUMNS, "population_estimated", "suppressed")
