"""Hot spots: Gi* equals esda's, the textbook formula and the published Getis–Ord (1996) value; permutation
p-values equal the exact permutation distribution; on a real skewed data set randomly relabelled (North Carolina
SIDS) any flag at q ≤ α happens in at most a share α of relabellings; weights handle islands, EB and BH are
right, planted clusters are found (recall ≥ 0.9) and uniform data are rarely flagged (< 5%), the command prints
the contract and roles hide small counts."""

from __future__ import annotations

import itertools
import json
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from esda.getisord import G_Local
from esda.smoothing import Empirical_Bayes
from libpysal.weights import DistanceBand, lat2W
from scipy import sparse, stats

from analytics import db, hotspots
from analytics.__main__ import main
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.digital_map import areas, cluster_codes, lattice

SEEDS = range(6)
EXTERNAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "external"
RELABELLINGS = 200


def _gi_star_textbook(y: np.ndarray, neighbours: dict[int, list[int]]) -> np.ndarray:
    """Getis & Ord (1995) Gi* with binary weights including i itself, written independently of esda."""
    n, mean, s = len(y), y.mean(), y.std()
    z = np.empty(n)
    for i in range(n):
        members = [i, *neighbours[i]]
        w = len(members)
        z[i] = (y[members].sum() - mean * w) / (s * np.sqrt((n * w - w**2) / (n - 1)))
    return z


def test_gi_star_equals_esda_and_the_textbook_formula():
    grid = lattice(6, 7)
    y = np.random.default_rng(3).gamma(2.0, 10.0, 42)
    weights, islands = hotspots.spatial_weights(
        grid.boundaries["code"].to_list(), grid.boundaries["geometry"].to_list()
    )
    z, p = hotspots.getis_ord(y, weights)
    reference = G_Local(y, lat2W(6, 7, rook=False), transform="B", star=True, permutations=0)
    assert islands == []
    np.testing.assert_allclose(z, reference.Zs, rtol=1e-9)
    index = {code: i for i, code in enumerate(weights.id_order)}
    neighbours = {index[c]: [index[n] for n in weights.neighbors[c]] for c in weights.id_order}
    np.testing.assert_allclose(z, _gi_star_textbook(y, neighbours), rtol=1e-9)
    assert p.min() >= 1 / (hotspots.PERMUTATIONS + 1) and p.max() <= 1
    _, normal = hotspots.getis_ord(y, weights, permutations=0)
    np.testing.assert_allclose(normal, 2 * (1 - stats.norm.cdf(np.abs(z))), atol=1e-12)


