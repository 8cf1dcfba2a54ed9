"""Scope without gaps: for random viewers' scopes and random filters, every analytics function that takes a
scope returns nothing from outside it.

The fixture (tests/fixtures/scope.py) is the front warehouse plus rows that make a leak visible: rows of
single communes, quarantined rows with malformed province codes, a survey, a campaign. Each check recomputes
what the viewer may see with SQL written here, not with `analytics.scope`: row by row (province_code /
commune_code), or, for aggregates, the same number over the in-scope rows only.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import (
    brief,
    campaign,
    concerns,
    datahealth,
    db,
    emerging,
    handling,
    hexbins,
    hotspots,
    membership,
    milestones,
    models,
    monitoring,
    outcomes,
    overview,
    protected,
    public,
    trust,
    voices,
)
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.scope import AS_OF, PERIOD, QUARANTINED, ScopeWarehouse, scope_warehouse_once


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> ScopeWarehouse:
    return scope_warehouse_once(tmp_path_factory)


@pytest.fixture(scope="module")
def con(wh):
    connection = db.open_warehouse(wh.path)
    yield connection
    connection.close()


# -- the independent rule --------------------------------------------------------------------------------


def inside(scope: Scope, province: str | None, commune: str | None = None, *, communal: bool = True) -> bool:
    """May a viewer with `scope` see a row of `province`/`commune`? `communal=False`: a row of a table without
    communes (provinces, boundaries, census margins), which a commune viewer sees for its own province."""
    if scope.province_code is None:
        return True
    if province != scope.province_code:
        return False
    return scope.commune_code is None or not communal or commune == scope.commune_code


def _scope_params(scope: Scope) -> dict:
    return {"vp": scope.province_code, "vc": scope.commune_code}


# Rows of table `t` the viewer may see, written without analytics.scope.
IN_SCOPE = "($vp IS NULL OR t.province_code = $vp) AND ($vc IS NULL OR t.commune_code = $vc)"


def _filter_params(filters: Filters, *, dates: bool = True) -> dict:
    return {
        "d0": filters.date_from if dates else None,
        "d1": filters.date_to if dates else None,
        "fp": filters.province_code,
        "fc": filters.commune_code,
        "fields": list(filters.fields),
        "channels": list(filters.channels),
    }


# Feedback rows `t` under the user's filters (period inclusive of both days).
FILTERED = """($d0 IS NULL OR t.received_at >= $d0::DATE) AND ($d1 IS NULL OR t.received_at < $d1::DATE + 1)
    AND ($fp IS NULL OR t.province_code = $fp) AND ($fc IS NULL OR t.commune_code = $fc)
    AND (len($fields::VARCHAR[]) = 0 OR list_contains($fields::VARCHAR[], t.field))
    AND (len($channels::VARCHAR[]) = 0 OR list_contains($channels::VARCHAR[], t.channel))"""


def _count(con, sql: str, params: dict) -> int:
    return int(con.sql(sql, params=params).fetchall()[0][0] or 0)


def _feedback_count(con, scope: Scope, filters: Filters, extra: str = "TRUE", **params) -> int:
    return _count(
        con,
        f"SELECT count(*) FROM feedback t WHERE {IN_SCOPE} AND {FILTERED} AND {extra}",
        {**_scope_params(scope), **_filter_params(filters), **params},
    )


def _assert_rows_inside(frame: pl.DataFrame, scope: Scope, wh: ScopeWarehouse, what: str) -> None:
    """Every row's province_code (and commune_code, when the frame has it) is in the scope."""
    if frame.is_empty():
        return
    communes = frame["commune_code"] if "commune_code" in frame.columns else [None] * frame.height
    communal = "commune_code" in frame.columns
    for province, commune in zip(frame["province_code"], communes, strict=True):
        assert inside(scope, province, commune, communal=communal), (what, scope, province, commune)


def _assert_areas_inside(frame: pl.DataFrame, scope: Scope, wh: ScopeWarehouse, what: str) -> None:
    """Rows of (level, code) areas: provinces or communes, each in the scope."""
    for level, code in frame.select("level", "code").iter_rows():
        if level == "province":
            assert inside(scope, code, communal=scope.commune_code is None), (what, scope, code)
        else:
            assert inside(scope, wh.commune_province[code], code), (what, scope, code)


