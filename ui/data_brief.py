"""Cached briefing for the Báo cáo page and presentation mode (key: warehouse path, scope, filters)."""

from __future__ import annotations

import streamlit as st

from analytics import brief
from analytics.filters import Filters
from analytics.scope import Scope
from ui.data import MAX_RESULTS, RESULT_TTL, connection_at, current_path


@st.cache_resource(ttl=RESULT_TTL, max_entries=MAX_RESULTS // 8, show_spinner=False)
def _briefing(path: str, scope: Scope, filters: Filters) -> brief.Briefing:
    return brief.collect(connection_at(path), scope, filters, brief.ROLE)  # frozen: safe to share


def briefing(scope: Scope, filters: Filters) -> brief.Briefing:
    """See analytics.brief.collect (presenter rules)."""
    return _briefing(current_path(), scope, filters)


def pack(scope: Scope, filters: Filters, fmt: str, lang: str) -> bytes:
    """The PPTX or PDF bytes of the briefing (built when the download button is clicked)."""
    from ui.brief_render import render

    return render(briefing(scope, filters), fmt, lang)
