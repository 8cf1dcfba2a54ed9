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


def test_complementary_suppression_hides_the_next_smallest_cell_where_a_total_is_shown():
    # one hidden cell (3) in a table with a total: 60 - (20 + 12 + 25) would give it away
    table = pl.DataFrame({"field": ["a", "b", "c", "d"], "count": [20, 3, 12, 25], "share": [0.33, 0.05, 0.2, 0.42]})
    out = suppress.protect(table, "presenter", "screen", dependent=["share"], groups=())
    assert out["suppressed"].to_list() == [False, True, True, False]
    assert out["complementary"].to_list() == [False, False, True, False]
    assert out["count"].to_list() == [20, None, None, 25]
    assert out["share"].to_list() == [0.33, None, None, 0.42]
    # the hidden cells can no longer be told apart from the total
    shown_total = int(table["count"].sum())
    assert shown_total - out["count"].drop_nulls().sum() == 3 + 12


def test_complementary_suppression_works_per_group_and_not_when_two_are_already_hidden():
    table = pl.DataFrame(
        {
            "province": ["01", "01", "01", "79", "79", "79", "48"],
            "count": [4, 7, 50, 30, 11, 40, 2],
        }
    )
    out = suppress.protect(table, "public", "export", groups=["province"])
    by_row = list(zip(out["province"], out["suppressed"], out["complementary"], strict=True))
    # 01: 4 and 7 are both small: two hidden already, nothing more
    assert by_row[:3] == [("01", True, False), ("01", True, False), ("01", False, False)]
    # 79: nothing small: nothing hidden
    assert [s for _, s, _ in by_row[3:6]] == [False, False, False]
    # 48: a single small cell and nothing else to hide: the total itself must be hidden (value())
    assert by_row[6] == ("48", True, False)
    assert suppress.value(2, "public", "export") is None


def test_complementary_ties_pick_the_first_and_leader_screen_uses_five():
    table = pl.DataFrame({"count": [9, 9, 2, 30]})
    out = suppress.protect(table, "leader", "screen", groups=())
    assert out["suppressed"].to_list() == [True, False, True, False]
    assert out["complementary"].to_list() == [True, False, False, False]
    exact = suppress.protect(table, "analyst", "export", groups=())
    assert not exact["suppressed"].any() and exact["count"].to_list() == [9, 9, 2, 30]


def test_leader_exports_are_stricter_than_the_screen():
    table = pl.DataFrame({"count": [7, 100, 200]})
    assert suppress.protect(table, "leader", "screen")["count"].to_list() == [7, 100, 200]
    assert suppress.protect(table, "leader", "export")["count"].to_list() == [None, 100, 200]


@pytest.mark.parametrize(
    ("numerator", "denominator", "role", "expected"),
    [
        (30, 40, "presenter", 0.75),
        (3, 40, "presenter", None),  # a rate built on a hidden count is hidden
        (30, 8, "presenter", None),
        (3, 40, "analyst", 0.075),
        (3, 40, "leader", None),
        (6, 40, "leader", 0.15),
        (0, 0, "analyst", None),
    ],
)
def test_rates_on_hidden_counts_are_hidden(numerator, denominator, role, expected):
    assert suppress.share(numerator, denominator, role, "screen") == expected


def _key_with_noise(n: int, wanted: int) -> int:
    """A cell key whose noise for a count of `n` is `wanted` (the p-table holds every value in [-2, 2])."""
    return next(k for k in range(suppress.KEY_MODULUS) if suppress.noise(n, k) == wanted)


def test_protected_overview_numbers():
    from datetime import date

    from analytics import protected
    from analytics.overview import Kpis

    keys = {"opinions_key": _key_with_noise(120, 2), "previous_key": _key_with_noise(4, 0),
            "due_key": _key_with_noise(50, -1), "on_time_key": _key_with_noise(3, 1)}  # fmt: skip
    k = Kpis(date(2026, 1, 1), date(2026, 1, 31), 120, date(2025, 12, 1), date(2025, 12, 31), 4, 50, 3, **keys)
    shown = protected.kpis(k, "leader", "screen")
    # perturbed (120 + 2, 50 - 1), then the threshold on the perturbed count (4 + 0 and 3 + 1 stay below 5)
    assert (shown.opinions, shown.previous_opinions, shown.due, shown.on_time) == (122, None, 49, None)
    assert shown.change_pct is None and shown.on_time_share is None
    assert (shown.opinions_key, shown.due_key) == (None, None)  # the keys would let the noise be subtracted
    exact = protected.kpis(k, "analyst", "screen")
    assert (exact.opinions, exact.previous_opinions, exact.due, exact.on_time) == (120, 4, 50, 3)
    assert exact.change_pct == k.change_pct and exact.on_time_share == k.on_time_share
    with pytest.raises(ValueError, match="cell_keys=True"):  # a protected role never falls back to exact counts
        protected.kpis(Kpis(date(2026, 1, 1), date(2026, 1, 31), 120, date(2025, 12, 1), date(2025, 12, 31), 4, 50, 3),
                       "leader", "screen")  # fmt: skip


