"""Files handed to people to fill in or correct and drop back into the inbox.

- `template_xlsx(kind)`: a blank workbook per input kind: one sheet with the Vietnamese headers
  (`Column.vi`, what the reader matches), code columns formatted as text so Excel keeps leading zeros, a
  comment on every header, and a notes sheet ("Hướng dẫn") with the English name, whether it is required,
  the type, the accepted values and an example. The reader skips the notes sheet (its rows are no header).
- `quarantine_csv(rows, kind, lang)`: the quarantined rows of one file as a UTF-8-with-BOM CSV under the
  kind's own headers in the file's language, the original values, then the row number and the reason in
  two extra columns the loader ignores. Corrected and dropped into the inbox, it loads like any export.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import xlsxwriter

from etl import export, items
from etl.formats_doc import EXAMPLES
from etl.kinds import (
    BOOL,
    CODE,
    COMMUNE,
    DATE,
    DATETIME,
    ENUM,
    FLOAT,
    ID_NUMBER,
    INT,
    KINDS,
    NAME,
    PERIOD,
    PERSONAL,
    PHONE,
    PROVINCE,
    Column,
    Kind,
    vocabularies,
)
from etl.read import decode_bytes, parse_workbook
from etl.text import header_key

NOTES_SHEET = "Hướng dẫn"
VINTAGE = Column("admin_vintage", "phien_ban_dia_gioi", CODE)
# The two columns a quarantine download adds after the kind's own; both unknown to every kind, so ignored.
EXTRA_COLUMNS = {"vi": ("dong", "ly_do_cach_ly"), "en": ("source_row", "quarantine_reason")}
MASKED_PREFIXES = ("hmac:", "[đã ẩn]")  # how the quarantine masks personal identifiers (etl/normalise.py)

TYPE_VI = {
    "text": "văn bản",
    CODE: "mã (văn bản)",
    PROVINCE: "mã tỉnh 2 chữ số (văn bản)",
    COMMUNE: "mã xã 5 chữ số (văn bản)",
    DATE: "ngày dd/mm/yyyy hoặc yyyy-mm-dd",
    DATETIME: "ngày giờ dd/mm/yyyy HH:MM hoặc ISO 8601",
    INT: "số nguyên",
    FLOAT: "số",
    BOOL: "có/không (1/0)",
    PERIOD: "tháng YYYY-MM",
    ENUM: "giá trị trong danh mục",
    NAME: "cá nhân: họ tên (bị loại bỏ khi nạp)",
    PHONE: "cá nhân: số điện thoại (chỉ lưu mã băm)",
    ID_NUMBER: "cá nhân: số CCCD (chỉ lưu mã băm)",
}
TEXT_TYPES = (CODE, PROVINCE, COMMUNE, PERIOD, PHONE, ID_NUMBER)


def kind_of(kind_name: str) -> Kind:
    try:
        return KINDS[kind_name]
    except KeyError:
        raise ValueError(f"unknown kind {kind_name!r}; known: {', '.join(KINDS)}") from None


def template_columns(kind: Kind) -> list[Column]:
    """The template's columns: every column of the kind, and the survey items of the shipped catalogue."""
    columns = list(kind.columns)
    if kind.item_prefix:
        columns += [Column(code, code, FLOAT) for code in items.catalogue().item_codes]
    return columns


def accepted_values(col: Column) -> str:
    """'app (Ứng dụng); zalo (Zalo); …' for list columns, bounds for numbers, '' otherwise."""
    if col.type == ENUM and col.vocabulary:
        return "; ".join(f"{code} ({labels[0]})" for code, labels in vocabularies()[col.vocabulary].items())
    bounds = [f"≥ {col.low:g}" if col.low is not None else "", f"≤ {col.high:g}" if col.high is not None else ""]
    return " ".join(b for b in bounds if b)


def template_xlsx(kind_name: str) -> bytes:
    """A blank XLSX for `kind_name` with Vietnamese headers and a notes sheet (see module docstring)."""
    kind = kind_of(kind_name)
    columns = template_columns(kind)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#dbe7f0", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#f6d5a8", "border": 1})
    as_text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#dbe7f0"})

    sheet = book.add_worksheet(kind.name)
    for position, col in enumerate(columns):
        sheet.write_string(0, position, col.vi, required if col.required else header)
        sheet.write_comment(0, position, _hint(col), {"x_scale": 2.2, "y_scale": 1.6})
        sheet.set_column(position, position, max(14, len(col.vi) + 4), as_text if col.type in TEXT_TYPES else None)
    sheet.freeze_panes(1, 0)

    notes = book.add_worksheet(NOTES_SHEET)
    notes.write_string(0, 0, f"{kind.title_vi} / {kind.title_en}", book.add_format({"bold": True, "font_size": 13}))
    notes.write_string(
        1,
        0,
        "Điền từ dòng 2 của trang đầu; giữ nguyên dòng tiêu đề. Cột tô cam là bắt buộc. "
        "Fill in from row 2 of the first sheet; keep the header row. Orange columns are required.",
    )
    titles = ("Cột / Column (VI)", "Tên tiếng Anh / English", "Bắt buộc / Required", "Kiểu / Type",
              "Giá trị chấp nhận / Accepted values", "Ví dụ / Example")  # fmt: skip
    for position, title in enumerate(titles):
        notes.write_string(3, position, title, bold)
    example = EXAMPLES.get(kind.name, {})
    rows = columns + ([VINTAGE] if kind.locality else [])
    for offset, col in enumerate(rows, start=4):
        values = (col.vi, col.name, "có / yes" if col.required else "", _type_text(col), _accepted(col),
                  example.get(col.name, ""))  # fmt: skip
        for position, value in enumerate(values):
            notes.write_string(offset, position, value, wrap)
    for position, width in enumerate((24, 22, 14, 34, 60, 30)):
        notes.set_column(position, position, width)
    book.close()
    return buffer.getvalue()


