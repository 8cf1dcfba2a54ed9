"""The Overview page through Streamlit's AppTest: it runs, speaks Vietnamese, shows the analytics numbers,
follows the filters and the URL, switches to English, and explains what to do when there is no data."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics import db, overview
from analytics.filters import Filters
from analytics.scope import Scope
from ui.filters import default_period
from ui.i18n import fmt_int, fmt_pct

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def _expected(warehouse, **filter_args) -> tuple[str, str, str]:
    con = db.open_warehouse(warehouse.path)
    try:
        info = overview.data_info(con, Scope.all())
        start, end = default_period(info)
        k = overview.kpis(con, Scope.all(), Filters(start, end, **filter_args))
    finally:
        con.close()
    return fmt_int(k.opinions, "vi"), fmt_int(k.previous_opinions, "vi"), fmt_pct(k.on_time_share, "vi")


def _metrics(at: AppTest) -> tuple[str, ...]:
    return tuple(m.value for m in at.metric)


def test_overview_runs_in_vietnamese_with_the_analytics_numbers(warehouse):
    at = _app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Tổng quan"]
    assert "Dữ liệu mô phỏng — không phải số liệu thật" in [w.value for w in at.warning]
    assert any("Số liệu tính đến" in c.value for c in at.caption)
    assert _metrics(at) == _expected(warehouse)
    assert len(at.get("plotly_chart")) >= 3


def test_choosing_a_province_changes_the_numbers(warehouse):
    at = _app().run()
    national = _metrics(at)
    at.selectbox(key="province").set_value("79").run()
    assert not at.exception
    assert _metrics(at) == _expected(warehouse, province_code="79") != national
    assert at.query_params["province"] in ("79", ["79"])
    assert at.selectbox(key="commune").value == ""


def test_province_search_label_names_the_merged_provinces(warehouse):
    at = _app().run()
    box = at.selectbox(key="province")
    label = box.format_func("79")
    assert label.startswith("Thành phố Hồ Chí Minh — gồm ") and "Bình Dương" in label


def test_url_parameters_set_the_filters(warehouse):
    at = _app()
    at.query_params["province"] = "79"
    at.query_params["field"] = ["dat_dai", "y_te"]
    at.query_params["province_bogus"] = "x"
    at.run()
    assert not at.exception
    assert at.selectbox(key="province").value == "79"
    assert at.multiselect(key="field").value == ["dat_dai", "y_te"]
    assert _metrics(at) == _expected(warehouse, province_code="79", fields=("dat_dai", "y_te"))


def test_invalid_url_codes_are_ignored(warehouse):
    at = _app()
    at.query_params["province"] = "99"
    at.run()
    assert not at.exception
    assert at.selectbox(key="province").value == ""
    assert _metrics(at) == _expected(warehouse)


def test_english_toggle(warehouse):
    at = _app().run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert [m.label for m in at.metric][0] == "Opinions in period"
    assert "Simulated data — not real figures" in [w.value for w in at.warning]


def test_empty_selection_shows_a_friendly_message(warehouse):
    con = db.open_warehouse(warehouse.path)
    try:
        areas = overview.rate_by_area(
            con, Scope.all(), Filters(*default_period(overview.data_info(con, Scope.all())), province_code="79")
        )
    finally:
        con.close()
    quiet = areas.filter(areas["opinions"] == 0)["code"][0]
    at = _app().run()
    at.selectbox(key="province").set_value("79").run()
    at.selectbox(key="commune").set_value(quiet).run()
    assert not at.exception
    assert any("Không có ý kiến nào khớp bộ lọc" in i.value for i in at.info)
    assert not at.metric


def test_no_warehouse_explains_how_to_load():
    at = _app().run()
    assert not at.exception
    message = " ".join(i.value for i in at.info)
    assert "Chưa có dữ liệu" in message and "make run" in message and "python -m etl load" in message
    assert not at.metric
