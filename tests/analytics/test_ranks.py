"""Rank intervals of the trust index (analytics.trust.rank_intervals): what they cover, checked by simulation
from known true scores with Student-t errors; a missing standard error is never exact; the simultaneous
single-step simultaneous intervals agree with Tukey's studentized range, step-down ones are never wider."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from analytics.trust import RANK_LEVEL, rank_intervals


def _simulated_waves(
    theta: np.ndarray, se: np.ndarray, df: np.ndarray, replications: int, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`replications` independent surveys of the same provinces, one per wave: estimate = θ + se·t(df)."""
    rng = np.random.default_rng(seed)
    m = theta.size
    codes = [f"{i:02d}" for i in range(m)]
    estimates = theta + se * rng.standard_t(df, size=(replications, m))
    frame = pl.DataFrame(
        {
            "province_code": codes * replications,
            "wave": np.repeat([f"r{r:04d}" for r in range(replications)], m),
            "index": estimates.ravel(),
            "se": np.tile(se, replications),
            "df": np.tile(df, replications),
        }
    )
    truth = pl.DataFrame({"province_code": codes, "true_rank": stats.rankdata(-theta).astype(np.int64)})
    return frame, truth


def _coverage(ranks: pl.DataFrame, truth: pl.DataFrame) -> tuple[float, float]:
    """Marginal coverage (province-waves whose interval holds the true rank) and simultaneous coverage (waves
    whose joint intervals hold every province's true rank at once)."""
    covered = ranks.join(truth, on="province_code").select(
        "wave",
        pl.col("true_rank").is_between("rank_low", "rank_high").alias("marginal"),
        pl.col("true_rank").is_between("rank_low_joint", "rank_high_joint").alias("joint"),
    )
    return covered["marginal"].mean(), covered.group_by("wave").agg(pl.col("joint").all())["joint"].mean()  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("spacing", "dfs"),
    [
        (0.5, [2, 3, 4, 6, 10, 30]),  # crowded, heavy tails: where normal draws under-cover (about 80%)
        (4.0, [2, 3, 5, 8, 20, 60]),  # spread out: narrow intervals, one wrong "surely above" would show
    ],
)
def test_marginal_and_simultaneous_coverage_reach_the_nominal_level(spacing: float, dfs: list[int]) -> None:
    m, replications = 12, 300
    theta = 50 + spacing * np.arange(m)
    se = np.linspace(1.0, 2.0, m)
    df = np.resize(np.array(dfs, dtype=float), m)
    frame, truth = _simulated_waves(theta, se, df, replications, seed=11)
    ranks = rank_intervals(frame, draws=1000, level=RANK_LEVEL)
    marginal, joint = _coverage(ranks, truth)
    assert marginal >= RANK_LEVEL and joint >= RANK_LEVEL
    width = (ranks["rank_high"] - ranks["rank_low"]).mean()
    assert width < m - 1  # informative, not every position


def test_a_province_without_standard_error_is_never_ranked_exactly() -> None:
    """Known provinces far apart with tiny SEs are surely ordered among themselves; the one without an SE could
    be anywhere: its intervals span 1..5 and every other interval leaves room for it."""
    frame = pl.DataFrame(
        {
            "province_code": ["01", "02", "03", "04", "05"],
            "wave": "w",
            "index": [40.0, 30.0, 25.0, 20.0, 10.0],
            "se": [0.01, 0.01, None, 0.01, 0.01],
            "df": [50, 50, 50, 50, 50],
        }
    )
    ranks = rank_intervals(frame).sort("province_code")
    unknown = ranks.row(2, named=True)
    assert unknown["rank"] == 3  # ranked on its point estimate ...
    assert (unknown["rank_low"], unknown["rank_high"]) == (1, 5)  # ... but could be anywhere
    assert (unknown["rank_low_joint"], unknown["rank_high_joint"]) == (1, 5)
    widened = [(1, 2), (2, 3), (1, 5), (3, 4), (4, 5)]  # each would be exact without the unknown province
    assert ranks.select("rank_low", "rank_high").rows() == widened
    assert ranks.select("rank_low_joint", "rank_high_joint").rows() == widened
    # NaN, a negative SE and df ≤ 0 are no standard error either
    nan, negative, no_df = float("nan"), -1.0, 0
    for broken in ({"se": [0.01, 0.01, nan, 0.01, 0.01]}, {"se": [0.01, 0.01, negative, 0.01, 0.01]},
                   {"df": [50, 50, no_df, 50, 50]}):  # fmt: skip
        again = rank_intervals(frame.with_columns(**{k: pl.Series(v) for k, v in broken.items()})).sort("province_code")
        assert again.select("rank_low", "rank_high").row(2) == (1, 5)


def test_degrees_of_freedom_widen_the_intervals() -> None:
    """The same estimates and SEs with few degrees of freedom (heavier t tails) give intervals at least as wide
    as with the normal (no df column), and wider for some province."""
    theta = 50 + 1.5 * np.arange(10)
    frame = pl.DataFrame(
        {"province_code": [f"{i:02d}" for i in range(10)], "wave": "w", "index": theta, "se": 1.0, "df": 3}
    )
    few = rank_intervals(frame).sort("province_code")
    normal = rank_intervals(frame.drop("df")).sort("province_code")
    width_few = few["rank_high"] - few["rank_low"]
    width_normal = normal["rank_high"] - normal["rank_low"]
    assert (width_few >= width_normal).all() and (width_few > width_normal).any()


