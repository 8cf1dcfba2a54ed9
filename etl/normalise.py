"""Validate and normalise a raw table: text cells -> typed rows ready to load, and quarantined rows with reasons.

Steps, each a pure function of frames:
1. clean text (NFC, invisible characters, empty -> null), value labels -> codes, codes zero-padded;
2. parse typed values (dates in several layouts, numbers with Vietnamese separators, booleans);
3. resolve free-text addresses to 2025 units (feedback without codes);
4. validate with a pandera schema built from the kind (required, parsable, known codes, ranges, locality);
5. personal identifiers: names dropped, phones and ID numbers -> keyed hashes, identifiers in text masked.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import duckdb
import pandera.polars as pa
import polars as pl

from config import TIMEZONE
from etl.kinds import (
    BOOL,
    COMMUNE,
    DATE,
    DATETIME,
    ENUM,
    FLOAT,
    ID_NUMBER,
    INT,
    NAME,
    PERIOD,
    PERSONAL,
    PHONE,
    PROVINCE,
    TEXT,
    Column,
    Kind,
    label_lookup,
    vocabularies,
)
from etl.read import ERROR, ROW, RawTable
from etl.text import fold

PARSED = "__v"  # suffix of parsed helper columns during validation

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
)
_TRUE = {"1", "true", "yes", "co", "x", "dung", "thanh thi", "urban", "t", "y"}
_FALSE = {"0", "false", "no", "khong", "sai", "nong thon", "rural", "f", "n"}

# Identifiers inside free text (masked before the warehouse): e-mails, Vietnamese phones, 9/12-digit IDs.
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE_IN_TEXT = r"(?:\+?84|0)(?:[\s.\-]?\d){8,10}\b"

MESSAGES = {
    "missing_value": "thiếu giá trị bắt buộc",
    "invalid_date": "ngày không hợp lệ",
    "invalid_number": "số không hợp lệ",
    "invalid_period": "kỳ không hợp lệ (cần YYYY-MM)",
    "invalid_bool": "giá trị có/không không hợp lệ",
    "out_of_range": "giá trị ngoài khoảng cho phép",
    "unknown_province": "mã tỉnh không có trong danh sách 34 tỉnh, thành phố 2025",
    "unknown_commune": "mã xã không có trong danh sách 3.321 xã, phường 2025",
    "commune_not_in_province": "xã không thuộc tỉnh đã ghi",
    "no_locality": "không có mã tỉnh/xã và không có địa chỉ",
    "unresolved_address": "không xác định được xã/tỉnh 2025 từ địa chỉ",
    "invalid_json": "dòng JSON không hợp lệ",
    "legacy_codes_unsupported": "mã địa giới trước 2025 chưa được hỗ trợ: hãy ghi địa chỉ hoặc mã 2025",
}


def reason_message(code: str, vocabulary: str | None = None) -> str:
    if code.startswith("unknown_") and code not in MESSAGES:
        return f"giá trị không có trong danh mục '{code.removeprefix('unknown_')}'"
    return MESSAGES.get(code, code)


@dataclass(eq=False)
class Reference:
    """What validation checks codes against: the 2025 provinces and communes."""

    provinces: frozenset[str]
    commune_province: dict[str, str]


@dataclass
class Normalised:
    good: pl.DataFrame  # typed rows, canonical columns (+ ROW), personal fields hashed/dropped
    bad: pl.DataFrame  # ROW, reason_code, reason, column_name, original (JSON, masked)
    addresses: dict[str, int] = field(default_factory=lambda: {"resolved": 0, "ambiguous": 0, "unresolved": 0})
    answers: pl.DataFrame | None = None  # survey: long (ROW, item, value)


# -- 1. cleaning -----------------------------------------------------------------------------------


_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"


_DECOMPOSED = r"[\u0300-\u036f]"
_SPACE_RUNS = r"\s{2,}|[^\S ]"


def clean_text(series: pl.Series) -> pl.Series:
    """NFC, invisible characters removed, whitespace runs collapsed, trimmed, empty -> null."""
    return clean_columns(series.to_frame(), [series.name]).to_series()


def clean_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`clean_text` on several columns at once (polars runs the columns in parallel).

    Each repair runs only on columns where a cheap test finds something to repair (most exports need none).
    """
    if not columns:
        return frame
    stripped = frame.with_columns(pl.col(columns).str.strip_chars())
    anything = f"{_DECOMPOSED}|{_INVISIBLE}|{_SPACE_RUNS}"  # one scan per column; most have nothing to repair
    dirty = [
        c for c, bad in stripped.select(pl.col(columns).str.contains(anything).any()).row(0, named=True).items() if bad
    ]
    found = dict.fromkeys((f"{check}|{c}" for check in ("nfd", "inv", "ws") for c in columns), False)
    if dirty:
        found |= stripped.select(
            *[pl.col(c).str.contains(_DECOMPOSED).any().alias(f"nfd|{c}") for c in dirty],
            *[pl.col(c).str.contains(_INVISIBLE).any().alias(f"inv|{c}") for c in dirty],
            *[pl.col(c).str.contains(_SPACE_RUNS).any().alias(f"ws|{c}") for c in dirty],
        ).row(0, named=True)
    exprs = []
    for c in columns:
        e = pl.col(c)
        if found[f"nfd|{c}"]:
            e = e.str.normalize("NFC")
        if found[f"inv|{c}"]:
            e = e.str.replace_all(_INVISIBLE, "").str.strip_chars()
        if found[f"ws|{c}"]:
            # Runs of two or more, or one that is not a plain space: single spaces (most of them) cost nothing.
            e = e.str.replace_all(r"\s{2,}|[^\S ]", " ")
            e = e.str.strip_chars()
        exprs.append(e.replace("", None).alias(c))
    return stripped.with_columns(exprs)


