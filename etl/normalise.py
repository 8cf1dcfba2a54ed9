"""Validate and normalise a raw table: text cells -> typed rows ready to load, and quarantined rows with reasons.

Steps, each a pure function of frames:
1. clean text (NFC, invisible characters, empty -> null), value labels -> codes, codes zero-padded;
2. parse typed values (dates in several layouts, numbers with Vietnamese separators, booleans);
3. resolve free-text addresses to 2025 units (feedback without codes);
4. validate with a pandera schema built from the kind (required, parsable, known codes, ranges, locality);
5. personal identifiers: names dropped, phones and ID numbers -> keyed hashes, identifiers in text masked.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import duckdb
import pandera.polars as pa
import polars as pl
import polars_hash  # noqa: F401  (registers the `chash` expression namespace)

from config import TIMEZONE
from etl import limits
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
from etl.text import fold, in_chunks

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
    "line_too_long": f"dòng dài hơn {limits.number(limits.MAX_JSON_LINE_CHARS)} ký tự, không đọc",
    "cell_too_long": (
        f"ô dài quá giới hạn ({limits.number(limits.MAX_TEXT_CHARS)} ký tự với cột văn bản, "
        f"{limits.number(limits.MAX_CELL_CHARS)} với cột khác): hãy rút gọn; bản cách ly chỉ giữ {limits.EXCERPT_CHARS} ký tự đầu"
    ),
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


_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = f"[{_INVISIBLE_CHARS}]"


_DECOMPOSED = r"[\u0300-\u036f]"
_SPACE_RUNS = r"\s{2,}|[^\S ]"
# Something to clean: also a leading or trailing plain space (other whitespace is in `_SPACE_RUNS`).
_UNCLEAN = f"{_DECOMPOSED}|{_INVISIBLE}|{_SPACE_RUNS}|^ | $"
# Texts that may hold an identifier (`mask_identifiers` changes no other text); in raw text, before cleaning,
# invisible characters may still sit inside a number.
_MAY_HOLD_IDENTIFIER = r"\d[\d\s.\-]{7,}|@"
_RAW_MAY_HOLD_IDENTIFIER = rf"\d[\d\s.\-{_INVISIBLE_CHARS}]{{7,}}|@"


def clean_text(series: pl.Series) -> pl.Series:
    """NFC, invisible characters removed, whitespace runs collapsed, trimmed, empty -> null."""
    return clean_columns(series.to_frame(), [series.name]).to_series()


def clean_columns(
    frame: pl.DataFrame, columns: list[str], suspects: dict[str, pl.Series] | None = None
) -> pl.DataFrame:
    """`clean_text` on several columns at once (polars runs the columns in parallel).

    Each repair runs only on columns where a cheap test finds something to repair (most exports need none).
    `suspects` may give, for some columns, the rows that can need cleaning (a superset): the test then reads
    only those rows.
    """
    # A column without any value (e.g. one the file does not have) has nothing to clean.
    columns = [c for c in columns if frame.get_column(c).null_count() < frame.height]
    if not columns:
        return frame
    # One scan per column, on the raw values: a column where nothing matches `_UNCLEAN` is clean as it is (and
    # needs no stripping either).
    suspects = suspects or {}
    found = frame.select(
        (pl.col(c).filter(suspects[c]) if c in suspects else pl.col(c)).str.contains(_UNCLEAN).any() for c in columns
    ).row(0, named=True)
    dirty = [c for c in columns if found[c]]
    needs: dict[str, bool] = {}
    if dirty:
        frame = frame.with_columns(pl.col(dirty).str.strip_chars())
        needs = frame.select(
            *[pl.col(c).str.contains(_DECOMPOSED).any().alias(f"nfd|{c}") for c in dirty],
            *[pl.col(c).str.contains(_INVISIBLE).any().alias(f"inv|{c}") for c in dirty],
            *[pl.col(c).str.contains(_SPACE_RUNS).any().alias(f"ws|{c}") for c in dirty],
        ).row(0, named=True)
    exprs = []
    for c in columns:
        e = pl.col(c)
        if needs.get(f"nfd|{c}"):
            e = e.str.normalize("NFC")
        if needs.get(f"inv|{c}"):
            e = e.str.replace_all(_INVISIBLE, "").str.strip_chars()
        if needs.get(f"ws|{c}"):
            # Runs of two or more, or one that is not a plain space: single spaces (most of them) cost nothing.
            e = e.str.replace_all(r"\s{2,}|[^\S ]", " ")
            e = e.str.strip_chars()
        exprs.append(e.replace("", None).alias(c))
    return frame.with_columns(exprs)


def _digits_code(expr: pl.Expr, width: int) -> pl.Expr:
    """'1' -> '01', '97.0' -> '00097' (codes typed as numbers by spreadsheets); other text unchanged."""
    stripped = expr.str.replace(r"\.0+$", "")
    return pl.when(stripped.str.contains(r"^\d+$")).then(stripped.str.zfill(width)).otherwise(stripped)


def _code_exprs(frame: pl.DataFrame, kind: Kind) -> list[pl.Expr]:
    """`_digits_code` for the province and commune columns whose values are not all zero-padded codes already."""
    widths = {c.name: 2 if c.type == PROVINCE else 5 for c in kind.columns if c.type in (PROVINCE, COMMUNE)}
    if not widths:
        return []
    # Padding changes nothing in a full-width run of ASCII digits (perhaps signed: what `to_integer` reads): one
    # cheap test skips most columns.
    padded = frame.select(
        ((pl.col(n).str.len_bytes() == w) & pl.col(n).str.to_integer(strict=False).is_not_null()).all().alias(n)
        for n, w in widths.items()
    ).row(0, named=True)
    return [_digits_code(pl.col(n), w).alias(n) for n, w in widths.items() if not padded[n]]


def _map_labels(series: pl.Series, vocabulary: str) -> pl.Series:
    """Labels (code, Vietnamese or English, any case, with or without diacritics) -> code; unknown kept."""
    lookup = label_lookup(vocabulary)
    uniques = series.drop_nulls().unique().to_list()
    mapping = {v: code for v in uniques if (code := lookup.get(fold(v), v)) != v}
    return series.replace(mapping) if mapping else series  # usually every value is a code already


# -- 2. parsing ------------------------------------------------------------------------------------


def parse_datetime(series: pl.Series) -> pl.Series:
    """Text -> local naive datetime; ISO with an offset is converted to Asia/Ho_Chi_Minh. Unparsable -> null.

    Layouts: ISO 8601 (with or without an offset), dd/mm/yyyy[ HH:MM[:SS]], Excel date serials. The layouts
    seen in a sample of the column are tried on every row; rows they miss are retried with all layouts.
    """
    return _parse_datetime_stripped(series.str.strip_chars())


def _parse_datetime_stripped(text: pl.Series) -> pl.Series:
    """`parse_datetime` of text without leading or trailing whitespace."""
    if text.null_count() == text.len():
        return _nulls(text.len(), pl.Datetime("us"), text.name)
    sample = text.drop_nulls().head(2000)
    likely = [
        f for f in _DATETIME_FORMATS if sample.str.strptime(pl.Datetime("us"), f, strict=False).is_not_null().any()
    ]
    # The first likely layout on every row, the other likely layouts only on the rows it misses: the same as
    # trying them all in order on every row, and most columns have a single layout.
    out = _parse_layouts(likely[:1], pl.DataFrame({"t": text}), cache=False)  # values mostly distinct
    for layouts in (likely[1:], _DATETIME_FORMATS):
        missing = out.is_null() & text.is_not_null()
        if layouts and missing.any():
            retry = _parse_layouts(layouts, pl.DataFrame({"t": text.filter(missing)}))
            out = out.scatter(missing.arg_true(), retry)
    missing = out.is_null() & text.is_not_null()
    if missing.any():
        rest = text.filter(missing)
        out = out.scatter(missing.arg_true(), _parse_offset_or_serial(rest))
    return out.alias(text.name)


def _parse_layouts(formats: tuple[str, ...] | list[str], frame: pl.DataFrame, cache: bool = True) -> pl.Series:
    if not formats:
        return _nulls(frame.height, pl.Datetime("us"), "t")
    exprs = [pl.col("t").str.strptime(pl.Datetime("us"), f, strict=False, exact=True, cache=cache) for f in formats]
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


_PARSED_TYPE = {DATETIME: pl.Datetime("us"), DATE: pl.Date, INT: pl.Int64, FLOAT: pl.Float64, BOOL: pl.Boolean}


def _parse(frame: pl.DataFrame, col: Column) -> pl.Series:
    """The typed value of a cleaned text column (null where it cannot be parsed)."""
    s = frame.get_column(col.name)
    if s.null_count() == s.len():  # nothing to parse (e.g. a column the file does not have)
        return _nulls(s.len(), _PARSED_TYPE.get(col.type, pl.String), col.name)
    if col.type == DATETIME:
        return _parse_datetime_stripped(s)  # clean text is stripped already
    if col.type == DATE:
        return _parse_datetime_stripped(s).dt.date()
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
        communes = pl.Series(list(ref.commune_province), dtype=pl.String)
        provinces = pl.Series(list(ref.commune_province.values()), dtype=pl.String)

        def commune_in_province(data: pa.PolarsData) -> pl.LazyFrame:
            expected = pl.col("commune_code").replace_strict(communes, provinces, default=None)
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
    """HMAC-SHA256 (hex) of each value, RFC 2104 (a test compares with Python's `hmac`).

    Computed natively by the polars-hash plugin: ~0.3 µs of CPU per value, where the same formula in DuckDB
    SQL took ~1.6 µs (two SHA-256 calls of four blocks and a hex round trip). The key is text: FRONT_PII_KEY,
    or the hex key demo mode generates."""
    try:
        text_key = key.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("khóa FRONT_PII_KEY phải là văn bản (the key for personal identifiers must be text)") from exc
    if values.null_count() == values.len():  # e.g. a column the file does not have
        return _nulls(values.len(), pl.String, values.name)
    frame = pl.DataFrame({"m": in_chunks(values)})  # hashed on both cores
    return frame.select(pl.col("m").chash.hmac_sha256(key=text_key)).to_series().alias(values.name)


def stored_hash_sql(hex_digest: str) -> str:
    """SQL turning a `keyed_hash` (64 hex digits) into its stored form in the warehouse: the first 128 bits as a
    UHUGEINT. `hex_digest` is a column name or an SQL expression. Never read such a column into polars or pandas
    (they have no 128-bit unsigned integer; DuckDB's conversion garbles it): compare in SQL."""
    return f"('0x' || left({hex_digest}, 32))::UHUGEINT"


def person_match_sql(con: duckdb.DuckDBPyConnection, param: str = "h") -> str:
    """SQL condition: a `feedback` row whose phone or ID hash is among the `keyed_hash` values in list parameter
    `$param` — in the stored form of this warehouse (generations written before 2026-11-23 keep 64-hex text)."""
    from etl.warehouse import column_types

    if column_types(con, "feedback").get("phone_hash") == "VARCHAR":
        hashes = f"SELECT unnest(${param})"
    else:
        hashes = f"SELECT {stored_hash_sql('h')} FROM unnest(${param}) AS t(h)"
    return f"(phone_hash IN ({hashes}) OR id_hash IN ({hashes}))"


def normalise_phone(expr: pl.Expr) -> pl.Expr:
    """Vietnamese phone -> +84 form: '0912 345 678', '84-912345678', '+84 912.345.678' -> '+84912345678'."""
    digits = expr.str.replace_all(r"\D", "")
    national = (  # the number without its country code or trunk prefix (slices: no text is copied)
        pl.when(digits.str.starts_with("84") & (digits.str.len_chars() >= 11))
        .then(digits.str.slice(2))
        .when(digits.str.starts_with("0"))
        .then(digits.str.slice(1))
        .otherwise(digits)
    )
    return pl.when(digits != "").then("+84" + national)


def mask_identifiers(expr: pl.Expr) -> pl.Expr:
    """Mask e-mails, phone numbers and ID numbers inside free text."""
    return (
        expr.str.replace_all(_EMAIL, "[email]")
        .str.replace_all(r"\b\d{12}\b", "[số định danh]")
        .str.replace_all(_PHONE_IN_TEXT, "[SĐT]")
        .str.replace_all(r"\b\d{9}\b", "[số định danh]")
    )


def mask_text(series: pl.Series, candidates: pl.Series | None = None) -> pl.Series:
    """`mask_identifiers` applied only to the texts that may hold an identifier (a long digit run or '@').

    `candidates`: the rows to mask, when already known (any superset of the rows that may hold an identifier).
    """
    if candidates is None:
        candidates = series.str.contains(_MAY_HOLD_IDENTIFIER).fill_null(False)
    if not candidates.any():
        return series
    masked = pl.select(mask_identifiers(pl.lit(series.filter(candidates)))).to_series()
    return series.scatter(candidates.arg_true(), masked)


def _originals(frame: pl.DataFrame, kind: Kind, hashes: dict[str, pl.Series]) -> pl.Series:
    """JSON of each row's original values with personal identifiers masked (for the quarantine).

    `hashes`: the keyed hash of each identifier column of `frame`, row by row.
    """
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
            masked = masked.with_columns(("hmac:" + hashes[col.name].str.slice(0, 16)).alias(col.name))
    return masked.select(pl.struct(pl.all()).struct.json_encode().alias("original")).to_series()


def _identifier_hash(frame: pl.DataFrame, col: Column, key: bytes) -> pl.Series:
    """The keyed hash of a phone or ID number column, row by row."""
    # Lazily, so that polars computes the digits that `normalise_phone` uses several times only once; in chunks,
    # so that both cores work.
    column = in_chunks(frame.get_column(col.name)).to_frame()
    prepared = column.lazy().select(_prepare_identifier(col)).collect().to_series()
    return keyed_hash(prepared, key)


def _prepare_identifier(col: Column) -> pl.Expr:
    if col.type == PHONE:
        return normalise_phone(pl.col(col.name)).alias(col.name)
    return pl.col(col.name).str.replace_all(r"\D", "").alias(col.name)


# -- the whole step --------------------------------------------------------------------------------


def normalise(table: RawTable, ref: Reference, key: bytes) -> Normalised:
    """Validate and normalise one raw table (see module docstring)."""
    kind = table.kind
    # One chunk per column: a frame whose columns are chunked differently is re-chunked by every operation.
    raw = table.frame.rechunk()
    present = list(raw.columns)
    raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(c.name) for c in kind.columns if c.name not in present)
    text_cols = [c for c in raw.columns if c not in (ROW, ERROR)]
    identifiers = [c for c in kind.columns if c.type in (PHONE, ID_NUMBER)]
    # The keyed hashes of phones and ID numbers (polars and its hashing plugin release the GIL) are computed
    # in the background, for every row, while the rest is cleaned, parsed and validated. Cleaning goes column by
    # column, so cleaning these columns first changes nothing.
    frame = clean_columns(raw, [c.name for c in identifiers])
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = {c.name: pool.submit(_identifier_hash, frame, c, key) for c in identifiers}
        # Free text to mask: one regex search per value finds both what may need cleaning and what may hold an
        # identifier (as fast as either alone); cleaning then tests, and masking masks, only the rows found.
        suspects = {
            c.name: frame.get_column(c.name).str.contains(f"{_UNCLEAN}|{_RAW_MAY_HOLD_IDENTIFIER}").fill_null(False)
            for c in kind.columns
            if c.mask
        }
        frame = clean_columns(frame, [c for c in text_cols if c not in hashing], suspects)
        return _normalise_clean(table, frame, present, ref, hashing, suspects)


def _normalise_clean(
    table: RawTable,
    frame: pl.DataFrame,
    present: list[str],
    ref: Reference,
    hashing: dict[str, Future[pl.Series]],
    suspects: dict[str, pl.Series],
) -> Normalised:
    """`normalise` once the text is clean.

    `hashing`: the keyed hash of each identifier column, every row; `suspects`: for each text column to mask, a
    superset of the rows that may hold an identifier.
    """
    kind = table.kind
    if ERROR not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(ERROR))
    originals_source = frame.select(present)

    # Codes and labels (each expression touches one column: one call, run in parallel).
    frame = frame.with_columns(_code_exprs(frame, kind))
    frame = frame.with_columns(
        _map_labels(frame.get_column(col.name), col.vocabulary) for col in kind.columns if col.type == ENUM
    )

    # Addresses (feedback rows without codes).
    stats = {"resolved": 0, "ambiguous": 0, "unresolved": 0}
    has_address = "address" in {c.name for c in kind.columns}
    address_bad = _falses(frame.height)
    if has_address:
        frame, stats, address_bad = _resolve_addresses(frame)

    # Parsed helper columns for validation.
    parsed = {c.name: _parse(frame, c) for c in kind.columns if c.type in _PARSE_REASON}
    check_frame = frame.with_columns([s.alias(n + PARSED) for n, s in parsed.items()])
    failures = _failures(check_frame, schema_for(kind, ref, has_address))

    reasons = _first_reason_per_row(failures, frame, kind, address_bad)
    bad_index = reasons.get_column("index")
    mask_bad = _falses(frame.height)
    if bad_index.len():
        mask_bad = mask_bad.scatter(bad_index, True)
    good = frame.with_columns([s.alias(n) for n, s in parsed.items()])
    if reasons.height:  # filtering copies every column: only when some row is bad
        good = good.filter(~mask_bad)
        suspects = {n: s.filter(~mask_bad) for n, s in suspects.items()}
    good = good.with_columns([pl.col(n).fill_null(pl.lit(v)) for n, v in kind.defaults.items()])
    good = good.with_columns(mask_text(good.get_column(n), s) for n, s in suspects.items())

    # The hashes last: they have had as long as possible to finish in the background.
    hashes = {n: h.result() for n, h in hashing.items()}
    bad = _empty_bad()
    if reasons.height:
        rows_bad = originals_source.filter(mask_bad)
        bad_hashes = {n: h.filter(mask_bad) for n, h in hashes.items() if n in rows_bad.columns}
        bad = pl.DataFrame(
            {
                ROW: rows_bad.get_column(ROW),
                "reason_code": reasons.get_column("reason_code"),
                "reason": reasons.get_column("reason"),
                "column_name": reasons.get_column("column"),
                "original": _originals(rows_bad, kind, bad_hashes),
            }
        )
        hashes = {n: h.filter(~mask_bad) for n, h in hashes.items()}
    good = _personal(good, kind, hashes)
    answers = None
    if kind.item_prefix:
        answers = _survey_answers(good, table.items)
        good = good.drop(table.items)
    good = good.drop(ERROR)
    return Normalised(good, bad, stats, answers)


