"""`docs/formats.md`, generated from the input-kind contract in `etl/kinds.py`.

`render()` returns the document; `python -m etl.formats_doc` rewrites `docs/formats.md`. A test checks the
committed file equals `render()`, so the document cannot drift from the code.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from config import ROOT
from etl import kinds as k

DOC_PATH = ROOT / "docs" / "formats.md"

TYPE_TEXT = {
    k.TEXT: "text",
    k.CODE: "code (text)",
    k.PROVINCE: "province code, 2 digits (text)",
    k.COMMUNE: "commune code, 5 digits (text)",
    k.DATE: "date",
    k.DATETIME: "date and time",
    k.INT: "integer",
    k.FLOAT: "number",
    k.BOOL: "yes/no (`true`/`false`, `1`/`0`)",
    k.PERIOD: "month `YYYY-MM`",
    k.ENUM: "value from a list",
    k.NAME: "personal: name (dropped)",
    k.PHONE: "personal: phone (keyed hash)",
    k.ID_NUMBER: "personal: ID number (keyed hash)",
}

# One example record per kind (English codes, ISO dates); the Vietnamese example is derived from it.
EXAMPLES: dict[str, dict[str, str]] = {
    "feedback": {
        "source_system": "mattranso", "source_id": "MTS-2026-0001234", "received_at": "2026-05-04 14:30:00",
        "channel": "app", "province_code": "01", "commune_code": "00097", "address": "", "field": "dat_dai",
        "content": "Dự án mở rộng đường qua phường Hồng Hà chậm chi trả tiền bồi thường.",
        "citizen_name": "Nguyễn Văn An", "citizen_phone": "0912 345 678", "citizen_id": "001085012345",
        "status": "forwarded", "forwarded_at": "2026-05-05 09:00:00", "answered_at": "", "resolved_at": "",
        "agency": "UBND phường Hồng Hà", "level": "commune", "campaign": "", "satisfaction": "",
        "lat": "21.0567", "lon": "105.845",
    },
    "activity": {
        "activity_id": "HD-01-2605-0001", "kind": "supervision", "level": "province", "organization": "front",
        "province_code": "01", "commune_code": "", "start_date": "2026-05-04", "end_date": "2026-05-20",
        "field": "an_sinh", "title": "Giám sát việc thực hiện chính sách an sinh xã hội tại thành phố Hà Nội",
        "participants": "18", "opinions": "7", "opinions_concluded": "5",
    },
    "recommendation": {
        "recommendation_id": "KN-01-2605-0001-01", "activity_id": "HD-01-2605-0001",
        "agency": "Sở Y tế thành phố Hà Nội", "field": "y_te",
        "content": "Đề nghị bảo đảm cung ứng thuốc bảo hiểm y tế tại trạm y tế", "issued_at": "2026-05-25",
        "due_at": "2026-06-24", "status": "answered", "answered_at": "2026-06-20", "implemented_at": "",
        "resupervised_at": "",
    },
    "survey": {
        "response_id": "2026Q2-000001", "wave": "2026Q2", "interviewed_at": "2026-05-12", "province_code": "01",
        "commune_code": "00097", "mode": "face_to_face", "sex": "female", "age": "34", "urban": "true",
        "ethnicity": "Kinh", "weight": "1520.5", "stratum": "01-U", "psu": "00097", "stratum_population": "51",
        "q_trust_front": "4", "q_trust_overall": "7",
    },
    "membership": {
        "period": "2026-06", "organization": "youth", "province_code": "24", "commune_code": "09427",
        "level": "village", "setting": "industrial_park", "members": "1250", "eligible": "8900", "branches": "7",
        "cadres": "0",
    },
    "model": {
        "province_code": "79", "commune_code": "26743", "model_kind": "community_security",
        "model_name": "Camera an ninh cộng đồng", "adopted_at": "2025-10-15", "status": "active",
    },
    "outcome": {
        "period": "2026-05", "province_code": "48", "commune_code": "", "indicator": "security_incidents",
        "value": "96", "unit": "vụ",
    },
    "population": {"commune_code": "00097", "population": "52000", "year": "2025", "source": "Niên giám thống kê"},
    "margins": {"province_code": "01", "dimension": "age_group", "category": "18-29", "population": "1318161"},
    "correction": {
        "source_system": "mattranso", "source_id": "MTS-2026-0001234", "field": "moi_truong",
        "corrected_by": "chuyenvien_01", "corrected_at": "2026-05-06 10:12:00",
    },
    "milestone": {
        "milestone_id": "TW-01", "scope": "national", "title": "Triển khai nền tảng Mặt trận số đến 100% xã",
        "indicator": "communes_on_platform_pct", "target": "100", "due_date": "2025-12-31",
        "owner": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", "result": "100", "done_at": "2025-12-20",
    },
}  # fmt: skip

DESIGN_NOTE = (
    "Sample design (optional; docs/trust-index.md): `weight` is the design weight; `stratum` and `psu` the "
    "stratum and first-stage sampling unit (primary sampling unit, PSU) of a stratified cluster sample; "
    "`stratum_population` the size of the stratum's population counted in first-stage units (the number of "
    "communes or villages it holds when `psu` is given, of adults when respondents are drawn directly), the "
    "same on every row of the stratum: standard errors then carry the finite-population correction 1 − n/N. "
    "Leave it empty when the sample is small beside the population or the size is unknown."
)
SURVEY_ITEMS = (
    "`q_trust_front`, `q_trust_commune`, `q_responsive_1`, `q_responsive_2`, `q_integrity_1`, `q_integrity_2`, "
    "`q_fair_1`, `q_open_1`, `q_reliable_1` (1–5) and `q_trust_overall` (0–10)"
)

GENERAL_RULES = """\
## General rules / Quy tắc chung

