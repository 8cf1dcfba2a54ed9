"""The limits every input file is read under, so that no file, however large, odd or hostile, stops the loader.

Checked before any parser sees the bytes, in a fraction of the parse time: the file's size; for a workbook its
ZIP (entry sizes and compression ratio: a "ZIP bomb") and the extent each sheet claims and really covers (the
native XLSX reader allocates the whole rectangle from the first to the last cell, so one cell at XFD1048576
asks for 512 GB and aborts the process: no `except` can catch that); for CSV and JSONL that the first
characters hold line breaks and the first lines a sensible number of columns. A workbook that is not tiny is
then parsed in a child process with a memory and a time limit: a parser that still runs out of memory or hangs
ends only the child, and the file is refused with a reason. Cells longer than `cell_limit` are cut by the
reader and their row is quarantined (`cell_too_long`). The limits are documented in docs/formats.md.

Run as a script (`python etl/limits.py FOLDER MEMORY SECONDS`, workbook bytes on stdin) it is that child.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree
from xml.parsers import expat

if TYPE_CHECKING:
    import polars as pl

MAX_FILE_BYTES = 2 << 30  # a larger export is refused: split it
MAX_COLUMNS = 1_000  # header columns (the widest kind has a few dozen)
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_WORKBOOK_CELLS = 30_000_000  # the rectangles of all sheets together (1,048,576 rows x 28 columns)
MAX_TEXT_CHARS = 20_000  # a free-text cell (an opinion's content, a title, an address)
MAX_CELL_CHARS = 1_000  # any other cell (codes, dates, numbers, values from a list)
EXCERPT_CHARS = 200  # what a refusal quotes of a header, and the quarantine keeps of a cut cell
HEAD_CHARS = 65_536  # the header of a CSV file is looked for in this many first characters
MAX_JSON_LINE_CHARS = 4 << 20  # a longer JSONL line is quarantined unparsed (`line_too_long`)
MAX_UNCOMPRESSED_BYTES = 4 << 30  # a workbook's ZIP entries, inflated, together
MAX_ZIP_ENTRIES = 10_000
MAX_COMPRESSION_RATIO = 100  # an entry over 1 MiB inflating more than this is a ZIP bomb (as Apache POI)
WORKBOOK_MEMORY_BYTES = 8 << 30  # address space of the child process that parses a workbook
WORKBOOK_SECONDS = 600  # CPU and wall time of that child
# A workbook this small is parsed in-process (a child costs about a second): its rectangle, bounded from above
# by the scan, cannot exhaust memory, and even its ZIP entries inflated at deflate's maximum ratio stay small.
SMALL_WORKBOOK_BYTES = 512 << 10
SMALL_WORKBOOK_INFLATED = 8 << 20
SMALL_WORKBOOK_CELLS = 1_000_000

_WORKBOOK_SUFFIXES_ZIP = (".xlsx", ".xlsm", ".ods")
_CHUNK = 1 << 24  # a sheet's XML is scanned in pieces of 16 MiB


class FileRefused(Exception):
    """The whole file cannot be read; the message is the one-line reason."""


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` cut to `limit` characters (marked with an ellipsis when cut)."""
    return text if len(text) <= limit else text[:limit] + "…"


def number(n: int) -> str:
    """An integer the Vietnamese way: 1.048.576."""
    return f"{n:,}".replace(",", ".")


def cell_limit(text_column: bool) -> int:
    """The maximum characters of a cell: free text (content, title, address) or any other column."""
    return MAX_TEXT_CHARS if text_column else MAX_CELL_CHARS


def megabytes(size: int) -> str:
    """A size in MB the Vietnamese way, one decimal: 1.234,5 MB."""
    return f"{size / (1 << 20):,.1f}".translate(str.maketrans(",.", ".,")) + " MB"


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise FileRefused(
            f"tệp quá lớn ({megabytes(size)}, tối đa {megabytes(MAX_FILE_BYTES)}): hãy chia thành nhiều tệp "
            "(file too large: split it)"
        )


# -- CSV and JSONL -------------------------------------------------------------------------------------------