def test_published_getis_ord_1996_grid_value():
    """spdep's localG example: Getis & Ord (1996, p. 266) 16 × 16 grid of 30 m cells, neighbours within 30 m
    plus the cell itself, binary weights: Gi* of cell 120 (1-based; their cell 136) is 1.45078."""
    grid = pl.read_csv(EXTERNAL / "getisord.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = DistanceBand(grid.select("x", "y").to_numpy(), threshold=30, binary=True, silence_warnings=True)
    z, _ = hotspots.getis_ord(grid["val"].to_numpy(), weights)
    assert z[119] == pytest.approx(1.45078, abs=5e-6)


def test_permutation_p_values_equal_the_exact_permutation_distribution():
    """Every subset of 9 values enumerated: the share of (k+1)-subsets whose sum is at least as far from its
    mean as the area's own star; the Monte Carlo p-value is within 4 standard errors of it."""
    y = np.random.default_rng(5).gamma(0.5, 10.0, 9)
    stars = {0: [1, 2, 3], 4: [5, 6], 8: [0, 1, 2, 3, 4], 2: [0], 5: [4], 7: [0, 1, 2, 3, 4, 5, 6, 8]}
    adjacency = np.zeros((9, 9))
    for i, js in stars.items():
        adjacency[i, js] = 1
    p = hotspots.permutation_p_values(y, sparse.csr_matrix(adjacency))
    for i, js in stars.items():
        members = [i, *js]
        centre = len(members) * y.mean()
        sums = np.array([y[list(c)].sum() for c in itertools.combinations(range(9), len(members))])
        exact = (np.abs(sums - centre) >= abs(y[members].sum() - centre) - 1e-12).mean()
        assert abs(p[i] - exact) <= 4 * np.sqrt(exact * (1 - exact) / hotspots.PERMUTATIONS) + 1e-5, i
    assert p[7] == 1.0  # the star of every area cannot vary
    assert [p[i] for i in (1, 3, 6)] == [1.0] * 3  # no neighbour: its own value alone
    np.testing.assert_array_equal(p, hotspots.permutation_p_values(y, sparse.csr_matrix(adjacency)))


def test_an_extreme_cluster_reaches_the_smallest_p_value():
    grid = lattice(12, 12)
    weights, _ = hotspots.spatial_weights(grid.boundaries["code"].to_list(), grid.boundaries["geometry"].to_list())
    y = np.random.default_rng(2).gamma(2.0, 1.0, 144)
    centre = weights.id_order.index(grid.code(6, 6))
    y[[centre, *(weights.id_order.index(c) for c in weights.neighbors[grid.code(6, 6)])]] += 100.0
    _, p = hotspots.getis_ord(y, weights)
    assert p[centre] == pytest.approx(1 / (hotspots.PERMUTATIONS + 1))


def _sids_relabelled(permutations: int) -> tuple[float, float]:
    """Shares of random relabellings of the 100 North Carolina counties' SIDS deaths and births (1974) in
    which `hotspot_table` flags any county at q ≤ 0.10 and at q ≤ 0.05."""
    sids = pl.read_csv(EXTERNAL / "sids2.csv", schema_overrides={"FIPS": pl.String})
    boundaries = sids.select(pl.col("FIPS").alias("code"), "geometry")
    deaths, births = sids["SID74"].to_numpy(), sids["BIR74"].to_numpy()
    rng = np.random.default_rng(2026)
    smallest = []
    for _ in range(RELABELLINGS):
        order = rng.permutation(sids.height)
        areas = pl.DataFrame({"code": sids["FIPS"], "opinions": deaths[order], "population": births[order]})
        table = hotspots.hotspot_table(areas, boundaries, permutations=permutations)
        smallest.append(table["q_value"].min())
    smallest = np.array(smallest)
    return float((smallest <= 0.10).mean()), float((smallest <= 0.05).mean())


def test_relabelled_sids_counties_flag_no_more_often_than_the_fdr_level():
    """No spatial structure, every hypothesis null: BH's FDR is the chance of any flag, at most q."""
    any_10, any_05 = _sids_relabelled(hotspots.PERMUTATIONS)
    assert any_10 <= 0.10 and any_05 <= 0.05


def test_normal_approximation_flags_relabelled_sids_counties_too_often():
    """Why the permutation test: on these skewed smoothed rates the normal p-values flag far more often."""
    any_10, any_05 = _sids_relabelled(permutations=0)
    assert any_10 > 0.15 and any_05 > 0.10


def test_queen_weights_and_islands_linked_to_nearest_areas():
    grid = lattice(4, 4)
    far = json.dumps(
        {"type": "Polygon", "coordinates": [[[110, 20], [110.1, 20], [110.1, 20.1], [110, 20.1], [110, 20]]]}
    )
    codes = [*grid.boundaries["code"].to_list(), "99999"]
    weights, islands = hotspots.spatial_weights(codes, [*grid.boundaries["geometry"].to_list(), far], k_islands=2)
    assert islands == ["99999"]
    assert len(weights.neighbors[grid.code(1, 1)]) >= 8  # interior: 8 queen neighbours (+ maybe the island)
    assert set(weights.neighbors[grid.code(0, 0)]) >= {grid.code(0, 1), grid.code(1, 0), grid.code(1, 1)}
    nearest = set(weights.neighbors["99999"])
    assert len(nearest) == 2 and nearest <= {grid.code(3, 3), grid.code(3, 2), grid.code(2, 3)}
    for code in nearest:  # symmetric
        assert "99999" in weights.neighbors[code]


def test_empirical_bayes_matches_esda_and_shrinks_small_areas_more():
    rng = np.random.default_rng(1)
    population = rng.integers(500, 100_000, 200)
    counts = rng.poisson(population * rng.gamma(4, 0.0005, 200))
    smoothed = hotspots.empirical_bayes(counts, population)
    np.testing.assert_allclose(smoothed, Empirical_Bayes(counts, population).r.ravel(), rtol=1e-9)
    mean = counts.sum() / population.sum()
    shrink = np.abs(smoothed - counts / population) / np.maximum(np.abs(counts / population - mean), 1e-12)
    small, large = population < 5_000, population > 50_000
    assert shrink[small].mean() > shrink[large].mean()


def test_empirical_bayes_without_excess_variation_is_the_overall_rate():
    population = np.full(50, 1_000_000)
    counts = np.full(50, 100)
    np.testing.assert_allclose(hotspots.empirical_bayes(counts, population), 1e-4)


def test_benjamini_hochberg_by_hand_and_nan_kept():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.20])
    q = hotspots.benjamini_hochberg(p)
    # sorted p: .01 .03 .04 .20 (m = 4) -> .04, .0533, .0533, .20
    np.testing.assert_allclose(q[[0, 2, 1, 4]], [0.04, 0.04 / 0.75, 0.04 / 0.75, 0.2])
    assert np.isnan(q[3])


