"""Who may see what: the role file, page rights, and (Hypothesis) that no query result leaves the viewer's
scope and that cached results are never shared across scopes."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
import streamlit as st_
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import access, db, handling, hotspots, overview
from analytics.access import RoleFileError, Viewer
from analytics.filters import Filters
from analytics.scope import Scope

COMMUNES = {"26734": "79", "00004": "01", "26737": "79"}


def _lookup():
    return COMMUNES


def test_role_file_is_parsed_with_scopes_and_case_insensitive_identities():
    grants = access.parse_roles(
        "\ufeffidentity,role,scope\n# comment\nA@x.vn,leader,79\nb@x.vn,analyst,all\nc@x.vn,presenter,26734\n"
        "d@x.vn,data_officer,01/00004\n",
        _lookup,
    )
    assert grants["a@x.vn"].scope == Scope("79") and grants["a@x.vn"].role == "leader"
    assert grants["b@x.vn"].scope == Scope.all()
    assert grants["c@x.vn"].scope == Scope("79", "26734")
    assert grants["d@x.vn"].scope == Scope("01", "00004")
    assert access.viewer_for(grants, "a@X.VN", None) == Viewer("a@x.vn", "leader", Scope("79"), "oidc")
    assert access.viewer_for(grants, None, "c@x.vn").role == "presenter"
    assert access.viewer_for(grants, "nobody@x.vn", "sub-1") is None


@pytest.mark.parametrize(
    "text",
    [
        "who,role,scope\na@x.vn,leader,79\n",  # wrong header
        "identity,role,scope\na@x.vn,admin,79\n",  # unknown role
        "identity,role,scope\na@x.vn,leader,7\n",  # bad scope
        "identity,role,scope\na@x.vn,leader,99999\n",  # unknown commune
        "identity,role,scope\na@x.vn,leader,01/26734\n",  # commune of another province
        "identity,role,scope\na@x.vn,leader,79\nA@x.vn,analyst,all\n",  # twice
        "identity,role,scope\n,leader,79\n",  # empty identity
    ],
)
def test_a_bad_role_file_is_refused_whole(text):
    with pytest.raises(RoleFileError):
        access.parse_roles(text, _lookup)


def test_page_rights_follow_the_roles():
    def viewer(role):
        return Viewer("x", role, Scope.all())

    assert access.may_open(viewer("analyst"), "tieng-noi")
    for role in ("leader", "presenter", "public"):
        assert not access.may_open(viewer(role), "tieng-noi")
    assert access.may_open(viewer("data_officer"), "du-lieu") and not access.may_open(viewer("presenter"), "du-lieu")
    assert not access.may_open(viewer("public"), "tong-quan")
    assert all(access.may_open(viewer(r), access.PUBLIC_PAGE) for r in access.ALL_ROLES)


# -- properties over users, scopes and filters -----------------------------------------------------------


@pytest.fixture(scope="module")
def con(fixture_warehouse):
    connection = db.open_warehouse(fixture_warehouse.path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def places(fixture_warehouse):
    frame = fixture_warehouse.feedback.filter(pl.col("commune_code").is_not_null())
    pairs = sorted(set(frame.select("province_code", "commune_code").iter_rows()))
    return pairs


def _scopes(pairs):
    provinces = sorted({p for p, _ in pairs})
    return st.one_of(
        st.just("all"),
        st.sampled_from(provinces),
        st.sampled_from([f"{p}/{c}" for p, c in pairs]),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_result_ever_contains_a_row_outside_the_viewers_scope(con, places, fixture_warehouse, data):
    users = data.draw(st.lists(st.tuples(st.sampled_from(access.ROLES), _scopes(places)), min_size=1, max_size=4))
    text = "identity,role,scope\n" + "".join(f"user{i}@mattran.vn,{r},{s}\n" for i, (r, s) in enumerate(users))
    grants = access.parse_roles(text, lambda: dict((c, p) for p, c in places))
    index = data.draw(st.integers(0, len(users) - 1))
    viewer = access.viewer_for(grants, f"USER{index}@mattran.vn", None)
    assert viewer is not None
    scope = viewer.scope
    start = data.draw(st.dates(date(2025, 6, 1), date(2026, 3, 31)))
    filters = Filters(
        start,
        start + timedelta(days=data.draw(st.integers(0, 300))),
        province_code=data.draw(st.sampled_from([None, *sorted({p for p, _ in places})])),
        fields=tuple(data.draw(st.lists(st.sampled_from(["dat_dai", "y_te", "moi_truong"]), max_size=2))),
    )

    def inside(province, commune=None):
        if scope.province_code and province != scope.province_code:
            return False
        return not (scope.commune_code and commune is not None and commune != scope.commune_code)

    assert all(inside(p) for p in overview.provinces(con, scope)["province_code"])
    for province in overview.provinces(con, scope)["province_code"]:
        assert all(inside(province, c) for c in overview.communes(con, scope, province)["commune_code"])
    areas = overview.rate_by_area(con, scope, filters)
    for row in areas.iter_rows(named=True):
        if row["level"] == "province":
            assert inside(row["code"])
        else:
            assert inside(fixture_warehouse.communes.filter(pl.col("commune_code") == row["code"])["province_code"][0],
                          row["code"])  # fmt: skip
    table = hotspots.hotspots(con, scope, filters, "province")
    assert all(inside(c) for c in table.filter(pl.col("level") == "province")["code"])
    overdue = handling.overdue_cases(con, scope, filters)
    assert all(inside(p) for p in overdue["province_code"]) if "province_code" in overdue.columns else True
    allowed = fixture_warehouse.feedback.filter(
        (pl.col("province_code") == scope.province_code) if scope.province_code else pl.lit(True)
    ).filter((pl.col("commune_code") == scope.commune_code) if scope.commune_code else pl.lit(True))
    assert overview.kpis(con, scope, filters).opinions <= allowed.height


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cached_results_are_never_shared_across_scopes(warehouse, places, data):
    """The page layer's cache (ui.data) keyed by scope: asking as B after A returns B's own numbers."""
    from ui import data as ui_data

    st_.cache_data.clear()
    path = str(warehouse.path)
    provinces = sorted({p for p, _ in places})
    first, second = data.draw(st.lists(st.sampled_from([None, *provinces]), min_size=2, max_size=2, unique=True))
    scopes = [Scope(code) if code else Scope.all() for code in (first, second)]
    filters = Filters(date(2025, 10, 1), date(2026, 3, 31))
    cached = [ui_data._rate_by_area(path, scope, filters) for scope in scopes]
    con = db.open_warehouse(path)
    try:
        direct = [overview.rate_by_area(con, scope, filters) for scope in scopes]
    finally:
        con.close()
    for got, expected in zip(cached, direct, strict=True):
        assert got.equals(expected)
    assert not cached[0].equals(cached[1])


@pytest.mark.parametrize("role", ["presenter", "leader", "analyst"])
def test_the_overview_report_applies_the_roles_export_rule_and_is_audited(warehouse, role, capsys):
    from analytics.__main__ import main
    from etl import audit

    assert main(["overview", "--role", role, "--format", "json", "--from", "2026-01-01", "--to", "2026-03-31"]) == 0
    rows = pl.read_json(capsys.readouterr().out.encode())
    assert "suppressed" in rows.columns
    shown = rows.filter(~pl.col("suppressed"))["opinions"]
    if role == "analyst":
        assert not rows["suppressed"].any()
    else:
        assert rows["suppressed"].any() and (shown >= 10).all()
        assert rows.filter(pl.col("suppressed"))["rate_per_100k"].null_count() == rows["suppressed"].sum()
    last = audit.entries()[-1]
    assert last["event"] == "export" and last["role"] == role and last["export"] == "analytics overview"
