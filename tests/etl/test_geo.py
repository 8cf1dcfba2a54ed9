"""Reference geography: provinces, communes, legacy provinces, approximate and official boundaries."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import polars as pl
import pytest
import shapely

import config
from etl import geo

SHARED_GEOJSON = config.shared_dir() / "geo" / "vn_provinces_34_2025.geojson"
SHARED_LEGACY_GEOJSON = config.shared_dir() / "geo" / "vn_provinces_63_pre2025.geojson"


@pytest.fixture(scope="module")
def provinces() -> pl.DataFrame:
    return geo.province_rows()


@pytest.fixture(scope="module")
def communes() -> pl.DataFrame:
    return geo.commune_rows()


@pytest.fixture(scope="module")
def approximate(communes: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    started = time.perf_counter()
    rows = geo.approximate_boundaries(communes)
    return rows, time.perf_counter() - started


@pytest.fixture()
def shared_geojson() -> Path:
    if not SHARED_GEOJSON.exists():
        pytest.skip(f"shared boundaries not found at {SHARED_GEOJSON}")
    return SHARED_GEOJSON


def _is_nfc_vietnamese(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text and text == text.strip()


def test_provinces_are_the_34_with_facts_and_centroids(provinces: pl.DataFrame) -> None:
    assert provinces.columns == geo.PROVINCE_COLUMNS
    assert provinces.height == 34
    assert provinces["province_code"].n_unique() == 34
    assert provinces["province_code"].str.len_chars().eq(2).all()
    assert (
        provinces.select(["name_vi", "name_short", "name_ascii", "lat", "lon", "population", "area_km2", "source"])
        .null_count()
        .sum_horizontal()
        .item()
        == 0
    )
    hanoi = provinces.filter(pl.col("province_code") == "01").row(0, named=True)
    assert (hanoi["name_vi"], hanoi["name_short"], hanoi["name_ascii"]) == ("Thành phố Hà Nội", "Hà Nội", "Ha Noi")
    assert provinces["population"].dtype == pl.Int64 and provinces["population_year"].dtype == pl.Int32
    assert provinces["lat"].is_between(8, 24).all() and provinces["lon"].is_between(102, 110).all()
    assert all(_is_nfc_vietnamese(n) for n in provinces["name_vi"])


def test_communes_are_the_3321_of_the_34_provinces(communes: pl.DataFrame, provinces: pl.DataFrame) -> None:
    assert communes.columns == geo.COMMUNE_COLUMNS
    assert communes.height == 3321
    assert communes["commune_code"].n_unique() == 3321
    assert communes["commune_code"].str.contains(r"^\d{5}$").all()
    assert set(communes["province_code"]) == set(provinces["province_code"])
    assert set(communes["commune_type"]) == {"Phường", "Xã", "Đặc khu"}
    assert all(_is_nfc_vietnamese(n) for n in communes["name_vi"])
    # Diacritics kept in names, dropped (capitalisation kept) in the ASCII one.
    hong_ha = communes.filter(pl.col("commune_code") == "00097").row(0, named=True)
    assert (hong_ha["name_vi"], hong_ha["name_short"], hong_ha["name_ascii"]) == (
        "Phường Hồng Hà",
        "Hồng Hà",
        "Phuong Hong Ha",
    )
    assert communes["name_ascii"].str.contains(r"^[\x20-\x7e]+$").all()
    assert communes.select(pl.col("lat").is_null().sum() + pl.col("lon").is_null().sum()).item() == 0


def test_every_legacy_province_maps_to_one_of_the_34(provinces: pl.DataFrame) -> None:
    legacy = geo.legacy_province_rows()
    assert legacy.columns == geo.LEGACY_PROVINCE_COLUMNS
    assert legacy.height == 63
    assert set(legacy["province_code"]) == set(provinces["province_code"])
    by_name = dict(zip(legacy["name_ascii"], legacy["province_code"], strict=True))
    assert by_name["Tinh Binh Duong"] == "79"
    assert by_name["Tinh Ha Giang"] == "08"
    # The reference CSV's merged_from agrees with the package's mapping.
    merged = {
        geo.name_key(old): row["province_code"]
        for row in provinces.iter_rows(named=True)
        for old in row["merged_from"].split(";")
    }
    for row in legacy.iter_rows(named=True):
        assert merged[geo.name_key(row["name_vi"])] == row["province_code"], row["name_vi"]


def test_approximate_boundaries_cover_every_commune_and_province(
    approximate: tuple[pl.DataFrame, float], communes: pl.DataFrame, provinces: pl.DataFrame
) -> None:
    rows, seconds = approximate
    assert rows.columns == geo.BOUNDARY_COLUMNS
    assert seconds < 10
    assert set(rows.filter(pl.col("level") == "commune")["code"]) == set(communes["commune_code"])
    assert set(rows.filter(pl.col("level") == "province")["code"]) == set(provinces["province_code"])
    assert rows["approximate"].all() and (rows["source"] == geo.APPROXIMATE_SOURCE).all()
    geometries = shapely.from_geojson(rows["geometry"].to_list())
    assert shapely.is_valid(geometries).all()
    assert not shapely.is_empty(geometries).any()
    assert (shapely.area(geometries) > 0).all()
    assert rows["geometry"].str.len_bytes().sum() < 8_000_000


def test_approximate_boundaries_are_deterministic_and_clockwise(
    approximate: tuple[pl.DataFrame, float], communes: pl.DataFrame
) -> None:
    rows, _ = approximate
    again = geo.approximate_boundaries(communes.sample(fraction=1.0, shuffle=True, seed=7))
    assert again.equals(rows)
    for text in rows.filter(pl.col("level") == "province")["geometry"]:
        geometry = shapely.from_geojson(text)
        for polygon in shapely.get_parts(geometry):
            assert not polygon.exterior.is_ccw


def test_province_polygons_hold_their_centroid_and_islands_are_kept(
    approximate: tuple[pl.DataFrame, float], communes: pl.DataFrame, provinces: pl.DataFrame
) -> None:
    rows, _ = approximate
    province = dict(
        zip(
            rows.filter(pl.col("level") == "province")["code"],
            rows.filter(pl.col("level") == "province")["geometry"],
            strict=True,
        )
    )
    hanoi = provinces.filter(pl.col("province_code") == "01").row(0, named=True)
    assert shapely.from_geojson(province["01"]).contains(shapely.Point(hanoi["lon"], hanoi["lat"]))
    commune = dict(zip(rows["code"], rows["geometry"], strict=True))
    # Trường Sa lies far off the Natural Earth outline: it keeps a small polygon around its centroid.
    truong_sa = communes.filter(pl.col("name_vi") == "Đặc khu Trường Sa").row(0, named=True)
    shape = shapely.from_geojson(commune[truong_sa["commune_code"]])
    assert shape.contains(shapely.Point(truong_sa["lon"], truong_sa["lat"]))
    assert shapely.from_geojson(province["56"]).contains(shapely.Point(truong_sa["lon"], truong_sa["lat"]))


def test_read_boundaries_loads_the_shared_34_provinces(shared_geojson: Path, provinces: pl.DataFrame) -> None:
    rows, warnings = geo.read_boundaries(shared_geojson, provinces)
    assert warnings == []
    assert rows.columns == geo.BOUNDARY_COLUMNS
    assert sorted(rows["code"]) == sorted(provinces["province_code"])
    assert (rows["level"] == "province").all() and not rows["approximate"].any()
    assert (rows["source"] == shared_geojson.name).all()
    geometries = dict(zip(rows["code"], shapely.from_geojson(rows["geometry"].to_list()), strict=True))
    assert all(shapely.is_valid(g) and not g.is_empty for g in geometries.values())
    hanoi = provinces.filter(pl.col("province_code") == "01").row(0, named=True)
    assert geometries["01"].contains(shapely.Point(hanoi["lon"], hanoi["lat"]))
    assert not geometries["79"].contains(shapely.Point(hanoi["lon"], hanoi["lat"]))
    assert all(not p.exterior.is_ccw for p in shapely.get_parts(geometries["01"]))


def _rewrite(source: Path, target: Path, change) -> Path:
    collection = json.loads(source.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        feature["properties"] = change(dict(feature["properties"]))
    target.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return target


def test_read_boundaries_matches_names_when_codes_are_missing(
    shared_geojson: Path, provinces: pl.DataFrame, tmp_path: Path
) -> None:
    def names_only(props: dict) -> dict:
        return {"ten_tinh": props["name_full"].upper() if props["code"] == "01" else props["name_ascii"]}

    rows, warnings = geo.read_boundaries(_rewrite(shared_geojson, tmp_path / "names.geojson", names_only), provinces)
    assert warnings == []
    assert sorted(rows["code"]) == sorted(provinces["province_code"])


def test_read_boundaries_reads_hdx_style_pcodes(shared_geojson: Path, provinces: pl.DataFrame, tmp_path: Path) -> None:
    def pcode(props: dict) -> dict:
        return {"ADM1_PCODE": f"VN{props['code']}", "ADM1_EN": props["name_ascii"]}

    rows, warnings = geo.read_boundaries(_rewrite(shared_geojson, tmp_path / "hdx.geojson", pcode), provinces)
    assert warnings == [] and rows.height == 34


def test_read_boundaries_warns_about_unmatched_and_missing(
    shared_geojson: Path, provinces: pl.DataFrame, tmp_path: Path
) -> None:
    collection = json.loads(shared_geojson.read_text(encoding="utf-8"))
    kept = [f for f in collection["features"] if f["properties"]["code"] not in {"01", "79"}]
    kept[0] = {**kept[0], "properties": {"code": "99", "name": "Atlantis"}}
    collection["features"] = kept
    path = tmp_path / "partial.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    rows, warnings = geo.read_boundaries(path, provinces)
    assert rows.height == 31
    assert any("Atlantis" in w for w in warnings)
    assert any("Hà Nội" in w and "không có ranh giới" in w for w in warnings)


def test_read_boundaries_refuses_a_file_that_matches_nothing(
    shared_geojson: Path, provinces: pl.DataFrame, tmp_path: Path
) -> None:
    path = _rewrite(shared_geojson, tmp_path / "nothing.geojson", lambda props: {"name": "Không có"})
    with pytest.raises(ValueError, match="no feature matched"):
        geo.read_boundaries(path, provinces)


def test_read_boundaries_dissolves_a_pre_2025_file(provinces: pl.DataFrame) -> None:
    if not SHARED_LEGACY_GEOJSON.exists():
        pytest.skip("shared pre-2025 boundaries not found")
    rows, warnings = geo.read_boundaries(SHARED_LEGACY_GEOJSON, provinces)
    assert rows.height == 34
    assert len(warnings) == 1 and "tỉnh cũ" in warnings[0]
    # Code 52 was Bình Định before 2025 and is Gia Lai (Bình Định + Gia Lai) now: the polygon holds both.
    gia_lai = shapely.from_geojson(rows.filter(pl.col("code") == "52")["geometry"].item())
    assert gia_lai.contains(shapely.Point(108.0, 14.0)) and gia_lai.contains(shapely.Point(109.1, 13.9))
