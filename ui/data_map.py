"""Cached access for the "Bản đồ số" page (same rules as ui/data.py: warehouse path, scope and filters in the
key), the viewer's role, the map's drill-down callbacks and the live re-read of the warehouse pointer."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from analytics import concerns, emerging, hexbins, hotspots, overview, suppress
from analytics.filters import Filters
from analytics.scope import Scope
from ui import data
from ui.data import MAX_RESULTS, RESULT_TTL
from ui.filters import ALL, COMMUNE, PROVINCE, to_url

LIVE_SECONDS = 30  # with ui.data's 30 s pointer TTL, a new generation shows within 60 s
CHART_KEY = "map_chart"


def viewer_role() -> str:
    """The signed-in person's role (ui.auth)."""
    from ui import auth

    return auth.viewer_role()


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _hotspots(
    path: str, scope: Scope, filters: Filters, level: str, province: str | None, perturbed: bool = False
) -> pl.DataFrame:
    return hotspots.hotspots(data.connection_at(path), scope, filters, level, province, perturbed=perturbed)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _boundaries(path: str, scope: Scope, level: str, province: str | None) -> pl.DataFrame:
    con = data.connection_at(path)
    if level == "commune" and province is None:
        return hotspots._all_commune_boundaries(con, scope)
    return overview.boundaries(con, scope, level, province)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _emerging(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> emerging.Emerging:
    return emerging.emerging(data.connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _density(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> hexbins.Density:
    return hexbins.density(data.connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _field_changes(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> pl.DataFrame:
    return concerns.field_changes(data.connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _examples(path: str, scope: Scope, filters: Filters) -> pl.DataFrame:
    return concerns.example_opinions(data.connection_at(path), scope, filters)


def hotspot_table(scope: Scope, filters: Filters, level: str, province: str | None, role: str) -> pl.DataFrame:
    """See analytics.hotspots.hotspots, with the role's on-screen small-count rule applied (counts perturbed,
    and the rates and statistics computed from them, for the roles with a threshold)."""
    keyed = suppress.threshold(role, "screen") is not None
    table = _hotspots(data.current_path(), scope, filters, level, province, keyed)
    return hotspots.apply_role(table, role, "screen")


def boundaries(scope: Scope, level: str, province: str | None) -> pl.DataFrame:
    """Polygons of the mapped areas (every commune of the country when level is commune and no province)."""
    return _boundaries(data.current_path(), scope, level, province)


def emerging_issues(scope: Scope, filters: Filters, role: str) -> emerging.Emerging:
    """See analytics.emerging.emerging, with the role's on-screen rule applied to the rises (perturbed counts
    for the roles with a threshold)."""
    found = _emerging(data.current_path(), scope, filters, suppress.threshold(role, "screen") is not None)
    return replace(found, rises=emerging.apply_role(found.rises, role, "screen"))


def area_name(scope: Scope, filters: Filters) -> str | None:
    """The selected commune's or province's Vietnamese name (None for the whole country)."""
    province = scope.province_code or filters.province_code
    commune = scope.commune_code or filters.commune_code
    if province and commune:
        match = data.communes(scope, province).filter(pl.col("commune_code") == commune)
        if match.height:
            return match["name_vi"][0]
    if province:
        match = data.provinces(scope).filter(pl.col("province_code") == province)
        return match["name_vi"][0] if match.height else province
    return None


def density(scope: Scope, filters: Filters) -> hexbins.Density:
    """See analytics.hexbins.density, under the viewer's on-screen rule (analytics.protected.density)."""
    from analytics import protected

    role = viewer_role()
    found = _density(data.current_path(), scope, filters, protected.needs_keys(role, "screen"))
    return protected.density(found, role, "screen")


def field_changes(scope: Scope, filters: Filters) -> pl.DataFrame:
    """See analytics.concerns.field_changes; the fields the viewer may see, under the role's on-screen rule
    (analytics.protected.field_changes: perturbed counts and changes for the roles with a threshold; hidden
    fields left out of the chart)."""
    from analytics import protected

    role = viewer_role()
    found = _field_changes(data.current_path(), scope, filters, protected.needs_keys(role, "screen"))
    shown = protected.field_changes(found, role, "screen")
    return shown.filter(~pl.col("suppressed")).drop("suppressed")


def examples(scope: Scope, filters: Filters) -> pl.DataFrame:
    """See analytics.concerns.example_opinions; nothing for roles that do not read citizens' words (ui.auth)."""
    from ui import auth

    found = _examples(data.current_path(), scope, filters)
    return found if auth.viewer().reads_text else found.clear()


def drill_down(level: str) -> None:
    """Callback of the map: a clicked province becomes the province filter (a clicked commune the commune
    filter); the filter bar then writes it to the URL."""
    from ui.map_charts import selected_code

    state = st.session_state.get(CHART_KEY)
    code = selected_code(getattr(state, "selection", None) or (state or {}).get("selection"))
    if code is None:
        return
    if level == "province" and len(code) == 2:
        st.session_state[PROVINCE] = code
        st.session_state[COMMUNE] = ALL
    elif level == "commune" and len(code) == 5 and st.session_state.get(PROVINCE):
        st.session_state[COMMUNE] = code


def url_choice(key: str, options: list[str], default: str) -> None:
    """Before a keyed choice widget first appears, take its value (an option code, not its label) from the URL."""
    if key not in st.session_state:
        wanted = st.query_params.get(key, default)
        st.session_state[key] = wanted if wanted in options else default


def mirror_choice(key: str, value: str | None, default: str) -> None:
    """Write a choice's code to the URL (the default leaves no parameter), as the filter bar does."""
    to_url(key, [value if value != default else None])


def back_to_country() -> None:
    """Breadcrumb callback: clear the province (and commune) filter."""
    st.session_state[PROVINCE] = ALL
    st.session_state[COMMUNE] = ALL


def period_filters(scope: Scope, filters: Filters) -> Filters:
    """The filters with both ends of the period filled (as the Overview does)."""
    k = data.kpis(scope, filters)
    return replace(filters, date_from=k.date_from, date_to=k.date_to)


@st.fragment(run_every=LIVE_SECONDS)
def follow_new_data(shown_path: str) -> None:
    """Re-run the whole page (filters kept in the session) when the warehouse pointer moves to a new generation."""
    if data.warehouse_path() not in (None, shown_path):
        st.rerun(scope="app")