def _digits_code(expr: pl.Expr, width: int) -> pl.Expr:
    """'1' -> '01', '97.0' -> '00097' (codes typed as numbers by spreadsheets); other text unchanged."""
    stripped = expr.str.replace(r"\.0+$", "")
    return pl.when(stripped.str.contains(r"^\d+$")).then(stripped.str.zfill(width)).otherwise(stripped)


def _map_labels(series: pl.Series, vocabulary: str) -> pl.Series:
    """Labels (code, Vietnamese or English, any case, with or without diacritics) -> code; unknown kept."""
    lookup = label_lookup(vocabulary)
    uniques = series.drop_nulls().unique().to_list()
    mapping = {v: lookup.get(fold(v), v) for v in uniques}
    return series.replace(mapping) if mapping else series


# -- 2. parsing ------------------------------------------------------------------------------------


def parse_datetime(series: pl.Series) -> pl.Series:
    """Text -> local naive datetime; ISO with an offset is converted to Asia/Ho_Chi_Minh. Unparsable -> null.

    Layouts: ISO 8601 (with or without an offset), dd/mm/yyyy[ HH:MM[:SS]], Excel date serials. The layouts
    seen in a sample of the column are tried on every row; rows they miss are retried with all layouts.
    """
    text = series.str.strip_chars()
    if text.null_count() == text.len():
        return pl.Series(series.name, [None] * text.len(), dtype=pl.Datetime("us"))
    frame = pl.DataFrame({"t": text})
    sample = text.drop_nulls().head(2000)
    likely = [
        f for f in _DATETIME_FORMATS if sample.str.strptime(pl.Datetime("us"), f, strict=False).is_not_null().any()
    ]
    out = _parse_layouts(likely, frame)
    missing = out.is_null() & text.is_not_null()
    if missing.any():
        retry = _parse_layouts(_DATETIME_FORMATS, pl.DataFrame({"t": text.filter(missing)}))
        out = out.scatter(missing.arg_true(), retry)
    missing = out.is_null() & text.is_not_null()
    if missing.any():
        rest = text.filter(missing)
        out = out.scatter(missing.arg_true(), _parse_offset_or_serial(rest))
    return out.alias(series.name)


