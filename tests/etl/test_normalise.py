"""Normalisation steps as pure functions: table-driven cases."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import datetime

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.kinds import KINDS
from etl.normalise import (
    Reference,
    _code_exprs,
    _number_text,
    clean_columns,
    clean_text,
    keyed_hash,
    mask_text,
    normalise,
    normalise_phone,
    parse_datetime,
    person_match_sql,
    stored_hash_sql,
)
from etl.read import ROW, RawTable


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=20)), min_size=1, max_size=20),
    st.text(min_size=1, max_size=100),  # keys longer than SHA-256's 64-byte block are hashed first (RFC 2104)
)
@settings(max_examples=50, deadline=None)
def test_keyed_hash_is_rfc2104_hmac_sha256(values, key):
    key = key.encode("utf-8")
    expected = [None if v is None else hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest() for v in values]
    assert keyed_hash(pl.Series("v", values, dtype=pl.String), key).to_list() == expected


def test_a_key_that_is_not_text_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="FRONT_PII_KEY"):
        keyed_hash(pl.Series("v", ["+84912345678"]), b"\xff\xfe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01 08:30", datetime(2026, 3, 1, 8, 30)),
        ("2026-03-01T08:30:15", datetime(2026, 3, 1, 8, 30, 15)),
        ("01/03/2026 08:30", datetime(2026, 3, 1, 8, 30)),
        ("01/03/2026", datetime(2026, 3, 1)),
        ("2026-03-01T01:30:00Z", datetime(2026, 3, 1, 8, 30)),  # UTC -> Asia/Ho_Chi_Minh
        ("2026-03-01T08:30:00+07:00", datetime(2026, 3, 1, 8, 30)),
        ("31/02/2026", None),
        ("hôm qua", None),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(pl.Series("d", [text, "2026-01-01 00:00"])).to_list()[0] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0912 345 678", "+84912345678"), ("+84 912.345.678", "+84912345678"), ("84-912345678", "+84912345678")],
)
def test_phone_numbers_normalise_to_plus84(raw, expected):
    assert pl.select(normalise_phone(pl.lit(raw))).item() == expected


@pytest.mark.parametrize(
    ("raw", "integer", "expected"),
    [
        ("1.234.567", True, "1234567"),
        ("1,234", True, "1234"),
        ("12,5", False, "12.5"),
        ("1.234,5", False, "1234.5"),
        ("20.732", False, "20.732"),
        ("1.234.567", False, "1234567"),
    ],
)
def test_vietnamese_number_separators(raw, integer, expected):
    assert pl.select(_number_text(pl.lit(raw), integer)).item() == expected


def test_clean_text_gives_nfc_without_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính")
    cleaned = clean_text(pl.Series("t", [f" {decomposed}\u200b ", "a\u00a0 b", "   "])).to_list()
    assert cleaned == ["Thủ tục hành chính", "a b", None]
    assert unicodedata.is_normalized("NFC", cleaned[0])


def test_identifiers_inside_text_are_masked():
    texts = pl.Series("t", ["Gọi 0912.345.678 hoặc a.b@mail.vn", "CCCD 001234567890 bị sai", "Không có gì"])
    assert mask_text(texts).to_list() == ["Gọi [SĐT] hoặc [email]", "CCCD [số định danh] bị sai", "Không có gì"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("aăâbdđeêioôơuưyAĂÂĐÊÔƠƯ  ,.!-–…\t0123456789áàảãạếềểễệốồổỗộứừửữựÝỳÁẦẢÃẠẾỀỂỄỆỐỒỔỖỘỨỪỬỮỰZQçÇñŁłΩßİKÅ")
        ),
        max_size=40,
    )
)
def test_the_fast_fold_equals_the_reference_fold(text):
    from etl.text import fold, fold_expr

    text = unicodedata.normalize("NFC", text)
    fast = pl.select(fold_expr(pl.lit(text))).item()
    assert fast == f" {fold(text)} "


def test_keyed_hash_of_a_column_without_values_is_null():
    assert keyed_hash(pl.Series("v", [None, None], dtype=pl.String), b"k").to_list() == [None, None]


def test_layouts_missing_from_the_sample_are_still_parsed():
    # The sample (first 2,000 values) has one layout: later rows in other layouts go through the retries.
    head = ["2026-03-01 08:30:15"] * 2500
    tail = ["01/03/2026 08:30", "2026-03-01T01:30:00Z", "46000", "2026-03-01 08:30:15.5", "hôm qua", None]
    assert parse_datetime(pl.Series("d", head + tail)).to_list()[2499:] == [
        datetime(2026, 3, 1, 8, 30, 15),
        datetime(2026, 3, 1, 8, 30),
        datetime(2026, 3, 1, 8, 30),
        datetime(2025, 12, 9),  # Excel serial
        datetime(2026, 3, 1, 8, 30, 15, 500000),
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["79", "01", None], ["79", "01", None]),  # all padded already: left alone
        (["79", "1", "01.0", "+1", "\u0663", None], ["79", "01", "01", "+1", "0\u0663", None]),
    ],
)
def test_province_codes_are_zero_padded(values, expected):
    frame = pl.DataFrame({"province_code": values, "commune_code": ["27154"] * len(values)})
    out = frame.with_columns(_code_exprs(frame, KINDS["feedback"]))
    assert out.get_column("province_code").to_list() == expected
    assert out.get_column("commune_code").to_list() == ["27154"] * len(values)


def test_clean_columns_reads_only_the_suspect_rows_and_skips_clean_columns():
    frame = pl.DataFrame({"a": ["x", " y", "z  z", ""], "b": ["p", "q", "r", "s"], "c": [None, None, None, None]})
    frame = frame.with_columns(pl.col("c").cast(pl.String))
    out = clean_columns(frame, ["a", "b", "c"])
    assert out.get_column("a").to_list() == ["x", "y", "z z", None]
    assert out.get_column("b").to_list() == ["p", "q", "r", "s"]
    # The test reads only the suspect rows: the caller vouches for the others (here wrongly, to show it).
    suspects = {"a": pl.Series([True, False, False, False])}
    assert clean_columns(frame, ["a"], suspects).get_column("a").to_list() == ["x", " y", "z  z", None]


def test_every_character_strip_removes_is_whitespace_to_the_cleaning_test():
    # `clean_columns` skips stripping a column where `_UNCLEAN` finds nothing: that holds only if every
    # character `strip_chars` removes is a plain space or a match of `[^\S ]`.
    chars = pl.Series([chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000])
    stripped = chars.filter(chars.str.strip_chars() == "")
    assert stripped.len() > 20
    assert stripped.str.contains(r"^\s$").all()


def test_identifiers_split_by_invisible_characters_are_masked():
    # The rows to mask are found on the raw text, before cleaning removes the invisible characters.
    texts = ["Gọi 0912\u200b345\u00a0678 nhé", "thư a\u200b@b.vn", "Không có gì", "  số 001234567890  ", "e\u0301"]
    n = len(texts)
    frame = pl.DataFrame(
        {
            ROW: list(range(2, 2 + n)),
            "source_id": [f"S{i}" for i in range(n)],
            "received_at": ["2026-03-01 08:30"] * n,
            "channel": ["zalo"] * n,
            "province_code": ["79"] * n,
            "commune_code": ["27154"] * n,
            "content": texts,
        }
    )
    ref = Reference(frozenset({"79"}), {"27154": "79"})
    result = normalise(RawTable(KINDS["feedback"], None, frame, n), ref, b"k")
    assert result.bad.height == 0
    assert result.good.get_column("content").to_list() == [
        "Gọi [SĐT] nhé",
        "thư [email]",
        "Không có gì",
        "số [số định danh]",
        "\u00e9",
    ]
    # The same as masking the cleaned text, every row tested.
    cleaned = clean_text(pl.Series("content", texts))
    assert mask_text(cleaned).to_list() == result.good.get_column("content").to_list()


@pytest.mark.parametrize("stored_as", ["UHUGEINT", "VARCHAR"])  # generations written before 2026-11-23: hex text
def test_a_person_is_found_by_their_keyed_hash_in_either_stored_form(stored_as):
    hashes = keyed_hash(pl.Series("v", ["+84912345678", "+84988000111", "001234567890"]), b"k").to_list()
    con = duckdb.connect()
    stored = (lambda column: column) if stored_as == "VARCHAR" else stored_hash_sql
    con.execute(f"CREATE TABLE feedback (phone_hash {stored_as}, id_hash {stored_as})")
    con.execute(
        f"INSERT INTO feedback SELECT {stored('p')}, {stored('i')} FROM (VALUES ($a, NULL), ($b, $c)) AS t(p, i)",
        {"a": hashes[0], "b": hashes[1], "c": hashes[2]},
    )
    found = f"SELECT count(*) FROM feedback WHERE {person_match_sql(con)}"
    assert con.sql(found, params={"h": [hashes[0]]}).fetchall()[0][0] == 1
    assert con.sql(found, params={"h": [hashes[2]]}).fetchall()[0][0] == 1  # by ID number
    # the number keeps the first 128 bits (32 hex digits) of the 256
    assert con.sql(found, params={"h": [hashes[1][:63] + "x"]}).fetchall()[0][0] == (stored_as == "UHUGEINT")
