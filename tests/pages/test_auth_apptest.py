"""Demo mode through AppTest: the banner, the role switcher, what each role gets, the public view, and the
audit of page views. Demo mode only when safe: without FRONT_DEMO=1 and a valid [auth], with a misspelt or
incomplete [auth], with a role file but no login, or on real data, only the configuration error shows.
Plus the hardening settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import config
from etl import audit

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
BANNER = "Chế độ trình diễn — không đăng nhập"
SETUP_TITLE = "Ứng dụng chưa được cấu hình"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-long-random-test-cookie-secret-0123456789",
    "client_id": "front-analytics",
    "client_secret": "front-analytics-test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _app(role: str | None = None, scope: str | None = None, secrets: dict | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if role:
        at.session_state["demo_role"] = role
    if scope:
        at.session_state["demo_scope"] = scope
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _audit_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """FRONT_AUDIT_KEY set, as a login needs: the key the data folder's log is already chained with (the
    fixture warehouse's folder, hence its audit log, is shared by tests)."""
    monkeypatch.setenv("FRONT_AUDIT_KEY", config.audit_key().decode("utf-8"))


def _only_the_configuration_error(at: AppTest) -> str:
    """The error page and nothing else: no data, no demo switcher, no filters, no other page (not even the
    public view). Returns the page's error texts."""
    assert not at.exception
    assert [t.value for t in at.title] == [SETUP_TITLE]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not any(BANNER in w.value for w in at.warning)
    keys = {box.key for box in at.selectbox}
    assert "demo_role" not in keys and "province" not in keys
    for page in ("app_pages/overview.py", "app_pages/public.py", "app_pages/voices.py", "app_pages/data_health.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    return " ".join(e.value for e in at.error)


def test_demo_mode_says_so_and_defaults_to_the_analyst(warehouse):
    at = _app()
    assert not at.exception
    assert any(BANNER in w.value for w in at.warning)
    assert at.selectbox(key="demo_role").value == "analyst"
    assert [t.value for t in at.title] == ["Tổng quan"]


def test_presenter_gets_no_opinion_reader_and_hidden_small_counts(warehouse):
    at = _app("presenter", "79")
    assert not at.exception
    for page in ("app_pages/voices.py", "app_pages/data_health.py"):  # not in the presenter's navigation
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    assert any("<10" in c.value for c in at.caption)
    options = at.selectbox(key="province").options
    assert any("Hồ Chí Minh" in o for o in options) and not any("Hà Nội" in o for o in options)


def test_public_role_sees_only_the_public_view(warehouse):
    at = _app("public")
    assert not at.exception
    assert [t.value for t in at.title] == ["Công khai kết quả tiếp nhận ý kiến"]
    assert not at.metric
    for frame in at.dataframe:
        values = [str(v) for col in frame.value.columns for v in frame.value[col].to_list()]
        numbers = [int(v.replace(".", "")) for v in values if v.replace(".", "").isdigit()]
        assert all(n >= 10 for n in numbers)


def test_page_views_are_audited_with_filters(warehouse):
    _app("leader", "79")
    views = [e for e in audit.entries() if e["event"] == "view"]
    assert views and views[-1]["page"] == "/" and views[-1]["role"] == "leader" and views[-1]["scope"] == "79"
    assert "from" in views[-1]["filters"]
    assert audit.verify().ok


def test_hardening_settings():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["server"]["enableXsrfProtection"] is True
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text()
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"} <= set(
        example["auth"]
    )
    for folder in ("app_pages", "ui"):
        for path in (ROOT / folder).glob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert "unsafe_allow_html" not in source and "st.html(" not in source, path
    assert config.roles_file() is None or config.roles_file().name


def test_without_the_demo_switch_or_a_login_only_the_configuration_error_shows(warehouse, monkeypatch):
    """Before: an anonymous visitor was an analyst with national scope (opinions, exports, uploads)."""
    monkeypatch.delenv("FRONT_DEMO")
    logged = len(audit.entries())
    errors = _only_the_configuration_error(_app())
    assert "Không có tệp .streamlit/secrets.toml" in errors
    assert len(audit.entries()) == logged  # no page view happened
    _only_the_configuration_error(_app(present="1"))  # presentation mode is no way round it
    monkeypatch.setenv("FRONT_DEMO", "yes")  # only exactly "1" asks for demo mode
    _only_the_configuration_error(_app())


