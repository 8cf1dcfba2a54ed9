"""Free-text addresses (pre-2025 or 2025 form) → 2025 province and commune codes, offline.

Parsing is `vietnamadminunits`' (`parse_address`); the legacy→2025 step is done here from the package's own
conversion tables instead of `convert_address`, because that function geocodes the street online when an old
commune was split. Here a split commune is settled by the old commune's centroid, and the row is marked
'ambiguous' so a person can check it.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

import polars as pl

from etl.geo import converter_data, package_table
from etl.text import fold, nfc

RESOLVED, AMBIGUOUS, UNRESOLVED = "resolved", "ambiguous", "unresolved"
RULE_2025 = "address 2025"
RULE_2025_PROVINCE = "address 2025 (province only)"
RULE_LEGACY = "legacy→2025 (1:1)"
RULE_LEGACY_ISLAND = "legacy→2025 (island district → special zone)"
RULE_LEGACY_PROVINCE = "legacy→2025 (province only)"
RULE_SPLIT_HOLDS = "legacy→2025 split: chose the commune whose area holds the old centroid"
RULE_SPLIT_NEAREST = "legacy→2025 split: chose the commune nearest the old centroid"
RESULT_SCHEMA = {
    "address": pl.String,
    "province_code": pl.String,
    "commune_code": pl.String,
    "status": pl.String,
    "rule": pl.String,
    "reason": pl.String,
}

# Island districts had no communes before 2025; each became one special zone (same list as the package's).
_ISLAND_DISTRICTS = {"huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao"}
# A part that names a commune: 'Phường 12', 'P.12', 'xã Tân Thành', 'TT. Đông Anh', 'Đặc khu Côn Đảo'.
_COMMUNE_PART = re.compile(r"^(phuong|xa|thi tran|dac khu|p|x|tt|f)( |$|\d)")
# Words that only a pre-2025 address has: a district level.
_DISTRICT_WORD = re.compile(r"\b(quan|huyen|thi xa|tx|q|h)\b")


@dataclass(frozen=True)
class Resolution:
    """Where one address landed: 2025 codes, how sure, which rule, and why not when it failed."""

    province_code: str | None
    commune_code: str | None
    status: str
    rule: str | None
    reason: str | None


@functools.lru_cache(maxsize=1)
class _PatternCache:
    """`re` for the package's parsers, with a cache large enough for them.

    The parsers build and compile a pattern per district and ward on every call; Python's own cache keeps 512
    compiled patterns, far fewer than the country's units, so most of the time went into recompiling them.
    """

    def __init__(self) -> None:
        self._compile = functools.lru_cache(maxsize=200_000)(re.compile)

    def compile(self, pattern, flags=0):  # noqa: ANN001 — the signature of re.compile
        return self._compile(pattern, flags)

    def sub(self, pattern, repl, string, count=0, flags=0):  # noqa: ANN001
        return self._compile(pattern, flags).sub(repl, string, count)

    def __getattr__(self, name: str):
        return getattr(re, name)


@functools.lru_cache(maxsize=1)
def _parsers() -> tuple:
    """The package's parser entry point and its 2025 province pattern (imported lazily: it loads JSON)."""
    from vietnamadminunits.parser import ParseMode, parse_address, parser_from_2025, parser_legacy, utils

    patterns = _PatternCache()
    for module in (parser_legacy, parser_from_2025, utils):
        module.re = patterns
    return parse_address, ParseMode, parser_from_2025.PATTERN_PROVINCE


@functools.lru_cache(maxsize=1)
def _codes_2025() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """2025 province key → province code, (province key, commune key) → commune code."""
    units = package_table("admin_units")
    provinces = dict(zip(units["provinceKey"], units["provinceCode"], strict=True))
    communes = dict(zip(zip(units["provinceKey"], units["wardKey"], strict=True), units["wardCode"], strict=True))
    return provinces, communes