# Cell-key perturbation (ABS) -------------------------------------------------------------------------------


def test_the_p_table_is_zero_mean_bounded_and_never_negative():
    for n in (1, 2, 3, 10, 1000):
        noises = [suppress.noise(n, k) for k in range(suppress.KEY_MODULUS)]
        assert sum(noises) == 0  # zero mean over uniformly distributed cell keys
        assert max(abs(d) for d in noises) <= suppress.NOISE_BOUND
        assert min(n + d for d in noises) >= 0
        assert len(set(noises)) == (3 if n == 1 else 5)  # every value in the row is used
    assert {suppress.noise(0, k) for k in range(256)} == {0}  # an empty cell stays empty
    # the variance the docs state: 310/256 for n >= 2
    assert sum(suppress.noise(50, k) ** 2 for k in range(256)) == 310


def test_neighbouring_cell_keys_get_unrelated_noise():
    # a cell and the same cell with one more record whose key is r: keys k and k + r. With noise laid out in
    # blocks (or any linear order) the two would mostly agree and the difference would give the record away.
    for r in (1, 2, 3, 128):
        same = sum(suppress.noise(40, k) == suppress.noise(40, (k + r) % 256) for k in range(256))
        assert same < 0.4 * 256  # independent draws agree 26% of the time


def test_perturb_is_consistent_drops_the_key_and_leaves_exact_roles_alone():
    frame = pl.DataFrame({"count": [3, 12, 40, 0], "cell_key": [17, 200, 5, 0]})
    once = suppress.suppress(frame, "presenter", "screen", key="cell_key")
    again = suppress.suppress(frame, "presenter", "screen", key="cell_key")
    assert once.equals(again) and "cell_key" not in once.columns
    expected = [n + suppress.noise(n, k) for n, k in zip([3, 12, 40, 0], [17, 200, 5, 0], strict=True)]
    assert once["count"].to_list() == [v if v >= 10 else None for v in expected]
    exact = suppress.suppress(frame, "analyst", "screen", key="cell_key")
    assert exact["count"].to_list() == [3, 12, 40, 0] and "cell_key" not in exact.columns
    with pytest.raises(ValueError, match="cell_key"):
        suppress.suppress(frame.drop("cell_key"), "leader", "screen", key="cell_key")


def test_the_threshold_applies_to_the_perturbed_count():
    assert suppress.value(11, "public", "screen", key=_key_with_noise(11, -2), keyed=True) is None
    assert suppress.value(8, "public", "screen", key=_key_with_noise(8, 2), keyed=True) == 10
    assert suppress.value(8, "analyst", "screen", key=_key_with_noise(8, 2), keyed=True) == 8
    share = suppress.share(30, 30, "presenter", "export", keys=(_key_with_noise(30, 2), _key_with_noise(30, -2)))
    assert share == 1.0  # a part's noise never lifts its share over the whole


def test_record_keys_are_pinned():
    # DuckDB's hash() is not promised stable across versions: if an upgrade changes it, every protected figure
    # shifts once by noise (docs/disclosure-control.md says so). This pins two record keys so that it is noticed.
    import duckdb

    con = duckdb.connect()
    sql = f"SELECT {suppress.record_key_sql('f')} FROM (SELECT TIMESTAMP '2026-01-05 09:30:00' AS received_at) f"
    keys = [con.sql(sql, params={"cell_key_salt": salt}).fetchall()[0][0] for salt in (1, 2)]
    assert keys == PINNED_KEYS
    assert isinstance(suppress.key_salt(), int) and 0 <= suppress.key_salt() < 2**62


PINNED_KEYS = [75, 201]  # DuckDB 2.0.1
