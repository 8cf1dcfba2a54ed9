"""The Voices, Handling and Listening Month pages in real Chromium, by direct URL: a search without diacritics
finds accented text, and a field correction made in the app appears once the loader has run."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, streamlit_server
from tests.fixtures.voices import VoicesFixture, build_voices_warehouse
from ui.data import POINTER_TTL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
PERIOD = "period=2026-05-01&period=2026-07-31"


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> VoicesFixture:
    return build_voices_warehouse(tmp_path_factory.mktemp("voices-browser"))


@pytest.fixture(scope="module")
def server(fixture, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(fixture.data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(COLD_START_MS)
        yield page
        browser.close()


def _open(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=COLD_START_MS)
    expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS)
    assert page.locator('[data-testid="stException"]').count() == 0


def _pick_first_opinion(page) -> str:
    from playwright.sync_api import expect

    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Mã phản ánh")
    box.locator("input").click()
    option = page.locator('[role="option"]').first
    opinion_id = option.inner_text().strip()
    option.click()
    expect(page.get_by_text(f"Chi tiết ý kiến {opinion_id}")).to_be_visible()
    expect(page.locator(IDLE)).to_be_visible()
    return opinion_id


def test_search_without_diacritics_and_a_correction_through_the_loader(page, server, fixture, monkeypatch):
    from playwright.sync_api import expect

    from etl.load import load_paths

    _open(page, f"{server}/tieng-noi?q=o+voi&{PERIOD}")
    expect(page.get_by_text("ý kiến khớp", exact=False)).to_be_visible()
    opinion_id = _pick_first_opinion(page)
    # typed without diacritics, found with them (the table is a canvas: read the detail panel's plain text)
    expect(page.locator('[data-testid="stText"]').filter(has_text="ổ voi ổ gà").first).to_be_visible()

    form = page.locator('[data-testid="stForm"]')
    form.locator('[data-testid="stSelectbox"]').locator("input").click()
    page.keyboard.type("Thiên tai")
    page.locator('[role="option"]').filter(has_text="Thiên tai").first.click()
    form.get_by_role("button", name="Gửi bản sửa").click()
    expect(page.get_by_text("Đã ghi tệp sửa")).to_be_visible()

    monkeypatch.setenv("FRONT_DATA_DIR", str(fixture.data_dir))
    monkeypatch.setenv("FRONT_PII_KEY", "test-pii-key")
    written = sorted((fixture.data_dir / "inbox").glob("correction_*.csv"))
    assert written
    load_paths(written, progress=False)
    time.sleep(POINTER_TTL + 1)  # the app re-reads the CURRENT pointer at most this often

    _open(page, f"{server}/tieng-noi?q=o+voi&{PERIOD}&field=thien_tai")
    expect(page.get_by_text("ý kiến khớp", exact=False)).to_be_visible()
    assert _pick_first_opinion(page) == opinion_id
    expect(page.get_by_text("Thiên tai (cán bộ sửa", exact=False)).to_be_visible()


@pytest.mark.parametrize(
    ("path", "title"), [("xu-ly", "Xử lý & phản hồi"), ("thang-lang-nghe", "Tháng lắng nghe ý kiến nhân dân")]
)
def test_handling_and_campaign_pages_render_by_direct_url(page, server, path, title):
    from playwright.sync_api import expect

    _open(page, f"{server}/{path}?{PERIOD}")
    expect(page.locator("h1").first).to_have_text(title)
    expect(page.locator('[data-testid="stMetricValue"]').first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_attached()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
