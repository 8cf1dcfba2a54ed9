# ruff: noqa: F811  (pytest fixtures imported from tests/fixtures/front.py)
"""The Front's own pages through AppTest on the front fixture warehouse: each runs without an exception,
shows its title and key elements with the analytics numbers, follows the province filter, and switches to
English."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import monitoring, overview
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.front import front_warehouse, front_warehouse_module  # noqa: F401
from ui.filters import default_period
from ui.i18n import fmt_int

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = {
    "models.py": "Mô hình đối thoại xã hội và an ninh cộng đồng",
    "membership.py": 'Tổ chức thành viên và "hình nón ngược"',
    "monitoring.py": "Giám sát, phản biện xã hội và đối thoại",
    "outcomes.py": "Kết quả an sinh và an ninh cộng đồng",
    "milestones.py": "Lộ trình thực hiện Chương trình hành động",
}


def _page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{name}").run()
    return at


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_runs_in_vietnamese(name, front_warehouse):
    at = _page(name)
    assert not at.exception
    assert [x.value for x in at.title] == [PAGES[name]]
    assert "Dữ liệu mô phỏng — không phải số liệu thật" in [w.value for w in at.warning]
    assert at.get("plotly_chart") or at.dataframe


def test_models_page_shows_the_replication_table_and_peers_for_a_province(front_warehouse):
    at = _page("models.py", province="79")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 10 and "Mức độ bằng chứng" in table.columns
    assert any("nên nhân rộng" in v for v in table["Mức độ bằng chứng"])
    assert len(at.dataframe[1].value) == 5  # the 5 peers
    assert len(at.get("plotly_chart")) >= 3


def test_monitoring_page_counts_overdue_recommendations(front_warehouse):
    con = open_warehouse(front_warehouse.path)
    try:
        filters = Filters(*default_period(overview.data_info(con, Scope.all())))
        recs = monitoring.recommendations(con, Scope.all(), filters, monitoring.as_of_date(con, Scope.all()))
    finally:
        con.close()
    at = _page("monitoring.py")
    assert not at.exception
    overdue = [m.value for m in at.metric if m.label == "Kiến nghị quá hạn"]
    assert overdue == [fmt_int(int((recs["stage"] == "overdue").sum()), "vi")]


def test_membership_page_states_the_rule_and_english_toggle(front_warehouse):
    at = _page("membership.py")
    assert any("hình nón ngược" in c.value and "trung vị toàn quốc" in c.value for c in at.caption)
    assert any("Nghệ An" in c.value for c in at.caption)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert [x.value for x in at.title] == ['Member organisations and the "inverted cone"']


@pytest.mark.parametrize("name", ["outcomes.py", "monitoring.py"])
def test_presenter_sees_no_small_counts_of_people(name, front_warehouse):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["demo_role"] = "presenter"
    at.run()
    at.switch_page(f"app_pages/{name}").run()
    assert not at.exception
    counted = {"Nhà Đại đoàn kết (căn)", "Vụ việc an ninh, trật tự", "Vụ việc hòa giải"}
    for metric in at.metric:
        if metric.label in counted:
            assert metric.value == "<10" or int(metric.value.replace(".", "")) >= 10, metric
