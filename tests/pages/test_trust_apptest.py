"""The trust-index page through AppTest: runs in Vietnamese with the analytics numbers, follows the province
filter and the wave, switches to English, and says what to do without survey data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import trust
from analytics.db import open_warehouse
from analytics.scope import Scope
from tests.fixtures.trust import RISER, SMALL, TrustFixture, build_trust_warehouse
from ui.i18n import fmt_num

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/trust.py"


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> TrustFixture:
    return build_trust_warehouse(tmp_path_factory.mktemp("trust-page"))


@pytest.fixture
def trust_data(fixture: TrustFixture, monkeypatch: pytest.MonkeyPatch) -> TrustFixture:
    monkeypatch.setenv("FRONT_DATA_DIR", str(fixture.warehouse.data_dir))
    return fixture


def _result(fixture: TrustFixture) -> trust.TrustResult:
    con = open_warehouse(fixture.warehouse.path)
    try:
        return trust.trust_index(con, Scope.all())
    finally:
        con.close()


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


def test_trust_page_shows_the_national_index_and_charts(trust_data):
    at = _open()
    assert not at.exception
    assert [t.value for t in at.title] == ["Chỉ số niềm tin cấp tỉnh"]
    national = _result(trust_data).national.filter(trust.pl.col("wave") == "2026Q1").row(0, named=True)
    assert [m.value for m in at.metric] == [fmt_num(national["index"], "vi")]
    assert len(at.get("plotly_chart")) == 3
    assert at.selectbox(key="trust_wave").value == "2026Q1"
    assert any("q\\_pilot\\_x" in c.value for c in at.caption)  # column names from the file, escaped Markdown


def test_province_filter_adds_its_index_rank_and_a_small_province_is_not_scored(trust_data):
    at = _open(province=RISER)
    assert not at.exception
    row = (
        _result(trust_data)
        .index.filter((trust.pl.col("wave") == "2026Q1") & (trust.pl.col("province_code") == RISER))
        .row(0, named=True)
    )
    assert [m.value for m in at.metric][1] == fmt_num(row["index"], "vi")
    assert any(f"Hạng {row['rank']}/" in c.value for c in at.caption)
    at.selectbox(key="province").set_value(SMALL).run()
    assert not at.exception
    assert any("không được chấm điểm" in i.value for i in at.info)


def test_wave_choice_and_english(trust_data):
    at = _open(lang="en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Provincial trust index"]
    at.selectbox(key="trust_wave").set_value("2025Q3").run()
    assert not at.exception
    assert any("not like-for-like" in c.value for c in at.caption)  # the merger break


def test_without_survey_data_the_page_explains(warehouse):
    at = _open()
    assert not at.exception
    assert any("Chưa có dữ liệu khảo sát" in i.value for i in at.info)


def test_the_page_says_which_rank_interval_is_which_and_groups_use_the_joint_one(trust_data):
    """The province's caption gives both intervals, each named; the quartile-group table lists as "surely in"
    only provinces whose simultaneous rank interval lies inside the group."""
    at = _open(province=RISER)
    assert not at.exception
    index = _result(trust_data).index.filter((trust.pl.col("wave") == "2026Q1") & trust.pl.col("rank").is_not_null())
    row = index.filter(trust.pl.col("province_code") == RISER).row(0, named=True)
    caption = next(c.value for c in at.caption if c.value.startswith(f"Hạng {row['rank']}/"))
    assert f"của riêng tỉnh: {row['rank_low']}–{row['rank_high']}" in caption
    assert f"đồng thời với cả {index.height} tỉnh: {row['rank_low_joint']}–{row['rank_high_joint']}" in caption
    assert any("Khoảng đồng thời" in c.value and "nhóm" in c.value for c in at.caption)
    groups = next(d.value for d in at.dataframe if "Chắc chắn thuộc nhóm" in d.value.columns)
    sure = index.filter(
        (trust.pl.col("quartile_low_joint") == 1) & (trust.pl.col("quartile_high_joint") == 1)
    )  # fmt: skip
    names = dict(_result(trust_data).provinces.select("province_code", "name_short").iter_rows())
    expected = ", ".join(names[c] for c in sure.sort("rank")["province_code"]) or "không tỉnh nào"
    assert groups["Chắc chắn thuộc nhóm"].iloc[0] == expected
