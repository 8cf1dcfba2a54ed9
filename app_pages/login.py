"""Đăng nhập — the only page (besides the public view) an anonymous visitor gets: no data at all."""

import streamlit as st

from ui import auth
from ui.i18n import t

st.title(t("auth.login_title"))
st.write(t("auth.login_intro"))
auth.login_button()
st.caption(t("auth.login_public_hint"))
