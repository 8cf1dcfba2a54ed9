"""Emerging issues: a spike planted in one commune × field is found, stable series are not (pure test over
seeds and on a warehouse; any rise listed in ≤ 5% of 200 simulated stable sets), the reference period is seasonal when the data reach back a year, and the command
prints the list."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from analytics import db, emerging, suppress
from analytics.__main__ import main
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.digital_map import warehouse_with_spike
from tests.fixtures.warehouse import LAST_DAY
from ui import map_charts
from ui.i18n import text

SPIKE_COMMUNE, SPIKE_FIELD = "00004", "moi_truong"


def _series(seed: int, n: int = 3000, spike: float | None = None, volume: float = 1.0) -> pl.DataFrame:
    """Stable Poisson series (0.05–2 per day) in both windows; series 0 (1 per day) × `spike` recently."""
    rng = np.random.default_rng(seed)
    per_day = rng.uniform(0.05, 2.0, n)
    per_day[0] = 1.0  # the spiked series: about 7 opinions a week normally
    rows = []
    for days, reference_days in ((7, 63), (30, 86)):
        recent_rate = per_day * days * volume
        if spike is not None:
            recent_rate = recent_rate.copy()
            recent_rate[0] *= spike
        rows.append(
            pl.DataFrame(
                {
                    "commune_code": [f"{i:05d}" for i in range(n)],
                    "field": "dat_dai",
                    "window_days": days,
                    "reference_days": reference_days,
                    "recent": rng.poisson(recent_rate),
                    "reference": rng.poisson(per_day * reference_days),
                }
            )
        )
    return pl.concat(rows)


def test_stable_series_list_a_rise_in_at_most_5_percent_of_simulated_sets():
    """Every series stable (overall volume changed by 0.8–1.5×, which the scale g absorbs): Benjamini–Hochberg's
    FDR is then the chance of listing any rise, at most q = ALPHA, over 200 simulated sets of 2,000 series."""
    volumes = np.random.default_rng(11).uniform(0.8, 1.5, 200)
    listed = [
        emerging.rise_tests(_series(1000 + i, n=2000, volume=v))["significant"].any() for i, v in enumerate(volumes)
    ]
    assert np.mean(listed) <= emerging.ALPHA


@pytest.mark.parametrize("seed", range(5))
def test_a_planted_spike_is_found_and_stable_series_are_not(seed):
    tested = emerging.rise_tests(_series(seed, spike=4.0))
    flagged = tested.filter("significant")
    assert "00000" in set(flagged["commune_code"])
    assert set(flagged["commune_code"]) == {"00000"}
    stable = emerging.rise_tests(_series(seed))
    assert stable["significant"].sum() == 0
    assert stable["tested"].sum() > 0.9 * stable.height


def test_the_volume_scale_absorbs_a_platform_wide_rise():
    tested = emerging.rise_tests(_series(1, volume=2.0))  # everything doubled: nothing stands out
    assert tested["scale"].min() > 1.8
    assert tested["significant"].sum() == 0


def test_reference_period_is_seasonal_only_when_data_reach_back_a_year():
    end = date(2026, 3, 31)
    seasonal = emerging.windows(end, date(2025, 1, 1))
    assert all(w.seasonal for w in seasonal)
    week = seasonal[0]
    assert (week.recent_from, week.recent_to) == (date(2026, 3, 25), end)
    assert week.reference_from == week.recent_from - timedelta(days=364 + 28)
    assert week.reference_to == end - timedelta(days=364 - 28) and week.reference_days == 7 + 56
    recent = emerging.windows(end, date(2025, 12, 1))
    assert not any(w.seasonal for w in recent)
    assert recent[1].reference_to == recent[1].recent_from - timedelta(days=1) and recent[1].reference_days == 84


@pytest.fixture(scope="module")
def spiked(fixture_warehouse, tmp_path_factory):
    return warehouse_with_spike(fixture_warehouse, tmp_path_factory.mktemp("spike"), SPIKE_COMMUNE, SPIKE_FIELD)


def test_the_spike_in_the_warehouse_is_the_only_emerging_issue(spiked, monkeypatch, capsys):
    data_dir, province = spiked
    monkeypatch.setenv("FRONT_DATA_DIR", str(data_dir))
    con = db.open_warehouse(data_dir / "warehouse" / "gen-000001.duckdb")
    try:
        found = emerging.emerging(con, Scope.all(), Filters(date(2026, 1, 1), LAST_DAY.date()))
        elsewhere = emerging.emerging(con, Scope("79"), Filters(date(2026, 1, 1), LAST_DAY.date()))
    finally:
        con.close()
    assert found.seasonal and found.tested > 0
    assert set(zip(found.rises["commune_code"], found.rises["field"], strict=True)) == {(SPIKE_COMMUNE, SPIKE_FIELD)}
    week = found.rises.filter(pl.col("window_days") == 7).row(0, named=True)
    assert week["recent"] >= 30 and week["province_code"] == province
    assert len(week["weekly"]) == emerging.SPARK_WEEKS and week["weekly"][-1] >= 30
    assert elsewhere.rises.is_empty()

    assert main(["emerging", "--to", LAST_DAY.date().isoformat(), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["commune_code"] for r in rows} == {SPIKE_COMMUNE} and all(r["weekly"] for r in rows)


def test_roles_drop_rises_with_hidden_counts():
    frame = pl.DataFrame(
        {"commune_code": ["a", "b"], "field": ["f", "f"], "recent": [6, 12], "expected": [1.0, 2.0],
         "ratio": [6.0, 6.0], "weekly": [[1, 5], [2, 10]]},
        schema_overrides={"weekly": pl.List(pl.Int64)},
    )  # fmt: skip
    assert emerging.apply_role(frame, "analyst", "export")["recent"].to_list() == [6, 12]
    with pytest.raises(ValueError, match="cell keys"):  # a protected role never sees unperturbed counts
        emerging.apply_role(frame, "leader", "export")
    # as emerging(..., cell_keys=True) gives it; keys whose noise is 0, to test the rule on its own
    no_noise = next(k for k in range(256) if suppress.noise(1, k) == 0 and suppress.noise(2, k) == 0)
    keyed = frame.with_columns(
        reference=pl.lit(4), reference_days=pl.lit(28), scale=pl.lit(1.75), window_days=pl.lit(7),
        recent_key=pl.lit(no_noise), reference_key=pl.lit(no_noise),
    )  # fmt: skip
    leader = emerging.apply_role(keyed, "leader", "export")
    assert leader["recent"].to_list() == [12] and leader["weekly"].to_list() == [None]
    assert leader["expected"].to_list() == [1.75] and leader["ratio"].to_list() == [12 / 1.75]
    assert not set(emerging.KEYED_COLUMNS) & set(leader.columns)


def test_protected_roles_get_no_p_or_q_of_the_exact_counts_and_rises_by_perturbed_ratio():
    """p and q are of the exact counts: beside the perturbed recent and reference counts, the binomial tail of
    each candidate pair would pick the true one, and the q order tells the exact strength of each rise."""
    no_noise = next(k for k in range(256) if suppress.noise(1, k) == 0 and suppress.noise(2, k) == 0)
    frame = pl.DataFrame(
        {"commune_code": ["a", "b", "c"], "field": ["f"] * 3, "window_days": [7] * 3, "recent": [20, 30, 40],
         "reference": [4, 4, 40], "reference_days": [28] * 3, "scale": [1.0] * 3, "expected": [1.0, 1.0, 10.0],
         "ratio": [20.0, 30.0, 4.0], "p_value": [1e-6, 1e-7, 1e-3], "q_value": [1e-5, 1e-6, 1e-2],
         "weekly": [[1], [2], [3]], "recent_key": [no_noise] * 3, "reference_key": [no_noise] * 3},
        schema_overrides={"weekly": pl.List(pl.Int64)},
    )  # fmt: skip
    analyst = emerging.apply_role(frame, "analyst", "screen")
    assert analyst["q_value"].equals(frame["q_value"]) and analyst["p_value"].equals(frame["p_value"])
    for role in ("leader", "presenter", "public"):
        shown = emerging.apply_role(frame, role, "screen")
        assert not {"p_value", "q_value"} & set(shown.columns)
        assert shown["commune_code"].to_list() == ["b", "a", "c"]  # by the perturbed ratio, not by q
        table = map_charts.emerging_table(shown.with_columns(commune=pl.lit("x"), province=pl.lit("y"),
                                                              field_vi=pl.lit("z")), "vi")  # fmt: skip
        assert table.height == 3 and text("map.col_q", "vi") not in table.columns
