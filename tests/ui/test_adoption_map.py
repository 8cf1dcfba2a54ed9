"""The Mô hình page's adoption map: offline, one province layer adopted (by months), one not adopted."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from ui.charts_front import adoption_map


def _square(x: float, y: float) -> str:
    ring = [[x, y], [x, y + 1], [x + 1, y + 1], [x + 1, y], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_adopted_provinces_are_coloured_by_months_and_the_rest_grey():
    first = pl.DataFrame(
        {
            "province_code": ["01", "79"],
            "province_name": ["Hà Nội", "Hồ Chí Minh"],
            "model_kind": ["community_security", "community_security"],
            "adopted_at": [date(2026, 1, 1), date(2026, 7, 1)],
            "communes": [3, 1],
        }
    )
    provinces = pl.DataFrame(
        {
            "province_code": ["01", "48", "79"],
            "name_vi": ["Thành phố Hà Nội", "Thành phố Đà Nẵng", "Thành phố Hồ Chí Minh"],
        }
    )
    boundaries = pl.DataFrame(
        {
            "level": "province",
            "code": ["01", "48", "79"],
            "geometry": [_square(105, 21), _square(108, 16), _square(106, 10)],
            "approximate": True,
        }
    )
    fig = adoption_map(first, provinces, boundaries, kind="community_security", title="T", lang="vi")
    never, used = fig.data
    assert list(never.locations) == ["48"]
    assert list(used.locations) == ["01", "79"]
    assert used.z[0] > used.z[1] == 0  # earlier adoption = more months
    assert fig.layout.map.style == "white-bg"
    assert "gần đúng" in fig.layout.title.text
    assert adoption_map(first, provinces, boundaries.head(0), kind="community_security", title="T", lang="vi") is None