def _nulls(n: int, dtype: pl.DataType, name: str) -> pl.Series:
    """A column of n nulls (without building a list of n Python values)."""
    return pl.repeat(None, n, dtype=dtype, eager=True).alias(name)


def _falses(n: int) -> pl.Series:
    """A row mask with no row set (without building a list of n Python values)."""
    return pl.repeat(False, n, eager=True).alias("bad")


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
    read_bad = frame.get_column(ERROR).is_not_null()
    if read_bad.any():  # rows the reader marked: "code" or "code:column"
        marks = frame.get_column(ERROR).filter(read_bad).str.split_exact(":", 1).struct.unnest()
        extra.append(
            pl.DataFrame(
                {"index": read_bad.arg_true().cast(pl.Int64), "column": marks.get_column("field_1"),
                 "check": marks.get_column("field_0")},
                schema={"index": pl.Int64, "column": pl.String, "check": pl.String},
            )
        )  # fmt: skip
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
    priority = {"invalid_json": -3, "line_too_long": -3, "cell_too_long": -3, "unresolved_address": -2}
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
        if row["reason_code"] == "cell_too_long":  # the value is an excerpt: the column says enough
            return f"{text} (cột {labels.get(column, column)})"
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
            _falses(frame.height),
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


def _personal(frame: pl.DataFrame, kind: Kind, hashes: dict[str, pl.Series]) -> pl.DataFrame:
    """Drop names, replace phones and ID numbers by their keyed hashes (phone_hash, id_hash)."""
    for col in kind.columns:
        if col.type == NAME:
            frame = frame.drop(col.name)
        elif col.type in (PHONE, ID_NUMBER):
            target = "phone_hash" if col.type == PHONE else "id_hash"
            frame = frame.drop(col.name).with_columns(hashes[col.name].alias(target))
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
