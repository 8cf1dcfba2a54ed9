"""Cached access for the Voices, Handling and Listening Month pages (same rules as ui/data.py: warehouse
path, scope and filters in every key; one cursor per query)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import streamlit as st

import config
from analytics import campaign, handling, protected, suppress, voices
from analytics.filters import Filters
from analytics.scope import Scope
from etl import cases, corrections, export
from ui.data import MAX_RESULTS, RESULT_TTL, connection_at, current_path

CASE_WINDOW_DAYS = cases.WINDOW_DAYS  # the case group's window, for the page (pages reach etl/ only via ui/)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _search(path: str, scope: Scope, filters: Filters, text: str, page: int) -> pl.DataFrame:
    return voices.search(connection_at(path), scope, filters, text, page)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _count(path: str, scope: Scope, filters: Filters, text: str) -> int:
    return voices.count(connection_at(path), scope, filters, text)


@st.cache_data(ttl=RESULT_TTL, max_entries=16, show_spinner=False)
def _export_csv(path: str, scope: Scope, filters: Filters, text: str) -> bytes:
    frame = voices.export(connection_at(path), scope, filters, text)
    return export.csv_bytes(frame)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _detail(path: str, scope: Scope, source_system: str, source_id: str) -> dict | None:
    return voices.detail(connection_at(path), scope, source_system, source_id)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _rising_fields(path: str, scope: Scope, filters: Filters) -> pl.DataFrame:
    return voices.rising_fields(connection_at(path), scope, filters)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _rising_phrases(path: str, scope: Scope, filters: Filters) -> pl.DataFrame:
    return voices.rising_phrases(connection_at(path), scope, filters)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _handling_figures(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> handling.Figures:
    # summary and both league tables in one pass; with the cell keys for the protected roles
    return handling.figures(connection_at(path), scope, filters, cell_keys=cell_keys)


def _handling_summary(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> handling.Summary:
    return _handling_figures(path, scope, filters, cell_keys).summary


def _league(path: str, scope: Scope, filters: Filters, by: str, cell_keys: bool = False) -> pl.DataFrame:
    return _handling_figures(path, scope, filters, cell_keys).league(by)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _overdue(path: str, scope: Scope, filters: Filters) -> pl.DataFrame:
    return handling.overdue_cases(connection_at(path), scope, filters)


# handling.overdue_cases' columns, for the roles that get no rows (the query is not even run for them)
_NO_OVERDUE = pl.DataFrame(
    schema={"source_system": pl.String, "source_id": pl.String, "received_at": pl.Datetime, "deadline": pl.Date,
            "deadline_days": pl.Int64, "working_days_late": pl.Int64, "province_code": pl.String,
            "agency": pl.String, "level": pl.String, "field": pl.String, "status": pl.String, "content": pl.String}
)  # fmt: skip


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _campaigns(path: str, scope: Scope) -> pl.DataFrame:
    return campaign.campaigns(connection_at(path), scope)


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _campaign_view(path: str, scope: Scope, filters: Filters, cell_keys: bool = False) -> dict[str, pl.DataFrame]:
    con = connection_at(path)
    return {
        "daily": campaign.daily(con, scope, filters, cell_keys=cell_keys),
        "levels": campaign.by_level(con, scope, filters, cell_keys=cell_keys),
        "provinces": campaign.by_province(con, scope, filters, cell_keys=cell_keys),
        "silent": campaign.silent_communes(con, scope, filters),
    }


def search(scope: Scope, filters: Filters, text: str, page: int) -> pl.DataFrame:
    """See analytics.voices.search."""
    return _search(current_path(), scope, filters, text, page)


def count(scope: Scope, filters: Filters, text: str) -> int:
    """See analytics.voices.count."""
    return _count(current_path(), scope, filters, text)


def export_csv(scope: Scope, filters: Filters, text: str) -> Callable[[], bytes]:
    """A download button's deferred data: the filtered opinions as CSV bytes (UTF-8 with BOM, for Excel), the
    export written to the audit log. The viewer is taken now, during the page's run: the callable runs later,
    outside the session, where `auth.viewer()` would not know who clicked."""
    from ui import auth

    found = auth.viewer()
    path = current_path()

    def build() -> bytes:
        data = _export_csv(path, scope, filters, text)
        auth.audit_export("voices.csv", filters, found=found)
        return data

    return build


def write_correction(source_system: str, source_id: str, field: str, corrected_by: str) -> Path:
    """An analyst's field correction as a file in the inbox (the watcher loads it); the file's path."""
    return corrections.write_correction(config.inbox_dir(), source_system, source_id, field, corrected_by)


def detail(scope: Scope, source_system: str, source_id: str) -> dict | None:
    """See analytics.voices.detail."""
    return _detail(current_path(), scope, source_system, source_id)


def rising_fields(scope: Scope, filters: Filters) -> pl.DataFrame:
    return _rising_fields(current_path(), scope, filters)


def rising_phrases(scope: Scope, filters: Filters) -> pl.DataFrame:
    return _rising_phrases(current_path(), scope, filters)


def _role() -> str:
    from ui import auth

    return auth.viewer_role()


def handling_summary(scope: Scope, filters: Filters) -> protected.ShownSummary:
    """See analytics.handling.summary; counts under the viewer's small-count rule (analytics.protected:
    perturbed for the roles with a threshold)."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.handling_summary(_handling_summary(current_path(), scope, filters, keys), role, "screen")


def league_top_bottom(scope: Scope, filters: Filters, by: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The best and worst five of the league table (analytics.handling.league), under the viewer's rule."""
    role = _role()
    keys = protected.needs_keys(role, "screen")
    return protected.league_top_bottom(_league(current_path(), scope, filters, by, keys), role, "screen")


def overdue(scope: Scope, filters: Filters) -> pl.DataFrame:
    """See analytics.handling; citizens' words only for roles that read them (ui.auth), else empty. A list of
    single cases is a table of counts of one: only roles that see exact numbers get its rows."""
    from ui import auth

    if suppress.threshold(auth.viewer_role(), "screen") is not None:  # not even computed (the page's 1 s budget)
        return _NO_OVERDUE
    found = _overdue(current_path(), scope, filters)
    if "content" in found.columns and not auth.viewer().reads_text:
        found = found.with_columns(pl.lit(None, pl.String).alias("content"))
    return found


def campaigns(scope: Scope) -> pl.DataFrame:
    return _campaigns(current_path(), scope)


def campaign_view(scope: Scope, filters: Filters) -> dict[str, pl.DataFrame]:
    """Daily vs baseline, by level, by province and silent communes for the window in `filters`, under the
    viewer's small-count rule (analytics.protected.campaign_view: perturbed for the roles with a threshold)."""
    role = _role()
    view = _campaign_view(current_path(), scope, filters, protected.needs_keys(role, "screen"))
    return protected.campaign_view(view, role, "screen")


def campaign_totals(scope: Scope, filters: Filters) -> protected.CampaignTotals:
    """The window's headline numbers under the viewer's small-count rule."""
    role = _role()
    view = _campaign_view(current_path(), scope, filters, protected.needs_keys(role, "screen"))
    return protected.campaign_totals(view, role, "screen")