def check_text_head(head: str, more_follows: bool, separator: str | None = None) -> None:
    """Refuse a text file whose start is not lines of a table: no line break in the first HEAD_CHARS characters
    (a file with no newline, or a header too long), or a line of more than MAX_COLUMNS columns (CSV only:
    `separator` given). `more_follows`: the file is longer than `head`."""
    first_break = next((i for i, c in enumerate(head) if c in "\r\n"), -1) if len(head) < 4096 else _first_break(head)
    if first_break < 0 and more_follows:
        sep = separator or max((",", ";", "\t", "|"), key=head.count)
        if head.count(sep) >= MAX_COLUMNS:
            raise too_many_columns(head.count(sep) + 1, at_least=True)
        raise FileRefused(
            f"không có dấu xuống dòng trong {number(len(head))} ký tự đầu tiên: tệp không phải một bảng "
            "(mỗi dòng một bản ghi); hãy xuất lại tệp dạng CSV hoặc JSONL (no line break at the start of the file)"
        )
    if separator is not None:
        lines = head.splitlines()[:30]
        widest = max((len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)), default=0)
        if widest > MAX_COLUMNS:
            raise too_many_columns(widest)


def _first_break(head: str) -> int:
    found = [i for i in (head.find("\n"), head.find("\r")) if i >= 0]
    return min(found) if found else -1


def too_many_columns(count: int, at_least: bool = False) -> FileRefused:
    more = "hơn " if at_least else ""
    return FileRefused(
        f"tệp có {more}{number(count)} cột, tối đa {number(MAX_COLUMNS)} cột: không phải bảng của một loại dữ liệu "
        f"đã biết (too many columns, at most {MAX_COLUMNS:,})"
    )


# -- workbooks ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookCheck:
    """What the scan found: the cells of the sheets' rectangles (bounded from above for a small workbook, else
    counted from the cells beyond 702 columns or 999,999 rows only), and whether it is parsed in this process."""

    cells: int
    small: bool


def check_workbook(data: bytes, suffix: str) -> WorkbookCheck:
    """Refuse a workbook beyond the limits before any parser opens it (see the module docstring)."""
    check_size(len(data))
    if suffix not in _WORKBOOK_SUFFIXES_ZIP:
        return WorkbookCheck(0, small=False)  # .xls: the child parses it
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(
            "không mở được bảng tính (cannot open workbook): tệp không phải bảng tính .xlsx hoặc bị hỏng "
            "(not a ZIP file, or a broken one)"
        ) from exc
    _check_zip(infos)
    if suffix == ".ods":
        return WorkbookCheck(0, small=False)
    sheets, complete = _worksheets(book)
    small = (
        complete and len(data) <= SMALL_WORKBOOK_BYTES and sum(i.file_size for i in infos) <= SMALL_WORKBOOK_INFLATED
    )
    total = 0
    for name, part in sheets:
        try:
            rows, cols = _sheet_extent(book, part, name, exact=small)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, expat.ExpatError):
            return WorkbookCheck(0, small=False)  # broken or encrypted: the parser says so, in the child
        _check_extent(name, rows, cols, "có ô ở", "has a cell at")
        total += rows * cols
        if total > MAX_WORKBOOK_CELLS:
            raise _too_many_cells(total)
    return WorkbookCheck(total, small and total <= SMALL_WORKBOOK_CELLS)


def _check_zip(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRefused(f"tệp nén có {number(len(infos))} mục: không phải bảng tính (too many ZIP entries)")
    inflated = sum(i.file_size for i in infos)
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            f"bảng tính giải nén ra {number(inflated >> 20)} MB, tối đa {number(MAX_UNCOMPRESSED_BYTES >> 20)} MB: "
            "hãy chia thành nhiều tệp (workbook too large once unzipped)"
        )
    for info in infos:
        if info.file_size > 1 << 20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise FileRefused(
                f"bảng tính có phần '{excerpt(info.filename, 60)}' nén {number(info.file_size // max(info.compress_size, 1))} "
                "lần: tệp được tạo để làm tràn bộ nhớ (a ZIP bomb), không đọc"
            )


def _worksheets(book: zipfile.ZipFile) -> tuple[list[tuple[str, str]], bool]:
    """(sheet name, ZIP part) of every worksheet, named from xl/workbook.xml and its relationships, plus any
    part under xl/worksheets/ they do not name; and whether every sheet the workbook lists was found (if not,
    the parser may read a part this did not check: then only a child parses it)."""
    names = set(book.namelist())
    try:
        sheets = [
            (e.get("name") or "", next((v for k, v in e.attrib.items() if k.rsplit("}", 1)[-1] == "id"), ""))
            for e in _small_xml(book, "xl/workbook.xml").iter()
            if e.tag.rsplit("}", 1)[-1] == "sheet"
        ]
        targets = {
            e.get("Id"): _normal(t.lstrip("/") if t.startswith("/") else f"xl/{t}")
            for e in _small_xml(book, "xl/_rels/workbook.xml.rels").iter()
            if e.tag.rsplit("}", 1)[-1] == "Relationship" and (t := e.get("Target") or "")
        }
    except (KeyError, FileRefused, zipfile.BadZipFile, OSError, EOFError, ValueError, ElementTree.ParseError):
        sheets, targets = [], {}
    found = [(name or targets[rid], targets[rid]) for name, rid in sheets if targets.get(rid) in names]
    seen = {part for _, part in found}
    found += [(n, n) for n in sorted(names) if n.startswith("xl/worksheets/") and n.endswith(".xml") and n not in seen]
    return found, bool(sheets) and len(seen) == len(sheets)