@functools.lru_cache(maxsize=1)
def _legacy_tables() -> tuple[dict[str, str], dict[str, str], dict[str, list[dict]]]:
    """Legacy province key → 2025 province key; 'prov_district_ward' → new commune key (whole); split ones."""
    data = converter_data()
    province = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
    whole = {
        old: new_ward
        for wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].values()
        for new_ward, olds in wards.items()
        for old in olds
    }
    split = {
        old: candidates for wards in data["DICT_PROVINCE_WARD_DIVIDED"].values() for old, candidates in wards.items()
    }
    return province, whole, split


@functools.lru_cache(maxsize=1)
def _legacy_communes_by_name() -> dict[tuple[str, str], list[dict]]:
    """(legacy province key, commune key such as 'phuongphucuong') → the legacy communes of that name."""
    units = package_table("admin_units_legacy").select(
        "provinceKey", "districtKey", "wardKey", "ward", "wardLat", "wardLon"
    )
    index: dict[tuple[str, str], list[dict]] = {}
    for row in units.iter_rows(named=True):
        index.setdefault((row["provinceKey"], row["wardKey"]), []).append(row)
    return index


def _legacy_commune_without_district(old, text: str) -> SimpleNamespace | None:
    """'Phường Phú Cường, Tỉnh Bình Dương' (no district): the legacy commune when its full name is unique in the province."""
    first = fold(text.split(",")[0]).replace(" ", "")
    matches = _legacy_communes_by_name().get((old.province_key, first), [])
    if len(matches) != 1:
        return None
    row = matches[0]
    return SimpleNamespace(
        province_key=old.province_key,
        district_key=row["districtKey"],
        ward_key=row["wardKey"],
        ward=row["ward"],
        latitude=row["wardLat"],
        longitude=row["wardLon"],
    )


# Abbreviated unit types as people write them ('P. Tân Định', 'Q.1', 'TP. Huế', 'H. Củ Chi', 'TX. Sơn Tây').
_TYPE_ABBREVIATIONS = {
    "p": "phuong",
    "x": "xa",
    "tt": "thitran",
    "q": "quan",
    "h": "huyen",
    "tx": "thixa",
    "tp": "thanhpho",
}


def _keys(part: str) -> set[str]:
    """The lookup keys of one address part: 'TP. Hồ Chí Minh' -> {'tphochiminh', 'thanhphohochiminh'}."""
    words = fold(part).split()
    if not words:
        return set()
    keys = {"".join(words)}
    if words[0] in _TYPE_ABBREVIATIONS:
        keys.add(_TYPE_ABBREVIATIONS[words[0]] + "".join(words[1:]))
    return keys


@functools.lru_cache(maxsize=1)
def _legacy_keyword_index() -> tuple[dict, dict, dict]:
    """The package's own keywords of every pre-2025 unit (full and short names, aliases, with and without the
    type, numbered forms such as 'q6'/'quan06'): province, (province, district) and (province, district, ward)
    lookups, each keyword -> the units it may name."""
    units = package_table("admin_units_legacy").select(
        "provinceKey", "districtKey", "wardKey", "ward", "wardLat", "wardLon",
        "provinceKeywords", "districtKeywords", "wardKeywords",
    )  # fmt: skip
    provinces: dict[str, set[str]] = {}
    districts: dict[tuple[str, str], set[str]] = {}
    wards: dict[tuple[str, str, str], dict[str, dict]] = {}
    for row in units.iter_rows(named=True):
        p, d = row["provinceKey"], row["districtKey"]
        for key in json.loads(row["provinceKeywords"] or "[]") + [p]:
            provinces.setdefault(key, set()).add(p)
        for key in json.loads(row["districtKeywords"] or "[]") + [d]:
            districts.setdefault((p, key), set()).add(d)
        for key in json.loads(row["wardKeywords"] or "[]") + [row["wardKey"]]:
            wards.setdefault((p, d, key), {})[row["wardKey"]] = row
    return provinces, districts, wards


def _unique(found: set) -> str | None:
    return next(iter(found)) if len(found) == 1 else None


