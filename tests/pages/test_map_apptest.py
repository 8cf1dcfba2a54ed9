"""The Digital Map page through AppTest: it runs in Vietnamese with the analytics' hot-spot counts, a province
from the URL drills down to its communes (hot spots outlined) with a breadcrumb back, the emerging list shows
the planted spike, the hexagon layer draws, and English works."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, hotspots
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.digital_map import HOT_PROVINCE, map_warehouse
from ui.i18n import fmt_int

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/digital_map.py"
PERIOD = Filters(date(2026, 1, 1), date(2026, 3, 31))  # the filter bar's default: the last 3 months with data


@pytest.fixture(scope="module")
def map_data(fixture_warehouse, tmp_path_factory):
    return map_warehouse(fixture_warehouse, tmp_path_factory.mktemp("map"))


@pytest.fixture
def data_dir(map_data, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(map_data[0]))
    return map_data[0]


def _page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(PAGE).run()


def _summary(data_dir: Path, level: str, province: str | None) -> str:
    con = db.open_warehouse(data_dir / "warehouse" / "gen-000001.duckdb")
    try:
        table = hotspots.hotspots(con, Scope.all(), PERIOD, level, province)
    finally:
        con.close()
    tested = table.filter(pl.col("gi_z").is_not_null())
    hot = tested["hotspot"].str.starts_with("hot").sum()
    cold = tested["hotspot"].str.starts_with("cold").sum()
    return f"{fmt_int(hot, 'vi')} địa bàn là điểm nóng, {fmt_int(cold, 'vi')} địa bàn là điểm lạnh trên {fmt_int(tested.height, 'vi')}"


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_national_map_in_vietnamese_with_the_analytics_numbers(data_dir):
    at = _page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Bản đồ số"]
    assert any(_summary(data_dir, "province", None) in m for m in _markdown(at))
    captions = " ".join(c.value for c in at.caption)
    assert "Getis-Ord Gi*" in captions and "Benjamini–Hochberg" in captions and "Bayes thực nghiệm" in captions
    assert "phép hoán vị ngẫu nhiên, 99.999 lần" in captions and "p nhỏ nhất 0,00001" in captions
    assert "xấp xỉ chuẩn" not in captions and "trên 34 địa bàn được kiểm định" in captions
    assert "Mẫu số: dân số tỉnh" in captions and "cùng kỳ năm trước" in captions
    emerging = at.dataframe[0].value
    assert "Môi trường – ô nhiễm" in set(emerging["Lĩnh vực"])
    assert len(at.get("plotly_chart")) >= 2


def test_province_in_the_url_drills_down_to_communes_and_back(data_dir):
    at = _page(province=HOT_PROVINCE)
    assert not at.exception
    assert "**Toàn quốc › Thành phố Hà Nội**" in _markdown(at)
    summary = _summary(data_dir, "commune", HOT_PROVINCE)
    assert any(summary in m for m in _markdown(at)) and not summary.startswith("0 ")
    assert "Mẫu số: dân số xã" in " ".join(c.value for c in at.caption)
    at.button(key="map_back").click().run()
    assert not at.exception
    assert "province" not in at.query_params
    assert not any("›" in m for m in _markdown(at))


def test_commune_level_and_hexagon_layer(data_dir):
    at = _page()
    at.segmented_control(key="map_level").set_value("commune").run()
    assert not at.exception
    assert at.query_params["map_level"] in ("commune", ["commune"])
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "theo xã (Toàn quốc)" in spec["layout"]["title"]["text"]
    assert len(spec["data"][0]["locations"]) > 34  # communes of every province that has polygons
    at.segmented_control(key="map_layer").set_value("hexagons").run()
    assert not at.exception
    assert at.query_params["map_layer"] in ("hexagons", ["hexagons"])
    assert len(at.get("deck_gl_json_chart")) == 1
    assert any(c.value.startswith("Vị trí:") for c in at.caption)


def test_english(data_dir):
    at = _page(lang="en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Digital Map"]
    assert any("hot spots" in m for m in _markdown(at))


def test_a_rerun_does_not_recompute_the_hot_spots(data_dir, monkeypatch):
    """The permutation test costs more than the normal approximation did: it runs once per warehouse generation,
    scope and filters (ui.data_map caches it), not on every rerun of the page."""
    calls = []
    original = hotspots.hotspots
    monkeypatch.setattr(
        hotspots, "hotspots", lambda *args, **kwargs: calls.append(args[3]) or original(*args, **kwargs)
    )
    at = _page()
    assert not at.exception and calls
    first = len(calls)
    at.run()
    assert not at.exception and len(calls) == first
