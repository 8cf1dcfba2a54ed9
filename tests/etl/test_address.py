"""Free-text addresses (pre-2025 and 2025 forms) resolved to 2025 units, offline."""

from __future__ import annotations

import socket

import polars as pl
import pytest

from etl import address
from etl.geo import converter_data

HA_NOI, HO_CHI_MINH, CAN_THO = "01", "79", "92"


@pytest.mark.parametrize(
    ("text", "province", "commune", "rule"),
    [
        ("Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội", HA_NOI, "00097", address.RULE_LEGACY),
        ("phuong phuc xa, quan ba dinh, ha noi", HA_NOI, "00097", address.RULE_LEGACY),
        ("Số 5, P. Phúc Xá, Q. Ba Đình, TP. Hà Nội", HA_NOI, "00097", address.RULE_LEGACY),
        ("12 Lê Lợi, phường Bến Thành, quận 1, TP.HCM", HO_CHI_MINH, "26743", address.RULE_LEGACY),
        ("123 Lê Lợi P.Bến Thành Q.1 TP.HCM", HO_CHI_MINH, "26743", address.RULE_LEGACY),
        ("Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương", HO_CHI_MINH, "25747", address.RULE_LEGACY),
        ("Phuong Phu Cuong, TP Thu Dau Mot, Binh Duong", HO_CHI_MINH, "25747", address.RULE_LEGACY),
        ("Phường Phú Cường, Tỉnh Bình Dương", HO_CHI_MINH, "25747", address.RULE_LEGACY),
        ("Tỉnh Bình Dương", HO_CHI_MINH, None, address.RULE_LEGACY_PROVINCE),
        ("Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu", HO_CHI_MINH, "26732", address.RULE_LEGACY_ISLAND),
        ("Phường Hồng Hà, Thành phố Hà Nội", HA_NOI, "00097", address.RULE_2025),
        ("số 5 ngõ 3, phường Hồng Hà, Hà Nội", HA_NOI, "00097", address.RULE_2025),
        ("Đặc khu Côn Đảo, TP Hồ Chí Minh", HO_CHI_MINH, "26732", address.RULE_2025),
    ],
)
def test_addresses_resolve_to_the_2025_unit(text: str, province: str, commune: str | None, rule: str) -> None:
    row = address.resolve_addresses([text]).row(0, named=True)
    assert row["address"] == text
    assert (row["province_code"], row["commune_code"], row["rule"]) == (province, commune, rule)
    assert row["status"] == "resolved"


def test_expected_codes_agree_with_the_package_tables() -> None:
    whole = converter_data()["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohanoi"]
    assert "thanhphohanoi_quanbadinh_phuongphucxa" in whole["phuonghongha"]
    assert "tinhbinhduong" in converter_data()["DICT_PROVINCE"]["thanhphohochiminh"]


@pytest.mark.parametrize("text", ["blah blah", "Phường Không Tồn Tại, Quận Không Có", "", None])
def test_unresolvable_addresses_say_why(text: str | None) -> None:
    row = address.resolve_addresses([text]).row(0, named=True)
    assert row["status"] == "unresolved"
    assert row["province_code"] is None and row["commune_code"] is None
    assert row["reason"]


def test_split_commune_with_a_street_is_resolved_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network blocked in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    import vietnamadminunits.converter.converter_2025 as converter
    import vietnamadminunits.parser.utils as parser_utils

    monkeypatch.setattr(converter, "get_geo_location", refuse)
    monkeypatch.setattr(parser_utils, "get_geo_location", refuse)
    address.resolve_admin.cache_clear()

    # Xã Tân Thạnh (huyện Thới Lai, Cần Thơ) was split between two 2025 communes.
    split = converter_data()["DICT_PROVINCE_WARD_DIVIDED"]["thanhphocantho"]["thanhphocantho_huyenthoilai_xatanthanh"]
    assert len(split) == 2
    texts = [
        "Số 12, Ấp Thới Hòa, Xã Tân Thạnh, Huyện Thới Lai, Thành phố Cần Thơ",
        "12 Lê Lợi, phường Bến Thành, quận 1, TP.HCM",
        "số 5 ngõ 3, phường Hồng Hà, Hà Nội",
    ]
    rows = address.resolve_addresses(texts)
    assert attempts == []
    first = rows.row(0, named=True)
    assert first["status"] == "ambiguous"
    assert first["province_code"] == CAN_THO
    assert first["rule"] in {address.RULE_SPLIT_HOLDS, address.RULE_SPLIT_NEAREST}
    assert first["reason"]
    assert rows["status"].to_list()[1:] == ["resolved", "resolved"]


def test_results_keep_input_order_and_duplicates() -> None:
    texts = ["Phường Hồng Hà, Hà Nội", None, "Tỉnh Bình Dương", "Phường Hồng Hà, Hà Nội"]
    rows = address.resolve_addresses(texts)
    assert rows.columns == list(address.RESULT_SCHEMA)
    assert rows["address"].to_list() == texts
    assert rows["province_code"].to_list() == [HA_NOI, None, HO_CHI_MINH, HA_NOI]


def test_many_rows_with_few_distinct_addresses_are_read_once_each() -> None:
    """Speed lives in `make bench`; here: each distinct address is read once, however many rows repeat it."""
    from etl.geo import package_table

    legacy = package_table("admin_units_legacy").filter(pl.col("provinceCode").is_in(["01", "74", "79"]))
    distinct = [
        f"{i} Lê Lợi, {w}, {d}, {p}"
        for i, (w, d, p) in enumerate(legacy.select("ward", "district", "province").head(1500).rows())
    ]
    rows = [distinct[i % len(distinct)] for i in range(100_000)]
    address.resolve_admin.cache_clear()
    result = address.resolve_addresses(rows)
    assert result.height == 100_000
    assert result.filter(pl.col("status") == "unresolved").height == 0
    assert address.resolve_admin.cache_info().misses == len({address.admin_part(a) for a in distinct})


def test_the_keyword_lookup_reads_addresses_as_the_package_parser_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast lookup (`_fast_legacy`) must give exactly the package parser's answer, for the ways people write
    legacy addresses (full, abbreviated, lower case, without diacritics, with a street), and take most of them."""
    import numpy as np

    from etl.demo import legacy_address
    from etl.geo import package_table

    units = package_table("admin_units_legacy").select("province", "district", "ward", "districtType", "wardType")
    rng = np.random.default_rng(11)
    texts = list(
        dict.fromkeys(legacy_address(tuple(units.row(int(i))), rng) for i in rng.integers(0, units.height, 1500))
    )
    address.resolve_admin.cache_clear()
    fast = [address.resolve_address(t) for t in texts]
    hits = sum(address._fast_legacy(address.admin_part(t)) is not None for t in texts)
    address.resolve_admin.cache_clear()
    monkeypatch.setattr(address, "_fast_legacy", lambda text: None)
    slow = [address.resolve_address(t) for t in texts]
    address.resolve_admin.cache_clear()
    assert [t for t, f, s in zip(texts, fast, slow, strict=True) if f != s] == []
    assert hits >= 0.95 * len(texts)