- **Files.** CSV (comma-separated, first row = header), XLSX (every sheet whose header matches a kind) and
  JSONL (one JSON object per line, keys = headers). The kind is detected from the header; `--kind` forces it.
- **Headers.** English or Vietnamese, matched ignoring case, diacritics, spaces and punctuation: `Mã phản ánh`,
  `ma_phan_anh` and `MA PHAN ANH` are the same column. Unknown columns are ignored (and reported as a warning).
- **Dates** (Asia/Ho_Chi_Minh local time): ISO 8601 (`2026-05-04`, `2026-05-04 14:30:00`,
  `2026-05-04T14:30:00+07:00`) or `dd/mm/yyyy[ HH:MM[:SS]]` (`04/05/2026`, `04/05/2026 14:30`). Impossible
  dates (`31/02/2026`) send the row to quarantine. Months (`period`/`ky`) are `YYYY-MM`.
- **Codes are text.** Province codes have 2 digits, commune codes 5 (`01`, `00097`); leading zeros lost by
  Excel are restored. Keep codes formatted as text in spreadsheets.
- **Text encoding.** UTF-8 (with or without BOM), UTF-16 and Windows-1258 are detected; all text is
  normalised to Unicode NFC. Exports of this system are UTF-8 with BOM so Excel shows Vietnamese correctly.
- **Locality.** Rows carry the 2025 units (`province_code`/`ma_tinh` + `commune_code`/`ma_xa`), or a
  free-text `address`/`dia_chi` in the 2025 form or the legacy 63-province/district form
  (`Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội`, `P. Trúc Bạch, Q. Ba Đình, TP. Hà Nội`), which is
  converted to 2025 units. Codes of the pre-2025 list are accepted when the row (or the file) has
  `admin_vintage`/`phien_ban_dia_gioi` = `pre2025`; the default is `2025`.
- **Values from a list** are given as the English code or any accepted label (Vietnamese first), matched
  ignoring case and diacritics: `Đường dây nóng`, `duong day nong` and `hotline` are the same channel.
- **Personal data.** Names are dropped; phone numbers are normalised to `+84…` and IDs to digits, then kept
  only as keyed hashes (HMAC-SHA256); phone numbers, ID numbers and e-mails inside free text are masked
  before anything is stored.
- **Record keys.** Each kind names the columns that identify a record. A row whose key is already stored
  with the same content is a *duplicate*; with different content it is an *update* (the newer export wins).
- **Row accounting.** For every file: `rows_read` (data rows under the header) = `loaded` + `updated` +
  `duplicates` + `quarantined` + `skipped`. Quarantined rows keep their values (personal data masked), file,
  row number and a reason a person understands; `skipped` rows are not records (e.g. a `Tổng cộng` total row).
