"""Small text helpers shared by readers, validation and the UI search: NFC, folding, invisible characters."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """Unicode NFC, invisible characters removed, runs of (non-breaking) spaces collapsed, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case ASCII key without diacritics or punctuation: 'Đất đai – GPMB' -> 'dat dai gpmb'."""
    text = unicodedata.normalize("NFD", nfc(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def header_key(text: str) -> str:
    """A header cell as a snake_case key: 'Mã phản ánh' -> 'ma_phan_anh', 'Received At' -> 'received_at'."""
    return fold(text).replace(" ", "_")