def _fast_legacy(text: str) -> SimpleNamespace | None:
    """'Phường X, Quận Y, Tỉnh Z' (full, abbreviated or without diacritics) read with plain lookups in the
    package's keyword tables: the pre-2025 commune when every part names exactly one unit, else None (the
    package's parser then reads the address). Same answers as the parser (a test compares them), ~100×
    faster, which is what a file of many distinct addresses needs."""
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) != 3:
        return None
    provinces, districts, wards = _legacy_keyword_index()
    province = _unique(set().union(*(provinces.get(k, set()) for k in _keys(parts[2]))))
    if province is None:
        return None
    district = _unique(set().union(*(districts.get((province, k), set()) for k in _keys(parts[1]))))
    if district is None:
        return None
    found: dict[str, dict] = {}
    for key in _keys(parts[0]):
        found.update(wards.get((province, district, key), {}))
    if len(found) != 1:
        return None
    row = next(iter(found.values()))
    return SimpleNamespace(
        province_key=province,
        district_key=district,
        ward_key=row["wardKey"],
        ward=row["ward"],
        latitude=row["wardLat"],
        longitude=row["wardLon"],
    )


def admin_part(address: str) -> str:
    """The address without street and house number: from the last part that names a commune onwards."""
    parts = [p.strip() for p in nfc(address).split(",") if p.strip()]
    for index in range(len(parts) - 1, -1, -1):
        if _COMMUNE_PART.match(fold(parts[index])):
            return ", ".join(parts[index:])
    return ", ".join(parts[-3:])


def _split_choice(candidates: list[dict], lat: float | None, lon: float | None) -> tuple[str, str]:
    """Pick the new commune for a split old one from the old centroid: the one whose area square holds it, else nearest."""
    if lat is None or lon is None:
        chosen = next((c for c in candidates if c["isDefaultNewWard"]), candidates[0])
        return chosen["newWardKey"], RULE_SPLIT_NEAREST
    scale = math.cos(math.radians(lat))

    def holds(c: dict) -> bool:
        half_km = math.sqrt(c["newWardAreaKm2"] or 0.0) / 2
        return abs(c["newWardLat"] - lat) * 111.0 <= half_km and abs(c["newWardLon"] - lon) * 111.0 * scale <= half_km

    holding = [c for c in candidates if holds(c)]
    if len(holding) == 1:
        return holding[0]["newWardKey"], RULE_SPLIT_HOLDS
    pool = holding or candidates
    nearest = min(pool, key=lambda c: (c["newWardLat"] - lat) ** 2 + ((c["newWardLon"] - lon) * scale) ** 2)
    return nearest["newWardKey"], RULE_SPLIT_NEAREST


def _from_legacy(old) -> Resolution | None:
    """A parsed pre-2025 unit as 2025 codes, or None when not even its province is known."""
    province_map, whole, split = _legacy_tables()
    province_codes, commune_codes = _codes_2025()
    new_province = province_map.get(old.province_key or "")
    if new_province is None:
        return None
    province_code = province_codes[new_province]
    if old.ward_key or old.district_key in _ISLAND_DISTRICTS:
        old_key = f"{old.province_key}_{old.district_key}_{old.ward_key or ''}"
        if old_key in whole:
            rule = RULE_LEGACY if old.ward_key else RULE_LEGACY_ISLAND
            return Resolution(province_code, commune_codes[(new_province, whole[old_key])], RESOLVED, rule, None)
        if old_key in split:
            new_ward, rule = _split_choice(split[old_key], old.latitude, old.longitude)
            reason = (
                f"{old.ward} cũ nay thuộc {len(split[old_key])} xã/phường mới; đã chọn theo tâm xã cũ, cần kiểm tra"
            )
            return Resolution(province_code, commune_codes[(new_province, new_ward)], AMBIGUOUS, rule, reason)
    reason = "Không nhận ra xã/phường cũ; chỉ xác định được tỉnh/thành"
    return Resolution(province_code, None, RESOLVED, RULE_LEGACY_PROVINCE, reason)


