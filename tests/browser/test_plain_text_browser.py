"""Opinion texts and other strings from the data are shown as plain text in real Chromium: an opinion whose
text carries a Markdown image (a read receipt to its writer) and a Markdown link makes the analyst's browser
fetch nothing and shows no link; the same payloads in the agency and the opinion id stay inert too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polars as pl
import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, free_port, streamlit_server
from tests.fixtures.voices import VoicesFixture, build_voices_warehouse, feedback_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
PERIOD = "period=2026-05-01&period=2026-07-31"
PORT = free_port()
HOST = f"http://127.0.0.1:{PORT}"
TEXT = (
    f"Đường làng ngập nước hoemakeup ![]({HOST}/pixel.png) xem [ảnh hiện trường]({HOST}/phish) <img src={HOST}/raw.png>"
)
AGENCY = f"![]({HOST}/agency.png) :red[UBND] $x$"
SOURCE_ID = f"![]({HOST}/id.png)"


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def pixel_server() -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", PORT), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Recorder.hits
    server.shutdown()


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> VoicesFixture:
    rows = feedback_rows()
    first = pl.int_range(rows.height, eager=True) == 0
    rows = rows.with_columns(
        pl.when(first).then(pl.lit(TEXT)).otherwise(pl.col("content")).alias("content"),
        pl.when(first).then(pl.lit(AGENCY)).otherwise(pl.col("agency")).alias("agency"),
        pl.when(first).then(pl.lit(SOURCE_ID)).otherwise(pl.col("source_id")).alias("source_id"),
    )
    return build_voices_warehouse(tmp_path_factory.mktemp("plain-browser"), rows)


@pytest.fixture(scope="module")
def server(fixture, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(fixture.data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


def test_an_opinion_with_an_image_link_fetches_nothing_and_links_nowhere(server, pixel_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN").new_page()
        page.set_default_timeout(COLD_START_MS)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        try:
            page.goto(f"{server}/tieng-noi?q=hoemakeup&{PERIOD}")
            expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS)
            expect(page.get_by_text("ý kiến khớp", exact=False)).to_be_visible()
            box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Mã phản ánh")
            box.locator("input").click()
            page.locator('[role="option"]').first.click()
            heading = page.locator("h3").filter(has_text="Chi tiết ý kiến")
            expect(heading).to_be_visible()
            assert heading.inner_text().replace("\u2060", "").strip() == f"Chi tiết ý kiến {SOURCE_ID}"
            expect(page.locator(IDLE)).to_be_visible()
            # the text is there, character for character, as plain text
            expect(page.locator('[data-testid="stText"]').filter(has_text=f"![]({HOST}/pixel.png)")).to_be_visible()
            captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
            assert any(AGENCY in c.replace("\u2060", "") for c in captions)
            page.wait_for_timeout(1500)  # time for any image request to leave
            links = page.locator(f'a[href^="{HOST}"]')
            assert [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())] == []
            assert page.locator(f'img[src^="{HOST}"]').count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
    assert [u for u in requests if u.startswith(HOST)] == []
    assert pixel_server == []
