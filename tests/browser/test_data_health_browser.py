"""The upload round trip in real Chromium: a CSV uploaded on /du-lieu lands in the inbox, the real watcher
(`python -m etl watch`) loads it, and the page shows the new load with its quarantined rows and reasons."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS, IDLE, ROOT, stop, streamlit_server
from tests.fixtures.data_health import PII_KEY, loaded_data_once

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]

UPLOAD_NAME = "phan_anh_tai_len.csv"
UPLOAD = (
    "ma_phan_anh,thoi_gian_tiep_nhan,kenh,ma_tinh,noi_dung\n"
    "U1,10/03/2026 08:00,Zalo,79,Ngập nước sau mưa\n"
    "U2,11/03/2026 09:00,Đường dây nóng,01,Tiếng ồn công trình\n"
    "U3,12/03/2026,app,79,Chậm cấp sổ đỏ\n"
    "U4,30/02/2026,app,79,Ngày không có thật\n"
    "U5,12/03/2026,bồ câu đưa thư,01,Kênh không có\n"
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A private copy of the loaded data folder (the watcher writes new generations into it)."""
    source = loaded_data_once(tmp_path_factory).data_dir
    target = tmp_path_factory.mktemp("browser-data") / "data"
    shutil.copytree(source, target)
    (target / "inbox").mkdir(exist_ok=True)  # a demo's inbox: what is dropped here counts as synthetic test data
    (target / "inbox" / ".synthetic").write_text("test data\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def watcher(data_dir, tmp_path_factory) -> Iterator[subprocess.Popen]:
    """`python -m etl watch` on the copy's inbox; always terminated."""
    log = tmp_path_factory.mktemp("watch") / "watch.log"
    env = {**os.environ, "FRONT_DATA_DIR": str(data_dir), "FRONT_PII_KEY": PII_KEY}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "etl", "watch", str(data_dir / "inbox"), "--interval", "0.5"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield proc
        finally:
            stop(proc)


@pytest.fixture(scope="module")
def server(data_dir, watcher, tmp_path_factory) -> Iterator[str]:
    with streamlit_server(data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


def test_upload_is_loaded_by_the_watcher_and_its_quarantine_shown(server, watcher, data_dir, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    upload = tmp_path / UPLOAD_NAME
    upload.write_text(UPLOAD, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN").new_page()
            page.set_default_timeout(COLD_START_MS)
            page.goto(server + "/du-lieu")
            expect(page.locator(IDLE)).to_be_visible(timeout=3 * COLD_START_MS)  # cold server, busy machine
            expect(page.locator("h1").first).to_have_text("Dữ liệu")
            assert page.locator('[data-testid="stException"]').count() == 0

            page.locator('input[type="file"]').set_input_files(str(upload))
            result = page.get_by_text(f"Đã nạp {UPLOAD_NAME}")
            deadline = time.monotonic() + 120
            while not result.is_visible():  # the page polls; the refresh button is the manual way
                assert watcher.poll() is None, "the watcher stopped"
                assert time.monotonic() < deadline, "the upload was not loaded in time"
                page.wait_for_timeout(2000)
                if not result.is_visible() and time.monotonic() > deadline - 90:
                    page.get_by_role("button", name="Làm mới kết quả nạp").click()
            expect(result).to_contain_text("đọc 5 dòng — 3 mới")
            expect(result).to_contain_text("2 bị cách ly")
            rows = page.locator('[data-testid="stDataFrame"]').first
            expect(rows).to_be_visible()
            page.get_by_text("ngày không hợp lệ: 30/02/2026").first.wait_for(state="attached")
            assert list((data_dir / "processed").glob(f"*{UPLOAD_NAME.removesuffix('.csv')}*.csv"))
            assert not list((data_dir / "inbox").glob("*.csv"))
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(tmp_path / "du-lieu.png"), full_page=True)
        finally:
            browser.close()