def _parse_layouts(formats: tuple[str, ...] | list[str], frame: pl.DataFrame) -> pl.Series:
    if not formats:
        return pl.Series("t", [None] * frame.height, dtype=pl.Datetime("us"))
    exprs = [pl.col("t").str.strptime(pl.Datetime("us"), f, strict=False, exact=True) for f in formats]
    return frame.select(pl.coalesce(exprs)).to_series()


def _parse_offset_or_serial(text: pl.Series) -> pl.Series:
    """ISO 8601 with a zone offset (converted to local time), or an Excel date serial (days since 1899-12-30)."""
    with_offset = (
        text.str.replace(r"Z$", "+00:00")
        .str.replace(r"([+-]\d{2})(\d{2})$", "$1:$2")
        .str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%z", strict=False)
        .dt.convert_time_zone(TIMEZONE)
        .dt.replace_time_zone(None)
    )
    days = pl.select(
        pl.when(pl.lit(text).str.contains(r"^\d{5}(\.\d+)?$")).then(pl.lit(text).cast(pl.Float64, strict=False))
    ).to_series()
    serial = days.is_between(20_000, 80_000).fill_null(False)  # 1954-10-03 … 2119-01-09
    days = days.set(~serial, None)
    from_serial = pl.select(
        pl.lit(datetime(1899, 12, 30)) + pl.duration(milliseconds=(pl.lit(days) * 86_400_000).round(0).cast(pl.Int64))
    ).to_series()
    return pl.select(pl.coalesce(pl.lit(with_offset), pl.lit(from_serial))).to_series().cast(pl.Datetime("us"))


def _number_text(expr: pl.Expr, integer: bool) -> pl.Expr:
    """'1.234.567' or '1,234,567' -> '1234567'; '12,5' -> '12.5' (Vietnamese decimal comma)."""
    text = expr.str.replace_all(r"\s", "")
    if integer:
        return text.str.replace_all(r"[.,](\d{3})", "$1").str.replace(r"\.0+$", "")
    both = text.str.contains(r"\.") & text.str.contains(",")
    vn_style = text.str.contains(r"^-?\d{1,3}(\.\d{3}){2,}$")  # '1.234.567'; a single '20.732' is a decimal
    return (
        pl.when(vn_style | (both & (text.str.find(",") > text.str.find(r"\."))))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(both)
        .then(text.str.replace_all(",", ""))
        .otherwise(text.str.replace(",", "."))
    )


def _parse(frame: pl.DataFrame, col: Column) -> pl.Series:
    """The typed value of a cleaned text column (null where it cannot be parsed)."""
    s = frame.get_column(col.name)
    if col.type == DATETIME:
        return parse_datetime(s)
    if col.type == DATE:
        return parse_datetime(s).dt.date()
    if col.type == INT:
        return frame.select(_number_text(pl.col(col.name), True).cast(pl.Int64, strict=False)).to_series()
    if col.type == FLOAT:
        return frame.select(_number_text(pl.col(col.name), False).cast(pl.Float64, strict=False)).to_series()
    if col.type == BOOL:
        folded = s.map_elements(fold, return_dtype=pl.String, skip_nulls=True)
        return folded.replace_strict(
            {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}, default=None, return_dtype=pl.Boolean
        )
    if col.type == PERIOD:
        iso = s.str.extract(r"^(\d{4})[-/.](\d{1,2})", 0)
        year = s.str.extract(r"^(\d{4})[-/.](\d{1,2})", 1).fill_null(s.str.extract(r"^(\d{1,2})[-/.](\d{4})$", 2))
        month = s.str.extract(r"^(\d{4})[-/.](\d{1,2})", 2).fill_null(s.str.extract(r"^(\d{1,2})[-/.](\d{4})$", 1))
        del iso
        ok = month.cast(pl.Int32, strict=False).is_between(1, 12)
        return pl.select(pl.when(ok).then(year + "-" + month.str.zfill(2))).to_series().alias(col.name)
    return s


_PARSE_REASON = {
    DATETIME: "invalid_date",
    DATE: "invalid_date",
    INT: "invalid_number",
    FLOAT: "invalid_number",
    BOOL: "invalid_bool",
    PERIOD: "invalid_period",
}


