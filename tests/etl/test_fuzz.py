"""Robustness: random bytes, random CSV/XLSX/JSONL structures and random values never end in a traceback.

Every reader either refuses the file with a one-line reason or yields rows that normalise into loaded or
quarantined rows with a reason, and the row accounting holds.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from etl import geo
from etl.kinds import KINDS
from etl.normalise import Reference, normalise
from etl.read import FileRefused, read_file

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@cache
def reference() -> Reference:
    communes = geo.commune_rows()
    return Reference(
        frozenset(geo.province_rows().get_column("province_code").to_list()),
        dict(
            zip(
                communes.get_column("commune_code").to_list(),
                communes.get_column("province_code").to_list(),
                strict=True,
            )
        ),
    )


def _check(path) -> None:
    try:
        tables, warnings = read_file(path)
    except FileRefused as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    assert isinstance(warnings, list)
    for table in tables:
        result = normalise(table, reference(), b"fuzz-key")
        assert result.good.height + result.bad.height + table.skipped == table.rows_read
        if result.bad.height:
            assert result.bad.get_column("reason").null_count() == 0
            for original in result.bad.get_column("original"):
                json.loads(original)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".jsonl", ".xlsx", ".tsv"]))
def test_random_bytes_are_refused_or_read(tmp_path, data, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(data)
    _check(path)


# Values a messy export may hold in any cell.
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "Tổng cộng",
            "31/02/2026",
            "2026-13-01",
            "01/03/2026 08:30",
            "1",
            "97",
            "79",
            "00097",
            "app",
            "Đường dây nóng",
            "Zalo",
            "y_te",
            "Đất đai",
            "1.234,5",
            "-3",
            "NaN",
            "x" * 500,
            "0912 345 678",
            "+84912345678",
            "001234567890",
            "a@b.vn",
            "\u200b79",
            "Q.1, TP.HCM",
        ]
    ),
    st.integers(-(10**6), 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
header_names = st.lists(
    st.sampled_from(
        sorted({c.name for k in KINDS.values() for c in k.columns} | {c.vi for k in KINDS.values() for c in k.columns})
        + ["q_trust_front", "q_x", "STT", "Ghi chú", ""]
    ),
    min_size=1,
    max_size=14,
)


@SETTINGS
@given(headers=header_names, rows=st.lists(st.lists(cell, max_size=16), max_size=12), title=st.booleans())
def test_random_csv_structures(tmp_path, headers, rows, title):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if title:
        writer.writerow(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    writer.writerow(headers)
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _check(path)


@SETTINGS
@given(
    headers=header_names,
    rows=st.lists(st.lists(st.one_of(cell, st.integers(0, 99999), st.floats(0, 60000)), max_size=10), max_size=8),
)
def test_random_workbooks(tmp_path, headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:  # control characters cannot be stored in a worksheet: not a file anyone could send
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    path = tmp_path / "random.xlsx"
    book.save(path)
    _check(path)


@SETTINGS
@given(
    records=st.lists(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["source_id", "received_at", "channel", "province_code", "content", "lat"]),
                cell,
                max_size=6,
            ),
            st.just("not json {"),
            st.lists(st.integers(), max_size=3),
        ),
        max_size=10,
    )
)
def test_random_jsonl(tmp_path, records):
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path = tmp_path / "random.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    _check(path)


column_letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
cell_ref = st.one_of(
    st.tuples(st.text(alphabet="ABCDEFGH", min_size=1, max_size=2), st.integers(1, 3000)),  # an ordinary table
    st.tuples(column_letters, st.integers(0, 2**21)),  # anywhere, up to far beyond the sheet
    st.tuples(st.sampled_from(["XFD", "ZZ", "ALL", "ALM"]), st.sampled_from([999_999, 1_048_576, 1_048_577])),
)


@SETTINGS
@given(
    cells=st.lists(st.tuples(st.one_of(cell_ref, st.none()), st.one_of(st.none(), st.integers(0, 2**21))), max_size=12),
    dimension=st.one_of(st.none(), cell_ref),
)
def test_random_cell_references_never_abort_the_reader(tmp_path, cells, dimension):
    # The native XLSX reader allocates the whole rectangle up to the farthest cell and aborts the process when it
    # cannot: the checks before it must refuse (or send to the child) every workbook that could, whatever its
    # cells' and rows' references (or their absence: the reader then counts on from the previous one).
    import re
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(["source_id", "received_at", "channel", "province_code"])
    book.active.append(["F1", "2026-03-01", "app", "79"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    extra = b"<row>"
    for ref, row in cells:  # row: None continues the current row; 0 starts one without a number
        if row is not None:
            extra += b"</row><row>" if row == 0 else f'</row><row r="{row}">'.encode()
        extra += f'<c r="{ref[0]}{ref[1]}"><v>1</v></c>'.encode() if ref else b"<c><v>1</v></c>"
    extra += b"</row>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
                if dimension:
                    ref = f"A1:{dimension[0]}{dimension[1]}".encode()
                    data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + ref + b'"/>', data)
            target.writestr(info.filename, data)
    path = tmp_path / "refs.xlsx"
    path.write_bytes(out.getvalue())
    _check(path)
