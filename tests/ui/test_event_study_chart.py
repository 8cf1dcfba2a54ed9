"""The event-study chart shades the simultaneous band behind the pointwise intervals (frames from analytics.did)."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.did import NEVER, staggered_did
from ui import charts_front


def _study():
    rng = np.random.default_rng(4)
    cohort = np.where(rng.random(40) < 0.3, NEVER, rng.integers(3, 9, 40))
    y = rng.normal(0, 1, (40, 12)) + np.where(np.arange(12)[None, :] >= cohort[:, None], 1.0, 0.0)
    return staggered_did(y, cohort, draws=99, seed=1).event_study


def test_band_is_a_filled_trace_from_band_low_to_band_high():
    study = _study()
    fig = charts_front.event_study(study, title="t", lang="vi")
    band, points = fig.data
    assert band.fill == "toself" and band.name == "Dải tin cậy đồng thời 95%"
    assert max(band.y) == pytest.approx(study["band_high"].max()) and min(band.y) == pytest.approx(
        study["band_low"].min()
    )
    assert list(points.x) == study["event_time"].to_list()
    upper = np.array(points.error_y.array)
    assert upper == pytest.approx((study["ci_high"] - study["estimate"]).to_numpy())
    assert ((study["band_high"] - study["estimate"]).to_numpy() >= upper - 1e-12).all()


def test_a_frame_without_band_columns_still_draws():
    study = _study().drop("band_low", "band_high")
    fig = charts_front.event_study(study, title="t", lang="en")
    assert len(fig.data) == 1 and fig.data[0].name == "Estimate, 95% CI per period"