"""


def _limits_section() -> str:
    """The limits of etl/limits.py, with the values the code uses."""
    from etl import limits as lim

    text_columns = sorted({c.name for kd in k.KINDS.values() for c in kd.columns if c.type == k.TEXT})
    rows = [
        ("file size", f"{lim.MAX_FILE_BYTES >> 20:,} MB", "file refused: split it"),
        ("columns of the header (JSONL: distinct keys)", f"{lim.MAX_COLUMNS:,}", "file refused"),
        ("CSV: the first line break, and the columns of each of the first 30 lines",
         f"within the first {lim.HEAD_CHARS:,} characters; {lim.MAX_COLUMNS:,} columns",
         "file refused (a file with no newline, a header too long or too wide)"),
        ("CSV: cells of a data row beyond the header's columns", "—", "dropped while the row is read"),
        ("cell of free text (" + ", ".join(f"`{c}`" for c in text_columns) + ")",
         f"{lim.MAX_TEXT_CHARS:,} characters",
         f"row quarantined `cell_too_long` (the quarantine keeps the first {lim.EXCERPT_CHARS} characters)"),
        ("cell of any other column", f"{lim.MAX_CELL_CHARS:,} characters", "row quarantined `cell_too_long`"),
        ("JSONL line", f"{lim.MAX_JSON_LINE_CHARS:,} characters", "row quarantined `line_too_long`, not parsed"),
        ("workbook sheet: rows, columns", f"{lim.MAX_SHEET_ROWS:,} rows (Excel's own limit), {lim.MAX_COLUMNS:,} columns",
         "file refused"),
        ("workbook: cells of all sheets, each from its first to its last cell (empty ones included), and the range "
         "a sheet claims (`<dimension>`)", f"{lim.MAX_WORKBOOK_CELLS:,} cells", "file refused"),
        ("workbook: unzipped size, ZIP entries, compression ratio of an entry over 1 MiB",
         f"{lim.MAX_UNCOMPRESSED_BYTES >> 20:,} MB, {lim.MAX_ZIP_ENTRIES:,}, {lim.MAX_COMPRESSION_RATIO}",
         "file refused (a ZIP bomb)"),
        (f"workbook over {lim.SMALL_WORKBOOK_BYTES >> 10} KB ({lim.SMALL_WORKBOOK_INFLATED >> 20} MB unzipped) or "
         f"{lim.SMALL_WORKBOOK_CELLS:,} cells: parsed in a child process", f"{lim.WORKBOOK_MEMORY_BYTES >> 30} GB of memory, {lim.WORKBOOK_SECONDS} s",
         "file refused when the parser fails, crashes or runs out"),
    ]  # fmt: skip
    table = "\n".join(f"| {what} | {value} | {beyond} |" for what, value, beyond in rows)
    return f"""\
## Limits / Giới hạn

Every file is read under these limits (`etl/limits.py`), so that no file, however large or malformed, stops
the loader or the watcher. A workbook is checked before any parser opens it. A file beyond a limit is refused
with the reason (`etl load` exits with 1 and the other files still load; the upload box refuses it with the
same reason; the watcher moves it to `failed/` beside a `<name>.reason.txt`); a cell or line beyond its limit
sends only its row to quarantine. Should the loader still be killed while loading (out of memory), the watcher
loads the files it had in flight one by one at its next start, and moves a file in flight at two such ends in
a row to `failed/`.

