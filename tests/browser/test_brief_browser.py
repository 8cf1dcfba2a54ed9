# ruff: noqa: F811  (pytest fixtures imported from tests/fixtures/brief.py)
"""The Báo cáo page in real Chromium: it offers the PPTX and PDF downloads (built on click), and presentation
mode hides the sidebar and steps through the views with the buttons and the arrow keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, streamlit_server
from tests.fixtures.brief import brief_warehouse_module  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(brief_warehouse_module, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(brief_warehouse_module.data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(COLD_START_MS)
        yield page
        browser.close()


def _idle(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator(IDLE)).to_be_visible(timeout=60_000)


def test_report_page_offers_both_downloads(page, server, tmp_path, brief_warehouse_module, monkeypatch):
    from playwright.sync_api import expect

    from etl import audit

    page.goto(server + "/bao-cao?province=01")
    _idle(page)
    expect(page.locator("h1").first).to_have_text("Báo cáo giao ban, đại hội")
    for label, suffix, magic in (("Tải bản PowerPoint (.pptx)", ".pptx", b"PK"), ("Tải bản PDF", ".pdf", b"%PDF")):
        with page.expect_download(timeout=180_000) as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename.startswith("bao-cao_01_") and download.suggested_filename.endswith(suffix)
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.read_bytes()[:4].startswith(magic)
    log = brief_warehouse_module.data_dir / "audit" / "audit.jsonl"
    exports = [e["export"] for e in audit.entries(log) if e["event"] == "export"]
    assert exports[-2:] == ["brief.pptx", "brief.pdf"]  # logged by the deferred build, outside the session
    monkeypatch.setenv("FRONT_DATA_DIR", str(brief_warehouse_module.data_dir))  # the server's demo audit key
    assert audit.verify(log).ok


def test_presentation_mode_hides_the_sidebar_and_steps(page, server):
    from playwright.sync_api import expect

    page.goto(server + "/bao-cao?province=01&present=1")
    _idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Bộ lọc")).to_have_count(0)  # no filter bar, no page navigation
    expect(sidebar.get_by_text("Tổng quan")).to_have_count(0)
    expect(page.get_by_text("Trang 1/10")).to_be_visible()
    page.get_by_role("button", name="Tiếp").click()
    _idle(page)
    expect(page.get_by_text("Trang 2/10")).to_be_visible()
    expect(page.locator("h1").first).to_have_text("Các con số chính")
    page.locator("h1").first.click()  # focus the page, not a button
    page.keyboard.press("ArrowRight")
    _idle(page)
    expect(page.get_by_text("Trang 3/10")).to_be_visible()
    page.get_by_role("button", name="Trước").click()
    _idle(page)
    expect(page.get_by_text("Trang 2/10")).to_be_visible()
    assert "slide=2" in page.url and "present=1" in page.url
    page.get_by_role("button", name="Thoát trình chiếu").click()
    _idle(page)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Bộ lọc")).to_be_visible()
