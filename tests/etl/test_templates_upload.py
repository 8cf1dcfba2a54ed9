"""Blank templates for every kind, the quarantine download that loads cleanly once corrected, and uploads
judged by content and dropped atomically into the inbox."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

import config
from analytics import datahealth
from analytics.scope import Scope
from etl import templates, upload, watch
from etl.kinds import KINDS
from etl.read import FileRefused, read_file
from tests.fixtures.data_health import EN_BAD, EN_GOOD, VI_BAD, data_env, loaded_data_once

# -- templates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_every_template_has_vietnamese_headers_and_is_recognised(kind_name, tmp_path):
    kind = KINDS[kind_name]
    path = tmp_path / f"mau_{kind_name}.xlsx"
    path.write_bytes(templates.template_xlsx(kind_name))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [kind_name, templates.NOTES_SHEET]
    header = [c.value for c in book[kind_name][1]]
    assert header[: len(kind.columns)] == [c.vi for c in kind.columns]
    notes = [[c.value for c in row] for row in book[templates.NOTES_SHEET].iter_rows(min_row=5)]
    assert {r[1] for r in notes} >= {c.name for c in kind.columns}  # English names listed
    required = {r[1] for r in notes if r[2]}
    assert required == set(kind.required)
    assert all(book[kind_name].cell(1, i + 1).comment for i in range(len(header)))
    # A filled-in copy: one row under the header is read as that kind.
    example = templates.EXAMPLES[kind_name]
    for position, col in enumerate(templates.template_columns(kind), start=1):
        book[kind_name].cell(2, position, example.get(col.name, ""))
    book.save(path)
    tables, warnings = read_file(path)
    assert [(t.kind.name, t.frame.height) for t in tables] == [(kind_name, 1)]
    assert any(templates.NOTES_SHEET in w for w in warnings)


def test_unknown_template_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        templates.template_xlsx("nonsense")


def test_code_columns_are_text_so_leading_zeros_survive(tmp_path):
    path = tmp_path / "fb.xlsx"
    path.write_bytes(templates.template_xlsx("feedback"))
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'formatCode="@"' in styles or 'numFmtId="49"' in styles


# -- quarantine download and reload ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return loaded_data_once(tmp_path_factory)


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _quarantine_of(con, file_name: str):
    files = datahealth.quarantined_files(con, Scope.all())
    row = next(r for r in files.iter_rows(named=True) if r["file_name"] == file_name)
    rows = datahealth.quarantine_rows(con, Scope.all(), row["load_id"], row["path"], row["sheet"])
    return row, rows


def test_quarantine_download_corrected_loads_cleanly(loaded, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(loaded.data_dir, data_dir)
    with data_env(data_dir):
        con = duckdb.connect(str(config.current_warehouse()), read_only=True)
        try:
            vi_file, vi_rows = _quarantine_of(con, loaded.vi_csv.name)
            en_file, en_rows = _quarantine_of(con, loaded.en_jsonl.name)
        finally:
            con.close()
        vi_lang = templates.header_language(
            templates.archived_copy(config.archive_dir(), vi_file["sha256"]), KINDS["feedback"]
        )
        en_lang = templates.header_language(
            templates.archived_copy(config.archive_dir(), en_file["sha256"]), KINDS["feedback"]
        )
    assert (vi_lang, en_lang) == ("vi", "en")

    vi_csv = templates.quarantine_csv(vi_rows.iter_rows(named=True), "feedback", vi_lang)
    table = _read_csv(vi_csv)
    header, body = table[0], table[1:]
    original_header = loaded.vi_csv.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [*original_header, "dong", "ly_do_cach_ly"]
    assert [int(r[-2]) for r in body] == vi_rows["row_number"].to_list()
    assert [r[-1] for r in body] == vi_rows["reason"].to_list()
    for line_values, (line, _, _) in zip(body, VI_BAD, strict=True):
        source = line.split(",")
        personal = {original_header.index(c) for c in ("ho_ten", "so_dien_thoai")}
        assert [v for i, v in enumerate(line_values[:-2]) if i not in personal] == [
            v for i, v in enumerate(source) if i not in personal
        ]
        assert all(line_values[i] == "" for i in personal)  # masked identifiers are not re-loaded as values

    en_csv = templates.quarantine_csv(en_rows.iter_rows(named=True), "feedback", en_lang)
    en_table = _read_csv(en_csv)
    file_columns = list(dict.fromkeys(k for record in EN_GOOD + EN_BAD for k in record))  # a JSONL file's header
    assert en_table[0] == [*file_columns, "source_row", "quarantine_reason"]

    # Correct the bad values (date, channel, province) and send the files back with a filled-in template.
    fixes = {"31/02/2026": "28/02/2026", "fax": "Thư", "99": "79"}
    corrected = [header] + [[fixes.get(v, v) for v in r] for r in body]
    vi_fixed = tmp_path / "cach-ly_sua.csv"
    vi_fixed.write_bytes("\ufeff".encode() + _csv_text(corrected).encode("utf-8"))
    en_fixed = tmp_path / "cach-ly_en.csv"
    en_fixed.write_bytes(
        "\ufeff".encode()
        + _csv_text([en_table[0]] + [[v.replace("2026-13-01", "2026-01-13") for v in r] for r in en_table[1:]]).encode()
    )
    template = tmp_path / "mau_feedback.xlsx"
    template.write_bytes(templates.template_xlsx("feedback"))
    book = openpyxl.load_workbook(template)
    values = {"ma_phan_anh": "T1", "thoi_gian_tiep_nhan": "05/03/2026 08:00", "kenh": "Zalo", "ma_tinh": "79",
              "noi_dung": "Nhập từ tệp mẫu"}  # fmt: skip
    for position, cell in enumerate(book["feedback"][1], start=1):
        book["feedback"].cell(2, position, values.get(cell.value, ""))
    book.save(template)

    from etl.load import load_paths

    with data_env(data_dir):
        result = load_paths([vi_fixed, en_fixed, template, loaded.vi_csv], progress=False)
        con = duckdb.connect(str(config.current_warehouse()), read_only=True)
        try:
            stored = dict(
                con.sql(
                    "SELECT source_id, channel FROM feedback WHERE source_id IN ('B1','B2','B3','Z4','T1')"
                ).fetchall()
            )
            reasons = datahealth.top_reasons(con, Scope.all())
        finally:
            con.close()
    reports = {Path(f["path"]).name: f for f in result["files"]}
    for name, count in ((vi_fixed.name, len(VI_BAD)), (en_fixed.name, len(EN_BAD)), (template.name, 1)):
        report = reports[name]
        assert (report["kind"], report["quarantined"], report["loaded"]) == ("feedback", 0, count), report
    assert any("dong" in w for w in reports[vi_fixed.name]["warnings"])  # the extra columns are ignored
    assert set(stored) == {"B1", "B2", "B3", "Z4", "T1"} and stored["B2"] == "mail"
    # The original file sent again is quarantined again, but its rows are counted once in the reasons.
    assert reports[loaded.vi_csv.name]["quarantined"] == len(VI_BAD)
    assert int(reasons["quarantined"][0]) == len(VI_BAD) + len(EN_BAD)


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def test_header_language_falls_back_to_vietnamese(tmp_path):
    assert templates.header_language(None, KINDS["feedback"]) == "vi"
    assert templates.header_language(tmp_path / "missing.csv", KINDS["feedback"]) == "vi"
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"not a workbook")
    assert templates.header_language(garbage, KINDS["feedback"]) == "vi"
    assert templates.archived_copy(tmp_path, "../../etc/passwd") is None


# -- uploads: sniffing and the atomic drop -------------------------------------------------------------------


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


CSV_TEXT = "ma_phan_anh,thoi_gian_tiep_nhan,kenh,ma_tinh\nA1,01/03/2026,Zalo,79\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (templates.template_xlsx("activity"), "xlsx"),
        (b'\n{"source_id": "A1", "channel": "app"}\n', "jsonl"),
        (CSV_TEXT.encode("utf-8"), "csv"),
        (codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), "csv"),
        (CSV_TEXT.encode("utf-16"), "csv"),
        (b"ma,noi_dung\n1,\xd0\xe0 N\xe3\xdeng\n", "csv"),  # "Đà Nẵng" in Windows-1258 (tilde combining),
    ],
    ids=["xlsx", "jsonl", "utf8", "utf8-bom", "utf16", "cp1258"],
)
def test_sniff_recognises_content(data, expected):
    assert upload.sniff(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "rỗng"),
        (b"   \n", "rỗng"),
        (_zip(["word/document.xml", "[Content_Types].xml"]), "không phải bảng tính"),
        (b"PK\x03\x04broken", "hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "không phải CSV"),
    ],
    ids=["empty", "blank", "docx", "broken-zip", "xls", "png"],
)
def test_sniff_rejects_what_the_loader_cannot_read(data, message):
    with pytest.raises(upload.UploadRejected, match=message):
        upload.sniff(data)


def test_drop_uses_the_sniffed_format_not_the_name(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "data"))
    dropped = upload.drop_into_inbox(CSV_TEXT.encode(), "../../báo cáo tháng 3.xlsx")
    assert dropped.parent == config.inbox_dir()
    assert dropped.suffix == ".csv" and dropped.name.startswith("báo cáo tháng 3-")
    assert dropped.read_bytes() == CSV_TEXT.encode()
    assert [p.name for p in config.inbox_dir().iterdir()] == [dropped.name]  # no temporary file left
    with pytest.raises(upload.UploadRejected):
        upload.drop_into_inbox(b"\x00\x01binary", "x.csv")
    assert [p.name for p in config.inbox_dir().iterdir()] == [dropped.name]


def test_the_watcher_never_sees_a_partial_upload(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".phan_anh.csv.part").write_text(CSV_TEXT)
    assert watch.scan(inbox) == {}
    final = upload.drop_into_inbox(CSV_TEXT.encode(), "phan_anh.csv", inbox)
    assert list(watch.scan(inbox)) == [final]


def test_upload_status_follows_the_watchers_sidecar(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "data"))
    dropped = upload.drop_into_inbox(CSV_TEXT.encode(), "a[1].csv")
    assert upload.upload_status(dropped).state == "waiting"
    processed = config.data_dir() / "processed"
    processed.mkdir(parents=True)
    target = processed / f"20260101-000000-{dropped.name}"
    dropped.rename(target)
    assert upload.upload_status(dropped).state == "unknown"
    report = {"generation": 7, "file": dropped.name, "reports": [{"status": "loaded", "quarantined": 2}]}
    (processed / f"{target.name}.report.json").write_text(json.dumps(report), encoding="utf-8")
    status = upload.upload_status(dropped)
    assert (status.state, status.generation, status.reports[0]["quarantined"]) == ("loaded", 7, 2)


def test_safe_stem():
    assert upload.safe_stem("C:\\Users\\x\\Phản ánh: 3/2026.csv") == "2026"
    assert upload.safe_stem("Phản ánh tháng 3.csv") == "Phản ánh tháng 3"
    assert upload.safe_stem("...") == "tai_len"
    assert upload.safe_stem(".hidden") == "hidden"


def test_an_upload_that_cannot_be_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(upload.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        upload.drop_into_inbox(CSV_TEXT.encode(), "a.csv", inbox)
    assert list(inbox.iterdir()) == []


def test_the_upload_box_refuses_what_the_loader_refuses_with_the_same_reason(tmp_path):
    from tests.etl.test_hostile_files import bomb

    for name, data in (("bom.xlsx", bomb()), ("mot_dong.csv", b"ma_phan_anh," * 30_000)):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(upload.UploadRejected) as rejected:
            upload.sniff(data)
        with pytest.raises(FileRefused) as refused:
            read_file(path)
        assert str(rejected.value) == str(refused.value)
    assert upload.sniff(templates.template_xlsx("feedback")) == "xlsx"  # a normal workbook is accepted
    # The quarantine download reads an archived workbook's header: within the same limits, never aborting.
    assert templates.header_language(tmp_path / "bom.xlsx", KINDS["feedback"]) == "vi"
