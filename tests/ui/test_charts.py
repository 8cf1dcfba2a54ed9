"""Chart builders return figures whose titles name the denominator and the period; maps stay offline."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from analytics import db, overview
from analytics.filters import Filters
from analytics.scope import Scope
from ui import charts

PERIOD = Filters(date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture(scope="module")
def con(fixture_warehouse) -> duckdb.DuckDBPyConnection:
    connection = db.open_warehouse(fixture_warehouse.path)
    yield connection
    connection.close()


def test_top_fields_bar(con):
    frame = overview.top_fields(con, Scope.all(), PERIOD)
    fig = charts.top_fields_bar(frame, total=771, date_from=PERIOD.date_from, date_to=PERIOD.date_to, lang="vi")
    assert "771 ý kiến" in fig.layout.title.text and "01/01/2026–31/03/2026" in fig.layout.title.text
    assert "Chưa phân loại" in fig.data[0].y


def test_rate_map_is_offline_and_says_approximate(con):
    areas = overview.rate_by_area(con, Scope.all(), PERIOD)
    title = charts.rate_title("province", date_from=PERIOD.date_from, date_to=PERIOD.date_to, lang="vi", map_=True)
    fig = charts.rate_map(areas, overview.boundaries(con, Scope.all(), "province"), title=title, lang="vi")
    assert fig is not None
    assert fig.layout.map.style == "white-bg"
    assert "trên 100.000 dân" in fig.layout.title.text and "ranh giới gần đúng" in fig.layout.title.text
    assert fig.data[0].type == "choroplethmap"


def test_rate_bar_marks_estimates(con):
    areas = overview.rate_by_area(con, Scope.all(), Filters(PERIOD.date_from, PERIOD.date_to, province_code="79"))
    title = charts.rate_title(
        "commune", date_from=PERIOD.date_from, date_to=PERIOD.date_to, lang="vi", province_name="HCM"
    )
    fig = charts.rate_bar(areas, title=title, lang="vi")
    assert all("(ước tính)" in label for label in fig.data[0].y)
    assert "ước tính" in charts.population_note(areas, "vi")
    assert (
        charts.rate_map(areas, overview.boundaries(con, Scope.all(), "commune", "79"), title=title, lang="vi") is None
    )


def test_trend_line_title_names_months(con):
    fig = charts.monthly_trend_line(overview.monthly_trend(con, Scope.all(), PERIOD), lang="en")
    assert fig.layout.title.text == "Opinions per month, 01/04/2025–31/03/2026"