def _normal(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _small_xml(book: zipfile.ZipFile, name: str) -> ElementTree.Element:
    if book.getinfo(name).file_size > 8 << 20:
        raise FileRefused(name)
    return ElementTree.fromstring(book.read(name))


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="([^"]*)"')
# Large sheets: two searches starting with a literal, which Python's re finds at memchr speed.
# Only references beyond 702 columns (three letters) or 999,999 rows are read one by one.
_FAR_CELL = re.compile(rb' r="((?:[A-Za-z]{3,}\d+)|(?:[A-Za-z]{1,2}\d{7,}))"')
_FAR_ROW = re.compile(rb'<row r="(\d{7,})"')


def _sheet_extent(book: zipfile.ZipFile, part: str, sheet: str, exact: bool) -> tuple[int, int]:
    """(last row, last column) a parser may place a cell in; the range the sheet claims is checked too.

    `exact`: a small sheet, parsed in this process afterwards: read with an XML parser (any spacing or quoting
    of the attributes), bounded from above: each cell's reference, and for rows and cells written without one
    (the parser then counts on from the previous one) how many there are. Otherwise (a child with a memory
    limit parses it, and fails on what this misses) only the references beyond 702 columns or 999,999 rows.
    """
    if not exact:
        return _far_extent(book, part, sheet)
    extent = _Extent(sheet)
    parser = expat.ParserCreate()
    parser.StartElementHandler = extent.start
    with book.open(part) as stream:
        while block := stream.read(1 << 20):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    return extent.max_row + extent.rows_without_number, extent.max_col + extent.widest


class _Extent:
    """What `_sheet_extent` counts, element by element (expat calls `start` for each opening tag)."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.max_row = self.max_col = self.rows_without_number = self.widest = self.run = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "c":
            rows, cols = _range_extent(attributes.get("r") or "")
            if cols:
                self.max_row, self.max_col = max(self.max_row, rows), max(self.max_col, cols)
            else:  # no reference (or none the parser reads): placed after the previous cell
                self.run += 1
                self.widest = max(self.widest, self.run)
        elif tag == "row":
            self.run = 0
            number_ = (attributes.get("r") or "").strip()
            if number_.isdigit():
                self.max_row = max(self.max_row, int(number_))
            else:
                self.rows_without_number += 1
        elif tag == "dimension":
            rows, cols = _range_extent(attributes.get("ref") or "")
            _check_extent(self.sheet, rows, cols, "khai báo vùng dữ liệu tới ô", "claims a range up to")


def _chunks(book: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A ZIP part in chunks of about _CHUNK bytes, each cut after a complete tag."""
    tail = b""
    with book.open(part) as stream:
        while block := stream.read(_CHUNK):
            chunk = tail + block
            cut = chunk.rfind(b">") + 1 if len(chunk) < 4 * _CHUNK else len(chunk)
            yield chunk[:cut]
            tail = chunk[cut:]
    if tail:
        yield tail


def _far_extent(book: zipfile.ZipFile, part: str, sheet: str) -> tuple[int, int]:
    """(last row, last column) of the cells beyond 702 columns or 999,999 rows (0 where there are none): two
    searches per chunk that rarely match, so a large sheet is checked in a fraction of its parse time."""
    max_row = max_col = 0
    for index, chunk in enumerate(_chunks(book, part)):
        if index == 0:
            _check_claimed(chunk, sheet)
        for ref in _FAR_CELL.findall(chunk):
            rows, cols = _range_extent(ref.decode("ascii"))
            max_row, max_col = max(max_row, rows), max(max_col, cols)
        for row in _FAR_ROW.findall(chunk):
            max_row = max(max_row, int(row))
    return max_row, max_col


def _check_claimed(chunk: bytes, sheet: str) -> None:
    claimed = _DIMENSION.search(chunk[:65536])
    if claimed:
        rows, cols = _range_extent(claimed.group(1).decode("ascii", errors="replace"))
        _check_extent(sheet, rows, cols, "khai báo vùng dữ liệu tới ô", "claims a range up to")


