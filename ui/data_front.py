"""Cached access for the Front's own pages (Mô hình, Tổ chức, Giám sát & phản biện, Kết quả, Lộ trình).

Same rules as ui/data.py: results cached with the warehouse path, the viewer's scope and the filters in the key.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from analytics import membership, milestones, models, monitoring, outcomes, protected
from analytics.filters import Filters
from analytics.scope import Scope
from ui.data import MAX_RESULTS, RESULT_TTL, connection_at, current_path

_cache = st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)


@_cache
def _models(path: str, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    con = connection_at(path)
    results = models.estimates(con, scope)
    return models.table(results), models.event_studies(results), models.adoptions(con, scope), models.panels(con, scope)


@_cache
def _features(path: str, scope: Scope) -> pl.DataFrame:
    return models.province_features(connection_at(path), scope)


@_cache
def _membership(path: str, scope: Scope, filters: Filters) -> dict[str, pl.DataFrame | str | None]:
    con = connection_at(path)
    period = membership.snapshot_period(con, scope, filters)
    if period is None:
        return {"period": None}
    return {
        "period": period,
        "flags": membership.inverted_cone(con, scope, filters, period),
        "trend": membership.coverage_trend(con, scope, filters),
        "cone": membership.cone(con, scope, filters, period),
        "growth": membership.base_growth(con, scope, filters),
    }


@_cache
def _monitoring(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> dict[str, object]:
    con = connection_at(path)
    as_of = monitoring.as_of_date(con, scope)
    return {
        "as_of": as_of,
        "targets": monitoring.targets_table(con, scope, filters),
        "dialogues": monitoring.dialogues(con, scope, filters, cell_keys=cell_keys),
        "recommendations": monitoring.recommendations(con, scope, filters, as_of),
    }


@_cache
def _outcomes(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = connection_at(path)
    return (
        outcomes.summary(con, scope, filters, cell_keys=cell_keys),
        outcomes.monthly(con, scope, filters, cell_keys=cell_keys),
    )


@_cache
def _outcome_by_province(
    path: str, scope: Scope, filters: Filters, indicator: str, cell_keys: bool = False
) -> pl.DataFrame:
    return outcomes.by_province(connection_at(path), scope, filters, indicator, cell_keys=cell_keys)


@_cache
def _milestones(path: str, scope: Scope, filters: Filters) -> tuple[pl.DataFrame, date]:
    con = connection_at(path)
    as_of = monitoring.as_of_date(con, scope)
    return milestones.milestones(con, scope, filters, as_of), as_of


def model_results(scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(replication table, event studies, adoptions, outcome panels): see analytics.models."""
    return _models(current_path(), scope)


def province_features(scope: Scope) -> pl.DataFrame:
    return _features(current_path(), scope)


def membership_view(scope: Scope, filters: Filters) -> dict:
    """Snapshot period, inverted-cone verdicts, coverage trend, cone and base growth: see analytics.membership."""
    return _membership(current_path(), scope, filters)


def monitoring_view(scope: Scope, filters: Filters) -> dict:
    """As-of date, activity targets, dialogues and recommendations: see analytics.monitoring. Adds
    `dialogue_totals`: the dialogue numbers under the viewer's small-count rule (analytics.protected)."""
    role = _role()
    view = _monitoring(current_path(), scope, filters, protected.needs_keys(role, "screen"))
    totals = protected.dialogue_totals(view["dialogues"], role, "screen")
    return {**view, "dialogues": view["dialogues"].select(pl.exclude("^.*_key$")), "dialogue_totals": totals}


def _role() -> str:
    from ui import auth

    return auth.viewer_role()


def outcomes_view(scope: Scope, filters: Filters) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(summary, monthly): see analytics.outcomes; small counts hidden for the viewer's role."""
    role = _role()
    summary, monthly = _outcomes(current_path(), scope, filters, protected.needs_keys(role, "screen"))
    return protected.outcome_summary(summary, role, "screen"), protected.outcome_monthly(monthly, role, "screen")


def outcome_by_province(scope: Scope, filters: Filters, indicator: str) -> pl.DataFrame:
    """See analytics.outcomes.by_province; small counts hidden for the viewer's role."""
    role = _role()
    found = _outcome_by_province(current_path(), scope, filters, indicator, protected.needs_keys(role, "screen"))
    return protected.outcome_by_province(found, indicator, role, "screen")


def milestones_view(scope: Scope, filters: Filters) -> tuple[pl.DataFrame, date]:
    """(milestones with status, as-of date): see analytics.milestones."""
    return _milestones(current_path(), scope, filters)