def _feedback_by(con, scope: Scope, filters: Filters, key: str, extra: str = "TRUE", **params) -> dict:
    """In-scope opinions under the filters counted by the SQL expression `key` (of `t`)."""
    rows = con.sql(
        f"SELECT {key} AS k, count(*) FROM feedback t WHERE {IN_SCOPE} AND {FILTERED} AND {extra} GROUP BY 1",
        params={**_scope_params(scope), **_filter_params(filters), **params},
    ).fetchall()
    return dict(rows)


def _assert_counts(shown, expected: dict, what: str) -> None:
    """Every (key, count) shown equals the independent count of that key (0 when it has no in-scope rows)."""
    for key, count in shown:
        assert count == expected.get(key, 0), (what, key, count, expected.get(key, 0))


def _assert_area_counts(
    con, frame: pl.DataFrame, column: str, scope: Scope, filters: Filters, what: str, province: str | None
) -> None:
    """Each area's opinions equal the in-scope count of that area under the period, field and channel filters
    and the province filter `province` (the commune filter picks an area to look at, it does not count)."""
    unplaced = replace(filters, province_code=province, commune_code=None)
    for level in ("province", "commune"):
        rows = frame.filter(pl.col("level") == level).select("code", column).iter_rows()
        _assert_counts(rows, _feedback_by(con, scope, unplaced, f"t.{level}_code"), f"{what} {level} {scope}")


# -- the leaks and the crash of the issue, one by one -----------------------------------------------------


def test_a_commune_viewer_gets_its_own_communes_model_adoptions_only(con, wh):
    rows = models.adoptions(con, Scope("79", wh.a79))
    assert rows.select("province_code", "commune_code").rows() == [("79", wh.a79)]
    assert models.adoptions(con, Scope("01", wh.a79)).is_empty()  # a commune of 79 under 01 sees nothing
    province = models.adoptions(con, Scope("79"))
    assert {wh.a79, wh.b79, None} == set(province["commune_code"])


def test_a_commune_viewer_sees_its_communes_membership_coverage_not_the_province_totals(con, wh):
    filters = Filters(date(2025, 1, 1), date(2026, 3, 31))
    own = membership.coverage_trend(con, Scope("79", wh.a79), filters)
    expected = con.sql(
        "SELECT period, organization, sum(members) AS members FROM membership "
        "WHERE level = 'commune' AND province_code = '79' AND commune_code = $c GROUP BY ALL ORDER BY ALL",
        params={"c": wh.a79},
    ).fetchall()
    assert own.select("period", "organization", "members").rows() == [(p, o, float(m)) for p, o, m in expected]
    assert membership.coverage_trend(con, Scope("79", wh.b79), filters).is_empty()  # it reports nothing
    assert membership.coverage_trend(con, Scope("01", wh.a79), filters).is_empty()
    assert membership.inverted_cone(con, Scope("79", wh.a79), filters, PERIOD).is_empty()  # a province verdict
    province = membership.coverage_trend(con, Scope("79"), filters)
    assert province["members"].sum() > own["members"].sum()


def test_the_monitoring_targets_work_for_a_commune_viewer(con, wh):
    filters = Filters(date(2025, 1, 1), date(2025, 12, 31))
    units = monitoring.units_in_view(con, Scope("79", wh.a79), filters)
    assert units.rows() == [("commune", wh.a79)]
    table = monitoring.targets_table(con, Scope("79", wh.a79), filters)
    assert set(table["level"]) == {"commune"} and set(table["units"]) == {1}
    assert table.filter(pl.col("kind") == "supervision")["contents"].to_list() == [2]
    filtered = monitoring.units_in_view(con, Scope("79"), Filters(commune_code=wh.b79))
    assert filtered.rows() == [("commune", wh.b79)]


