"""The real app in real Chromium: renders in Vietnamese without errors, filters write the URL, and a URL with
query parameters opens the view it describes — including as the very first request to a fresh server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from analytics import db, overview
from analytics.filters import Filters
from analytics.scope import Scope
from tests.browser.harness import CHROMIUM, COLD_START_MS, IDLE, streamlit_server
from ui.filters import default_period
from ui.i18n import fmt_int

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(fixture_warehouse, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(fixture_warehouse.data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


def _open(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS)
    expect(page.locator('[data-testid="stMetricValue"]').first).to_be_visible(timeout=COLD_START_MS)


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def _expected_opinions(warehouse, filters: Filters | None = None, lang: str = "vi", **filter_args) -> str:
    con = db.open_warehouse(warehouse.path)
    try:
        if filters is None:
            filters = Filters(*default_period(overview.data_info(con, Scope.all())), **filter_args)
        return fmt_int(overview.kpis(con, Scope.all(), filters).opinions, lang)
    finally:
        con.close()


def test_overview_renders_and_a_filter_updates_url_and_numbers(page, server, fixture_warehouse, tmp_path):
    from playwright.sync_api import expect

    _open(page, server + "/")
    expect(page.locator("h1").first).to_have_text("Tổng quan")
    expect(page.get_by_text("Dữ liệu mô phỏng — không phải số liệu thật")).to_be_visible()
    _no_errors(page)
    metric = page.locator('[data-testid="stMetricValue"]').first
    expect(metric).to_have_text(_expected_opinions(fixture_warehouse))
    expect(page.locator(".js-plotly-plot").nth(1)).to_be_attached()  # plotly loads lazily
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    # Type a pre-2025 province name: the merged 2025 province is found and chosen.
    province = page.locator('[data-testid="stSelectbox"]').filter(has_text="Tỉnh, thành phố")
    province.locator("input").click()
    page.keyboard.type("Bình Dương")
    option = page.get_by_role("option").filter(has_text="Thành phố Hồ Chí Minh")
    expect(option).to_have_count(1)
    option.click()
    page.wait_for_url(re.compile(r"[?&]province=79\b"))
    expect(metric).to_have_text(_expected_opinions(fixture_warehouse, province_code="79"))
    expect(page.locator(IDLE)).to_be_visible()
    _no_errors(page)
    page.screenshot(path=str(tmp_path / "overview-79.png"), full_page=True)


def test_url_with_query_parameters_opens_that_view(page, server, fixture_warehouse):
    from playwright.sync_api import expect

    _open(page, server + "/?province=79&lang=vi&period=2026-01-01&period=2026-01-31&field=dat_dai&field=y_te")
    expect(page.locator("h1").first).to_have_text("Tổng quan")
    filters = Filters(date(2026, 1, 1), date(2026, 1, 31), province_code="79", fields=("dat_dai", "y_te"))
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(
        _expected_opinions(fixture_warehouse, filters)
    )
    expect(page.get_by_role("combobox", name="Tỉnh, thành phố")).to_have_value(re.compile("^Thành phố Hồ Chí Minh"))
    _no_errors(page)


def test_english_by_url(page, server):
    from playwright.sync_api import expect

    _open(page, server + "/?lang=en")
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(page.get_by_text("Simulated data — not real figures")).to_be_visible()
    _no_errors(page)


def test_direct_url_as_first_request_to_a_fresh_server(browser, fixture_warehouse, tmp_path):
    """The first script run of a server is the one Streamlit's legacy `pages/` discovery could hijack: a
    direct URL must still go through app.py (filter bar, banner) and apply its parameters."""
    from playwright.sync_api import expect

    with streamlit_server(fixture_warehouse.data_dir, tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            _open(page, url + "/overview?province=79&lang=en")
            expect(page.locator("h1").first).to_have_text("Overview")
            expect(page.get_by_role("combobox", name="Province")).to_have_value(re.compile("^Thành phố Hồ Chí Minh"))
            expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(
                _expected_opinions(fixture_warehouse, lang="en", province_code="79")
            )
            # The navigation lists only the registered pages, never the legacy discovery's "app" entry.
            nav = page.locator('[data-testid="stSidebarNav"] a')
            assert "app" not in [text.strip().lower() for text in nav.all_inner_texts()]
            _no_errors(page)
        finally:
            context.close()
