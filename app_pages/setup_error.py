"""Ứng dụng chưa được cấu hình — no valid login and no safe demo mode: this page and nothing else."""

import streamlit as st

from ui import auth
from ui.i18n import t

st.title(t("setup.title"))
st.write(t("setup.intro"))
for problem in auth.setup_problems():
    st.error(problem, icon=":material/error:")
st.info(t("setup.fix"), icon=":material/build:")