def test_classes_from_q_and_sign():
    assert hotspots.classify(np.array([3.0, -3.0, 2.0, 1.0, np.nan]), np.array([0.005, 0.03, 0.08, 0.5, np.nan])) == [
        "hot_99",
        "cold_95",
        "hot_90",
        "not_significant",
        "not_significant",
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_clusters_are_found_with_recall_at_least_90_percent(seed):
    grid = lattice(20, 20)
    rng = np.random.default_rng(100 + seed)
    centres = [(int(rng.integers(2, 18)), int(rng.integers(2, 18))) for _ in range(3)]
    planted = cluster_codes(grid, centres)
    table = hotspots.hotspot_table(areas(grid, seed, planted), grid.boundaries)
    hot = set(table.filter(pl.col("hotspot").str.starts_with("hot"))["code"])
    assert len(hot & planted) / len(planted) >= 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_uniform_rates_flag_fewer_than_5_percent(seed):
    grid = lattice(20, 20)
    table = hotspots.hotspot_table(areas(grid, 1000 + seed), grid.boundaries)
    flagged = table.filter(pl.col("hotspot") != "not_significant").height
    assert flagged / table.height < 0.05


def test_hotspots_on_the_fixture_warehouse(warehouse):
    con = db.open_warehouse(warehouse.path)
    try:
        table = hotspots.hotspots(con, Scope.all(), Filters(date(2025, 1, 1), date(2026, 3, 31)), "province")
        communes = hotspots.hotspots(con, Scope.all(), Filters(date(2025, 1, 1), date(2026, 3, 31)), "commune", "01")
        scoped = hotspots.hotspots(con, Scope("79"), Filters(date(2025, 1, 1), date(2026, 3, 31)), "province")
    finally:
        con.close()
    assert table.height == 34 and set(table["hotspot"]) <= set(hotspots.CLASSES)
    expected = warehouse.feedback.group_by("province_code").len()
    assert dict(zip(table["code"], table["count"], strict=True)) == dict(expected.iter_rows())
    assert table["gi_z"].null_count() == 0 and table["q_value"].min() >= table["p_value"].min()
    assert set(communes["code"]) == set(warehouse.communes.filter(pl.col("province_code") == "01")["commune_code"])
    assert scoped["level"].unique().to_list() == ["commune"]  # a province scope compares its communes
    assert set(scoped["code"]) == set(warehouse.communes.filter(pl.col("province_code") == "79")["commune_code"])


@pytest.mark.parametrize(
    ("role", "medium", "limit"),
    [("analyst", "export", None), ("leader", "screen", 5), ("leader", "export", 10), ("public", "screen", 10)],
)
def test_roles_hide_small_counts_and_their_statistics(role, medium, limit):
    grid = lattice(5, 5)
    table = hotspots.hotspot_table(areas(grid, 7), grid.boundaries).rename({"opinions": "count"})
    table = table.with_columns(pl.Series("count", list(range(25))), pl.lit(1.0).alias("rate_per_100k"))
    if limit is not None:  # a protected role needs hotspots(..., perturbed=True): the counts stand for those
        with pytest.raises(ValueError, match="perturbed"):
            hotspots.apply_role(table, role, medium)
        table = table.with_columns(pl.lit(True).alias("perturbed"))
    shown = hotspots.apply_role(table, role, medium)
    hidden = shown.filter("suppressed")
    assert hidden.height == (0 if limit is None else limit)
    assert hidden["hotspot"].unique().to_list() in ([], ["suppressed"])
    assert (
        hidden.select("count", "rate_per_100k", "smoothed_rate", "gi_z", "q_value").null_count().row(0)
        == (hidden.height,) * 5
    )
    assert shown.filter(~pl.col("suppressed"))["count"].null_count() == 0


def test_command_prints_the_contract_columns(warehouse, capsys):
    code = main(["hotspots", "--level", "commune", "--province", "01", "--from", "2025-01-01", "--to", "2026-03-31"])
    out = capsys.readouterr().out
    assert code == 0
    frame = pl.read_csv(out.encode(), schema_overrides={"code": pl.String})
    assert frame.columns[: len(hotspots.CONTRACT_COLUMNS)] == hotspots.CONTRACT_COLUMNS
    assert frame.height == warehouse.communes.filter(pl.col("province_code") == "01").height
    assert main(["hotspots", "--level", "province", "--role", "public", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 34 and all((r["count"] is None) == r["suppressed"] for r in rows)


def test_bad_input_gets_a_clear_error():
    grid = lattice(3, 3)
    with pytest.raises(ValueError, match="missing: opinions"):
        hotspots.hotspot_table(areas(grid, 1).drop("opinions"), grid.boundaries)
    with pytest.raises(ValueError, match="permutations must be 0"):
        hotspots.getis_ord(np.arange(9.0), hotspots.spatial_weights(grid.boundaries["code"].to_list(),
                                                                    grid.boundaries["geometry"].to_list())[0],
                           permutations=-1)  # fmt: skip
