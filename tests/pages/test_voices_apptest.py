"""The Voices, Handling and Listening Month pages through AppTest: they run in Vietnamese with the analytics
numbers, search ignores diacritics, the detail panel writes a correction file, English works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import handling
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.voices import VoicesFixture, build_voices_warehouse
from ui.i18n import fmt_int

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PERIOD = ("2026-05-01", "2026-07-31")


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> VoicesFixture:
    return build_voices_warehouse(tmp_path_factory.mktemp("voices-page"))


@pytest.fixture
def voices_data(fixture: VoicesFixture, monkeypatch: pytest.MonkeyPatch) -> VoicesFixture:
    monkeypatch.setenv("FRONT_DATA_DIR", str(fixture.data_dir))
    return fixture


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["period"] = list(PERIOD)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def test_search_without_diacritics_finds_accented_text_and_writes_a_correction(voices_data):
    at = _open("voices")
    assert [t.value for t in at.title] == ["Tiếng nói nhân dân"]
    at.text_input(key="q").set_value("no luong").run()
    assert not at.exception
    assert any("ý kiến khớp" in c.value for c in at.caption)
    box = at.selectbox(key="voices_pick")
    assert box.options, "the search found nothing"
    opinion_id = box.options[0]
    box.set_value(opinion_id).run()
    assert not at.exception
    assert any(opinion_id in s.value.replace("\\", "") for s in at.subheader)  # the id is escaped Markdown
    content = [m.value for m in at.text]  # the opinion is plain text (st.text), never Markdown
    assert any("nợ lương" in c.lower() or "no luong" in c.lower() for c in content)
    form_select = [s for s in at.selectbox if s.label == "Lĩnh vực đúng"][0]
    form_select.set_value("khac")
    [b for b in at.button if b.label == "Gửi bản sửa"][0].click().run()
    assert not at.exception
    written = list((voices_data.data_dir / "inbox").glob("correction_*.csv"))
    assert written and opinion_id in written[-1].read_text(encoding="utf-8")
    for path in written:
        path.unlink()


def test_handling_page_shows_the_analytics_numbers(voices_data):
    at = _open("handling")
    assert [t.value for t in at.title] == ["Xử lý & phản hồi"]
    con = open_warehouse(voices_data.path)
    try:
        s = handling.summary(con, Scope.all(), Filters(date(2026, 5, 1), date(2026, 7, 31)))
    finally:
        con.close()
    values = [m.value for m in at.metric]
    assert values[2] == fmt_int(s.overdue, "vi")
    assert len(at.get("plotly_chart")) == 1


def test_campaign_page_picks_the_listening_month_and_speaks_english(voices_data):
    at = _open("campaign", lang="en")
    assert [t.value for t in at.title] == ["Month of listening to people's voices"]
    assert at.selectbox(key="campaign").value.startswith("Tháng lắng nghe")
    assert len(at.get("plotly_chart")) == 2


def _open_as(role: str, page: str, period: tuple[str, str] = PERIOD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["demo_role"] = role
    at.query_params["period"] = list(period)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def _integers(texts: list[str]) -> list[int]:
    import re

    return [int(n.replace(".", "")) for s in texts for n in re.findall(r"(?<![<\d,])\d[\d.]*(?![\d,])", s)]


def test_presenter_sees_no_exact_small_count_on_the_handling_page(voices_data):
    """Four days of opinions (about 19, three per agency): the analyst reads the small counts exactly, the
    presenter reads "<10" in their place and no count under 10 anywhere in the headline numbers."""
    few = ("2026-05-04", "2026-05-07")
    exact = _open_as("analyst", "handling", few)
    assert any(n < 10 for n in _integers([m.delta or "" for m in exact.metric]))
    shown = _open_as("presenter", "handling", few)
    deltas = [m.delta or "" for m in shown.metric] + [shown.metric[2].value]
    assert all(n >= 10 for n in _integers(deltas)), deltas
    assert any("<10" in d for d in deltas)
    assert len(shown.dataframe[-1].value) == 0  # the overdue list: single cases, exact roles only
    assert any("<10" in c.value for c in shown.caption)


def test_presenter_sees_no_exact_small_count_on_the_campaign_page(voices_data):
    exact = _open_as("analyst", "campaign")
    assert "0" in exact.dataframe[0].value["Ý kiến"].astype(str).tolist()  # provinces with no opinion
    shown = _open_as("presenter", "campaign")
    column = shown.dataframe[0].value["Ý kiến"].astype(str).tolist()
    assert "<10" in column
    assert all(v == "<10" or int(v.replace(".", "")) >= 10 for v in column), column
    assert all(n >= 10 for n in _integers([m.value for m in shown.metric[:1]] + [m.delta or "" for m in shown.metric]))