@functools.lru_cache(maxsize=65_536)
def resolve_admin(text: str) -> Resolution:
    """One address without its street (see `admin_part`) → 2025 codes; cached, so each form is parsed once."""
    if not text.strip():
        return Resolution(None, None, UNRESOLVED, None, "Địa chỉ trống")
    fast = _fast_legacy(text)
    if fast is not None:
        found = _from_legacy(fast)
        if found is not None and found.commune_code is not None:
            return found
    parse_address, mode, pattern_2025_province = _parsers()
    province_codes, commune_codes = _codes_2025()
    province_map, _, _ = _legacy_tables()
    folded = fold(text)

    old = parse_address(text, mode=mode.LEGACY, keep_street=False, level=3)
    if old.province_key and not old.ward_key and old.district_key not in _ISLAND_DISTRICTS:
        old = _legacy_commune_without_district(old, text) or old
    legacy_full = _from_legacy(old)
    legacy_province_only = legacy_full if legacy_full and legacy_full.commune_code is None else None
    legacy_full = legacy_full if legacy_full and legacy_full.commune_code else None

    legacy_only_province = old.province_key is not None and old.province_key not in province_codes
    looks_legacy = (
        legacy_only_province
        or _DISTRICT_WORD.search(folded) is not None
        or (old.district_key is not None and old.ward_key is not None and text.count(",") >= 2)
    )
    new_full = new_province_only = None
    # 'Bình Dương' is no 2025 province, and the 2025 parser guesses a province from a unique commune name when
    # none is written: only ask it when a 2025 province is written and the legacy reading is not already complete.
    if (
        not legacy_only_province
        and not (looks_legacy and legacy_full)
        and pattern_2025_province.search(folded.replace(" ", ""))
    ):
        new = parse_address(text, mode=mode.FROM_2025, keep_street=False, level=2)
        if new.province_key in province_codes:
            if new.ward_key and (new.province_key, new.ward_key) in commune_codes:
                code = commune_codes[(new.province_key, new.ward_key)]
                new_full = Resolution(province_codes[new.province_key], code, RESOLVED, RULE_2025, None)
            else:
                reason = "Không nhận ra xã/phường; chỉ xác định được tỉnh/thành"
                new_province_only = Resolution(
                    province_codes[new.province_key], None, RESOLVED, RULE_2025_PROVINCE, reason
                )

    order = (
        [legacy_full, new_full, legacy_province_only, new_province_only]
        if looks_legacy
        else [new_full, legacy_full, new_province_only, legacy_province_only]
    )
    found = next((r for r in order if r is not None), None)
    if found is None:
        return Resolution(None, None, UNRESOLVED, None, "Không nhận ra tỉnh/thành phố trong địa chỉ (cũ hay mới)")
    if (
        old.province_key
        and old.province_key in province_map
        and found.province_code != province_codes.get(province_map[old.province_key])
    ):
        # The two parsers disagree on the province: keep the answer but say so.
        return Resolution(
            found.province_code,
            found.commune_code,
            AMBIGUOUS,
            found.rule,
            "Hai cách đọc địa chỉ cho hai tỉnh khác nhau",
        )
    return found


def resolve_address(address: str) -> Resolution:
    """One free-text address (street allowed) → 2025 codes."""
    return resolve_admin(admin_part(address or ""))


def resolve_addresses(addresses: Iterable[str | None]) -> pl.DataFrame:
    """Addresses → one row each (input order, input text unchanged) with 2025 codes, status, rule and reason."""
    frame = pl.DataFrame({"address": list(addresses)}, schema={"address": pl.String})
    distinct = frame.select(pl.col("address").unique(maintain_order=True))
    admin = {a: admin_part(a or "") for a in distinct["address"]}
    # Province and district first: neighbours reuse the parser's compiled patterns (Python's regex cache is small).
    for text in sorted(set(admin.values()), key=lambda t: [fold(p) for p in reversed(t.split(","))]):
        resolve_admin(text)
    resolutions = [resolve_admin(admin[a]) for a in distinct["address"]]
    lookup = pl.DataFrame(
        {
            "address": distinct["address"],
            "province_code": [r.province_code for r in resolutions],
            "commune_code": [r.commune_code for r in resolutions],
            "status": [r.status for r in resolutions],
            "rule": [r.rule for r in resolutions],
            "reason": [r.reason for r in resolutions],
        },
        schema=RESULT_SCHEMA,
    )
    return frame.join(lookup, on="address", how="left", nulls_equal=True, maintain_order="left")