# -- 4. validation schema --------------------------------------------------------------------------


def _parsed_ok(column: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | pl.col(data.key + PARSED).is_not_null())

    return check


def _in_set(values: frozenset[str] | list[str]) -> pa.Check:
    allowed = sorted(values)

    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | pl.col(data.key).is_in(allowed))

    return check


def _between(low: float, high: float) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | pl.col(data.key).is_between(low, high))

    return check


@cache
def schema_for(kind: Kind, ref: Reference, has_address: bool) -> pa.DataFrameSchema:
    """The pandera schema of a kind: one Column per input column, named checks = reason codes."""
    columns: dict[str, pa.Column] = {}
    for col in kind.columns:
        if col.type in PERSONAL or col.type == TEXT and not col.required:
            continue
        checks: list[pa.Check] = []
        if col.type in _PARSE_REASON:
            checks.append(pa.Check(_parsed_ok(col.name), name=_PARSE_REASON[col.type]))
        if col.type == ENUM:
            codes = sorted(vocabularies()[col.vocabulary])
            checks.append(pa.Check(_in_set(codes), name=f"unknown_{col.vocabulary}"))
        if col.type == PROVINCE:
            checks.append(pa.Check(_in_set(ref.provinces), name="unknown_province"))
        if col.type == COMMUNE:
            checks.append(pa.Check(_in_set(list(ref.commune_province)), name="unknown_commune"))
        nullable = not col.required or (has_address and col.name == "province_code")
        columns[col.name] = pa.Column(pl.String, checks=checks, nullable=nullable)
        if (col.low is not None or col.high is not None) and col.type in (INT, FLOAT):
            low = col.low if col.low is not None else float("-inf")
            high = col.high if col.high is not None else float("inf")
            columns[col.name + PARSED] = pa.Column(
                checks=pa.Check(_between(low, high), name="out_of_range"), nullable=True
            )
    frame_checks = []
    names = {c.name for c in kind.columns}
    if {"province_code", "commune_code"} <= names:
        pairs = ref.commune_province

        def commune_in_province(data: pa.PolarsData) -> pl.LazyFrame:
            expected = pl.col("commune_code").replace_strict(pairs, default=None)
            return data.lazyframe.select(
                pl.col("commune_code").is_null()
                | pl.col("province_code").is_null()
                | expected.is_null()
                | (expected == pl.col("province_code"))
            )

        frame_checks.append(pa.Check(commune_in_province, name="commune_not_in_province"))
    if has_address:

        def has_locality(data: pa.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(pl.col("province_code").is_not_null() | pl.col("address").is_not_null())

        frame_checks.append(pa.Check(has_locality, name="no_locality"))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)


def _failures(frame: pl.DataFrame, schema: pa.DataFrameSchema) -> pl.DataFrame:
    """(index, column, check) of every failed check; empty when all rows pass."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return cases.select(
            pl.col("index").cast(pl.Int64),
            pl.col("column").cast(pl.String).str.replace(PARSED, "", literal=True),
            pl.col("check").cast(pl.String),
        ).drop_nulls("index")
    except pa.errors.SchemaError as error:  # a structural error: report it on every row
        raise ValueError(str(error)) from error
    return pl.DataFrame(schema={"index": pl.Int64, "column": pl.String, "check": pl.String})


def _reason_code(check: str) -> str:
    if check == "not_nullable":
        return "missing_value"
    return re.sub(r"\(.*$", "", check)


# -- 5. personal data ------------------------------------------------------------------------------


def keyed_hash(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 (hex) of each value, computed in DuckDB: sha256((K^opad) || sha256((K^ipad) || m)).

    Exactly RFC 2104 HMAC (a test compares with Python's `hmac`), vectorised and multi-threaded.
    """
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block)
    outer = bytes(b ^ 0x5C for b in block)
    con = duckdb.connect()
    try:
        con.register("v", pl.DataFrame({"m": values}).to_arrow())
        out = con.sql(
            "SELECT CASE WHEN m IS NOT NULL THEN sha256($o::BLOB || unhex(sha256($i::BLOB || encode(m)))) END AS h FROM v",
            params={"o": outer, "i": inner},
        ).pl()
    finally:
        con.close()
    return out.get_column("h").alias(values.name)


