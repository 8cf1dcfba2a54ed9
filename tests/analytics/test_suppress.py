"""The small-count rules of DESIGN §5, per role and medium."""

from __future__ import annotations

import polars as pl
import pytest

from analytics import suppress


@pytest.mark.parametrize(
    ("role", "screen", "export"),
    [
        ("analyst", None, None),
        ("data_officer", None, None),
        ("leader", 5, 10),
        ("presenter", 10, 10),
        ("public", 10, 10),
        ("stranger", 10, 10),  # unknown roles get the strictest rule
    ],
)
def test_thresholds_follow_the_design_table(role, screen, export):
    assert suppress.threshold(role, "screen") == screen
    assert suppress.threshold(role, "export") == export
    assert suppress.small_count_label(role, "screen") == (None if screen is None else f"<{screen}")


def test_suppress_nulls_the_count_and_what_is_built_on_it():
    frame = pl.DataFrame(
        {"count": [0, 4, 5, 9, 10, None], "rate": [0.0, 1.0, 2.0, 3.0, 4.0, None], "name": list("abcdef")}
    )
    out = suppress.suppress(frame, "leader", "screen", dependent=["rate"])
    assert out["suppressed"].to_list() == [True, True, False, False, False, True]
    assert out["count"].to_list() == [None, None, 5, 9, 10, None]
    assert out["rate"].to_list() == [None, None, 2.0, 3.0, 4.0, None]
    assert out["name"].to_list() == frame["name"].to_list()
    exact = suppress.suppress(frame, "analyst", "export", dependent=["rate"])
    assert not exact["suppressed"].any() and exact["count"].to_list() == frame["count"].to_list()


def test_unknown_medium_is_refused():
    with pytest.raises(ValueError):
        suppress.threshold("leader", "poster")  # type: ignore[arg-type]