def test_quarantined_rows_belong_to_a_province_only_by_a_known_code(con, wh):
    shown = {}
    for scope in (Scope("79"), Scope("01"), Scope("79", wh.a79), Scope("01", wh.a01)):
        rows = datahealth.quarantine_rows(con, scope, "load-q", "/inbox/q0.csv", None)
        for name in ("/inbox/q1.csv", "/inbox/q2.csv"):
            rows = pl.concat([rows, datahealth.quarantine_rows(con, scope, "load-q", name, None)])
        shown[scope] = sorted(json.loads(o)["source_id"] for o in rows["original"])
    expected = {
        scope: sorted(s for s, p, c in wh.quarantined if p == scope.province_code and scope.commune_code in (None, c))
        for scope in shown
    }
    assert shown == expected
    assert "Q01" not in shown[Scope("79")] and "Q03" in shown[Scope("01")]  # '7901' is nobody's; '1' is 01
    everything = datahealth.top_reasons(con, Scope.all())
    assert everything["rows"].sum() == len(QUARANTINED)


# -- every function, for random scopes and filters ----------------------------------------------------------


def _ids_outside(con, table: str, key: str, ids: list, scope: Scope, extra: str = "TRUE") -> list:
    """Which of `ids` (values of column `key` of `table`) are rows the viewer may not see."""
    if not ids:
        return []
    rows = con.sql(
        f"SELECT t.{key} FROM {table} t WHERE list_contains($ids, t.{key}) AND {extra} "
        f"AND NOT coalesce({IN_SCOPE}, FALSE)",
        params={**_scope_params(scope), "ids": list(ids)},
    ).fetchall()
    return [r[0] for r in rows]


def check_overview(con, wh, scope, filters):
    _assert_rows_inside(overview.provinces(con, scope), scope, wh, "provinces")
    for province in ("79", "01", "48"):
        for commune in overview.communes(con, scope, province)["commune_code"]:
            assert inside(scope, province, commune), ("communes", scope, province, commune)
        for code in overview.boundaries(con, scope, "commune", province)["code"]:
            assert inside(scope, province, code), ("commune boundaries", scope, code)
    for code in overview.boundaries(con, scope, "province")["code"]:
        assert inside(scope, code, communal=False), ("province boundaries", scope, code)
    kpis = overview.kpis(con, scope, filters)
    assert kpis.opinions == _feedback_count(con, scope, filters.with_period(kpis.date_from, kpis.date_to))
    previous = filters.with_period(kpis.previous_from, kpis.previous_to)
    assert kpis.previous_opinions == _feedback_count(con, scope, previous)
    for frame in (overview.rate_by_area(con, scope, filters), overview.report(con, scope, filters, "analyst", [])):
        _assert_areas_inside(frame, scope, wh, "rate_by_area")
        _assert_area_counts(con, frame, "opinions", scope, filters, "rate_by_area", filters.province_code)
    by_field = _feedback_by(con, scope, filters, "t.field")
    _assert_counts(overview.top_fields(con, scope, filters).select("field_code", "opinions").iter_rows(), by_field,
                   "top_fields")  # fmt: skip
    undated = filters.with_period(None, None)
    _assert_counts(overview.monthly_trend(con, scope, filters).iter_rows(),
                   _feedback_by(con, scope, undated, "date_trunc('month', t.received_at)::DATE"), "trend")  # fmt: skip


def check_handling(con, wh, scope, filters):
    figures = handling.figures(con, scope, filters)
    assert figures.summary.opinions == handling.summary(con, scope, filters).opinions
    assert figures.summary.opinions <= _feedback_count(con, scope, Filters())
    for by in ("agency", "province"):
        assert figures.league(by)["received"].sum() <= figures.summary.opinions
    for province in figures.by_province.get_column("province", default=pl.Series([], dtype=pl.String)):
        assert inside(scope, province, communal=scope.commune_code is None), ("league", scope, province)
    overdue = handling.overdue_cases(con, scope, filters)
    _assert_rows_inside(overdue, scope, wh, "overdue_cases")
    assert not _ids_outside(con, "feedback", "source_id", overdue["source_id"].to_list(), scope)
    for province in handling.league(con, scope, filters, "province")["province"]:
        assert inside(scope, province, communal=scope.commune_code is None), ("league", scope, province)
    handling.report(con, scope, filters, "analyst", [])
    for province in protected.handling_report(con, scope, filters, "analyst", [])["province"]:
        assert province is None or inside(scope, province, communal=False), ("handling report", scope, province)