def normalise_phone(expr: pl.Expr) -> pl.Expr:
    """Vietnamese phone -> +84 form: '0912 345 678', '84-912345678', '+84 912.345.678' -> '+84912345678'."""
    digits = expr.str.replace_all(r"\D", "")
    return (
        pl.when(digits.str.starts_with("84") & (digits.str.len_chars() >= 11))
        .then("+" + digits)
        .when(digits.str.starts_with("0"))
        .then("+84" + digits.str.slice(1))
        .when(digits.str.len_chars() > 0)
        .then("+84" + digits)
    )


def mask_identifiers(expr: pl.Expr) -> pl.Expr:
    """Mask e-mails, phone numbers and ID numbers inside free text."""
    return (
        expr.str.replace_all(_EMAIL, "[email]")
        .str.replace_all(r"\b\d{12}\b", "[số định danh]")
        .str.replace_all(_PHONE_IN_TEXT, "[SĐT]")
        .str.replace_all(r"\b\d{9}\b", "[số định danh]")
    )


def mask_text(series: pl.Series) -> pl.Series:
    """`mask_identifiers` applied only to the texts that may hold an identifier (a long digit run or '@')."""
    candidates = series.str.contains(r"\d[\d\s.\-]{7,}|@").fill_null(False)
    if not candidates.any():
        return series
    masked = pl.select(mask_identifiers(pl.lit(series.filter(candidates)))).to_series()
    return series.scatter(candidates.arg_true(), masked)


def _originals(frame: pl.DataFrame, kind: Kind, key: bytes) -> pl.Series:
    """JSON of each row's original values with personal identifiers masked (for the quarantine)."""
    exprs = []
    for name in frame.columns:
        if name in (ROW, ERROR):
            continue
        col = next((c for c in kind.columns if c.name == name), None)
        if col is not None and col.type == NAME:
            exprs.append(pl.when(pl.col(name).is_not_null()).then(pl.lit("[đã ẩn]")).alias(name))
        elif col is not None and col.type in (PHONE, ID_NUMBER):
            exprs.append(pl.col(name))
        elif col is not None and col.mask:
            exprs.append(mask_identifiers(pl.col(name)).alias(name))
        else:
            exprs.append(pl.col(name))
    masked = frame.select(exprs)
    for col in kind.columns:
        if col.type in (PHONE, ID_NUMBER) and col.name in masked.columns:
            prepared = masked.select(_prepare_identifier(col)).to_series()
            masked = masked.with_columns(("hmac:" + keyed_hash(prepared, key).str.slice(0, 16)).alias(col.name))
    return masked.select(pl.struct(pl.all()).struct.json_encode().alias("original")).to_series()


def _prepare_identifier(col: Column) -> pl.Expr:
    if col.type == PHONE:
        return normalise_phone(pl.col(col.name)).alias(col.name)
    return pl.col(col.name).str.replace_all(r"\D", "").alias(col.name)


# -- the whole step --------------------------------------------------------------------------------


