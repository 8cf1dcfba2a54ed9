"""Normalisation steps as pure functions: table-driven cases."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalise import _number_text, clean_text, keyed_hash, mask_text, normalise_phone, parse_datetime


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=20), st.binary(min_size=1, max_size=100))
@settings(max_examples=25, deadline=None)
def test_keyed_hash_is_rfc2104_hmac_sha256(values, key):
    expected = [hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest() for v in values]
    assert keyed_hash(pl.Series("v", values), key).to_list() == expected


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
        alphabet=st.sampled_from(list("aăâbdđeêioôơuưyAĂÂĐÊÔƠƯ  ,.!-–…\t0123456789áàảãạếềểễệốồổỗộứừửữựÝỳ")), max_size=40
    )
)
def test_the_fast_fold_equals_the_reference_fold(text):
    from etl.text import fold, fold_expr

    text = unicodedata.normalize("NFC", text)
    fast = pl.select(fold_expr(pl.lit(text))).item()
    assert fast == f" {fold(text)} "