def check_campaign(con, wh, scope, filters):
    _assert_counts(campaign.campaigns(con, scope).select("campaign", "opinions").iter_rows(),
                   _feedback_by(con, scope, Filters(), "t.campaign"), "campaigns")  # fmt: skip
    _assert_counts(campaign.daily(con, scope, filters).select("day", "opinions").iter_rows(),
                   _feedback_by(con, scope, filters, "t.received_at::DATE"), "campaign.daily")  # fmt: skip
    by_province = campaign.by_province(con, scope, filters)
    _assert_rows_inside(by_province, scope, wh, "campaign.by_province")
    _assert_counts(by_province.select("province_code", "opinions").iter_rows(),
                   _feedback_by(con, scope, replace(filters, commune_code=None), "t.province_code"),
                   "campaign.by_province")  # fmt: skip
    _assert_rows_inside(campaign.silent_communes(con, scope, filters), scope, wh, "silent_communes")
    _assert_rows_inside(campaign.report(con, scope, filters, "analyst", []), scope, wh, "campaign.report")
    _assert_counts(campaign.by_level(con, scope, filters).select("level", "opinions").iter_rows(),
                   _feedback_by(con, scope, filters, "t.level"), "campaign.by_level")  # fmt: skip


def check_concerns(con, wh, scope, filters):
    _assert_counts(concerns.field_changes(con, scope, filters).select("field_code", "opinions").iter_rows(),
                   _feedback_by(con, scope, filters, "t.field"), "field_changes")  # fmt: skip
    times = concerns.example_opinions(con, scope, filters)["received_at"].to_list()
    seen = _feedback_by(con, scope, Filters(), "t.received_at", "list_contains($ts, t.received_at)", ts=times)
    assert all(t in seen for t in times), ("example_opinions", scope)


def check_emerging(con, wh, scope, filters):
    _assert_rows_inside(emerging.emerging(con, scope, filters).rises, scope, wh, "emerging")
    _assert_rows_inside(emerging.report(con, scope, filters, "analyst", []), scope, wh, "emerging.report")


def check_maps(con, wh, scope, filters):
    density = hexbins.density(con, scope, filters)
    drawn = density.own_location + density.commune_centroid + density.not_placed
    assert drawn <= _feedback_count(con, scope, filters)
    province = filters.province_code or "79"
    counts = hotspots.area_counts(con, scope, filters, "commune", province)
    _assert_areas_inside(counts, scope, wh, "area_counts")
    _assert_area_counts(con, counts, "opinions", scope, filters, "area_counts", province)
    table = hotspots.hotspots(con, scope, filters, "province")
    _assert_areas_inside(table, scope, wh, "hotspots")
    _assert_area_counts(con, table, "count", scope, filters, "hotspots", None)
    for code in hotspots.report(con, scope, filters, "analyst", [])["code"]:
        if len(code) == 2:
            assert inside(scope, code, communal=scope.commune_code is None), ("hotspots report", scope, code)
        else:
            assert inside(scope, wh.commune_province[code], code), ("hotspots report", scope, code)


def _membership_sums(con, scope: Scope, filters: Filters, *keys: str) -> dict:
    """Members of the in-scope membership rows (under the province filter) summed by `keys` (in Python)."""
    rows = con.sql(
        f"SELECT t.* FROM membership t WHERE {IN_SCOPE} AND ($fp IS NULL OR t.province_code = $fp)",
        params={**_scope_params(scope), "fp": filters.province_code},
    ).fetchall()
    columns = ["period", "organization", "province_code", "commune_code", "level", "setting", "members"]
    sums: dict = {}
    for row in rows:
        record = dict(zip(columns, row, strict=False))
        key = tuple(record[k] for k in keys)
        sums[key] = sums.get(key, 0) + record["members"]
    return sums


