"""The string catalogue: complete in both languages, Vietnamese in NFC, same placeholders everywhere."""

from __future__ import annotations

import string
import unicodedata

import pytest

from ui.i18n import CATALOGUE, LANGUAGES, fmt_int, fmt_num, fmt_pct, fmt_q, text


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages(key):
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert _placeholders(entry["vi"]) == _placeholders(entry["en"])


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_strings_are_nfc(key):
    for lang in LANGUAGES:
        assert unicodedata.is_normalized("NFC", CATALOGUE[key][lang]), (key, lang)


def test_required_wording():
    assert text("frame.synthetic", "vi") == "Dữ liệu mô phỏng — không phải số liệu thật"
    assert "make run" in text("frame.no_warehouse", "vi") and "python -m etl load" in text("frame.no_warehouse", "vi")
    assert "gần đúng" in text("chart.approximate", "vi")
    assert text("chart.estimated", "vi") == "ước tính"
    assert "100.000 dân" in text("chart.rate_title_province", "vi", period="x")


def test_number_formats():
    assert fmt_int(1234567, "vi") == "1.234.567" and fmt_int(1234567, "en") == "1,234,567"
    assert fmt_num(1234.56, "vi") == "1.234,6" and fmt_num(1234.56, "en") == "1,234.6"
    assert fmt_pct(0.283, "vi") == "28,3%"
    assert fmt_pct(5.4, "en", signed=True) == "+5.4%" and fmt_pct(-5.4, "vi", signed=True) == "-5,4%"
    assert fmt_q(0.0, "vi") == "< 0,0001" and fmt_q(2e-7, "en") == "< 0.0001" and fmt_q(0.05, "vi") == "0,0500"
    assert fmt_q(1e-5, "vi", digits=5) == "0,00001" and fmt_q(None, "en") == "—"


def test_plain_makes_data_inert_in_markdown() -> None:
    from ui.i18n import WORD_JOINER, plain

    shown = plain("![](http://x.example/p.png) [bấm](https://y.example) :red[UBND] $x$ <b> a@b.vn www.z.vn")
    for construct in ("![", "](", ":red[", "$x$", "<b>", "http://", "https://", "a@b", "www."):
        assert construct not in shown
    assert shown.replace("\\", "").replace(WORD_JOINER, "") == (
        "![](http://x.example/p.png) [bấm](https://y.example) :red[UBND] $x$ <b> a@b.vn www.z.vn"
    )
    assert plain(None) == "" and plain("Đã trả lời") == "Đã trả lời"
