"""The Overview numbers: SQL results equal the same numbers recomputed in plain Python from the inserted rows,
and a scope never lets another area's rows in."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import db, overview
from analytics.filters import Filters, filter_predicate
from analytics.scope import Scope, scope_predicate
from tests.fixtures.warehouse import AS_OF_LOCAL, POPULATION_PROVINCE, FixtureWarehouse

PERIOD = Filters(date(2026, 1, 1), date(2026, 3, 31))
PROVINCES = ["01", "79", "08", "46", "96"]


@pytest.fixture(scope="module")
def con(fixture_warehouse: FixtureWarehouse) -> duckdb.DuckDBPyConnection:
    connection = db.open_warehouse(fixture_warehouse.path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def rows(fixture_warehouse: FixtureWarehouse) -> list[dict]:
    return list(fixture_warehouse.feedback.iter_rows(named=True))


def _selected(rows: list[dict], filters: Filters, scope: Scope = Scope.all(), *, commune: bool = True) -> list[dict]:
    out = []
    for r in rows:
        day = r["received_at"].date()
        if filters.date_from and day < filters.date_from or filters.date_to and day > filters.date_to:
            continue
        if scope.province_code and r["province_code"] != scope.province_code:
            continue
        if scope.commune_code and r["commune_code"] != scope.commune_code:
            continue
        if filters.province_code and r["province_code"] != filters.province_code:
            continue
        if commune and filters.commune_code and r["commune_code"] != filters.commune_code:
            continue
        if filters.fields and r["field"] not in filters.fields:
            continue
        if filters.channels and r["channel"] not in filters.channels:
            continue
        out.append(r)
    return out


def _handling(rows: list[dict]) -> tuple[int, int]:
    """(due, on time) by the rule stated in analytics.overview, written out independently."""
    deadline = timedelta(days=overview.ON_TIME_DAYS)
    due = on_time = 0
    for r in rows:
        responses = [t for t in (r["answered_at"], r["resolved_at"]) if t is not None]
        first = min(responses) if responses else None
        if first is not None or r["received_at"] + deadline <= AS_OF_LOCAL:
            due += 1
            if first is not None and first <= r["received_at"] + deadline:
                on_time += 1
    return due, on_time


def test_data_info(con, rows):
    info = overview.data_info(con, Scope.all())
    assert info.synthetic is True
    assert info.as_of == AS_OF_LOCAL
    assert info.opinions == len(rows)
    assert info.first_day == min(r["received_at"] for r in rows).date()
    assert info.last_day == max(r["received_at"] for r in rows).date()


@pytest.mark.parametrize(
    "filters",
    [
        PERIOD,
        Filters(date(2025, 6, 1), date(2025, 6, 30), province_code="79"),
        Filters(date(2025, 1, 1), date(2026, 3, 31), fields=("dat_dai", "y_te"), channels=("zalo",)),
    ],
)
def test_kpis_match_python(con, rows, filters):
    k = overview.kpis(con, Scope.all(), filters)
    current = _selected(rows, filters)
    previous = _selected(rows, filters.previous_period())
    due, on_time = _handling(current)
    assert (k.opinions, k.previous_opinions, k.due, k.on_time) == (len(current), len(previous), due, on_time)
    assert (k.previous_to - k.previous_from) == (k.date_to - k.date_from)
    assert k.previous_to == k.date_from - timedelta(days=1)
    if previous:
        assert k.change_pct == pytest.approx(100 * (len(current) - len(previous)) / len(previous))
    assert k.on_time_share == pytest.approx(on_time / due)


def test_kpis_without_dates_use_the_data_range(con, rows):
    k = overview.kpis(con, Scope.all(), Filters())
    assert k.opinions == len(rows)
    assert k.previous_opinions == 0 and k.change_pct is None


def test_top_fields_match_python(con, rows):
    frame = overview.top_fields(con, Scope.all(), PERIOD, limit=50)
    selected = _selected(rows, PERIOD)
    expected = Counter(r["field"] for r in selected)
    assert dict(zip(frame["field_code"], frame["opinions"], strict=True)) == dict(expected)
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame["opinions"].to_list() == sorted(frame["opinions"].to_list(), reverse=True)
    assert frame.filter(pl.col("field_code") == "dat_dai")["name_vi"].item() == "Đất đai – giải phóng mặt bằng"


def test_rate_by_province_matches_python(con, rows, fixture_warehouse):
    frame = overview.rate_by_area(con, Scope.all(), PERIOD)
    assert frame.height == 34 and set(frame["level"]) == {"province"}
    counts = Counter(r["province_code"] for r in _selected(rows, PERIOD))
    population = dict(fixture_warehouse.provinces.select("province_code", "population").iter_rows())
    for r in frame.iter_rows(named=True):
        assert r["opinions"] == counts.get(r["code"], 0)
        assert r["rate_per_100k"] == pytest.approx(counts.get(r["code"], 0) * 100_000 / population[r["code"]])
        assert r["population_estimated"] is False
    rates = frame["rate_per_100k"].to_list()
    assert rates == sorted(rates, reverse=True)


def test_commune_population_estimated_from_area_share(con, rows, fixture_warehouse):
    filters = Filters(PERIOD.date_from, PERIOD.date_to, province_code="79")
    frame = overview.rate_by_area(con, Scope.all(), filters)
    communes = fixture_warehouse.communes.filter(pl.col("province_code") == "79")
    assert frame.height == communes.height and frame["population_estimated"].all()
    province_population = fixture_warehouse.provinces.filter(pl.col("province_code") == "79")["population"].item()
    total_area = communes["area_km2"].sum()
    area = dict(communes.select("commune_code", "area_km2").iter_rows())
    counts = Counter(r["commune_code"] for r in _selected(rows, filters, commune=False))
    for r in frame.iter_rows(named=True):
        assert r["population"] == round(province_population * area[r["code"]] / total_area)
        assert r["opinions"] == counts.get(r["code"], 0)


def test_commune_population_from_latest_year(con, fixture_warehouse):
    filters = Filters(PERIOD.date_from, PERIOD.date_to, province_code=POPULATION_PROVINCE)
    frame = overview.rate_by_area(con, Scope.all(), filters)
    latest = dict(
        fixture_warehouse.population.filter(pl.col("year") == 2024).select("commune_code", "population").iter_rows()
    )
    assert not frame["population_estimated"].any()
    assert dict(frame.select("code", "population").iter_rows()) == latest
    assert set(frame["population_source"]) == {"Điều tra giả lập 2024"}


def test_monthly_trend_matches_python(con, rows):
    frame = overview.monthly_trend(con, Scope.all(), PERIOD)
    assert frame.height == overview.TREND_MONTHS
    assert frame["month"][0] == date(2025, 4, 1) and frame["month"][-1] == date(2026, 3, 1)
    expected = Counter(
        date(r["received_at"].year, r["received_at"].month, 1) for r in rows if r["received_at"] >= datetime(2025, 4, 1)
    )
    assert dict(frame.select("month", "opinions").iter_rows()) == {m: expected.get(m, 0) for m in frame["month"]}


def test_reference_lists(con):
    provinces = overview.provinces(con, Scope.all())
    assert provinces.height == 34
    hcm = provinces.filter(pl.col("province_code") == "79").row(0, named=True)
    assert "Bình Dương" in hcm["merged_names"] and "Hồ Chí Minh" not in hcm["merged_names"]
    communes = overview.communes(con, Scope.all(), "79")
    assert communes.height > 100 and communes["commune_code"].str.len_chars().eq(5).all()
    assert overview.fields(con, Scope.all()).height == 16
    assert set(overview.channels(con, Scope.all())["channel_code"]) >= {"app", "zalo", "hotline"}
    assert overview.boundaries(con, Scope.all(), "province").height == 34
    assert overview.boundaries(con, Scope("79"), "province")["code"].to_list() == ["79"]


def test_scope_is_required():
    with pytest.raises(TypeError):
        scope_predicate(None, "f")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Scope("7")
    with pytest.raises(ValueError):
        Scope(None, "26734")
    with pytest.raises(ValueError):
        scope_predicate(Scope.all(), "f; DROP TABLE feedback")
    assert scope_predicate(Scope.all(), "f") == ("TRUE", {})


def test_filter_predicate_binds_values():
    sql, params = filter_predicate(Filters(date(2026, 1, 1), date(2026, 1, 31), fields=("x' OR 1=1 --",)), "f")
    assert "x'" not in sql and params["f_fields"] == ["x' OR 1=1 --"]
    assert params["f_to_excl"] == date(2026, 2, 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    province=st.sampled_from(PROVINCES),
    start=st.dates(date(2025, 1, 1), date(2026, 3, 31)),
    days=st.integers(0, 200),
    asked_province=st.sampled_from([None, *PROVINCES]),
)
def test_scope_never_leaks(con, rows, province, start, days, asked_province):
    """A province scope counts only that province's rows, whatever the filters ask for."""
    scope = Scope(province)
    filters = Filters(start, start + timedelta(days=days), province_code=asked_province)
    allowed = [r for r in _selected(rows, filters) if r["province_code"] == province]
    assert overview.kpis(con, scope, filters).opinions == len(allowed)
    assert overview.top_fields(con, scope, filters, limit=50)["opinions"].sum() == len(allowed)
    areas = overview.rate_by_area(con, scope, filters)
    assert set(areas["code"].str.slice(0, 5)) <= set(overview.communes(con, scope, province)["commune_code"])
    assert areas["opinions"].sum() == sum(1 for r in allowed if r["commune_code"] is not None)
    assert overview.monthly_trend(con, scope, filters)["opinions"].sum() <= len(
        [r for r in rows if r["province_code"] == province]
    )
    assert set(overview.provinces(con, scope)["province_code"]) == {province}


def test_commune_scope_never_leaks(con, rows):
    commune = next(r["commune_code"] for r in rows if r["province_code"] == "79" and r["commune_code"])
    scope = Scope("79", commune)
    k = overview.kpis(con, scope, PERIOD)
    assert k.opinions == sum(1 for r in _selected(rows, PERIOD) if r["commune_code"] == commune)
    areas = overview.rate_by_area(con, scope, PERIOD)
    assert areas["code"].to_list() == [commune]
    assert overview.communes(con, scope, "79")["commune_code"].to_list() == [commune]
