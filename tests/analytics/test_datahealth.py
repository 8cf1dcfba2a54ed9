"""The data officer's numbers on a folder loaded by the real loader: accounting per file, reasons and their
shares, scope on quarantined rows, freshness per source, communes without opinions."""

from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl
import pytest

from analytics import datahealth, db
from analytics.filters import Filters
from analytics.scope import Scope
from etl import geo
from tests.fixtures.data_health import COMMUNES_WITH_OPINIONS, EN_BAD, EN_GOOD, VI_BAD, VI_GOOD, loaded_data_once


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return loaded_data_once(tmp_path_factory)


@pytest.fixture
def con(loaded):
    path = sorted((loaded.data_dir / "warehouse").glob("gen-*.duckdb"))[0]
    connection = db.open_warehouse(path)
    yield connection
    connection.close()


def test_history_has_one_row_per_file_with_the_loaders_accounting(con, loaded):
    history = datahealth.load_history(con, Scope.all())
    assert history.height == 3
    by_name = {r["file_name"]: r for r in history.iter_rows(named=True)}
    vi = by_name[loaded.vi_csv.name]
    assert (vi["rows_read"], vi["loaded"], vi["quarantined"], vi["skipped"]) == (
        len(VI_GOOD) + len(VI_BAD) + 1,
        len(VI_GOOD),
        len(VI_BAD),
        1,
    )
    assert json.loads(vi["reasons"]) == {code: 1 for _, code, _ in VI_BAD}
    refused = by_name[loaded.refused.name]
    assert refused["status"] == "refused" and "không nhận ra loại dữ liệu" in refused["error"]
    for row in history.iter_rows(named=True):
        assert row["rows_read"] == sum(row[c] for c in datahealth.COUNT_COLUMNS)
    totals = datahealth.load_totals(history)
    assert totals["files"] == 3 and totals["refused"] == 1
    assert totals["quarantined"] == len(VI_BAD) + len(EN_BAD)


def test_the_load_history_is_for_national_viewers_only(con):
    assert datahealth.load_history(con, Scope("79")).is_empty()
    assert datahealth.loads_of_file(con, Scope("79"), "phan_anh_thang3.csv").is_empty()
    with pytest.raises(TypeError):
        datahealth.load_history(con, None)


def test_loads_of_file_finds_a_file_by_its_name_only(con, loaded):
    rows = datahealth.loads_of_file(con, Scope.all(), loaded.en_jsonl.name)
    assert rows.height == 1 and rows["kind"][0] == "feedback" and rows["loaded"][0] == len(EN_GOOD)
    assert datahealth.loads_of_file(con, Scope.all(), "export.jsonl").is_empty()  # a suffix is not the name


def _expected_reasons(province: str | None = None) -> dict[str, int]:
    rows = [(code, prov) for _, code, prov in VI_BAD] + [("invalid_date", r["province_code"]) for r in EN_BAD]
    counts: dict[str, int] = {}
    for code, prov in rows:
        if province is None or prov == province:
            counts[code] = counts.get(code, 0) + 1
    return counts


@pytest.mark.parametrize("province", [None, "79", "01", "48"])
def test_top_reasons_count_rows_in_scope_with_shares_of_the_scope_total(con, province):
    scope = Scope(province) if province else Scope.all()
    reasons = datahealth.top_reasons(con, scope)
    expected = _expected_reasons(province)
    assert dict(reasons.select("reason_code", "rows").iter_rows()) == expected
    if expected:
        assert reasons["quarantined"].unique().to_list() == [sum(expected.values())]
        assert reasons["share"].sum() == pytest.approx(1.0)
        assert reasons["rows"].to_list() == sorted(reasons["rows"].to_list(), reverse=True)


def test_examples_are_masked_and_limited_per_reason(con):
    examples = datahealth.reason_examples(con, Scope.all(), ["invalid_date", "unknown_channel"], per_reason=1)
    assert examples["reason_code"].to_list() == ["invalid_date", "unknown_channel"]
    everything = datahealth.reason_examples(con, Scope.all(), ["invalid_date"], per_reason=5)
    assert everything.height == 2
    text = " ".join(everything["original"].to_list())
    for identifier in ("0987654321", "0911222333", "Trần Thị B"):
        assert identifier not in text
    assert "[đã ẩn]" in text and "hmac:" in text
    assert all(reason.startswith("ngày không hợp lệ") for reason in everything["reason"])


