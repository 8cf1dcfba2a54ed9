"""Presentation mode (`?present=1`): no sidebar, no filter bar, large type, one briefing view at a time.

The filters still come from the URL (the same codes the filter bar writes), so a presenter opens the link an
analyst shared and adds `&present=1`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics.overview import DataInfo
from analytics.scope import Scope
from ui import data
from ui.filters import CHANNEL, COMMUNE, FIELD, PERIOD, PROVINCE, from_url
from ui.i18n import LANG_KEY, LANGUAGES

PARAM = "present"
SLIDE = "slide"


def active() -> bool:
    """True when the URL asks for presentation mode."""
    return st.query_params.get(PARAM) == "1"


def start() -> None:
    """Button callback: enter presentation mode at the first view."""
    st.query_params[PARAM] = "1"
    st.session_state[SLIDE] = 0


def stop() -> None:
    """Button callback: leave presentation mode."""
    if PARAM in st.query_params:
        del st.query_params[PARAM]
    if SLIDE in st.query_params:
        del st.query_params[SLIDE]


def _dates(values: list[str]) -> tuple[date, ...]:
    out = []
    for value in values[:2]:
        try:
            out.append(date.fromisoformat(value))
        except ValueError:
            return ()
    return tuple(out)


def filters_from_url(scope: Scope, info: DataInfo) -> None:
    """Without the filter bar, take the language and filters from the URL into the session (as the bar would)."""
    lang = st.query_params.get(LANG_KEY)
    if lang in LANGUAGES:
        st.session_state[LANG_KEY] = lang
    period = _dates(st.query_params.get_all(PERIOD))
    if period and PERIOD not in st.session_state:
        st.session_state[PERIOD] = period
    from_url(PROVINCE, {""} | set(data.provinces(scope)["province_code"].to_list()))
    province = st.session_state.get(PROVINCE) or ""
    communes = set(data.communes(scope, province)["commune_code"].to_list()) if province else set()
    from_url(COMMUNE, {""} | communes)
    from_url(FIELD, set(data.fields(scope)["field_code"].to_list()), multiple=True)
    from_url(CHANNEL, set(data.channels(scope)["channel_code"].to_list()), multiple=True)


def step(delta: int, count: int) -> None:
    """Button callback: move `delta` views, clamped to the pack, and mirror the position to `?slide=`."""
    position = min(max(int(st.session_state.get(SLIDE, 0)) + delta, 0), count - 1)
    st.session_state[SLIDE] = position
    st.query_params[SLIDE] = str(position + 1)


def position(count: int) -> int:
    """The current view (0-based): the session's, else `?slide=N` (1-based) from the URL."""
    if SLIDE not in st.session_state:
        try:
            st.session_state[SLIDE] = int(st.query_params.get(SLIDE, "1")) - 1
        except ValueError:
            st.session_state[SLIDE] = 0
    return min(max(int(st.session_state[SLIDE]), 0), max(count - 1, 0))
