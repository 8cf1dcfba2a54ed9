"""Legacy addresses at scale: the 2025 commune is right for >= 99% of old communes, in the forms people write.

Truth comes straight from the package's own conversion tables (converter_2025.json): an old commune that
became one new commune must map to it; one split among several may map to any of them and must be marked
ambiguous.
"""

from __future__ import annotations

import json
import random
import sqlite3
from functools import cache
from importlib import resources

import pytest

from etl.address import resolve_addresses
from etl.text import fold

SAMPLE = 500


@cache
def _package():
    data = resources.files("vietnamadminunits") / "data"
    con = sqlite3.connect(str(data / "dataset.db"))
    legacy = con.execute(
        "SELECT province, district, ward, provinceShort, districtShort, wardShort, districtType, wardType, "
        "provinceKey, districtKey, wardKey FROM admin_units_legacy"
    ).fetchall()
    new = dict(((p, w), code) for p, w, code in con.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units"))
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    return legacy, new, converter


def _truth(row) -> tuple[set[str], bool]:
    legacy, new, converter = _package()
    province_key, district_key, ward_key = row[8], row[9], row[10]
    old_key = f"{province_key}_{district_key}_{ward_key}"
    new_province = next(p for p, olds in converter["DICT_PROVINCE"].items() if province_key in olds)
    for new_ward, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_province].items():
        if old_key in olds:
            return {new[(new_province, new_ward)]}, False
    split = converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_province, {}).get(old_key, [])
    return {new[(new_province, s["newWardKey"])] for s in split}, True


_ABBREVIATIONS = {
    "Phường": "P.",
    "Xã": "X.",
    "Thị trấn": "TT.",
    "Quận": "Q.",
    "Huyện": "H.",
    "Thị xã": "TX.",
    "Thành phố": "TP.",
    "Tỉnh": "T.",
}


def _forms(row, rng: random.Random) -> list[str]:
    province, district, ward = row[0], row[1], row[2]
    short_p, short_d, short_w = row[3], row[4], row[5]
    full = f"{ward}, {district}, {province}"
    abbreviated = ", ".join(
        f"{_ABBREVIATIONS.get(kind, kind)} {name}"
        for kind, name in (
            (row[7], short_w),
            (row[6], short_d),
            ("Thành phố" if province.startswith("Thành phố") else "Tỉnh", short_p),
        )
    )
    no_marks = fold(full).title()
    street = f"Số {rng.randint(1, 300)} đường Lê Lợi, {full}"
    return [full, abbreviated, no_marks, street]


@pytest.mark.slow
def test_legacy_communes_resolve_to_the_right_2025_commune():
    legacy, _, _ = _package()
    rng = random.Random(7)
    sample = rng.sample(legacy, SAMPLE)
    texts, truths = [], []
    for row in sample:
        truth = _truth(row)
        for text in _forms(row, rng):
            texts.append(text)
            truths.append(truth)
    result = resolve_addresses(texts)
    right, wrong = 0, []
    for (expected, split), got in zip(truths, result.iter_rows(named=True), strict=True):
        ok = got["commune_code"] in expected and (got["status"] == "ambiguous") == split
        right += ok
        if not ok:
            wrong.append((got["address"], got["commune_code"], sorted(expected), got["status"]))
    share = right / len(texts)
    assert share >= 0.99, f"{share:.3%} right; examples: {wrong[:8]}"
