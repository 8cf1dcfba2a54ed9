"""The one writer of files that people open in a spreadsheet (DESIGN §5 "Files people open").

Every CSV the app, the CLI or a download hands out goes through `csv_bytes` (a frame) or `csv_rows` (rows of
text), so no export can carry a formula: a cell that a spreadsheet would evaluate — one starting with `=`,
`+`, `-`, `@`, a tab or a carriage return, or their full-width forms — is prefixed with an apostrophe, as
OWASP's "CSV injection" guidance says. A plain number (`-12.5`, `+3`) cannot be a formula and is left as it
is, so numeric columns stay numeric. `strip_quote` undoes it for one cell. CSVs are UTF-8 with a BOM so
that Excel shows Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
QUOTE = "'"
BOM = "\ufeff"
_FORMULA_PATTERN = r"^[=+\-@\t\r＝＋－＠]"
_NUMBER_PATTERN = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"
_NUMBER = re.compile(_NUMBER_PATTERN)


def neutralise(value: object) -> object:
    """`value` made safe for a spreadsheet cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell and every column name of `frame` through `neutralise` (numbers and dates unchanged)."""
    frame = frame.with_columns(
        pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Categorical | pl.Enum)
    )  # labels are text too
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_PATTERN) & ~pl.col(c).str.contains(_NUMBER_PATTERN))
        .then(pl.lit(QUOTE) + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )
    return safe.rename({c: str(neutralise(c)) for c in safe.columns if neutralise(c) != c})


def csv_text(frame: pl.DataFrame) -> str:
    """`frame` as safe CSV text without a BOM (for standard output)."""
    return neutralise_frame(frame).write_csv()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """`frame` as a safe UTF-8-with-BOM CSV file."""
    return (BOM + csv_text(frame)).encode("utf-8")


def csv_rows(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A header and rows of values as a safe UTF-8-with-BOM CSV file (CRLF line ends, as Excel writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def strip_quote(value: str) -> str:
    """The inverse of `neutralise` for one text cell read back from an export."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_START) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value