def check_membership(con, wh, scope, filters):
    by_level = _membership_sums(con, scope, filters, "level", "period", "organization")
    level = "province" if scope.commune_code is None else "commune"
    for period, org, members in (
        membership.coverage_trend(con, scope, filters).select("period", "organization", "members").iter_rows()
    ):
        assert members == by_level[level, period, org], ("coverage_trend", scope, org)
    for org, lvl, members in (
        membership.cone(con, scope, filters, PERIOD).select("organization", "level", "members").iter_rows()
    ):
        assert (members or 0) == by_level.get((lvl, PERIOD, org), 0), ("cone", scope, org, lvl)
    by_setting = _membership_sums(con, scope, filters, "level", "period", "organization", "province_code", "setting")
    for period, org, setting, members, _ in membership.base_growth(con, scope, filters).iter_rows():
        expected = sum(
            v for (lvl, p, o, _, s), v in by_setting.items() if (lvl, p, o, s) == ("village", period, org, setting)
        )
        assert members == expected, ("base_growth", scope, org, setting)
    period = membership.snapshot_period(con, scope, filters)
    assert period is None or period <= max(PERIOD, f"{filters.date_to:%Y-%m}")
    rows = membership.base_rows(con, scope, filters, None, ["boarding_house", "new_rural"])
    for period, org, province, setting, members, _ in rows.iter_rows():
        assert members == by_setting["village", period, org, province, setting], ("base_rows", scope, province)
    visible = {
        r[0]
        for r in con.sql(
            f"SELECT DISTINCT t.province_code FROM membership t WHERE t.level = 'province' AND {IN_SCOPE}",
            params=_scope_params(scope),
        ).fetchall()
    }
    assert set(membership.inverted_cone(con, scope, filters, PERIOD)["province_code"]) <= visible
    assert set(membership.province_rows(con, scope, filters, PERIOD, national=True)["province_code"]) <= visible
    report = membership.report(con, scope, filters, "analyst", [])
    assert set(report.get_column("province_code", default=pl.Series([], dtype=pl.String))) <= visible
    for province in ("79", "01"):
        for commune in membership.commune_coverage(con, scope, filters, PERIOD, province)["commune_code"]:
            assert inside(scope, province, commune), ("commune_coverage", scope, commune)


def check_models(con, wh, scope, filters):
    adoptions = models.adoptions(con, scope)
    _assert_rows_inside(adoptions, scope, wh, "adoptions")
    expected = _count(con, f"SELECT count(*) FROM model_adoption t WHERE {IN_SCOPE}", _scope_params(scope))
    assert adoptions.height == expected
    _assert_rows_inside(models.panels(con, scope), scope, wh, "panels")
    _assert_rows_inside(models.province_features(con, scope), scope, wh, "province_features")
    for frame in (milestones.milestones(con, scope, filters, AS_OF), milestones.report(con, scope, filters, "x", [])):
        for place in frame["scope"]:
            assert place == "national" or inside(scope, place, communal=False), ("milestones", scope, place)