def _type_text(col: Column) -> str:
    return TYPE_VI.get(col.type, col.type) + (" — số điện thoại/CCCD/e-mail bên trong bị che" if col.mask else "")


def _accepted(col: Column) -> str:
    if col is VINTAGE:
        return "2025 (mặc định / default); pre2025"
    return accepted_values(col)


def _hint(col: Column) -> str:
    lines = [f"{col.vi} = {col.name}", "Bắt buộc (required)" if col.required else "Không bắt buộc (optional)"]
    lines.append(_type_text(col))
    values = accepted_values(col)
    if values:
        lines.append(values if len(values) < 600 else values[:600] + "…")
    return "\n".join(lines)


def header_language(path: Path | None, kind: Kind, sheet: str | None = None) -> str:
    """'vi' or 'en': which language the header of the (archived) file uses; 'vi' when unknown.

    Counts header cells equal to a column's Vietnamese name against those equal to its English name.
    """
    if path is None or not path.exists():
        return "vi"
    try:
        cells = _head_cells(path, sheet)
    except Exception:  # an unreadable archive copy: fall back to Vietnamese
        return "vi"
    vi_names = {header_key(c.vi) for c in kind.columns if c.vi != c.name}
    en_names = {header_key(c.name) for c in kind.columns if c.vi != c.name}
    keys = [header_key(c) for c in cells if c]
    vi, en = sum(k in vi_names for k in keys), sum(k in en_names for k in keys)
    return "en" if en > vi else "vi"


def _head_cells(path: Path, sheet: str | None) -> list[str]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):  # within the reader's limits: no workbook stops the app
        sheets = dict(parse_workbook(path.read_bytes(), suffix))
        frame = sheets.get(sheet) if sheet in sheets else next(iter(sheets.values()))
        return [c for row in frame.head(30).iter_rows() for c in row if c]
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    head = head[: head.rfind(b"\n") + 1] or head
    text = decode_bytes(head)
    lines = text.splitlines()[:30]
    if suffix in (".jsonl", ".ndjson", ".json"):
        out: list[str] = []
        for line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out += list(value)
        return out
    separator = max((",", ";", "\t", "|"), key="\n".join(lines).count)
    return [c for row in csv.reader(lines, delimiter=separator) for c in row]


def archived_copy(archive_dir: Path, sha256: str | None) -> Path | None:
    """The archive's copy of a file (named by its SHA-256 and original extension), if it is there."""
    if not sha256 or not all(c in "0123456789abcdef" for c in sha256):
        return None
    return next(iter(sorted(archive_dir.glob(f"{sha256}.*"))), None)


def quarantine_csv(rows: Iterable[Mapping], kind_name: str, lang: str = "vi") -> bytes:
    """Quarantined rows (row_number, reason, original JSON) as a CSV to correct and load again.

    Headers: the kind's Vietnamese or English names (`lang`), in the file's own column order; then the row
    number and the reason (ignored by the loader). Values are the stored originals, except personal
    identifiers, which the quarantine keeps only masked: those cells are left empty (fill them from the
    source file), so a corrected re-load never stores a hash of the mask.
    """
    kind = kind_of(kind_name)
    by_name = {c.name: c for c in [*kind.columns, VINTAGE]}
    records = [(r["row_number"], r["reason"], json.loads(r["original"])) for r in rows]
    names: dict[str, None] = {}
    for _, _, original in records:
        names.update(dict.fromkeys(original))
    columns = list(names)
    header = [(by_name[n].vi if lang == "vi" else n) if n in by_name else n for n in columns]
    rows = ([*(_cell(by_name.get(n), original.get(n)) for n in columns), row_number, reason]
            for row_number, reason, original in records)  # fmt: skip
    return export.csv_rows([*header, *EXTRA_COLUMNS["en" if lang == "en" else "vi"]], rows)


def _cell(col: Column | None, value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if col is not None and col.type in PERSONAL and text.startswith(MASKED_PREFIXES):
        return ""
    return text
