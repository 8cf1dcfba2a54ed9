"""Entrypoint: page config, login gate, language, shared filter bar, navigation. Nothing else (DESIGN §3)."""

from pathlib import Path

import streamlit as st

from ui import auth, data, frame, present
from ui.filters import current_filters, filter_bar
from ui.i18n import language_toggle, t

HERE = Path(__file__).parent

st.set_page_config(page_title="Mặt Trận Số Analytics", page_icon=":material/forum:", layout="wide")
presenting = present.active()  # ?present=1: no sidebar, no filter bar
if not presenting:
    language_toggle()
viewer = auth.gate(presenting)  # who this is (login, role file) or demo mode; before anything shows data

page = st.navigation(
    auth.pages(
        viewer,
        [
            st.Page(
                HERE / "app_pages" / "overview.py",
                title=t("nav.overview"),
                icon=":material/dashboard:",
                url_path="tong-quan",
                default=True,
            ),
            st.Page(
                HERE / "app_pages" / "voices.py", title=t("nav.voices"), icon=":material/forum:", url_path="tieng-noi"
            ),
            st.Page(
                HERE / "app_pages" / "handling.py",
                title=t("nav.handling"),
                icon=":material/task_alt:",
                url_path="xu-ly",
            ),
            st.Page(
                HERE / "app_pages" / "campaign.py",
                title=t("nav.campaign"),
                icon=":material/campaign:",
                url_path="thang-lang-nghe",
            ),
            st.Page(
                HERE / "app_pages" / "trust.py",
                title=t("nav.trust"),
                icon=":material/verified_user:",
                url_path="chi-so-niem-tin",
            ),
            st.Page(
                HERE / "app_pages" / "digital_map.py",
                title=t("nav.map"),
                icon=":material/map:",
                url_path="ban-do-so",
            ),
            st.Page(HERE / "app_pages" / "models.py", title=t("nav.models"), icon=":material/hub:", url_path="mo-hinh"),
            st.Page(
                HERE / "app_pages" / "membership.py",
                title=t("nav.membership"),
                icon=":material/groups:",
                url_path="to-chuc",
            ),
            st.Page(
                HERE / "app_pages" / "monitoring.py",
                title=t("nav.monitoring"),
                icon=":material/fact_check:",
                url_path="giam-sat-phan-bien",
            ),
            st.Page(
                HERE / "app_pages" / "outcomes.py",
                title=t("nav.outcomes"),
                icon=":material/volunteer_activism:",
                url_path="ket-qua",
            ),
            st.Page(
                HERE / "app_pages" / "milestones.py",
                title=t("nav.milestones"),
                icon=":material/flag:",
                url_path="lo-trinh",
            ),
            st.Page(
                HERE / "app_pages" / "data_health.py",
                title=t("nav.data_health"),
                icon=":material/database:",
                url_path="du-lieu",
            ),
            st.Page(
                HERE / "app_pages" / "brief.py", title=t("nav.brief"), icon=":material/co_present:", url_path="bao-cao"
            ),
            st.Page(
                HERE / "app_pages" / "public.py", title=t("nav.public"), icon=":material/public:", url_path="cong-khai"
            ),
        ],
    ),
    position="hidden" if presenting else "sidebar",
)

if not auth.has_data_access(viewer):  # the login or no-access page, and nothing else
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
