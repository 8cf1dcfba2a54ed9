"""The trust-index page in real Chromium, opened by its URL as the first request to a fresh server: title,
national figure, the three charts (trend with breaks, caterpillar, profile), no error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, streamlit_server
from tests.fixtures.trust import RISER, build_trust_warehouse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    fixture = build_trust_warehouse(tmp_path_factory.mktemp("trust-browser"))
    with streamlit_server(fixture.warehouse.data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


def test_trust_page_by_direct_url_with_a_province(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.set_default_timeout(COLD_START_MS)
            page.goto(f"{server}/chi-so-niem-tin?province={RISER}")
            expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS)
            expect(page.locator("h1").first).to_have_text("Chỉ số niềm tin cấp tỉnh")
            expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(2)
            expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=COLD_START_MS)
            expect(page.get_by_text("Dữ liệu mô phỏng — không phải số liệu thật")).to_be_visible()
            assert page.locator('[data-testid="stException"]').count() == 0
            assert "province=" + RISER in page.url
        finally:
            browser.close()
