"""The trust ranking's chart and group table say which rank interval backs a group: a filled dot only for a
province whose simultaneous rank interval lies inside its quartile group, both intervals in the hover."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from analytics import trust
from ui import charts_trust


def _ranked() -> pl.DataFrame:
    """Eight provinces: two far above, the rest close together, so only the top two are surely in a group."""
    index = [90.0, 85.0, 50.0, 50.5, 51.0, 51.5, 52.0, 52.5]
    frame = pl.DataFrame(
        {
            "province_code": [f"{i:02d}" for i in range(1, 9)],
            "wave": "w",
            "index": index,
            "se": [0.5] * 8,
            "df": [40] * 8,
        }
    )
    ranks = trust.rank_intervals(frame)
    return (
        frame.join(ranks, on=["province_code", "wave"])
        .with_columns((pl.col("index") - 1).alias("ci_low"), (pl.col("index") + 1).alias("ci_high"), n=pl.lit(100))
        .sort("province_code")
    )


def test_filled_dots_only_for_provinces_surely_in_their_group() -> None:
    frame = _ranked()
    sure = frame.filter(
        (pl.col("quartile_low_joint") == pl.col("quartile")) & (pl.col("quartile_high_joint") == pl.col("quartile"))
    )
    assert sure["province_code"].to_list() == ["01", "02"]
    fig = charts_trust.caterpillar(frame, {}, wave="w", lang="vi")
    filled = {y for tr in fig.data if tr.marker.symbol == "circle" for y in tr.y}
    hollow = {y for tr in fig.data if tr.marker.symbol == "circle-open" for y in tr.y}
    assert filled == {"01", "02"} and hollow == set(frame["province_code"]) - filled
    assert sum(tr.showlegend for tr in fig.data) == len(set(frame["quartile"]))  # one legend entry per group
    row = frame.filter(pl.col("province_code") == "05").row(0, named=True)
    hover = next(h for tr in fig.data for y, h in zip(tr.y, tr.hovertext, strict=True) if y == "05")
    assert f"của riêng tỉnh: {row['rank_low']}–{row['rank_high']}" in hover
    assert f"Đồng thời với mọi tỉnh: {row['rank_low_joint']}–{row['rank_high_joint']}" in hover
    assert "theo điểm ước lượng" in hover  # not surely in its group


def test_group_table_lists_only_the_provinces_surely_in_each_group() -> None:
    groups = trust.quartile_groups(SimpleNamespace(index=_ranked()), "w")  # type: ignore[arg-type]
    assert groups["quartile"].to_list() == [1, 2, 3, 4]
    assert groups["provinces"].to_list() == [["01", "02"], ["08", "07"], ["06", "05"], ["04", "03"]]
    assert groups["sure"].to_list() == [["01", "02"], [], [], []]
    assert groups["possible"][0] == 2 and groups["possible"][3] >= 2
    table = charts_trust.groups_table(groups, {"01": "A", "02": "B"}, "en")
    assert table["Surely in the group"].to_list() == ["A, B", "none", "none", "none"]
    assert charts_trust.group_text(1, 1, 1, "en") == "Best performers (surely, with all provinces considered at once)"
    assert "High average, Low average" in charts_trust.group_text(2, 2, 3, "en")
