"""Login against a real OpenID Connect provider (npm `oidc-provider`, on 127.0.0.1) in real Chromium:
an anonymous visitor sees the login screen and no data, a province user sees only that province, and a
presenter sees no citizen's words. The app is configured exactly as an administrator would: `[auth]` in a
secrets file and FRONT_ROLES_FILE. And a server whose `[auth]` is misspelt shows only the configuration error,
even with FRONT_DEMO=1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics import db, overview
from analytics.filters import Filters
from analytics.scope import Scope
from etl import audit
from tests.browser.harness import CHROMIUM, COLD_START_MS, IDLE, free_port, stop, wait_until_up
from ui.filters import default_period
from ui.i18n import fmt_int

ROOT = Path(__file__).resolve().parents[2]
OIDC_DIR = Path(__file__).resolve().parent / "oidc"
USERS = {
    "lan": {"email": "lan.nguyen@hcm.mattran.vn", "name": "Nguyễn Thị Lan"},
    "minh": {"email": "minh.tran@mattran.vn", "name": "Trần Văn Minh"},
    "khach": {"email": "khach@example.vn", "name": "Khách"},
}
ROLES = "identity,role,scope\nlan.nguyen@hcm.mattran.vn,analyst,79\nMinh.Tran@mattran.vn,presenter,all\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def oidc_packages() -> Path:
    """`npm ci` from the committed lock file when node_modules is missing (nothing else is fetched)."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True, capture_output=True)
    return OIDC_DIR


