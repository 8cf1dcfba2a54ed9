"""The CSV reader's fast paths: UTF-8 checked without decoding the whole file, blank and total rows found
without trimming every cell. Each test pins a case where a shortcut could differ from the plain reading."""

from __future__ import annotations

import pytest

from etl.read import ROW, FileRefused, read_file
from etl.text import nfc
from tests.etl.test_messy_exports import windows_1258

HEADER = "source_id,received_at,channel,province_code,content"
# Enough rows that the odd one sits far past the 64 KB head the header is looked for in.
FILLER = "".join(f"F{i},2026-03-01,app,79,Thủ tục hành chính\n" for i in range(6000))


def _read(tmp_path, data: bytes):
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    tables, _ = read_file(path)
    assert len(tables) == 1
    return tables[0]


def test_utf8_with_bom_reads_like_without(tmp_path):
    text = HEADER + "\nA1,2026-03-01,app,79,Thủ tục\n"
    plain = _read(tmp_path, text.encode("utf-8"))
    bom = _read(tmp_path, text.encode("utf-8-sig"))
    assert (
        bom.frame.columns
        == plain.frame.columns
        == [ROW, "source_id", "received_at", "channel", "province_code", "content"]
    )
    assert bom.frame.equals(plain.frame)
    assert bom.frame.row(0) == (2, "A1", "2026-03-01", "app", "79", "Thủ tục")


def test_a_windows_1258_row_deep_in_the_file_switches_the_whole_file_to_windows_1258(tmp_path):
    # Only ASCII in the head: the head alone looks like UTF-8, the late row does not.
    ascii_rows = "".join(f"F{i},2026-03-01,app,79,Thu tuc\n" for i in range(6000))
    data = (HEADER + "\n" + ascii_rows).encode("ascii") + windows_1258("Z1,2026-03-02,app,79,Thủ tục hành chính\n")
    table = _read(tmp_path, data)
    assert table.rows_read == table.frame.height == 6001
    last = table.frame.row(-1, named=True)
    assert last[ROW] == 6002 and last["source_id"] == "Z1"
    assert nfc(last["content"]) == "Thủ tục hành chính"


def test_a_byte_no_encoding_explains_deep_in_the_file_is_refused_with_its_line(tmp_path):
    # \x81 is neither UTF-8 nor Windows-1258; the UTF-8 text before it is valid.
    data = (HEADER + "\n" + FILLER).encode("utf-8") + b"Z1,2026-03-02,app,79,bad \x81 byte\n"
    with pytest.raises(FileRefused, match="dòng 6002 "):
        _read(tmp_path, data)


def test_an_invalid_byte_in_a_title_row_is_not_missed(tmp_path):
    # polars does not read (nor check) the rows above the header; the whole file still decodes as Windows-1258.
    data = windows_1258("BÁO CÁO THÁNG 3\n") + (HEADER + "\nA1,2026-03-01,app,79,x\n").encode("ascii")
    table = _read(tmp_path, data)
    assert table.frame.get_column("source_id").to_list() == ["A1"]


def test_binary_junk_named_csv_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="tệp nhị phân"):
        _read(tmp_path, b"PK\x03\x04\x00\x00" + bytes(range(256)) * 10)


def test_a_file_of_whitespace_longer_than_the_head_is_empty(tmp_path):
    with pytest.raises(FileRefused, match="tệp rỗng"):
        _read(tmp_path, ("\u3000 \t\n" * 40000).encode("utf-8"))


def test_blank_rows_of_spaces_tabs_and_no_break_spaces_are_skipped(tmp_path):
    text = (
        HEADER
        + "\nA1,2026-03-01,app,79,x\n"
        + " ,\t, \u00a0 ,,\u3000\n"  # whitespace only: blank
        + ",,,,\n"
        + FILLER
        + "\t,,,,\n"  # deep in the file too
        + ",,,,ý kiến\n"  # only the last cell: a record
    )
    table = _read(tmp_path, text.encode("utf-8"))
    assert (table.rows_read, table.skipped) == (6005, 3)
    assert table.frame.height == 6002
    assert table.frame.row(-1) == (6006, None, None, None, None, "ý kiến")


