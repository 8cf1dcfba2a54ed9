"""The "Dữ liệu" page through AppTest on a folder loaded by the real loader: history, reasons, freshness and
silent communes with the analytics numbers; an upload's result, rejection and wait; English."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import geo
from tests.fixtures.data_health import COMMUNES_WITH_OPINIONS, EN_BAD, VI_BAD, VI_GOOD, loaded_data_once
from ui.data_health import UPLOADS
from ui.i18n import fmt_int

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return loaded_data_once(tmp_path_factory)


@pytest.fixture
def data_dir(loaded, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(loaded.data_dir))
    return loaded.data_dir


def _page(uploads: list[dict] | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if uploads is not None:
        at.session_state[UPLOADS] = uploads
    return at.switch_page("app_pages/data_health.py").run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_shows_history_reasons_freshness_and_silent_communes(data_dir, loaded):
    at = _page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Dữ liệu"]
    metrics = _metrics(at)
    assert metrics["Tệp/trang đã đọc"] == "3"
    assert metrics["Dòng bị cách ly"] == fmt_int(len(VI_BAD) + len(EN_BAD), "vi")
    history = at.dataframe[0].value
    assert sorted(history["Tệp"]) == sorted(p.name for p in (loaded.vi_csv, loaded.en_jsonl, loaded.refused))
    assert "Bị từ chối" in set(history["Trạng thái"])
    reasons = at.dataframe[1].value
    assert dict(zip(reasons["Mã lý do"], reasons["Số dòng"], strict=True)) == {
        "invalid_date": 2,
        "unknown_channel": 1,
        "unknown_province": 1,
    }
    examples = at.dataframe[2].value
    assert any(r.startswith("ngày không hợp lệ") for r in examples["Lý do"])
    assert not any("0987654321" in v for v in examples["Giá trị gốc (đã che thông tin cá nhân)"])
    assert any("1 nguồn không có ý kiến mới" in w.value for w in at.warning)
    freshness = at.dataframe[3].value
    assert dict(zip(freshness["Hệ thống nguồn"], freshness["Tình trạng"], strict=True)) == {
        "zalo_oa": "⚠️ Im lặng",
        "mattranso": "✅ Đều đặn",
    }
    communes = geo.commune_rows().height
    label = next(label for label in metrics if label.startswith("Xã, phường không có ý kiến"))
    silent = communes - len(COMMUNES_WITH_OPINIONS)  # both heard communes spoke in the default period
    assert metrics[label] == f"{fmt_int(silent, 'vi')} / {fmt_int(communes, 'vi')}"
    assert len(at.get("plotly_chart")) == 1
    assert len(at.get("download_button")) == 2  # template and quarantine CSV


def test_an_upload_shows_its_load_result_with_quarantined_rows(data_dir, loaded, tmp_path):
    waiting = tmp_path / "cho_nap.csv"
    waiting.write_text("x")
    uploads = [
        {"name": "tháng 3.csv", "path": f"/elsewhere/inbox/{loaded.vi_csv.name}", "error": None},
        {"name": "anh.png", "path": None, "error": "không phải CSV, JSONL hay XLSX"},
        {"name": "khong_ro.csv", "path": str(loaded.refused), "error": None},
        {"name": "cho_nap.csv", "path": str(waiting), "error": None},
    ]
    at = _page(uploads)
    assert not at.exception
    success = [s.value for s in at.success]
    assert len(success) == 1 and "tháng 3.csv" in success[0] and f"{len(VI_BAD)} bị cách ly" in success[0]
    rows = at.table[0].value
    first_bad_line = 1 + len(VI_GOOD) + 1  # the upload's own quarantined rows, in file order
    assert list(rows["Dòng"]) == list(range(first_bad_line, first_bad_line + len(VI_BAD)))
    assert rows["Lý do"].iloc[0].startswith("ngày không hợp lệ: 31/02/2026")
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # file names and reasons are escaped Markdown
    assert "Không nhận tệp anh.png" in errors and "Tệp khong_ro.csv bị từ chối" in errors
    assert any("cho\\_nap.csv: đã vào thư mục nhận" in i.value for i in at.info)  # the name is escaped Markdown
    assert len(at.get("download_button")) == 3  # template, the upload's quarantine, any file's quarantine


def test_page_in_english(data_dir):
    at = _page(lang="en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    assert "Rows quarantined" in _metrics(at)
    assert "Reason code" in at.dataframe[1].value.columns
    assert any("1 sources have no new opinion" in w.value for w in at.warning)
