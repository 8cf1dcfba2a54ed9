"""Exports as people really make them: encodings, letterheads, merged headers, numeric codes, serial dates."""

from __future__ import annotations

import json
import unicodedata

import duckdb
import openpyxl
import pytest

import config
from etl.__main__ import main

VI_HEADER = "Mã phản ánh,Thời gian tiếp nhận,Kênh,Mã tỉnh,Mã xã,Lĩnh vực,Nội dung,Họ và tên,Số điện thoại"
VI_ROWS = [
    "H1,01/03/2026 08:30,Đường dây nóng,79,27154,Đất đai – giải phóng mặt bằng,Đền bù chưa thỏa đáng,Trần Văn Bình,0903 111 222",
    "H2,02/03/2026,Tiếp công dân,1,97,Y tế,Trạm y tế thiếu thuốc,Lê Thị Hoa,0987654321",
]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: base letters precomposed (ơ, ư, â…), tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(p for p in parts if p in _TONES)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _load(paths, capsys):
    code = main(["load", *map(str, paths), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _rows(sql):
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258-decomposed", "mac-nfd"])
def test_encodings_are_detected_and_text_becomes_nfc(encoding, data_dir, tmp_path, capsys):
    text = VI_HEADER + "\n" + "\n".join(VI_ROWS) + "\n"
    path = tmp_path / f"hotline-{encoding}.csv"
    if encoding == "cp1258-decomposed":
        # Windows-1258 stores tone marks as combining characters: decomposed text.
        path.write_bytes(windows_1258(text))
    elif encoding == "mac-nfd":
        path.write_bytes(unicodedata.normalize("NFD", text).encode("utf-8"))
    else:
        path.write_bytes(text.encode(encoding))
    code, result = _load([path], capsys)
    assert code == 0, result
    assert result["files"][0]["loaded"] == 2
    contents = [r[0] for r in _rows("SELECT content FROM feedback ORDER BY source_id")]
    assert contents == ["Đền bù chưa thỏa đáng", "Trạm y tế thiếu thuốc"]
    assert all(unicodedata.is_normalized("NFC", c) for c in contents)
    assert _rows("SELECT channel, field FROM feedback ORDER BY source_id") == [
        ("hotline", "dat_dai"),
        ("direct", "y_te"),
    ]


def test_a_file_that_cannot_be_decoded_is_refused_with_its_line(data_dir, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    good = (VI_HEADER + "\n" + VI_ROWS[0] + "\n").encode("utf-8")
    path.write_bytes(good + b"H3,01/03/2026,app,79,,,bad \x81\x8d bytes,,\n")
    code, result = _load([path], capsys)
    assert code == 1
    assert "dòng 3" in result["files"][0]["error"]


def test_invisible_characters_in_headers_and_codes_are_trimmed(data_dir, tmp_path, capsys):
    path = tmp_path / "zw.csv"
    path.write_text(
        "\ufeffsource_id\u200b,received_at,channel,\u00a0province_code\n\u200bZ1,2026-03-01,app,\u200b79\u00a0\n",
        encoding="utf-8",
    )
    code, result = _load([path], capsys)
    assert code == 0 and result["files"][0]["loaded"] == 1
    assert _rows("SELECT source_id, province_code FROM feedback") == [("Z1", "79")]


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append(["Độc lập – Tự do – Hạnh phúc"])
    sheet.append(["BÁO CÁO TỔNG HỢP Ý KIẾN CỬ TRI THÁNG 3/2026"])
    sheet.append([])
    # A two-row header: the group title "Thông tin" spans D:E above "Mã tỉnh"/"Mã xã"; the other names are
    # in cells merged vertically over both rows (value in the upper row only).
    sheet.append(["Mã phản ánh", "Thời gian tiếp nhận", "Kênh", "Địa bàn", None, "Nội dung"])
    sheet.append([None, None, None, "Mã tỉnh", "Mã xã", None])
    for column in ("A", "B", "C", "F"):
        sheet.merge_cells(f"{column}5:{column}6")
    sheet.merge_cells("D5:E5")
    sheet.append(["X1", 46082.5, "Tiếp xúc cử tri", 1, 97, "Đường liên thôn xuống cấp"])  # serial = 2026-03-01 12:00
    sheet.append(["X2", "15/03/2026", "Tiếp xúc cử tri", 79, 27154, "Ngập úng"])
    sheet.append(["Tổng cộng", None, None, None, None, "2 ý kiến"])
    notes = book.create_sheet("Ghi chú")
    notes.append(["Người lập biểu", "Ghi chú"])
    notes.append(["Nguyễn A", "số liệu tạm tính"])
    members = book.create_sheet("Hội viên")
    members.append(["ky", "to_chuc", "ma_tinh", "cap", "so_hoi_vien", "so_doi_tuong"])
    members.append(["2026-03", "Hội Nông dân", 40, "Tỉnh", 120000, 150000])
    book.save(path)
    return path


def test_excel_as_people_make_it(data_dir, tmp_path, capsys):
    code, result = _load([_workbook(tmp_path / "bao_cao.xlsx")], capsys)
    assert code == 0, result
    by_sheet = {f["sheet"]: f for f in result["files"]}
    report = by_sheet["Báo cáo"]
    assert report["kind"] == "feedback"
    assert (report["rows_read"], report["loaded"], report["skipped"], report["quarantined"]) == (3, 2, 1, 0)
    assert any("Ghi chú" in w for w in report["warnings"])  # the skipped sheet is named
    assert by_sheet["Hội viên"]["kind"] == "membership" and by_sheet["Hội viên"]["loaded"] == 1
    rows = _rows(
        "SELECT source_id, strftime(received_at, '%Y-%m-%d %H:%M'), province_code, commune_code FROM feedback ORDER BY 1"
    )
    assert rows == [("X1", "2026-03-01 12:00", "01", "00097"), ("X2", "2026-03-15 00:00", "79", "27154")]
    assert _rows("SELECT province_code, organization, level FROM membership") == [("40", "farmers", "province")]