@pytest.fixture(scope="module")
def servers(oidc_packages, fixture_warehouse, tmp_path_factory) -> Iterator[dict]:
    """The OIDC provider and `streamlit run app.py` configured against it, both on free local ports."""
    tmp = tmp_path_factory.mktemp("auth")
    app_port, idp_port = free_port(), free_port()
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect}"\n'
        'cookie_secret = "a-long-random-test-cookie-secret-0123456789"\n'
        'client_id = "front-analytics"\n'
        'client_secret = "front-analytics-test-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"\n'
        'client_kwargs = { prompt = "login" }\n',
        encoding="utf-8",
    )
    roles = tmp / "roles.csv"
    roles.write_text(ROLES, encoding="utf-8")
    data_dir = tmp / "data"
    shutil.copytree(fixture_warehouse.data_dir, data_dir)  # the audit log is written beside the warehouse
    idp_log, app_log = tmp / "oidc.log", tmp / "streamlit.log"
    idp_env = {**os.environ, "OIDC_PORT": str(idp_port), "OIDC_REDIRECT_URI": redirect, "OIDC_USERS": json.dumps(USERS)}
    app_env = {**os.environ, "FRONT_DATA_DIR": str(data_dir), "FRONT_PII_KEY": "test-pii-key",
               "FRONT_AUDIT_KEY": "test-audit-key", "FRONT_ROLES_FILE": str(roles)}  # fmt: skip
    app_env.pop("FRONT_DEMO", None)  # a real deployment: login, no demo switch
    with open(idp_log, "w") as idp_out, open(app_log, "w") as app_out:
        idp = subprocess.Popen(
            ["node", "server.mjs"], cwd=OIDC_DIR, env=idp_env, stdout=idp_out, stderr=subprocess.STDOUT
        )
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(app_port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--secrets.files", str(secrets)],
            cwd=ROOT, env=app_env, stdout=app_out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{idp_port}/.well-known/openid-configuration", idp, idp_log)
            wait_until_up(f"http://127.0.0.1:{app_port}/_stcore/health", app, app_log, lambda b: b.strip() == b"ok")
            yield {"app": f"http://127.0.0.1:{app_port}", "data_dir": data_dir, "log": app_log}
        finally:
            stop(app)
            stop(idp)


def _idle(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator(IDLE)).to_be_visible(timeout=COLD_START_MS)


def _through_provider(page, app: str, login: str) -> None:
    """From the app's login button through the provider's own login and consent screens back to the app."""
    page.goto(app)
    _idle(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập bằng tài khoản cơ quan").click()
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill("any-password")
    for _ in range(4):  # login form, then the consent screen (its submit button), then the app
        if page.url.startswith(app):
            break
        with page.expect_navigation():
            page.locator('button[type="submit"]').first.click()
    page.wait_for_url(f"{app}/**", timeout=COLD_START_MS)
    _idle(page)


def _sign_in(page, app: str, login: str) -> None:
    from playwright.sync_api import expect

    _through_provider(page, app, login)
    expect(page.locator('[data-testid="stMetricValue"]').first).to_be_visible(timeout=COLD_START_MS)


def _expected_opinions(warehouse_path: Path, scope: Scope) -> str:
    con = db.open_warehouse(warehouse_path)
    try:
        start, end = default_period(overview.data_info(con, scope))
        return fmt_int(overview.kpis(con, scope, Filters(start, end)).opinions, "vi")
    finally:
        con.close()


def test_anonymous_visitor_sees_the_login_screen_and_no_data(servers, page):
    from playwright.sync_api import expect

    for path in ("/", "/tong-quan", "/tieng-noi", "/ban-do-so"):
        page.goto(servers["app"] + path)
        _idle(page)
        expect(page.get_by_role("button", name="Đăng nhập bằng tài khoản cơ quan")).to_be_visible()
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0


def test_province_user_sees_only_that_province(servers, page, fixture_warehouse):
    from playwright.sync_api import expect

    _sign_in(page, servers["app"], "lan")
    national = _expected_opinions(fixture_warehouse.path, Scope.all())
    mine = _expected_opinions(fixture_warehouse.path, Scope("79"))
    assert mine != national
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(mine)
    province_box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Tỉnh")
    province_box.first.click()
    options = page.locator('[role="option"]').all_inner_texts()
    page.keyboard.press("Escape")
    assert any("Hồ Chí Minh" in o for o in options)
    assert not any("Hà Nội" in o for o in options)
    logins = [e for e in audit.entries(servers["data_dir"] / "audit" / "audit.jsonl") if e["event"] == "login"]
    assert logins and logins[-1]["identity"] == "lan.nguyen@hcm.mattran.vn" and logins[-1]["scope"] == "79"


def test_presenter_sees_no_opinion_text(servers, page, fixture_warehouse):
    _sign_in(page, servers["app"], "minh")
    con = db.open_warehouse(fixture_warehouse.path)
    try:
        texts = [r[0] for r in con.sql("SELECT DISTINCT content FROM feedback WHERE length(content) > 8").fetchall()]
    finally:
        con.close()
    assert texts
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Tiếng nói nhân dân" not in nav
    for path in ("/", "/xu-ly", "/ban-do-so", "/tieng-noi"):
        page.goto(servers["app"] + path)
        _idle(page)
        shown = page.locator('[data-testid="stMain"]').inner_text()
        assert not [text for text in texts if text in shown], path
        assert "Tìm trong nội dung" not in shown  # the opinion reader never renders for a presenter
        assert page.locator('[data-testid="stException"]').count() == 0


def test_unmapped_identity_gets_the_no_access_page(servers, page):
    from playwright.sync_api import expect

    _through_provider(page, servers["app"], "khach")
    expect(page.get_by_text("Chưa có quyền truy cập").first).to_be_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


@pytest.fixture(scope="module")
def misconfigured(fixture_warehouse, tmp_path_factory) -> Iterator[str]:
    """`streamlit run app.py` as an administrator who misspelt `[auth]` and set a role file (and FRONT_DEMO)."""
    tmp = tmp_path_factory.mktemp("misconfigured")
    secrets = tmp / "secrets.toml"
    secrets.write_text('[Auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\nclient_id = "x"\n', encoding="utf-8")
    roles = tmp / "roles.csv"
    roles.write_text(ROLES, encoding="utf-8")
    data_dir = tmp / "data"
    shutil.copytree(fixture_warehouse.data_dir, data_dir)
    port, log = free_port(), tmp / "streamlit.log"
    env = {**os.environ, "FRONT_DATA_DIR": str(data_dir), "FRONT_PII_KEY": "test-pii-key",
           "FRONT_ROLES_FILE": str(roles), "FRONT_DEMO": "1"}  # fmt: skip
    with open(log, "w") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--secrets.files", str(secrets)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", app, log, lambda b: b.strip() == b"ok")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(app)


def test_a_misspelt_auth_section_shows_only_the_configuration_error(misconfigured, page):
    from playwright.sync_api import expect

    for path in ("/", "/tieng-noi", "/du-lieu", "/cong-khai"):
        page.goto(misconfigured + path)
        _idle(page)
        expect(page.get_by_text("Ứng dụng chưa được cấu hình").first).to_be_visible()
        expect(page.get_by_text("Có tệp phân quyền (FRONT_ROLES_FILE)").first).to_be_visible()
        assert page.get_by_text("Chế độ trình diễn").count() == 0
        assert page.get_by_role("button", name="Đăng nhập bằng tài khoản cơ quan").count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        for kind in ("stMetric", "stDataFrame", "stPlotlyChart", "stFileUploader", "stDownloadButton", "stException"):
            assert page.locator(f'[data-testid="{kind}"]').count() == 0, (path, kind)
