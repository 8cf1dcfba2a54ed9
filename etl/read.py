"""Readers: a raw file (CSV, XLSX, JSONL) -> tables of text cells with canonical column names.

Everything is read as text; typing happens in `etl/normalise.py`. A file that cannot be read at all raises
`FileRefused` with a one-line reason a person understands; the other files of the run still load. Every file is
read under the limits of `etl/limits.py` (size, columns, cell length; workbooks checked before parsing and,
unless tiny, parsed in a child process with a memory and time limit), so no file can stop the loader.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl
import pyarrow

from etl import limits
from etl.kinds import KINDS, TEXT, Kind, detect_kind
from etl.limits import HEAD_CHARS, FileRefused, excerpt
from etl.text import fold, header_key, nfc

__all__ = [
    "ERROR", "HEAD_CHARS", "ROW", "FileRefused", "RawTable", "check_csv_head", "decode_bytes", "parse_workbook",
    "read_file",
]  # fmt: skip

ROW = "_row"  # the row number a person sees in the file (header and title rows counted)
# A row the reader could not take as it is: its reason code, and the column after a colon when there is one
# (`invalid_json`, `line_too_long`, `cell_too_long:content`); normalise quarantines it with that reason.
ERROR = "_read_error"
HEADER_SEARCH_ROWS = 30
TOTAL_ROW_WORDS = ("tong cong", "tong so", "cong", "total", "grand total")
IGNORED_NAMED = 20  # unused columns named one by one in the warnings; the others are counted


@dataclass
class RawTable:
    """One table found in a file: a CSV/JSONL file or one sheet of a workbook."""

    kind: Kind
    sheet: str | None
    frame: pl.DataFrame  # canonical column names, all text, plus ROW (and ERROR when relevant)
    rows_read: int  # data rows under the header, non-records included
    skipped: int = 0  # non-record rows (blank, "Tổng cộng") already removed from `frame`
    warnings: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # survey item columns (q_<code>)


def read_file(path: Path, kind: str | None = None, data: bytes | None = None) -> tuple[list[RawTable], list[str]]:
    """Read every table of a file. Returns the tables and file-level warnings (e.g. skipped sheets).

    `data`: the file's bytes when the caller has read them already: they are parsed instead of the file."""
    suffix = path.suffix.lower()
    if data is None:
        if not path.is_file():
            raise FileRefused(f"không tìm thấy tệp (file not found): {path}")
        limits.check_size(path.stat().st_size)
        data = path.read_bytes()
    limits.check_size(len(data))
    if not data:
        raise FileRefused("tệp rỗng, không có dòng nào (empty file)")
    forced = KINDS[kind] if kind else None
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_workbook(data, forced, suffix)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return [_read_jsonl(data, forced)], []
    if suffix in (".csv", ".tsv", ".txt"):
        return [_read_csv(data, forced)], []
    raise FileRefused(f"định dạng '{suffix}' không được hỗ trợ: dùng CSV, XLSX hoặc JSONL (unsupported format)")


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM) or Windows-1258 without replacing any character."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRefused(f"không giải mã được UTF-16 ở dòng {_line_of(data, exc.start)}") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data[:65536]:
        raise FileRefused("tệp nhị phân, không phải văn bản CSV/JSONL (binary file, not text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            line = _line_of(data, utf8_error.start)
            raise FileRefused(
                f"không giải mã được văn bản ở dòng {line} (không phải UTF-8/UTF-16/Windows-1258): "
                "hãy lưu lại tệp dạng 'CSV UTF-8'"
            ) from utf8_error
        if any(ord(c) < 32 and c not in "\t\r\n" for c in text[:65536]):
            raise FileRefused("tệp nhị phân, không phải văn bản CSV/JSONL (binary file, not text)") from None
        return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _find_header(rows: list[list[str]], forced: Kind | None) -> tuple[int, Kind, list[str]] | None:
    """The first row that is a header of a known kind: (its index, the kind, its cells).

    Title and letterhead rows above it are skipped. A header whose cells are merged across two rows (a
    group title above, column names below, some names only in the upper row) is read as one row: the
    lower cell, or the upper one where the lower is empty.
    """
    rows = [[nfc(c) if c else "" for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    for index, row in enumerate(rows):
        kind = _header_kind(row, forced)
        if kind is None:
            continue
        if index + 1 < len(rows):  # a second header row below (cells merged over two rows)?
            merged = _merge_rows(row, rows[index + 1])
            if _matched(kind, merged) > _matched(kind, row):
                return index + 1, kind, merged
        return index, kind, row
    return None


def _merge_rows(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    upper = [*upper, *[""] * (width - len(upper))]
    lower = [*lower, *[""] * (width - len(lower))]
    return [low if low.strip() else high for high, low in zip(upper, lower, strict=True)]


def _matched(kind: Kind, cells: list[str]) -> int:
    hmap = kind.header_map()
    return len({hmap[header_key(c)] for c in cells if c and header_key(c) in hmap})


def _header_kind(cells: list[str], forced: Kind | None) -> Kind | None:
    present = [c for c in cells if c]
    if not present:
        return None
    if forced is not None:
        hmap = forced.header_map()
        return (
            forced if set(forced.required) <= {hmap[header_key(c)] for c in present if header_key(c) in hmap} else None
        )
    return detect_kind(present)[0]


def _refuse_unknown(rows: list[list[str]], forced: Kind | None) -> FileRefused:
    first = next((r for r in rows if any(c.strip() for c in r)), [])
    cols = excerpt(", ".join(excerpt(nfc(c), 40) for c in first[:8] if c.strip()))
    if forced is not None:
        need = ", ".join(f"{c.name}/{c.vi}" for c in forced.columns if c.required)
        return FileRefused(f"thiếu cột bắt buộc của loại '{forced.name}': cần {need}; dòng tiêu đề có: {cols}")
    return FileRefused(
        f"không nhận ra loại dữ liệu từ dòng tiêu đề (unknown kind); tiêu đề: {cols or '(trống)'} — "
        "xem docs/formats.md hoặc dùng --kind"
    )


def _table(kind: Kind, header: list[str], body: pl.DataFrame, first_row: int, sheet: str | None) -> RawTable:
    """Map headers to canonical names, number rows, drop blank and total rows."""
    hmap = kind.header_map()
    names: list[str] = []
    warnings: list[str] = []
    items: list[str] = []
    ignored = 0
    for position, cell in enumerate(header):
        key = header_key(cell) if cell else ""
        canonical = hmap.get(key)
        if canonical is None and kind.item_prefix and key.startswith(kind.item_prefix):
            canonical = key
            items.append(key)
        if canonical is None or canonical in names:
            if key:
                ignored += 1
                if ignored <= IGNORED_NAMED:
                    warnings.append(f"bỏ qua cột không dùng: '{excerpt(nfc(cell), 60)}' (ignored column)")
            canonical = f"_ignored_{position}"
        names.append(canonical)
    if ignored > IGNORED_NAMED:
        warnings.append(f"bỏ qua thêm {ignored - IGNORED_NAMED} cột không dùng khác (more ignored columns)")
    extra = [c for c in (ROW, ERROR) if c in body.columns]
    cells = body.select([c for c in body.columns if c not in extra][: len(names)])
    cells.columns = names[: cells.width]
    body = cells.select([c for c in cells.columns if not c.startswith("_ignored_")]).hstack(body.select(extra))
    if ROW in body.columns:
        body = body.with_columns(pl.col(ROW).cast(pl.Int64))
    else:
        body = body.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
    rows_read = body.height
    data_cols = [c for c in body.columns if c not in (ROW, ERROR)]
    if not data_cols:
        return RawTable(kind, sheet, body, rows_read, 0, warnings, items)
    body = _cut_long_cells(body, kind, data_cols)
    not_record = _non_records(_first_cells(body, data_cols))
    if ERROR in body.columns:
        not_record = not_record & body.get_column(ERROR).is_null()
    # Most files have no blank or total row: keep the frame as it is rather than copy every cell in a filter.
    kept = body.filter(~not_record) if not_record.any() else body
    return RawTable(kind, sheet, kept, rows_read, rows_read - kept.height, warnings, items)


def _cut_long_cells(body: pl.DataFrame, kind: Kind, data_cols: list[str]) -> pl.DataFrame:
    """Cells longer than their limit (limits.cell_limit) cut to an excerpt, their row marked `cell_too_long`.

    The row is then quarantined with that reason and the column (the first too long one), and the quarantine
    keeps only the excerpt: a 100 MB cell is not stored, nor its row lost.
    """
    text = {c.name for c in kind.columns if c.type == TEXT}
    limit = {c: limits.cell_limit(c in text) for c in data_cols}
    # Byte lengths first (read from each value's header, no text is scanned): a cell within its limit in bytes
    # is within it in characters, so usually nothing more is done.
    suspect = body.select(pl.any_horizontal(pl.col(c).str.len_bytes() > limit[c] for c in data_cols)).to_series()
    if not suspect.any():
        return body
    too_long = {c: pl.col(c).str.len_chars() > limit[c] for c in data_cols}
    first = pl.coalesce([pl.when(too_long[c]).then(pl.lit(f"cell_too_long:{c}")) for c in data_cols])
    error = pl.coalesce(pl.col(ERROR), first) if ERROR in body.columns else first
    cut = [
        pl.when(too_long[c]).then(pl.col(c).str.slice(0, limits.EXCERPT_CHARS) + "…").otherwise(pl.col(c)).alias(c)
        for c in data_cols
    ]
    return body.with_columns(*cut, error.alias(ERROR))


def _first_cells(body: pl.DataFrame, data_cols: list[str]) -> pl.Series:
    """Each row's first non-blank data cell, trimmed; null for a blank row (every cell null or whitespace).

    Trimming every cell of a large file costs more than reading it. A row whose first column holds text is
    settled by that column alone, so only the other rows (usually few: blank rows, rows with an empty
    first cell) are trimmed across all their columns.
    """
    first = body.get_column(data_cols[0]).str.strip_chars()
    pending = (first.fill_null("") == "").arg_true()
    if pending.len() == 0:
        return first
    # The pending rows: trim all their cells and take the first non-empty one (null when there is none).
    rest = body.select(pl.col(data_cols).gather(pending).str.strip_chars())
    found = rest.select(pl.coalesce([pl.when(pl.col(c) != "").then(pl.col(c)) for c in data_cols])).to_series()
    return first.scatter(pending, found)


def _non_records(first: pl.Series) -> pl.Series:
    """Blank rows and total rows ("Tổng cộng", "Total"…), from each row's first non-blank cell."""
    # Only short cells starting like "Tổng/Total/Cộng/Grand" can be totals: fold just those distinct few.
    maybe = first.filter(first.str.contains("^[tcgTCG]") & first.str.len_chars().le(40))
    total_words = maybe.unique().drop_nulls().to_list()
    totals = [v for v in total_words if fold(v) in TOTAL_ROW_WORDS or fold(v).startswith("tong cong")]
    blank = first.is_null()
    return blank | first.is_in(totals) if totals else blank


def _read_csv(data: bytes, forced: Kind | None) -> RawTable:
    utf8 = data.removeprefix(codecs.BOM_UTF8)
    if _plain_utf8(data, utf8):
        # The usual case, a UTF-8 export: polars reads these bytes as they are and only the head is decoded here
        # (for the header). Decoding a large file whole in Python costs more than polars takes to read it.
        payload = utf8
        # A character takes at most 4 bytes, so these hold the first HEAD_CHARS characters; the incremental
        # decoder leaves out a character cut in two at the end instead of failing.
        decoded = codecs.getincrementaldecoder("utf-8")().decode(utf8[: 4 * HEAD_CHARS])
        head = decoded[:HEAD_CHARS]
        more_follows = len(decoded) > HEAD_CHARS or len(utf8) > 4 * HEAD_CHARS
        blank = not head.strip() and not utf8.decode("utf-8").strip()  # the whole file only if its head is blank
    else:
        # UTF-16 or Windows-1258 (or a file to refuse: decode_bytes says why): polars reads UTF-8 only.
        text = decode_bytes(data)
        payload = text.encode("utf-8")
        head = text[:HEAD_CHARS]
        more_follows = len(text) > HEAD_CHARS
        blank = not text.strip()
    if blank:
        raise FileRefused("tệp rỗng, không có dòng nào (empty file)")
    separator, sample = check_csv_head(head, more_follows)
    rows = list(csv.reader(io.StringIO(sample), delimiter=separator))
    found = _find_header(rows, forced)
    if found is None:
        raise _refuse_unknown(rows, forced)
    header_index, kind, header = found
    # The header says how many columns there are: a data row with more (a million separators on one line)
    # has its extra cells dropped while it is parsed, instead of making a column of each; and a short first
    # row no longer sets the width (polars then cut every longer row after it).
    schema = {f"column_{i + 1}": pl.String for i in range(len(header))}
    try:
        body = pl.read_csv(
            io.BytesIO(payload),
            separator=separator,
            has_header=False,
            skip_rows=header_index + 1,
            schema=schema,
            missing_columns="insert",  # a first row shorter than the header: its missing cells are empty
            truncate_ragged_lines=True,
        )
    except pl.exceptions.NoDataError:
        body = pl.DataFrame(schema=schema)
    except pl.exceptions.PolarsError as exc:
        raise FileRefused(f"không đọc được CSV: {excerpt(str(exc).splitlines()[0], 300)}") from exc
    return _table(kind, header, body, header_index + 2, None)


def check_csv_head(head: str, more_follows: bool) -> tuple[str, str]:
    """The separator and the first lines (where the header is looked for) of a CSV file's first HEAD_CHARS
    characters; FileRefused when they are not lines of a table within the limits (no line break, too many
    columns). `more_follows`: the file goes on after `head`. The upload box runs the same check."""
    head = head[:HEAD_CHARS]
    sample = "\n".join(head.splitlines()[:HEADER_SEARCH_ROWS])
    separator = max((",", ";", "\t", "|"), key=sample.count)
    limits.check_text_head(head, more_follows, separator)
    return separator, sample


def _plain_utf8(data: bytes, utf8: bytes) -> bool:
    """Whether the file is UTF-8 text that decode_bytes would decode as UTF-8 (`utf8`: `data` without its BOM).

    The whole file is checked, as decode_bytes does: polars does reject invalid UTF-8 in the cells it reads,
    but not in the title rows it skips, and it does not say on which line, so a file that fails here goes
    through decode_bytes (Windows-1258, or a refusal naming the line). Arrow's cast from binary validates the
    UTF-8 in place (the bytes are wrapped, not copied): several times faster than a Python decode, which
    builds a string of the whole file.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in utf8[:65536]:
        return False
    if utf8.isascii():
        return True
    offsets = pyarrow.array([0, len(utf8)], pyarrow.int64()).buffers()[1]
    whole = pyarrow.LargeBinaryArray.from_buffers(pyarrow.large_binary(), 1, [None, offsets, pyarrow.py_buffer(utf8)])
    try:
        whole.cast(pyarrow.large_string())
    except pyarrow.ArrowInvalid:  # not UTF-8
        return False
    return True


def _read_jsonl(data: bytes, forced: Kind | None) -> RawTable:
    text = decode_bytes(data)
    records: list[dict[str, str | None]] = []
    keys: dict[str, None] = {}
    too_long = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > limits.MAX_JSON_LINE_CHARS:  # not parsed at all: quarantined with its reason
            records.append({ROW: str(number), ERROR: "line_too_long"})
            too_long += 1
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:  # broken, nested too deep, a number of 5,000 digits…
            value = exc
        if not isinstance(value, dict):
            records.append({ROW: str(number), ERROR: "invalid_json"})
            continue
        # A key named as the reader's own columns ('_row', '_read_error') is the file's: an unknown column.
        value = {(f"{k} " if k in (ROW, ERROR) else k): v for k, v in value.items()}
        row = {k: (None if v is None else v if isinstance(v, str) else json.dumps(v)) for k, v in value.items()}
        row[ROW] = str(number)
        keys.update(dict.fromkeys(value))
        if len(keys) > limits.MAX_COLUMNS:
            raise limits.too_many_columns(len(keys), at_least=True)
        records.append(row)
    if not keys and too_long:
        raise FileRefused(
            f"không có dòng nào ngắn hơn {limits.number(limits.MAX_JSON_LINE_CHARS)} ký tự: tệp không phải JSONL "
            "(mỗi dòng một bản ghi) hoặc thiếu dấu xuống dòng (no line short enough: no line breaks?)"
        )
    if not keys:
        raise FileRefused("không có bản ghi JSON hợp lệ nào (no valid JSON object per line)")
    header = list(keys)
    found = _find_header([header], forced)
    if found is None:
        raise _refuse_unknown([header], forced)
    kind = found[1]
    columns = header + [ROW, ERROR]
    body = pl.DataFrame({c: [r.get(c) for r in records] for c in columns}, schema={c: pl.String for c in columns})
    return _table(kind, header, body, 1, None)


def _read_workbook(data: bytes, forced: Kind | None, suffix: str) -> tuple[list[RawTable], list[str]]:
    tables: list[RawTable] = []
    warnings: list[str] = []
    for name, sheet in parse_workbook(data, suffix):
        if sheet.height == 0:
            warnings.append(f"bỏ qua trang '{name}': trống (empty sheet skipped)")
            continue
        rows = [[c or "" for c in row] for row in sheet.head(HEADER_SEARCH_ROWS).iter_rows()]
        found = _find_header(rows, forced)
        if found is None:
            warnings.append(f"bỏ qua trang '{name}': không nhận ra dòng tiêu đề (sheet skipped, unknown header)")
            continue
        header_index, kind, header = found
        body = sheet.slice(header_index + 1)
        tables.append(_table(kind, header, body, header_index + 2, name))
    if not tables:
        raise FileRefused("không trang nào của bảng tính có dòng tiêu đề của một loại dữ liệu đã biết (no known sheet)")
    return tables, warnings


def parse_workbook(data: bytes, suffix: str) -> list[tuple[str, pl.DataFrame]]:
    """Every sheet as a frame of text cells (no header), within the limits: checked first (limits.check_workbook),
    then parsed here when it is tiny, else in a child process with a memory and time limit. FileRefused else."""
    if not limits.check_workbook(data, suffix).small:
        return limits.parse_workbook_in_child(data)
    try:
        book = fastexcel.read_excel(data)
        return [(n, book.load_sheet(n, header_row=None, dtypes="string").to_polars()) for n in book.sheet_names]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # fastexcel's own errors for broken or encrypted files; a Rust panic
        message = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise FileRefused(f"không mở được bảng tính (cannot open workbook): {excerpt(message, 300)}") from exc
