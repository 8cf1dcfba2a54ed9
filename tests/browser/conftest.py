"""One Chromium per test module and a fresh Vietnamese-locale page per test."""

from __future__ import annotations

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, COLD_START_MS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(COLD_START_MS)
    yield page
    context.close()
