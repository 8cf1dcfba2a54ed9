"""Every file that leaves the app is on the audit chain: briefing packs (download and command) and the
data-health page's downloads (quarantine files and templates)."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.access import Viewer
from analytics.filters import Filters
from analytics.scope import Scope
from etl import audit
from ui import auth, brief_render, data_brief, data_health, data_voices

LEADER = Viewer("lanh.dao@mattran.vn", "leader", Scope("79"), "oidc")


@pytest.fixture
def as_leader(monkeypatch: pytest.MonkeyPatch) -> Viewer:
    monkeypatch.setattr(auth, "viewer", lambda: LEADER)
    return LEADER


def _exports() -> list[dict]:
    return [e for e in audit.entries() if e["event"] == "export"]


def test_brief_download_is_logged_when_the_pack_is_built(as_leader, monkeypatch):
    monkeypatch.setattr(data_brief, "pack", lambda scope, filters, fmt, lang: b"deck")
    filters = Filters(date(2026, 1, 1), date(2026, 3, 31), province_code="79")
    build = data_brief.pack_download(Scope("79"), filters, "pptx", "vi")
    assert _exports() == []  # drawing the button exports nothing
    monkeypatch.setattr(auth, "viewer", lambda: Viewer(None, "public", Scope.all(), "public"))  # no session then
    assert build() == b"deck"
    (entry,) = _exports()
    assert entry["export"] == "brief.pptx" and entry["role"] == "leader" and entry["identity"] == LEADER.identity
    assert entry["scope"] == "79" and entry["filters"]["from"] == "2026-01-01"
    assert audit.verify().ok


def test_opinions_download_is_logged_as_the_viewer_who_drew_the_button(as_leader, monkeypatch):
    monkeypatch.setattr(data_voices, "current_path", lambda: "unused.duckdb")
    monkeypatch.setattr(data_voices, "_export_csv", lambda path, scope, filters, text: b"\xef\xbb\xbfa\r\n")
    filters = Filters(date(2026, 1, 1), date(2026, 3, 31), province_code="79")
    build = data_voices.export_csv(Scope("79"), filters, "")
    assert _exports() == []  # drawing the button exports nothing
    monkeypatch.setattr(auth, "viewer", lambda: Viewer(None, "public", Scope.all(), "public"))  # no session then
    assert build() == b"\xef\xbb\xbfa\r\n"
    (entry,) = _exports()
    assert entry["export"] == "voices.csv" and entry["identity"] == LEADER.identity and entry["role"] == "leader"
    assert audit.verify().ok


@pytest.mark.parametrize(("name", "rows"), [("cach-ly_phan-anh.csv", 12), ("mau_feedback.xlsx", 0)])
def test_data_health_downloads_are_logged(as_leader, name, rows):
    data_health.audit_download(name, rows)
    data_health.audit_download(name, rows)
    entries = _exports()
    assert [e["export"] for e in entries] == [name, name] and entries[0]["rows"] == rows
    assert audit.verify().ok


def test_brief_command_is_logged(warehouse, monkeypatch, tmp_path):
    monkeypatch.setattr(brief_render, "build", lambda con, scope, filters, fmt, lang="vi": b"%PDF-stub")
    out = tmp_path / "hcm.pdf"
    assert brief_render.main(["--province", "79", "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(out)]) == 0
    entry = _exports()[-1]  # (the fixture warehouse's data folder, hence its audit log, is shared by tests)
    assert entry["export"] == "analytics brief hcm.pdf" and entry["mode"] == "cli" and entry["role"] == "presenter"
    assert entry["filters"] == {"province": "79", "from": "2026-01-01", "to": "2026-03-31"}
    assert audit.verify().ok