| what | limit | beyond it |
|---|---|---|
{table}
"""


def _label_list(vocabulary: str) -> str:
    return "; ".join(f"`{code}` ({labels[0]})" for code, labels in k.vocabularies()[vocabulary].items())


def _values(col: k.Column) -> str:
    if col.type == k.ENUM and col.vocabulary:
        return _label_list(col.vocabulary)
    bounds = []
    if col.low is not None:
        bounds.append(f"≥ {col.low:g}")
    if col.high is not None:
        bounds.append(f"≤ {col.high:g}")
    return ", ".join(bounds)


def _csv_block(header: list[str], row: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(row)
    return "```csv\n" + buf.getvalue() + "```"


def _vi_value(col: k.Column | None, value: str) -> str:
    """The example value as a Vietnamese export would write it (labels, dd/mm/yyyy, 1/0)."""
    if not value or col is None:
        return value
    if col.type == k.ENUM and col.vocabulary:
        return k.vocabularies()[col.vocabulary][value][0]
    if col.type in (k.DATE, k.DATETIME):
        date, _, time = value.partition(" ")
        y, m, d = date.split("-")
        return f"{d}/{m}/{y}" + (f" {time[:5]}" if time else "")
    if col.type == k.BOOL:
        return "1" if value == "true" else "0"
    return value


def _kind_section(kind: k.Kind) -> str:
    lines = [f"### `{kind.name}` — {kind.title_vi} / {kind.title_en}", ""]
    lines.append(f"Warehouse table `{kind.table}`. Record key: {', '.join(f'`{c}`' for c in kind.key)}.")
    if kind.defaults:
        lines.append(
            "Defaults when the column is absent or empty: "
            + ", ".join(f"`{c}` = `{v}`" for c, v in kind.defaults.items())
            + "."
        )
    lines += ["", "| English header | Vietnamese header | type | required | accepted values |", "|---|---|---|---|---|"]
    for col in kind.columns:
        aliases = "".join(f" / `{a}`" for a in col.aliases)
        type_text = TYPE_TEXT.get(col.type, col.type) + (
            " (personal identifiers inside are masked)" if col.mask else ""
        )
        lines.append(
            f"| `{col.name}` | `{col.vi}`{aliases} | {type_text} | {'yes' if col.required else ''} | {_values(col)} |"
        )
    if kind.locality:
        lines.append("| `admin_vintage` | `phien_ban_dia_gioi` | code (text) |  | `2025` (default), `pre2025` |")
    if kind.item_prefix:
        lines.append(
            f"| `{kind.item_prefix}<code>` | `{kind.item_prefix}<code>` | number |  | one column per survey item |"
        )
        lines += ["", f"Survey items: one column per item, named `{kind.item_prefix}<code>`; the scale of each item is in "
                  f"the item catalogue. The demo writes {SURVEY_ITEMS}; an empty cell is a missing answer."]  # fmt: skip
        lines += ["", DESIGN_NOTE]
    example = EXAMPLES[kind.name]
    names = list(example)
    by_name = {c.name: c for c in kind.columns}
    vi_header = [by_name[n].vi if n in by_name else n for n in names]
    vi_row = [_vi_value(by_name.get(n), example[n]) for n in names]
    lines += [
        "",
        "Example, English headers:",
        "",
        _csv_block(names, [example[n] for n in names]),
        "",
        "Example, Vietnamese headers:",
        "",
        _csv_block(vi_header, vi_row),
        "",
    ]
    return "\n".join(lines)


def _vocabulary_section() -> str:
    lines = ["## Lists of values / Danh mục giá trị", ""]
    for name, values in sorted(k.vocabularies().items()):
        lines += [f"### `{name}`", "", "| code | Vietnamese | other accepted labels |", "|---|---|---|"]
        for code, labels in values.items():
            lines.append(f"| `{code}` | {labels[0]} | {', '.join(labels[1:])} |")
        lines.append("")
    return "\n".join(lines)


def render() -> str:
    """The whole `docs/formats.md`, from `etl.kinds`."""
    parts = [
        "# Input file formats / Định dạng tệp đầu vào",
        "",
        "<!-- Generated by `python -m etl.formats_doc` from etl/kinds.py; do not edit by hand. -->",
        "",
        "Every input kind of DESIGN §4.2: what it is, its columns with English and Vietnamese headers, types,",
        "accepted values and record key, with a small CSV example in each header language.",
        "`python -m etl demo` writes realistic synthetic files of every kind (except `correction`, which the app writes).",
        "",
        GENERAL_RULES,
        _limits_section(),
        "## Kinds / Loại dữ liệu",
        "",
        "| kind | Vietnamese | English | record key |",
        "|---|---|---|---|",
        *[
            f"| `{kd.name}` | {kd.title_vi} | {kd.title_en} | {', '.join(f'`{c}`' for c in kd.key)} |"
            for kd in k.KINDS.values()
        ],
        "",
        *[_kind_section(kd) for kd in k.KINDS.values()],
        _vocabulary_section(),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def write(path: Path = DOC_PATH) -> Path:
    """Rewrite `docs/formats.md` from the contract."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(f"{write()}\n")
