"""Báo cáo — the congress briefing pack: PPTX/PDF downloads, and presentation mode (`?present=1`) stepping
through the same views with large type (presenter rules: no citizens' text, counts < 10 hidden)."""

import streamlit as st

from ui import data, data_brief, present
from ui.brief import presentation_figure, slide_views
from ui.brief_render import file_name
from ui.filters import current_filters
from ui.i18n import current_language, plain, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
briefing = data_brief.briefing(scope, filters)
views = slide_views(briefing, lang)

if present.active():
    i = present.position(len(views))
    view = views[i]
    st.title(plain(view.title))
    if view.subtitle:
        st.markdown(f"### {plain(view.subtitle)}")
    if view.figures:
        for column, (name, value) in zip(st.columns(min(len(view.figures), 4)), view.figures[:4], strict=False):
            column.metric(name, value, border=True)
    if view.chart is not None:
        st.plotly_chart(presentation_figure(view.chart), key=f"brief_chart_{i}")
    for line in view.bullets:
        st.markdown(f"### {plain(line)}")
    if view.source:
        st.caption(plain(view.source))
    back, where, forward, leave = st.columns([1, 2, 1, 1], vertical_alignment="center")
    back.button(t("brief.previous"), icon=":material/arrow_back:", on_click=present.step, args=(-1, len(views)),
                disabled=i == 0, shortcut="Left", key="brief_previous")  # fmt: skip
    where.markdown(f"**{t('brief.position', i=i + 1, n=len(views))}**")
    forward.button(t("brief.next"), icon=":material/arrow_forward:", on_click=present.step, args=(1, len(views)),
                   disabled=i == len(views) - 1, shortcut="Right", key="brief_next")  # fmt: skip
    leave.button(t("brief.exit"), icon=":material/close:", on_click=present.stop, key="brief_exit")
    st.stop()

st.title(t("brief.title"))
st.caption(t("brief.intro"))
st.markdown(t("brief.area", area=briefing.province_name or t("brief.country"), period=views[0].subtitle))

pptx, pdf, show = st.columns(3)
area = briefing.province_code
pptx.download_button(
    t("brief.pptx"), data_brief.pack_download(scope, filters, "pptx", lang), file_name=file_name(area, briefing.filters, "pptx"),
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", icon=":material/slideshow:",
    on_click="ignore", help=t("brief.download_help"), key="brief_pptx",
)  # fmt: skip
pdf.download_button(
    t("brief.pdf"), data_brief.pack_download(scope, filters, "pdf", lang), file_name=file_name(area, briefing.filters, "pdf"),
    mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore", help=t("brief.download_help"),
    key="brief_pdf",
)  # fmt: skip
show.button(t("brief.present"), icon=":material/co_present:", on_click=present.start, help=t("brief.present_help"),
            type="primary", key="brief_present")  # fmt: skip

st.subheader(t("brief.contents"))
for number, view in enumerate(views, start=1):
    st.markdown(
        f"{number}. **{plain(view.title)}**"
        + (f" — {plain(', '.join(f'{n}: {v}' for n, v in view.figures[:4]))}" if view.figures else "")
    )
