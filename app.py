"""Entrypoint: page config, language, shared filter bar, navigation. Nothing else (DESIGN §3)."""

from pathlib import Path

import streamlit as st

from ui import data, frame
from ui.filters import filter_bar
from ui.i18n import language_toggle, t

HERE = Path(__file__).parent

st.set_page_config(page_title="Mặt Trận Số Analytics", page_icon=":material/forum:", layout="wide")
language_toggle()

page = st.navigation(
    [
        st.Page(
            HERE / "app_pages" / "overview.py",
            title=t("nav.overview"),
            icon=":material/dashboard:",
            url_path="tong-quan",
            default=True,
        ),
    ]
)

scope = data.viewer_scope()
info = frame.open_data(scope)
if info is None:
    st.stop()
frame.header(info)
filter_bar(scope, info)
page.run()