@pytest.mark.parametrize(
    ("row", "is_total"),
    [
        ("Tổng cộng,,,,6000 ý kiến", True),
        (" , ,Tổng cộng,,6000", True),  # first cells empty: the first non-blank one decides
        (",,,\tTỔNG CỘNG: 6000 ,", True),
        (",,Total,,", True),
        ("\u00a0,,Cộng,,", True),
        ("T1,,Tổng cộng,,6000", False),  # the first non-blank cell is an identifier: a record
        (",,,,Tổng cộng", True),
        (",,,,Tổng cộng các ý kiến về thủ tục hành chính ở xã trong tháng ba", False),  # too long for a total
        (",,Toàn bộ,,", False),
    ],
)
def test_a_total_row_is_found_wherever_its_first_cell_is(tmp_path, row, is_total):
    text = HEADER + "\n" + FILLER + row + "\n"
    table = _read(tmp_path, text.encode("utf-8"))
    assert table.rows_read == 6001
    assert table.skipped == int(is_total)
    assert table.frame.height == 6001 - is_total


def test_a_broken_json_line_is_kept_while_a_blank_record_is_skipped(tmp_path):
    path = tmp_path / "file.jsonl"
    path.write_text(
        '{"source_id": "A1", "received_at": "2026-03-01", "channel": "app"}\n'
        "not json {\n"
        '{"source_id": " ", "received_at": "\\t", "channel": null}\n'
        '{"source_id": "Tổng cộng"}\n',
        encoding="utf-8",
    )
    [table], _ = read_file(path)
    assert (table.rows_read, table.skipped) == (4, 2)
    assert table.frame.get_column(ROW).to_list() == [1, 2]
    assert table.frame.get_column("_read_error").to_list() == [None, "invalid_json"]


def test_rows_are_read_with_the_headers_columns_short_rows_padded_long_rows_cut(tmp_path):
    # The header fixes the columns the CSV reader makes: a wide row cannot make a column of each of its cells.
    text = HEADER + "\nA1,2026-03-01\nA2,2026-03-02,app,79,x,extra,more,cells\n" + FILLER
    table = _read(tmp_path, text.encode("utf-8"))
    assert table.frame.columns == [ROW, "source_id", "received_at", "channel", "province_code", "content"]
    assert table.frame.row(0) == (2, "A1", "2026-03-01", None, None, None)
    assert table.frame.row(1) == (3, "A2", "2026-03-02", "app", "79", "x")


def test_the_byte_length_shortcut_never_decides_a_cell_of_many_byte_characters(tmp_path):
    # 20,000 Vietnamese characters take 40,000+ bytes: over the limit in bytes, within it in characters.
    within = "ệ" * 20_000
    text = HEADER + f"\nA1,2026-03-01,app,79,{within}\nA2,2026-03-01,app,79,{within}ệ\n"
    table = _read(tmp_path, text.encode("utf-8"))
    assert table.frame.get_column("_read_error").to_list() == [None, "cell_too_long:content"]
    assert table.frame.get_column("content").to_list() == [within, "ệ" * 200 + "…"]


def test_unused_columns_are_named_up_to_twenty_then_counted(tmp_path):
    extra = ",".join(f"cot_thua_{i}_" + "x" * 100 for i in range(300))
    table = _read(tmp_path, (HEADER + "," + extra + "\nA1,2026-03-01,app,79,x\n").encode("utf-8"))
    assert len(table.warnings) == 21 and "bỏ qua thêm 280 cột" in table.warnings[-1]
    assert max(len(w) for w in table.warnings) < 120


def test_a_json_key_named_as_the_readers_own_columns_is_an_unknown_column(tmp_path):
    # A forged reason code or row number must not reach the quarantine: the keys are the file's, ignored.
    path = tmp_path / "file.jsonl"
    path.write_text(
        '{"source_id": "A1", "received_at": "2026-03-01", "channel": "app", "_read_error": "line_too_long", '
        '"_row": "999"}\n',
        encoding="utf-8",
    )
    [table], _ = read_file(path)
    assert table.frame.get_column(ROW).to_list() == [1]
    assert table.frame.get_column("_read_error").to_list() == [None]
    assert "bỏ qua cột không dùng: '_read_error' (ignored column)" in table.warnings
    assert "bỏ qua cột không dùng: '_row' (ignored column)" in table.warnings