def check_monitoring(con, wh, scope, filters):
    start, end = filters.date_from.year, filters.date_to.year
    activity = f"{IN_SCOPE} AND ($fp IS NULL OR t.province_code = $fp) AND ($fc IS NULL OR t.commune_code = $fc)"
    place = {**_scope_params(scope), "fp": filters.province_code, "fc": filters.commune_code}
    contents = dict(
        ((y, lvl, u, k), n)
        for y, lvl, u, k, n in con.sql(
            "SELECT year(t.start_date), t.level, CASE t.level WHEN 'province' THEN t.province_code "
            f"ELSE t.commune_code END, t.kind, count(*) FROM activity t WHERE {activity} GROUP BY ALL",
            params=place,
        ).fetchall()
    )
    for year, level, unit, kind, shown in monitoring.activity_counts(con, scope, filters).iter_rows():
        province = unit if level == "province" else wh.commune_province[unit]
        assert inside(scope, province, None if level == "province" else unit), ("activity", scope, unit)
        assert shown == contents[year, level, unit, kind], ("activity_counts", scope, unit, kind)
    units = set(monitoring.units_in_view(con, scope, filters).iter_rows())
    provinces = con.sql(
        "SELECT 'province', t.province_code FROM dim_province t WHERE ($vp IS NULL OR t.province_code = $vp) "
        "AND ($fp IS NULL OR t.province_code = $fp) AND $vc IS NULL AND $fc IS NULL",
        params=place,
    ).fetchall()
    communes = con.sql(f"SELECT 'commune', t.commune_code FROM dim_commune t WHERE {activity}", params=place).fetchall()
    assert units == set(provinces) | set(communes), ("units_in_view", scope, filters)
    for year, level, _, n_units, *_ in monitoring.targets_table(con, scope, filters).iter_rows():
        assert start <= year <= end and n_units == sum(1 for lvl, _ in units if lvl == level)
    for level, dialogues, *_ in monitoring.dialogues(con, scope, filters).iter_rows():
        expected = _count(
            con,
            f"SELECT count(*) FROM activity t WHERE {activity} AND t.kind = 'dialogue' AND t.level = $l "
            "AND t.start_date BETWEEN $d0 AND $d1",
            {**place, "l": level, "d0": filters.date_from, "d1": filters.date_to},
        )
        assert dialogues == expected, ("dialogues", scope, level)
    recs = monitoring.recommendations(con, scope, filters, AS_OF)
    _assert_rows_inside(recs, scope, wh, "recommendations")
    outside = con.sql(
        "SELECT r.recommendation_id FROM recommendation r JOIN activity t USING (activity_id) "
        f"WHERE list_contains($ids, r.recommendation_id) AND NOT coalesce({IN_SCOPE}, FALSE)",
        params={**_scope_params(scope), "ids": recs["recommendation_id"].to_list()},
    ).fetchall()
    assert not outside, ("recommendations", scope, outside)
    for part in ("targets", "chain", "overdue"):
        monitoring.report(con, scope, filters, "analyst", ["--part", part])


def check_outcomes(con, wh, scope, filters):
    counts = ("security_incidents", "mediation_cases", "mediation_resolved", "solidarity_houses")
    frame = outcomes.province_month(con, scope, filters)
    _assert_rows_inside(frame, scope, wh, "province_month")
    sums = dict(
        (tuple(key), value)
        for *key, value in con.sql(
            f"SELECT t.period, t.province_code, t.indicator, sum(t.value) FROM outcome t WHERE {IN_SCOPE} GROUP BY ALL",
            params=_scope_params(scope),
        ).fetchall()
    )
    for period, province, indicator, value in frame.filter(pl.col("indicator").is_in(counts)).iter_rows():
        assert value == pytest.approx(sums[period, province, indicator]), ("province_month", scope, period, province)
    for period, indicator, value in (
        outcomes.monthly(con, scope, filters).filter(pl.col("indicator").is_in(counts)).iter_rows()
    ):
        expected = sum(v for (p, x, i), v in sums.items() if p == period and i == indicator
                       and filters.province_code in (None, x))  # fmt: skip
        assert value == pytest.approx(expected), ("outcomes.monthly", scope, period, indicator)
    for indicator in ("security_incidents", "mediation_success_rate"):
        _assert_rows_inside(outcomes.by_province(con, scope, filters, indicator), scope, wh, "by_province")
    assert outcomes.summary(con, scope, filters).height <= len(counts) * 4
    outcomes.report(con, scope, filters, "analyst", [])
    _assert_rows_inside(outcomes.populations(con, scope), scope, wh, "populations")


def check_public(con, wh, scope, filters):
    provinces = ["79", "01", "48"]
    _assert_rows_inside(public.on_time(con, scope, filters, provinces), scope, wh, "public.on_time")
    counts = public.field_counts(con, scope, filters, provinces).filter(~pl.col("suppressed"))
    for field, shown in counts.select("field_code", "count").iter_rows():
        extra = "t.field IS NOT DISTINCT FROM $x AND list_contains($ps, t.province_code)"
        assert shown == _feedback_count(con, scope, filters, extra, x=field, ps=provinces), ("field_counts", field)
    public.answers(con, scope, filters, provinces)


def check_trust(con, wh, scope, filters):
    data = trust.read_survey(con, scope)
    assert not _ids_outside(con, "survey_response", "response_id", data.responses["response_id"].to_list(), scope)
    _assert_rows_inside(data.margins, scope, wh, "margins")
    assert data.responses.height == _count(
        con, f"SELECT count(*) FROM survey_response t WHERE {IN_SCOPE}", _scope_params(scope)
    )


