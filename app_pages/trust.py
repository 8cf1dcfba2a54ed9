"""Chỉ số niềm tin — the provincial trust index: trend, ranking with uncertainty, dimensions, method."""

import streamlit as st

from analytics import trust
from ui import auth, charts_trust, data, data_trust
from ui.filters import current_filters
from ui.i18n import current_language, fmt_int, fmt_num, plain, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
result = data_trust.trust_index(scope)
min_n = result.catalogue.min_respondents

st.title(t("trust.title"))
st.caption(t("trust.intro", min_n=min_n))
if result.waves.height == 0:
    st.info(t("trust.empty"), icon=":material/how_to_vote:")
    st.stop()

waves = result.waves["wave"].to_list()
wave = st.selectbox(t("trust.wave"), waves, index=len(waves) - 1, key="trust_wave")
names = charts_trust.province_names(result.provinces)
province = filters.province_code
province_name = names.get(province) if province else None

national = result.national.filter(result.national["wave"] == wave).row(0, named=True)
columns = st.columns(2 if province else 1)
hidden = national["index"] is None  # too few respondents for this viewer's role (analytics.protected)
columns[0].metric(
    t("trust.kpi_national", wave=plain(wave)),
    t("auth.hidden") if hidden else fmt_num(national["index"], lang),
    delta=None
    if hidden
    else t(
        "trust.kpi_ci",
        low=fmt_num(national["ci_low"], lang),
        high=fmt_num(national["ci_high"], lang),
        n=fmt_int(national["n"], lang),
    ),  # fmt: skip
    delta_color="off",
    delta_arrow="off",
    border=True,
)
if province:
    rows = result.index.filter((result.index["wave"] == wave) & (result.index["province_code"] == province))
    row = rows.row(0, named=True) if rows.height else None
    if row is None or row["index"] is None:
        columns[1].info(
            t(
                "trust.not_scored",
                name=province_name,
                wave=plain(wave),
                n=auth.fmt_count(row["n"] if row else 0, lang),
                min_n=min_n,
            )
        )
    else:
        scored = result.index.filter((result.index["wave"] == wave) & result.index["index"].is_not_null()).height
        columns[1].metric(
            t("trust.kpi_province", name=province_name, wave=plain(wave)),
            fmt_num(row["index"], lang),
            delta=t(
                "trust.kpi_ci",
                low=fmt_num(row["ci_low"], lang),
                high=fmt_num(row["ci_high"], lang),
                n=fmt_int(row["n"], lang),
            ),  # fmt: skip
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
        columns[1].caption(
            t(
                "trust.kpi_rank",
                rank=row["rank"],
                total=scored,
                level=charts_trust.level_text(lang),
                rank_low=row["rank_low"],
                rank_high=row["rank_high"],
                joint_low=row["rank_low_joint"],
                joint_high=row["rank_high_joint"],
                group=charts_trust.group_text(
                    row["quartile"], row["quartile_low_joint"], row["quartile_high_joint"], lang
                ),
            )  # fmt: skip
        )

changes = trust.wave_change(result, wave)
for change in changes.filter(
    changes["province_code"].is_null() | (changes["province_code"] == (province or ""))
).iter_rows(named=True):
    label = province_name if change["province_code"] else t("trust.national")
    verdict = t("trust.significant" if change["significant"] else "trust.not_significant")
    st.markdown(
        f"**{label} — {t('trust.change', previous=plain(change['previous_wave']))}:** "
        + t(
            "trust.change_value",
            change=fmt_num(change["change"], lang),
            low=fmt_num(change["ci_low"], lang),
            high=fmt_num(change["ci_high"], lang),
            verdict=verdict,
        )  # fmt: skip
    )
    if change["break"]:
        st.caption(t("trust.change_break"))

st.subheader(t("trust.trend"))
st.plotly_chart(
    charts_trust.trend_chart(
        result.national,
        result.breaks,
        lang=lang,
        province=trust.province_trend(result, province) if province else None,
        province_name=province_name,
        peers=trust.peer_trends(result, province) if province else None,
    )
)

st.subheader(t("trust.ranking"))
shown = result.index.filter(result.index["wave"] == wave)
st.plotly_chart(charts_trust.caterpillar(shown, names, wave=wave, lang=lang))
level = charts_trust.level_text(lang)
st.caption(t("trust.rank_note", level=level, total=shown["rank"].drop_nulls().len()))
st.markdown(f"**{t('trust.groups', wave=plain(wave), level=level)}**")
st.dataframe(charts_trust.groups_table(trust.quartile_groups(result, wave), names, lang), hide_index=True)
significant = changes.filter(changes["significant"] & changes["province_code"].is_not_null())
if significant.height == 0 and changes.height:
    st.caption(t("trust.changes_none", previous=plain(changes["previous_wave"][0]), wave=plain(wave)))
elif significant.height:
    st.markdown(f"**{t('trust.changes')}**")
    st.dataframe(
        {
            t("trust.col_province"): [names.get(c, c) for c in significant["province_code"]],
            t("trust.col_change"): [fmt_num(v, lang) for v in significant["change"]],
            t("trust.col_ci"): [
                f"{fmt_num(a, lang)} – {fmt_num(b, lang)}"
                for a, b in significant.select("ci_low", "ci_high").iter_rows()
            ],
            t("trust.col_break"): ["⚠" if b else "" for b in significant["break"]],
        },  # fmt: skip
        hide_index=True,
    )

st.subheader(t("trust.profile"))
st.plotly_chart(
    charts_trust.profile_chart(
        trust.dimension_profile(result, wave, province),
        charts_trust.dimension_names(result.catalogue, lang),
        wave=wave,
        province_name=province_name,
        lang=lang,
    )
)

with st.expander(t("trust.method"), expanded=False):
    summary = trust.sensitivity_summary(result, wave)
    st.markdown(charts_trust.method_text(result, summary, lang))
    st.markdown(f"**{t('trust.waves_table')}**")
    st.dataframe(charts_trust.waves_table(result, lang), hide_index=True)
    st.dataframe(
        {
            t("trust.col_province"): [names.get(c, c) for c in summary["province_code"]],
            t("trust.col_rank_main"): summary["rank_main"],
            t("trust.col_rank_best"): summary["rank_best"],
            t("trust.col_rank_worst"): summary["rank_worst"],
            t("trust.col_shift"): summary["shift"],
        },
        hide_index=True,
    )
    if result.unknown_items:
        st.caption(t("trust.unknown_items", items=plain(", ".join(result.unknown_items))))
if auth.small_count_note():
    st.caption(auth.small_count_note())
