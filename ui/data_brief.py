"""Cached briefing for the Báo cáo page and presentation mode (key: warehouse path, scope, filters)."""

from __future__ import annotations

from collections.abc import Callable

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


def pack_download(scope: Scope, filters: Filters, fmt: str, lang: str) -> Callable[[], bytes]:
    """A download button's deferred data: builds the pack when clicked and writes the export to the audit log.
    The viewer is taken now, during the page's run: the callable runs later, outside the session."""
    from ui import auth

    found = auth.viewer()

    def build() -> bytes:
        payload = pack(scope, filters, fmt, lang)
        auth.audit_export(f"brief.{fmt}", filters, found=found)
        return payload

    return build