def check_voices(con, wh, scope, filters):
    expected = _feedback_count(con, scope, filters)
    assert voices.count(con, scope, filters) == expected
    exported = voices.export(con, scope, filters)
    assert exported.height == expected
    _assert_rows_inside(exported, scope, wh, "export")
    for text in (None, "phan anh"):
        found = voices.search(con, scope, filters, text, page=1, page_size=20)
        _assert_rows_inside(found, scope, wh, "search")
    voices.rising_fields(con, scope, filters)
    voices.rising_phrases(con, scope, filters)
    for source_id, province, commune in con.sql(
        "SELECT source_id, province_code, commune_code FROM feedback WHERE source_id IN ('PA-000001', 'PA-000007', "
        "'PA-000300') OR (province_code = '79' AND commune_code = $c)",
        params={"c": wh.a79},
    ).fetchall():
        shown = voices.detail(con, scope, "mattranso", source_id) is not None
        assert shown == inside(scope, province, commune), ("detail", scope, source_id)


def check_datahealth(con, wh, scope, filters):
    mine = sorted(s for s, p, c in wh.quarantined if inside(scope, p, c))
    reasons = datahealth.top_reasons(con, scope)
    assert reasons["rows"].sum() == len(mine)
    assert datahealth.quarantined_files(con, scope)["rows"].sum() == len(mine)
    shown = []
    for row in datahealth.quarantined_files(con, scope).iter_rows(named=True):
        rows = datahealth.quarantine_rows(con, scope, row["load_id"], row["path"], row["sheet"])
        shown += [json.loads(o)["source_id"] for o in rows["original"]]
    assert sorted(shown) == mine
    examples = datahealth.reason_examples(con, scope, ["unknown_channel"], per_reason=50)
    assert sorted(json.loads(o)["source_id"] for o in examples["original"]) == mine
    fresh = datahealth.freshness(con, scope, 30, datetime(2026, 4, 1))
    assert fresh["opinions"].sum() == _feedback_count(con, scope, Filters())
    silent = datahealth.communes_without_opinions(con, scope, filters)
    _assert_rows_inside(silent, scope, wh, "communes_without_opinions")
    place = {**_scope_params(scope), "fp": filters.province_code, "fc": filters.commune_code}
    communes = _count(
        con,
        f"SELECT count(*) FROM dim_commune t WHERE {IN_SCOPE} AND ($fp IS NULL OR t.province_code = $fp) "
        "AND ($fc IS NULL OR t.commune_code = $fc)",
        place,
    )
    assert datahealth.commune_count(con, scope, filters) == communes
    national = scope.province_code is None
    assert (datahealth.load_history(con, scope).height > 0) == national
    assert (datahealth.loads_of_file(con, scope, "q0.csv").height > 0) == national


CHECKS = [
    check_overview,
    check_handling,
    check_campaign,
    check_concerns,
    check_emerging,
    check_maps,
    check_membership,
    check_models,
    check_monitoring,
    check_outcomes,
    check_public,
    check_trust,
    check_voices,
    check_datahealth,
]


def _scopes(wh: ScopeWarehouse) -> st.SearchStrategy[Scope]:
    communes = [
        ("79", wh.a79),
        ("79", wh.b79),
        ("01", wh.a01),
        ("01", wh.a79),  # a commune of 79 named under 01
        ("79", "99999"),  # no such commune
    ]
    return st.one_of(
        st.just(Scope.all()),
        st.sampled_from(["79", "01", "48", "04", "99"]).map(Scope),
        st.sampled_from(communes).map(lambda pc: Scope(*pc)),
    )


