"""The Digital Map in real Chromium: a direct URL (first request to a fresh server) draws the commune map of a
province with hot spots outlined; clicking a province on the national map drills down and writes the URL;
the URL reproduces the level and layer."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM, COLD_START_MS, IDLE, streamlit_server
from tests.fixtures.digital_map import HOT_PROVINCE, map_warehouse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(fixture_warehouse, tmp_path_factory) -> Iterator[str]:
    data_dir, _ = map_warehouse(fixture_warehouse, tmp_path_factory.mktemp("map-browser"))
    with streamlit_server(data_dir, tmp_path_factory.mktemp("st") / "server.log") as url:
        yield url


def _open(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS * 2)
    expect(page.get_by_role("heading", name="Bản đồ số")).to_be_visible(timeout=COLD_START_MS)


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _map_ready(page) -> None:
    page.wait_for_function(
        """() => { const gd = document.querySelector('.js-plotly-plot');
                   const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
                   return sub && sub.map && sub.map.loaded(); }""",
        timeout=COLD_START_MS,
    )


def test_direct_url_draws_the_province_map_with_hot_spots(page, server):
    _open(page, server + f"/ban-do-so?province={HOT_PROVINCE}")
    _map_ready(page)
    _no_errors(page)
    assert page.get_by_text("Toàn quốc › Thành phố Hà Nội").is_visible()
    legend = page.locator(".js-plotly-plot .legend").text_content()
    assert re.search(r"Điểm nóng \(tin cậy (99|95|90)%\)", legend), legend
    traces = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    assert any(name.startswith("Điểm nóng") for name in traces)


def test_clicking_a_province_drills_down_and_the_breadcrumb_goes_back(page, server):
    from playwright.sync_api import expect

    _open(page, server + "/ban-do-so")
    _map_ready(page)
    x, y = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot');
                   const map = gd._fullLayout.map._subplot.map;
                   const f = gd.data[0].geojson.features.find(f => f.id === '79');
                   const ring = f.geometry.coordinates[0];
                   const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
                   const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
                   const pt = map.project([lon, lat]);
                   const rect = map.getCanvas().getBoundingClientRect();
                   return [rect.left + pt.x, rect.top + pt.y]; }"""
    )
    page.mouse.click(x, y)
    expect(page.get_by_text("Toàn quốc › Thành phố Hồ Chí Minh")).to_be_visible(timeout=COLD_START_MS)
    page.wait_for_url(re.compile(r"province=79"), timeout=COLD_START_MS)
    _no_errors(page)
    page.get_by_role("button", name="← Toàn quốc").click()
    expect(page.get_by_text("Toàn quốc › Thành phố Hồ Chí Minh")).to_be_hidden(timeout=COLD_START_MS)
    page.wait_for_url(lambda url: "province=" not in url, timeout=COLD_START_MS)


def test_the_url_reproduces_level_and_layer(page, server):
    _open(page, server + "/ban-do-so?map_level=commune&map_layer=hexagons&lang=vi")
    _no_errors(page)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=COLD_START_MS)
    assert page.get_by_text(re.compile(r"^Vị trí: ")).is_visible()
    pressed = page.locator('[data-testid="stButtonGroup"] button[aria-checked="true"], '
                           '[data-testid="stButtonGroup"] button[kind$="Active"]').all_inner_texts()  # fmt: skip
    assert "Xã, phường" in pressed and "Mật độ lục giác (H3)" in pressed, pressed
