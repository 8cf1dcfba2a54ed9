"""Cached access to the trust index for pages (key: warehouse path and the viewer's scope)."""

from __future__ import annotations

import streamlit as st

from analytics import protected, trust
from analytics.scope import Scope
from ui.data import MAX_RESULTS, RESULT_TTL, connection_at, current_path


@st.cache_data(ttl=RESULT_TTL, max_entries=MAX_RESULTS, show_spinner=False)
def _trust_index(path: str, scope: Scope) -> trust.TrustResult:
    return trust.trust_index(connection_at(path), scope)


def trust_index(scope: Scope) -> trust.TrustResult:
    """See analytics.trust.trust_index; cells with too few respondents hidden for the viewer's role
    (analytics.protected.trust_result)."""
    from ui import auth

    return protected.trust_result(_trust_index(current_path(), scope), auth.viewer_role(), "screen")