def test_single_step_joint_intervals_follow_tukeys_studentized_range() -> None:
    """Equal SEs, normal errors: single-step, two provinces are surely ordered at once when their difference
    exceeds q·se, q the studentized range's 90% point for 8 means (Tukey's HSD, infinite df). Step-down, the
    pairs already ordered leave the family and a closer pair gets ordered too."""
    q = stats.studentized_range.ppf(RANK_LEVEL, 8, np.inf)
    far = [20 * q, 30 * q, 40 * q, 50 * q]
    frame = pl.DataFrame(
        {
            "province_code": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "wave": "w",
            "index": [0.0, 1.03 * q, 10 * q, 10.97 * q, *far],  # a–b just beyond q, c–d just within
            "se": 1.0,
        }
    )
    single = rank_intervals(frame, draws=20_000, stepdown=False).sort("province_code")
    joint = dict(zip(single["province_code"], single.select("rank_low_joint", "rank_high_joint").rows(), strict=True))
    assert joint["a"] == (8, 8) and joint["b"] == (7, 7)  # surely ordered
    assert joint["c"] == (5, 6) and joint["d"] == (5, 6)  # not
    stepped = rank_intervals(frame, draws=20_000).sort("province_code")
    assert stepped.filter(pl.col("province_code") == "d").select("rank_low_joint", "rank_high_joint").row(0) == (5, 5)


def test_two_provinces_marginal_interval_is_the_normal_test() -> None:
    """Two provinces, normal errors: the marginal family is one pair, ordered when |difference| / (se·√2)
    exceeds the normal 95th percentile (a two-sided 90% test)."""
    z = stats.norm.ppf(0.5 + RANK_LEVEL / 2) * np.sqrt(2)
    for gap, exact in ((1.03 * z, True), (0.97 * z, False)):
        frame = pl.DataFrame({"province_code": ["a", "b"], "wave": "w", "index": [0.0, gap], "se": 1.0})
        ranks = rank_intervals(frame, draws=20_000).sort("province_code")
        assert ranks.select("rank_low", "rank_high").rows() == ([(2, 2), (1, 1)] if exact else [(1, 2), (1, 2)])


def test_stepdown_is_never_wider_than_single_step() -> None:
    frame, _ = _simulated_waves(50 + 2.5 * np.arange(16.0), np.full(16, 1.0), np.full(16, 12.0), 10, seed=8)
    stepped = rank_intervals(frame).sort("wave", "province_code")
    single = rank_intervals(frame, stepdown=False).sort("wave", "province_code")
    for low, high in (("rank_low", "rank_high"), ("rank_low_joint", "rank_high_joint")):
        assert (stepped[low] >= single[low]).all() and (stepped[high] <= single[high]).all()
    assert (stepped["rank_high"] - stepped["rank_low"]).sum() < (single["rank_high"] - single["rank_low"]).sum()


def test_joint_intervals_hold_the_marginal_ones_and_the_point_rank() -> None:
    frame, _ = _simulated_waves(50 + np.arange(20.0), np.full(20, 1.5), np.full(20, 8.0), 5, seed=3)
    ranks = rank_intervals(frame)
    assert (ranks["rank_low_joint"] <= ranks["rank_low"]).all()
    assert (ranks["rank_low"] <= ranks["rank"]).all() and (ranks["rank"] <= ranks["rank_high"]).all()
    assert (ranks["rank_high"] <= ranks["rank_high_joint"]).all()
    assert (ranks["quartile_low_joint"] <= ranks["quartile"]).all()
    assert (ranks["quartile"] <= ranks["quartile_high_joint"]).all()
    wider = rank_intervals(frame, level=0.99)
    narrower = rank_intervals(frame, level=0.50)
    assert (wider["rank_high"] - wider["rank_low"]).sum() > (narrower["rank_high"] - narrower["rank_low"]).sum()


def test_contract_columns_empty_input_and_bad_arguments() -> None:
    empty = rank_intervals(pl.DataFrame(schema={"province_code": pl.String, "wave": pl.String,
                                                "index": pl.Float64, "se": pl.Float64}))  # fmt: skip
    assert empty.columns[:5] == ["province_code", "wave", "rank", "rank_low", "rank_high"]
    assert {"rank_low_joint", "rank_high_joint", "quartile_low_joint", "quartile_high_joint"} <= set(empty.columns)
    frame = pl.DataFrame({"province_code": ["01"], "wave": ["w"], "index": [50.0], "se": [1.0]})
    assert rank_intervals(frame).select("rank", "rank_low", "rank_high").row(0) == (1, 1, 1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        rank_intervals(frame, level=90)
    with pytest.raises(ValueError, match="columns se"):
        rank_intervals(frame.drop("se"))
