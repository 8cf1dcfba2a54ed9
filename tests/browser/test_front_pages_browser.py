# ruff: noqa: F811  (pytest fixtures imported from tests/fixtures/front.py)
"""The Front's five pages in real Chromium, each opened by its direct URL: no error, the title, and a
rendered chart or table (one server for the module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, streamlit_server
from tests.fixtures.front import front_warehouse_module  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]

PAGES = [
    ("mo-hinh?province=79", "Mô hình đối thoại xã hội và an ninh cộng đồng", '[data-testid="stDataFrame"]'),
    ("to-chuc", 'Tổ chức thành viên và "hình nón ngược"', ".js-plotly-plot"),
    ("giam-sat-phan-bien", "Giám sát, phản biện xã hội và đối thoại", '[data-testid="stMetricValue"]'),
    ("ket-qua", "Kết quả an sinh và an ninh cộng đồng", '[data-testid="stMetricValue"]'),
    ("lo-trinh?lang=en", "Action-programme milestones", '[data-testid="stDataFrame"]'),
]


@pytest.fixture(scope="module")
def server(front_warehouse_module, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("st-front") / "server.log"
    with streamlit_server(front_warehouse_module.data_dir, log) as url:
        yield url


def test_every_page_opens_by_direct_url(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(COLD_START_MS)
        try:
            for path, title, element in PAGES:
                page.goto(f"{server}/{path}")
                expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS * 2)
                expect(page.locator("h1").first).to_have_text(title)
                expect(page.locator(element).first).to_be_attached()
                assert page.locator('[data-testid="stException"]').count() == 0, path
                assert page.locator('[data-testid="stAlertContentError"]').count() == 0, path
        finally:
            context.close()
            browser.close()