def normalise(table: RawTable, ref: Reference, key: bytes) -> Normalised:
    """Validate and normalise one raw table (see module docstring)."""
    kind = table.kind
    raw = table.frame
    present = list(raw.columns)
    for col in kind.columns:
        if col.name not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(col.name))
    text_cols = [c for c in raw.columns if c not in (ROW, ERROR)]
    frame = clean_columns(raw, text_cols)
    if ERROR not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(ERROR))
    originals_source = frame.select(present)

    # Codes and labels.
    code_exprs = []
    for col in kind.columns:
        if col.type == PROVINCE:
            code_exprs.append(_digits_code(pl.col(col.name), 2).alias(col.name))
        elif col.type == COMMUNE:
            code_exprs.append(_digits_code(pl.col(col.name), 5).alias(col.name))
    frame = frame.with_columns(code_exprs)
    for col in kind.columns:
        if col.type == ENUM:
            frame = frame.with_columns(_map_labels(frame.get_column(col.name), col.vocabulary))

    # Addresses (feedback rows without codes).
    stats = {"resolved": 0, "ambiguous": 0, "unresolved": 0}
    has_address = "address" in {c.name for c in kind.columns}
    address_bad = pl.Series("bad", [False] * frame.height)
    if has_address:
        frame, stats, address_bad = _resolve_addresses(frame)

    # Parsed helper columns for validation.
    parsed = {c.name: _parse(frame, c) for c in kind.columns if c.type in _PARSE_REASON}
    check_frame = frame.with_columns([s.alias(n + PARSED) for n, s in parsed.items()])
    failures = _failures(check_frame, schema_for(kind, ref, has_address))

    reasons = _first_reason_per_row(failures, frame, kind, address_bad)
    bad_index = reasons.get_column("index")
    mask_bad = (
        pl.Series("bad", [False] * frame.height).scatter(bad_index, True)
        if bad_index.len()
        else pl.Series("bad", [False] * frame.height)
    )
    bad = pl.DataFrame()
    if reasons.height:
        rows_bad = originals_source.filter(mask_bad)
        bad = pl.DataFrame(
            {
                ROW: rows_bad.get_column(ROW),
                "reason_code": reasons.get_column("reason_code"),
                "reason": reasons.get_column("reason"),
                "column_name": reasons.get_column("column"),
                "original": _originals(rows_bad, kind, key),
            }
        )
    good = frame.with_columns([s.alias(n) for n, s in parsed.items()]).filter(~mask_bad)
    good = good.with_columns([pl.col(n).fill_null(pl.lit(v)) for n, v in kind.defaults.items()])
    good = _personal(good, kind, key)
    for col in kind.columns:
        if col.mask and col.name in good.columns:
            good = good.with_columns(mask_text(good.get_column(col.name)))
    answers = None
    if kind.item_prefix:
        answers = _survey_answers(good, table.items)
        good = good.drop(table.items)
    good = good.drop(ERROR)
    return Normalised(good, bad if bad.height else _empty_bad(), stats, answers)


def _empty_bad() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            ROW: pl.Int64,
            "reason_code": pl.String,
            "reason": pl.String,
            "column_name": pl.String,
            "original": pl.String,
        }
    )


def _first_reason_per_row(
    failures: pl.DataFrame, frame: pl.DataFrame, kind: Kind, address_bad: pl.Series
) -> pl.DataFrame:
    """One reason per failing row: the first failing column in the file's column order, with its value."""
    order = {c.name: i for i, c in enumerate(kind.columns)}
    extra = []
    json_bad = frame.get_column(ERROR).is_not_null()
    if json_bad.any():
        extra.append(
            pl.DataFrame(
                {"index": json_bad.arg_true().cast(pl.Int64), "column": None, "check": "invalid_json"},
                schema={"index": pl.Int64, "column": pl.String, "check": pl.String},
            )
        )
    if address_bad.any():
        extra.append(
            pl.DataFrame(
                {"index": address_bad.arg_true().cast(pl.Int64), "column": "address", "check": "unresolved_address"},
                schema={"index": pl.Int64, "column": pl.String, "check": pl.String},
            )
        )
    cases = pl.concat([*extra, failures]) if extra else failures
    if cases.height == 0:
        return pl.DataFrame(
            schema={"index": pl.Int64, "column": pl.String, "reason_code": pl.String, "reason": pl.String}
        )
    priority = {"invalid_json": -3, "unresolved_address": -2}
    cases = cases.with_columns(
        pl.col("check").map_elements(_reason_code, return_dtype=pl.String).alias("reason_code"),
        pl.col("column").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_order"),
    ).with_columns(pl.col("reason_code").replace_strict(priority, default=0, return_dtype=pl.Int32).alias("_p"))
    if "commune_not_in_province" in cases.get_column("reason_code").to_list():
        cases = cases.with_columns(
            pl.when(pl.col("reason_code") == "commune_not_in_province")
            .then(pl.lit("commune_code"))
            .otherwise(pl.col("column"))
            .alias("column")
        )
    first = cases.sort("index", "_p", "_order").unique("index", keep="first", maintain_order=True)
    values = frame.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64))
    first = first.join(values, on="index", how="left")
    labels = {c.name: f"{c.name}/{c.vi}" for c in kind.columns}

    def message(row: dict) -> str:
        column = row["column"]
        text = reason_message(row["reason_code"])
        if column and column in row and row[column] is not None and column in labels:
            return f"{text}: {row[column]} (cột {labels[column]})"
        if column in labels:
            return f"{text} (cột {labels[column]})"
        return text

    reasons = [message(r) for r in first.iter_rows(named=True)]
    return first.select("index", "column", "reason_code").with_columns(pl.Series("reason", reasons)).sort("index")


