"""Cached access to the current warehouse generation for pages.

One read-only connection per generation file (`st.cache_resource` keyed by its path); every query takes its
own cursor (analytics.db.query). The CURRENT pointer is re-read at most every `POINTER_TTL` seconds, so a new
load reaches the pages within a minute. Query results are cached with the warehouse path, the viewer's scope
and the filters in the key.
"""

from __future__ import annotations

import duckdb
import polars as pl
import streamlit as st

import config
from analytics import db, overview, protected
from analytics.filters import Filters
from analytics.scope import Scope

POINTER_TTL = 30  # seconds between re-reads of warehouse/CURRENT
RESULT_TTL = 600  # seconds a query result is kept (a new generation has a new path, hence new keys)
MAX_RESULTS = 256


class NoWarehouse(Exception):
    """No warehouse generation exists yet (nothing has been loaded)."""


@st.cache_data(ttl=POINTER_TTL, show_spinner=False)
def warehouse_path() -> str | None:
    """The current generation file, or None before the first load."""
    path = config.current_warehouse()
    return str(path) if path else None


@st.cache_resource(max_entries=3, show_spinner=False)
def connection_at(path: str) -> duckdb.DuckDBPyConnection:
    return db.open_warehouse(path)


def connection() -> duckdb.DuckDBPyConnection:
    """The read-only connection to the current generation; raises NoWarehouse before the first load."""
    path = warehouse_path()
    if path is None:
        raise NoWarehouse
    return connection_at(path)


def viewer_scope() -> Scope:
    """What the signed-in person may see (ui.auth: the role file's scope, or the demo switcher's)."""
    from ui import auth

    return auth.viewer().scope


def _role() -> str:
    from ui import auth

    return auth.viewer_role()


def current_path() -> str:
    path = warehouse_path()
    if path is None:
        raise NoWarehouse
    return path


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _data_info(path: str, scope: Scope) -> overview.DataInfo:
    return overview.data_info(connection_at(path), scope)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _kpis(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> overview.Kpis:
    return overview.kpis(connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _top_fields(path: str, scope: Scope, filters: Filters, limit: int, cell_keys: bool = False) -> pl.DataFrame:
    return overview.top_fields(connection_at(path), scope, filters, limit, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _rate_by_area(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> pl.DataFrame:
    return overview.rate_by_area(connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _monthly_trend(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> pl.DataFrame:
    return overview.monthly_trend(connection_at(path), scope, filters, cell_keys=cell_keys)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _boundaries(path: str, scope: Scope, level: str, province_code: str | None) -> pl.DataFrame:
    return overview.boundaries(connection_at(path), scope, level, province_code)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _provinces(path: str, scope: Scope) -> pl.DataFrame:
    return overview.provinces(connection_at(path), scope)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _communes(path: str, scope: Scope, province_code: str) -> pl.DataFrame:
    return overview.communes(connection_at(path), scope, province_code)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _fields(path: str, scope: Scope) -> pl.DataFrame:
    return overview.fields(connection_at(path), scope)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _channels(path: str, scope: Scope) -> pl.DataFrame:
    return overview.channels(connection_at(path), scope)


def data_info(scope: Scope) -> overview.DataInfo:
    """See analytics.overview.data_info."""
    return _data_info(current_path(), scope)


def kpis(scope: Scope, filters: Filters) -> overview.Kpis:
    """See analytics.overview.kpis; counts under the viewer's small-count rule (analytics.protected)."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.kpis(_kpis(current_path(), scope, filters, keys), role, "screen")


def top_fields(scope: Scope, filters: Filters, limit: int = 10) -> pl.DataFrame:
    """See analytics.overview.top_fields; under the viewer's small-count rule."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.top_fields(_top_fields(current_path(), scope, filters, limit, keys), role, "screen", limit=limit)


def rate_by_area(scope: Scope, filters: Filters) -> pl.DataFrame:
    """See analytics.overview.rate_by_area; under the viewer's small-count rule."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.rate_by_area(_rate_by_area(current_path(), scope, filters, keys), role, "screen")


def monthly_trend(scope: Scope, filters: Filters) -> pl.DataFrame:
    """See analytics.overview.monthly_trend; under the viewer's small-count rule."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.monthly_trend(_monthly_trend(current_path(), scope, filters, keys), role, "screen")


def boundaries(scope: Scope, level: str, province_code: str | None = None) -> pl.DataFrame:
    """See analytics.overview.boundaries."""
    return _boundaries(current_path(), scope, level, province_code)


def provinces(scope: Scope) -> pl.DataFrame:
    """See analytics.overview.provinces."""
    return _provinces(current_path(), scope)


def communes(scope: Scope, province_code: str) -> pl.DataFrame:
    """See analytics.overview.communes."""
    return _communes(current_path(), scope, province_code)


def fields(scope: Scope) -> pl.DataFrame:
    """See analytics.overview.fields."""
    return _fields(current_path(), scope)


def channels(scope: Scope) -> pl.DataFrame:
    """See analytics.overview.channels."""
    return _channels(current_path(), scope)
