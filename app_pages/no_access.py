"""Không có quyền truy cập — a signed-in person without a line in the role file sees this and nothing else."""

import streamlit as st

from ui import auth
from ui.i18n import t

found = auth.viewer()
st.title(t("auth.no_access_title"))
st.info(t("auth.no_access", who=found.identity or "—"), icon=":material/lock:")
