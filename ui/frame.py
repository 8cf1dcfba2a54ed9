"""What frames every page: the synthetic-data banner, the "as of" caption, and friendly no-data messages."""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics.overview import DataInfo
from analytics.scope import Scope
from ui import data
from ui.i18n import current_language, fmt_date, fmt_datetime, t


def open_data(scope: Scope) -> DataInfo | None:
    """What the current warehouse holds for `scope`; None (after telling the person why) when there is none."""
    try:
        return data.data_info(scope)
    except data.NoWarehouse:
        st.info(f"**{t('frame.no_warehouse_title')}**\n\n{t('frame.no_warehouse')}", icon=":material/database:")
    except duckdb.Error:
        st.error(t("frame.warehouse_unreadable"), icon=":material/error:")
    return None


def header(info: DataInfo) -> None:
    """Synthetic-data banner (when the data is a demo) and the data's as-of time and date range."""
    lang = current_language()
    if info.synthetic:
        st.warning(t("frame.synthetic"), icon=":material/science:")
    if info.as_of and info.first_day and info.last_day:
        st.caption(
            t(
                "frame.as_of",
                as_of=fmt_datetime(info.as_of, lang),
                first=fmt_date(info.first_day, lang),
                last=fmt_date(info.last_day, lang),
            )
        )
