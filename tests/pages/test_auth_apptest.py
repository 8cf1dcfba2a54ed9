"""Demo mode through AppTest: the banner, the role switcher, what each role gets, the public view, and the
audit of page views. Plus the hardening settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import config
from etl import audit

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
BANNER = "Chế độ trình diễn — không đăng nhập"


def _app(role: str | None = None, scope: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if role:
        at.session_state["demo_role"] = role
    if scope:
        at.session_state["demo_scope"] = scope
    return at.run()


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
