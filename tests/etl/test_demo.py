"""The demo writes realistic raw files of every kind but `correction`, deterministically, in the real formats."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from etl import demo
from etl.items import unknown_items
from etl.kinds import KINDS, detect_kind
from etl.text import header_key

SIZE = "tiny"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo")
    demo.write_demo(path, SIZE, seed=42)
    return path


@pytest.fixture(scope="module")
def paths(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.name != "README.txt")


def _header(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0).columns
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as fh:
            return list(json.loads(fh.readline()))
    with open(path, encoding="utf-8-sig") as fh:
        return fh.readline().rstrip("\n").split(",")


def _frame(path: Path) -> pl.DataFrame:
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    if path.suffix == ".jsonl":
        return pl.read_ndjson(path, infer_schema_length=None)
    return pl.read_csv(path, infer_schema=False)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_kind_but_correction_is_written_and_detected_from_its_header(paths: list[Path]) -> None:
    found = set()
    for path in paths:
        expected = demo.kind_of_file(path.name)
        assert expected, f"{path.name} has no known kind"
        kind, _ = detect_kind(_header(path))
        assert kind is not None and kind.name == expected, path.name
        found.add(expected)
    assert found == set(KINDS) - {"correction"}


def test_readme_says_synthetic_and_lists_every_file(out: Path, paths: list[Path]) -> None:
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "DỮ LIỆU MÔ PHỎNG" in readme and "synthetic" in readme
    for path in paths:
        assert path.name in readme


def test_same_seed_gives_same_bytes_and_another_seed_differs(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    demo.write_demo(again, SIZE, seed=42)
    names = [
        "mattranso_app_2026.csv",
        "zalo_oa_2026.jsonl",
        "moc_chuong_trinh_hanh_dong.xlsx",
        "trust_survey_2026Q1.csv",
    ]
    names.append(next(p.name for p in out.glob("tiep_xuc_cu_tri_*.xlsx")))
    for name in names:
        assert _sha256(out / name) == _sha256(again / name), name
    other = tmp_path / "other"
    demo.write_demo(other, SIZE, seed=7)
    assert _sha256(out / "mattranso_app_2026.csv") != _sha256(other / "mattranso_app_2026.csv")


def test_vietnamese_headers_appear_in_some_files_english_in_others(paths: list[Path]) -> None:
    headers = {p.name: _header(p) for p in paths}
    assert "ma_phan_anh" in headers["hotline_2026.csv"]
    voter = next(h for n, h in headers.items() if n.startswith("tiep_xuc_cu_tri_"))
    assert "Mã phản ánh" in voter and "Thời gian tiếp nhận" in voter
    assert "source_id" in headers["mattranso_app_2026.csv"]
    both = {"feedback", "activity", "survey", "membership"}
    for kind in both:
        files = [n for n in headers if demo.kind_of_file(n) == kind]
        english = {c.name for c in KINDS[kind].columns}
        langs = {"en" if set(headers[n]) & english else "vi" for n in files}
        assert langs == {"en", "vi"}, kind


def test_human_vietnamese_titles_fold_to_contract_headers() -> None:
    for key, title in demo.VI_TITLES.items():
        assert header_key(title) == key


def test_some_letters_carry_only_a_legacy_address(out: Path) -> None:
    frame = pl.concat([_frame(p) for p in out.glob("tiep_cong_dan_don_thu_*.csv")])
    legacy = frame.filter(pl.col("ma_xa").is_null() & pl.col("ma_tinh").is_null() & pl.col("dia_chi").is_not_null())
    assert legacy.height > 0
    pre2025 = legacy["dia_chi"].str.contains(r"(?i)(quận|huyện|thị xã|quan |huyen |Q\.|H\.|TX\.|Tỉnh Bình Dương|tinh)")
    assert pre2025.sum() >= legacy.height * 0.5


def test_legacy_address_styles() -> None:
    rng = demo._rng(1, 1)
    parts = ("Thành phố Hà Nội", "Quận Ba Đình", "Phường Phúc Xá", "Quận", "Phường")
    texts = {demo.legacy_address(parts, rng) for _ in range(200)}
    assert "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội" in texts
    assert "P. Phúc Xá, Q. Ba Đình, TP. Hà Nội" in texts
    assert any(t.isascii() for t in texts)
    assert any(t.startswith("Số ") for t in texts)


def test_all_text_is_nfc(paths: list[Path]) -> None:
    for path in paths:
        if path.suffix == ".xlsx":
            frame = _frame(path)
            text = "\n".join(str(v) for row in frame.rows() for v in row if v is not None) + "".join(frame.columns)
        else:
            text = path.read_text(encoding="utf-8-sig")
        assert unicodedata.is_normalized("NFC", text), path.name


def test_feedback_realism(out: Path) -> None:
    app = _frame(out / "mattranso_app_2026.csv")
    assert app["received_at"].max() <= "2026-10-31 23:59:59"
    no_field = app["field"].is_null().mean()
    assert 0.08 < no_field < 0.25
    assert app["citizen_phone"].str.starts_with("+84").any()
    assert app["citizen_id"].drop_nulls().str.contains(r"^\d{12}$").all()
    assert app["lat"].drop_nulls().len() > 0
    assert app["content"].str.contains(r"Liên hệ|Lien he").any()  # a phone number inside the text
    assert app["status"].is_in(["received", "forwarded", "answered", "resolved", "rejected"]).mean() > 0.99
    hotline = _frame(out / "hotline_2026.csv")
    assert hotline["kenh"].drop_nulls().is_in(["Đường dây nóng", "Facebook"]).all()
    assert hotline["thoi_gian_tiep_nhan"].drop_nulls().str.contains(r"^\d\d/\d\d/\d{4} \d\d:\d\d$").mean() > 0.99
    assert hotline["trang_thai"].is_in(["Đã giải quyết", "Đã trả lời", "Đang xử lý", "Đã chuyển"]).any()


def test_feedback_rows_add_up_to_the_requested_opinions(out: Path) -> None:
    readme = (out / "README.txt").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 4 and parts[1] == "feedback":
            rows[parts[0]] = int(parts[2])
    reexported = sum(n for name, n in rows.items() if "capnhat" in name)
    total_rows = sum(1 for name in rows if name.endswith(".xlsx"))
    assert sum(rows.values()) - reexported - total_rows == demo.SIZES[SIZE].opinions
    assert reexported > 0


def test_reexports_update_a_record_seen_earlier(out: Path) -> None:
    update = _frame(next(out.glob("mattranso_app_capnhat_*.csv")))
    base = pl.concat([_frame(p) for p in out.glob("mattranso_app_20*.csv")])
    joined = update.join(base, on=["source_system", "source_id"], suffix="_old")
    assert joined.height == update.height
    assert (joined["status"] != joined["status_old"]).any()
    assert (joined["status_old"] == "forwarded").any()


def test_population_sums_to_province_population(out: Path, paths: list[Path]) -> None:
    from etl import geo

    pop = _frame(out / "dan_so_xa_2025.csv").with_columns(pl.col("dan_so_xa").cast(pl.Int64))
    communes = geo.commune_rows().select("commune_code", "province_code")
    sums = (
        pop.join(communes, left_on="ma_xa", right_on="commune_code")
        .group_by("province_code")
        .agg(pl.col("dan_so_xa").sum())
    )
    expected = geo.province_rows().select("province_code", "population")
    assert sums.join(expected, on="province_code").filter(pl.col("dan_so_xa") != pl.col("population")).height == 0
    assert pop.height == communes.height


def test_survey_waves_weights_in_two_waves_only(out: Path) -> None:
    surveys = [p for p in out.glob("*") if demo.kind_of_file(p.name) == "survey"]
    assert len(surveys) >= 6
    weighted = [p for p in surveys if {"trong_so", "weight"} & set(_header(p))]
    assert len(weighted) == 2  # the pre-merger wave (per old province) and the stratified two-stage wave
    online = _frame(next(out.glob("trust_survey_*_online.jsonl")))
    face = _frame(out / "khao_sat_niem_tin_2025Q4.csv").with_columns(pl.col("tuoi").cast(pl.Int64))
    assert online["age"].mean() < face["tuoi"].mean()
    items = [c for c in online.columns if c.startswith("q_")]
    assert "q_trust_overall" in items and len(items) == 12
    assert unknown_items(items) == []
    assert online["q_integrity_2"].null_count() > 0


def test_files_are_no_larger_than_needed(paths: list[Path]) -> None:
    for path in paths:
        assert path.stat().st_size < 3_000_000, path.name
    voter = next(p for p in paths if p.name.startswith("tiep_xuc_cu_tri_"))
    assert _frame(voter).height <= demo.SIZES[SIZE].voter_xlsx_rows + 1 + 12


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        demo.write_demo(tmp_path, "huge")