def test_quarantine_rows_of_a_file_keep_its_row_numbers(con, loaded):
    files = datahealth.quarantined_files(con, Scope.all())
    assert set(files["file_name"]) == {loaded.vi_csv.name, loaded.en_jsonl.name}
    vi = files.filter(pl.col("file_name") == loaded.vi_csv.name).row(0, named=True)
    rows = datahealth.quarantine_rows(con, Scope.all(), vi["load_id"], vi["path"], vi["sheet"])
    first_bad_line = 1 + len(VI_GOOD) + 1  # header, good rows, then the bad ones
    assert rows["row_number"].to_list() == list(range(first_bad_line, first_bad_line + len(VI_BAD)))
    assert rows["reason_code"].to_list() == [code for _, code, _ in VI_BAD]
    scoped = datahealth.quarantine_rows(con, Scope("79"), vi["load_id"], vi["path"], vi["sheet"])
    assert scoped["reason_code"].to_list() == [code for _, code, prov in VI_BAD if prov == "79"]


def test_freshness_flags_the_source_that_went_quiet(con):
    newest_vi = datetime(2026, 3, 20, 14, 0)
    newest_zalo = datetime(2026, 1, 20, 9, 0)
    behind = (newest_vi.date() - newest_zalo.date()).days
    frame = datahealth.freshness(con, Scope.all(), 7, datetime(2026, 4, 1))
    rows = {r["source_system"]: r for r in frame.iter_rows(named=True)}
    assert rows["zalo_oa"]["newest_received"] == newest_zalo and rows["zalo_oa"]["days_behind"] == behind
    assert rows["zalo_oa"]["silent"] and not rows["mattranso"]["silent"]
    assert rows["mattranso"]["opinions"] == len(VI_GOOD) and rows["zalo_oa"]["opinions"] == len(EN_GOOD)
    assert rows["mattranso"]["last_loaded"] is not None
    assert frame["source_system"][0] == "zalo_oa"  # silent first
    assert not datahealth.freshness(con, Scope.all(), behind, datetime(2026, 4, 1))["silent"].any()
    hcmc = {
        r["source_system"]: r
        for r in datahealth.freshness(con, Scope("79"), 7, datetime(2026, 4, 1)).iter_rows(named=True)
    }
    assert hcmc["zalo_oa"]["newest_received"] == datetime(2026, 1, 10, 9, 0)


@pytest.mark.parametrize(
    ("province", "channels", "heard"),
    [
        ("79", (), {"27154"}),
        ("01", ("hotline",), {"00097"}),
        ("01", ("app",), set()),
    ],
)
def test_communes_without_opinions_in_the_period(con, province, channels, heard):
    communes = geo.commune_rows()
    in_province = set(communes.filter(pl.col("province_code") == province)["commune_code"])
    filters = Filters(date(2026, 3, 1), date(2026, 3, 31), province_code=province, channels=channels)
    silent = datahealth.communes_without_opinions(con, Scope.all(), filters)
    assert set(silent["commune_code"]) == in_province - heard
    assert datahealth.commune_count(con, Scope.all(), filters) == len(in_province)
    assert set(heard) <= set(COMMUNES_WITH_OPINIONS)


def test_communes_without_opinions_respect_scope_and_period(con):
    communes = geo.commune_rows()
    march = Filters(date(2026, 3, 1), date(2026, 3, 31))
    scoped = datahealth.communes_without_opinions(con, Scope("79"), march)
    assert set(scoped["province_code"]) == {"79"}
    assert datahealth.commune_count(con, Scope("79"), march) == communes.filter(pl.col("province_code") == "79").height
    april = datahealth.communes_without_opinions(con, Scope.all(), Filters(date(2026, 4, 1), date(2026, 4, 30)))
    assert april.height == communes.height  # nobody spoke in April
    by_province = datahealth.silent_by_province(april)
    assert by_province["communes"].sum() == communes.height
    assert by_province["communes"].to_list() == sorted(by_province["communes"].to_list(), reverse=True)


def test_quarantine_scope_refuses_anything_but_a_scope():
    with pytest.raises(TypeError):
        datahealth.quarantine_scope("79")
    where, params = datahealth.quarantine_scope(Scope("79", "27154"))
    assert params == {"scope_province": "79", "scope_commune": "27154"} and "$scope_commune" in where
