"""Cached access for the public view (warehouse path, scope, filters and the publishing provinces in the key)
and its tables as people read them (hidden counts as "<10"; shares in whole percent, as analytics.public
rounds them)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import public, suppress
from analytics.filters import Filters
from analytics.scope import Scope
from ui import data
from ui.data import MAX_RESULTS, RESULT_TTL
from ui.i18n import fmt_int, fmt_pct, t

HIDDEN = suppress.small_count_label(public.ROLE, public.MEDIUM) or ""


@st.cache_data(ttl=60, show_spinner=False)
def settings() -> pl.DataFrame:
    """The provinces' publication choices (re-read every minute)."""
    return public.published()


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _field_counts(path: str, scope: Scope, filters: Filters, provinces: tuple[str, ...]) -> pl.DataFrame:
    return public.field_counts(data.connection_at(path), scope, filters, list(provinces))


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _on_time(path: str, scope: Scope, filters: Filters, provinces: tuple[str, ...]) -> pl.DataFrame:
    return public.on_time(data.connection_at(path), scope, filters, list(provinces))


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _answers(path: str, scope: Scope, filters: Filters, provinces: tuple[str, ...]) -> pl.DataFrame:
    return public.answers(data.connection_at(path), scope, filters, list(provinces))


def _count_text(column: str, lang: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda v: fmt_int(v, lang), return_dtype=pl.String).fill_null(HIDDEN)


def field_table(scope: Scope, filters: Filters, provinces: list[str], lang: str) -> pl.DataFrame:
    """Opinions per field in the publishing provinces, as shown."""
    frame = _field_counts(data.current_path(), scope, filters, tuple(provinces))
    name = "name_en" if lang == "en" else "name_vi"
    return frame.select(
        pl.col(name).alias(t("public.col.field")),
        _count_text("count", lang).alias(t("public.col.opinions")),
        pl.col("share").map_elements(lambda v: fmt_pct(v, lang, 0), return_dtype=pl.String).fill_null(HIDDEN)
        .alias(t("public.col.share")),
    )  # fmt: skip


def on_time_table(scope: Scope, filters: Filters, provinces: list[str], lang: str) -> pl.DataFrame:
    """Share answered on time per publishing province, as shown."""
    frame = _on_time(data.current_path(), scope, filters, tuple(provinces))
    return frame.select(
        pl.col("name").alias(t("public.col.province")),
        _count_text("due", lang).alias(t("public.col.due")),
        pl.col("on_time_share").map_elements(lambda v: fmt_pct(v, lang, 0), return_dtype=pl.String).fill_null(HIDDEN)
        .alias(t("public.col.on_time")),
    )  # fmt: skip


def answers_table(scope: Scope, filters: Filters, provinces: list[str], lang: str) -> pl.DataFrame:
    """Answered and resolved opinions per field in the publishing provinces, as shown."""
    frame = _answers(data.current_path(), scope, filters, tuple(provinces))
    name = "name_en" if lang == "en" else "name_vi"
    return frame.select(
        pl.col(name).alias(t("public.col.field")),
        _count_text("answered", lang).alias(t("public.col.answered")),
        _count_text("resolved", lang).alias(t("public.col.resolved")),
    )