def _resolve_addresses(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int], pl.Series]:
    """Fill province/commune from `address` where the codes are missing; count the outcomes."""
    needs = frame.get_column("province_code").is_null() & frame.get_column("address").is_not_null()
    stats = {"resolved": 0, "ambiguous": 0, "unresolved": 0}
    empty = pl.lit(None, dtype=pl.String)
    if not needs.any():
        return (
            frame.with_columns(empty.alias("address_status"), empty.alias("address_rule")),
            stats,
            pl.Series("bad", [False] * frame.height),
        )
    from etl.address import resolve_addresses

    addresses = frame.filter(needs).get_column("address").unique().to_list()
    resolved = resolve_addresses(addresses).select(
        pl.col("address"),
        pl.col("province_code").alias("_p"),
        pl.col("commune_code").alias("_c"),
        pl.col("status").alias("_s"),
        pl.col("rule").alias("_r"),
    )
    joined = frame.join(resolved, on="address", how="left", maintain_order="left")
    joined = joined.with_columns(
        pl.when(needs).then(pl.col("_s")).otherwise(None).alias("address_status"),
        pl.when(needs).then(pl.col("_r")).otherwise(None).alias("address_rule"),
    )
    bad = joined.get_column("address_status") == "unresolved"
    ok = needs & ~bad.fill_null(False)
    joined = joined.with_columns(
        pl.when(ok).then(pl.col("_p")).otherwise(pl.col("province_code")).alias("province_code"),
        pl.when(ok).then(pl.col("_c")).otherwise(pl.col("commune_code")).alias("commune_code"),
    ).drop("_p", "_c", "_s", "_r")
    counts = joined.filter(needs).get_column("address_status").value_counts()
    for status, n in counts.iter_rows():
        if status in stats:
            stats[status] = n
    return joined, stats, bad.fill_null(False).alias("bad")


def _personal(frame: pl.DataFrame, kind: Kind, key: bytes) -> pl.DataFrame:
    """Drop names, replace phones and ID numbers by keyed hashes (phone_hash, id_hash)."""
    for col in kind.columns:
        if col.type == NAME:
            frame = frame.drop(col.name)
        elif col.type in (PHONE, ID_NUMBER):
            target = "phone_hash" if col.type == PHONE else "id_hash"
            prepared = frame.select(_prepare_identifier(col)).to_series()
            frame = frame.drop(col.name).with_columns(keyed_hash(prepared, key).alias(target))
    return frame


def _survey_answers(frame: pl.DataFrame, items: list[str]) -> pl.DataFrame:
    """Survey item columns -> long (ROW, item, value); empty or non-numeric answers are missing, not zero."""
    if not items:
        return pl.DataFrame(schema={ROW: pl.Int64, "item": pl.String, "value": pl.Float64})
    long = frame.select(ROW, *items).unpivot(index=ROW, on=items, variable_name="item", value_name="raw")
    return (
        long.with_columns(_number_text(pl.col("raw"), False).cast(pl.Float64, strict=False).alias("value"))
        .drop_nulls("value")
        .select(ROW, "item", "value")
    )


def row_json(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, default=str)