@pytest.mark.parametrize(
    ("secrets", "said"),
    [
        ({"Auth": AUTH}, "Có mục [Auth]"),
        ({"auht": AUTH}, "Có mục [auht]"),
        ({"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}}, "để trống: client_secret"),
        ({"auth": {**AUTH, "cookie_secret": " "}}, "để trống: cookie_secret"),
        ({"auth": {**AUTH, "client_secret": "CHANGE-ME"}}, "giá trị mẫu CHANGE-ME ở: client_secret"),
    ],
    ids=["Auth", "auht", "no-client-secret", "blank-cookie-secret", "example-value"],
)
def test_a_misspelt_or_incomplete_auth_section_is_not_a_login(warehouse, monkeypatch, secrets, said):
    monkeypatch.delenv("FRONT_DEMO")
    assert said in _only_the_configuration_error(_app(secrets=secrets))


def test_a_valid_auth_section_gets_the_login_screen_even_with_the_demo_switch(warehouse, monkeypatch):
    _audit_key_in_environment(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}  # (AppTest's st.user has no default for at.secrets' [auth])
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert not at.metric and not at.dataframe
    assert not any(BANNER in w.value for w in at.warning)
    assert "demo_role" not in {box.key for box in at.selectbox}


def test_a_signed_in_analyst_keeps_exports_under_a_valid_login(warehouse, monkeypatch, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("identity,role,scope\nlan@mattran.vn,analyst,79\n", encoding="utf-8")
    monkeypatch.setenv("FRONT_ROLES_FILE", str(roles))
    _audit_key_in_environment(monkeypatch)
    monkeypatch.delenv("FRONT_DEMO")
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "lan@mattran.vn", "sub": "lan"}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Tổng quan"] and at.metric
    assert any(e["event"] == "login" and e["identity"] == "lan@mattran.vn" for e in audit.entries())
    at.switch_page("app_pages/voices.py").run()
    assert not at.exception and at.get("download_button")


@pytest.mark.parametrize("missing", ["FRONT_PII_KEY", "FRONT_AUDIT_KEY"])
def test_a_login_without_the_keys_in_the_environment_is_refused(warehouse, monkeypatch, missing):
    """With real data every process must share the administrator's keys: none may make up a local one."""
    _audit_key_in_environment(monkeypatch)
    monkeypatch.delenv(missing)
    monkeypatch.delenv("FRONT_DEMO")
    assert f"thiếu biến môi trường {missing}" in _only_the_configuration_error(_app(secrets={"auth": AUTH}))


def test_a_role_file_without_a_login_is_refused(warehouse, monkeypatch, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("identity,role,scope\nlan@mattran.vn,analyst,79\n", encoding="utf-8")
    monkeypatch.setenv("FRONT_ROLES_FILE", str(roles))  # FRONT_DEMO=1 stays set: still refused
    assert "Có tệp phân quyền (FRONT_ROLES_FILE)" in _only_the_configuration_error(_app())
    assert "Có mục [Auth]" in _only_the_configuration_error(_app(secrets={"Auth": AUTH}))


@pytest.mark.parametrize("meta", ["false", None])
def test_demo_mode_refuses_a_warehouse_that_is_not_synthetic(fixture_warehouse, monkeypatch, tmp_path, meta):
    data = tmp_path / "data"
    shutil.copytree(fixture_warehouse.data_dir, data)
    con = duckdb.connect(str(data / "warehouse" / fixture_warehouse.path.name))
    con.execute("DELETE FROM meta WHERE key = 'synthetic'")
    if meta:
        con.execute("INSERT INTO meta VALUES ('synthetic', $v)", {"v": meta})
    con.close()
    monkeypatch.setenv("FRONT_DATA_DIR", str(data))
    assert "kho dữ liệu không phải dữ liệu mô phỏng" in _only_the_configuration_error(_app())


def test_demo_mode_before_the_first_load_shows_no_data_yet(monkeypatch):
    at = _app()
    assert not at.exception
    assert any(BANNER in w.value for w in at.warning)
    assert not at.metric and at.info


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_is_demo_mode_on_the_local_interface_unless_host_says_otherwise():
    def planned(**env: str) -> str:
        done = subprocess.run(
            ["make", "-n", "run"],
            cwd=ROOT,
            env={**{k: v for k, v in os.environ.items() if k != "HOST"}, **env},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    local = planned()
    assert "export FRONT_DEMO=1" in local and "--server.address 127.0.0.1" in local
    assert "--server.address 0.0.0.0" in planned(HOST="0.0.0.0")