def _column_number(letters: str) -> int:
    value = 0
    for char in letters.upper()[:8]:
        value = value * 26 + ord(char) - 64
    return value


def _range_extent(ref: str) -> tuple[int, int]:
    """(last row, last column) of an A1 range such as 'A1:XFD1048576'."""
    last = ref.split(":")[-1].replace("$", "")
    found = re.fullmatch(r"([A-Za-z]+)(\d+)", last.strip())
    if not found:
        return 0, 0
    return int(found.group(2)), _column_number(found.group(1))


def _check_extent(sheet: str, rows: int, cols: int, vi: str, en: str) -> None:
    where = f"{_column_letters(cols)}{rows}" if rows and cols else ""
    if cols > MAX_COLUMNS or rows > MAX_SHEET_ROWS or rows * cols > MAX_WORKBOOK_CELLS:
        raise FileRefused(
            f"trang '{excerpt(sheet, 60)}' {vi} {where} ({number(cols)} cột × {number(rows)} dòng), vượt giới hạn "
            f"{number(MAX_COLUMNS)} cột, {number(MAX_SHEET_ROWS)} dòng và {number(MAX_WORKBOOK_CELLS)} ô: hãy xóa "
            f"các ô thừa ngoài bảng hoặc chép bảng sang tệp mới (the sheet {en} {where}, beyond the limits)"
        )


def _column_letters(number_: int) -> str:
    letters = ""
    while number_ > 0:
        number_, rest = divmod(number_ - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _too_many_cells(total: int) -> FileRefused:
    return FileRefused(
        f"bảng tính có hơn {number(total)} ô, tối đa {number(MAX_WORKBOOK_CELLS)}: hãy chia thành nhiều tệp "
        "(workbook too large)"
    )


def parse_workbook_in_child(data: bytes) -> list[tuple[str, pl.DataFrame]]:
    """Every sheet of a workbook (text cells, no header), parsed in a child process under WORKBOOK_MEMORY_BYTES
    and WORKBOOK_SECONDS; raises FileRefused when the parser refuses the file, crashes or runs out of time."""
    import polars as pl

    folder = Path(tempfile.mkdtemp(prefix="front-workbook-"))
    script = str(Path(__file__).resolve())
    # -I: isolated, so that the modules beside this file (etl/) cannot shadow what the parser imports.
    command = [sys.executable, "-I", script, str(folder), str(WORKBOOK_MEMORY_BYTES), str(WORKBOOK_SECONDS)]
    try:
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=WORKBOOK_SECONDS + 30, check=False)
        except subprocess.TimeoutExpired as exc:
            raise FileRefused(
                f"đọc bảng tính quá {WORKBOOK_SECONDS} giây: hãy mở bằng Excel, lưu lại hoặc chia nhỏ "
                "(workbook took too long to read)"
            ) from exc
        answer = _answer(done.stdout)
        if done.returncode == 0 and "sheets" in answer:
            return [(name, pl.read_ipc(folder / f"{index}.arrow")) for index, name in enumerate(answer["sheets"])]
        if done.returncode == 3 and "error" in answer:
            raise FileRefused(f"không mở được bảng tính (cannot open workbook): {excerpt(answer['error'], 300)}")
        raise FileRefused(
            f"trình đọc bảng tính dừng giữa chừng khi đọc tệp này (mã {done.returncode}; giới hạn bộ nhớ "
            f"{number(WORKBOOK_MEMORY_BYTES >> 30)} GB): tệp hỏng hoặc được tạo để gây lỗi; hãy mở bằng Excel và "
            "lưu lại dạng .xlsx (the workbook parser crashed or ran out of memory)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _answer(stdout: bytes) -> dict:
    try:
        value = json.loads(stdout.decode("utf-8", errors="replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}
    return value if isinstance(value, dict) else {}


def _child(folder: str, memory: int, seconds: int) -> int:
    """The child: limits itself, parses the workbook on stdin, writes each sheet as Arrow IPC into `folder`."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    data = sys.stdin.buffer.read()
    import fastexcel

    sheets = []
    try:
        book = fastexcel.read_excel(data)
        for index, name in enumerate(book.sheet_names):
            frame = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
            frame.write_ipc(Path(folder) / f"{index}.arrow", compression="uncompressed")
            sheets.append(name)
    except Exception as exc:  # fastexcel raises its own error types for broken or encrypted files
        print(json.dumps({"error": (str(exc).splitlines() or [type(exc).__name__])[0]}))
        return 3
    print(json.dumps({"sheets": sheets}))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