def _filters(wh: ScopeWarehouse) -> st.SearchStrategy[Filters]:
    @st.composite
    def build(draw):
        start = draw(st.dates(date(2025, 1, 1), date(2026, 3, 31)))
        return Filters(
            start,
            start + timedelta(days=draw(st.integers(0, 450))),
            province_code=draw(st.sampled_from([None, "79", "01", "48"])),
            commune_code=draw(st.sampled_from([None, None, wh.a79, wh.b79, wh.a01])),
            fields=tuple(draw(st.lists(st.sampled_from(["dat_dai", "y_te", "moi_truong", "an_ninh"]), max_size=2,
                                       unique=True))),
            channels=tuple(draw(st.lists(st.sampled_from(["app", "zalo", "hotline", "dialogue"]), max_size=2,
                                         unique=True))),
        )  # fmt: skip

    return build()


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_nothing_from_outside_the_scope_appears_anywhere(con, wh, data):
    scope = data.draw(_scopes(wh), label="scope")
    filters = data.draw(_filters(wh), label="filters")
    for check in CHECKS:
        check(con, wh, scope, filters)


FIXED_SCOPES = [Scope.all(), Scope("79"), Scope("04"), Scope("99")]


@pytest.mark.parametrize("index", range(len(FIXED_SCOPES) + 3))
def test_the_trust_index_and_the_briefing_stay_in_the_scope(con, wh, index):
    """The slow ones (trust ranks by simulation, the briefing pack of every section), for a few scopes."""
    commune_scopes = [Scope("79", wh.a79), Scope("01", wh.a79), Scope("48", "99999")]
    scope = (FIXED_SCOPES + commune_scopes)[index]
    result = trust.trust_index(con, scope, draws=20)
    respondents = dict(
        ((p, w), n)
        for p, w, n in con.sql(
            f"SELECT t.province_code, t.wave, count(*) FROM survey_response t WHERE {IN_SCOPE} GROUP BY ALL",
            params=_scope_params(scope),
        ).fetchall()
    )
    for province, wave, n in result.index.select("province_code", "wave", "n").iter_rows():
        assert inside(scope, province, communal=False) and n <= respondents[province, wave], (scope, province)
    filters = Filters(date(2025, 10, 1), date(2026, 3, 31))
    pack = brief.collect(con, scope, filters, "presenter", now=datetime(2026, 4, 1, 8, 0))
    assert [(section.key, section.error) for section in pack.sections if section.error] == []
    opinions = pack.section("kpis").number("opinions")
    expected = _feedback_count(con, scope, filters)
    assert opinions.value == expected or (opinions.suppressed and expected < 10), (scope, opinions, expected)


# Functions that take a scope but are not called above, and why that is safe.
NOT_CALLED = {
    "scope.scope_predicate": "the rule itself: every check above goes through it",
    "datahealth.quarantine_scope": "the rule on quarantined rows, used by every quarantine function checked",
    "datahealth._national": "private",
    "hexbins.resolution_for": "no query: picks a map resolution",
    "overview.area_level": "no query: picks the areas to compare",
    "public.provinces_publishing": "no query: intersects a settings frame with the scope",
    "overview.fields": "the field taxonomy, the same for every scope",
    "overview.channels": "the channel list, the same for every scope",
    "overview.data_info": "dates and flags only (as-of, first day, synthetic)",
    "overview.as_of_and_first_day": "dates only",
    "overview.resolve_period": "returns Filters (dates), no rows",
    "monitoring.as_of_date": "a date only",
    "emerging.series_counts": "building block of emerging.emerging (checked)",
    "emerging.weekly_counts": "building block of emerging.emerging (checked)",
    "models.estimates": "estimates from models.panels and models.adoptions (both checked); minutes per scope",
    "models.report": "models.estimates as a table",
    "trust.report": "trust_index (checked) with the full 1,000 draws",
    "brief.heading": "part of brief.collect (checked)",
    "brief.build_section": "part of brief.collect (checked)",
}


def test_every_function_that_takes_a_scope_is_checked():
    """A new analytics function with a `scope` parameter must join the checks above (or NOT_CALLED)."""
    import importlib
    import inspect
    import pkgutil

    import analytics

    source = Path(__file__).read_text(encoding="utf-8")
    missing = []
    for info in pkgutil.iter_modules(analytics.__path__):
        module = importlib.import_module(f"analytics.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or "scope" not in inspect.signature(function).parameters:
                continue
            qualified = f"{info.name}.{name}"
            if name.startswith("_") or qualified in NOT_CALLED:
                continue
            if f"{qualified}(" not in source:
                missing.append(qualified)
    assert not missing, f"not checked for scope leaks: {missing}"
