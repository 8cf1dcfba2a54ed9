"""Entrypoint: page config, login gate, language, shared filter bar, navigation. Nothing else (DESIGN §3)."""

from pathlib import Path

import streamlit as st

import config
from ui import auth, data, frame, present
from ui.filters import current_filters, filter_bar
from ui.i18n import language_toggle, t

HERE = Path(__file__).parent
config.private_files()  # umask 077 before the app writes anything (audit log, uploads, corrections)

st.set_page_config(page_title="Mặt Trận Số Analytics", page_icon=":material/forum:", layout="wide")
presenting = present.active()  # ?present=1: no sidebar, no filter bar
if not presenting:
    language_toggle()
viewer = auth.gate(presenting)  # login, safe demo mode, or the configuration error; before any data shows

# (page file, catalogue key of its title, icon, URL path); the first is the default page, served at /.
PAGES = (
    ("overview", "nav.overview", "dashboard", "tong-quan"),
    ("voices", "nav.voices", "forum", "tieng-noi"),
    ("handling", "nav.handling", "task_alt", "xu-ly"),
    ("campaign", "nav.campaign", "campaign", "thang-lang-nghe"),
    ("trust", "nav.trust", "verified_user", "chi-so-niem-tin"),
    ("digital_map", "nav.map", "map", "ban-do-so"),
    ("models", "nav.models", "hub", "mo-hinh"),
    ("membership", "nav.membership", "groups", "to-chuc"),
    ("monitoring", "nav.monitoring", "fact_check", "giam-sat-phan-bien"),
    ("outcomes", "nav.outcomes", "volunteer_activism", "ket-qua"),
    ("milestones", "nav.milestones", "flag", "lo-trinh"),
    ("data_health", "nav.data_health", "database", "du-lieu"),
    ("brief", "nav.brief", "co_present", "bao-cao"),
    ("public", "nav.public", "public", "cong-khai"),
)

page = st.navigation(
    auth.pages(
        viewer,
        [
            st.Page(
                HERE / "app_pages" / f"{name}.py",
                title=t(title),
                icon=f":material/{icon}:",
                url_path=url,
                default=index == 0,
            )
            for index, (name, title, icon, url) in enumerate(PAGES)
        ],
    ),
    position="hidden" if presenting else "sidebar",
)

if not auth.has_data_access(viewer):  # the login, no-access or configuration error page, and nothing else
    page.run()
    st.stop()
scope = data.viewer_scope()
info = frame.open_data(scope)
if info is None:
    st.stop()
frame.header(info)
if presenting:
    present.filters_from_url(scope, info)
else:
    filter_bar(scope, info)
auth.audit_view(page.url_path, current_filters(info))
page.run()
