"""Tổ chức — membership coverage against targets, the cone by level, inverted cones, growth at the base."""

import polars as pl
import streamlit as st

from analytics.targets import load_targets
from ui import charts_front, data, data_front
from ui.filters import current_filters
from ui.i18n import current_language, fmt_pct, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))
targets = load_targets()
goal = targets["membership"]["coverage_target"]

st.title(t("membership.title"))
st.caption(t("membership.intro"))

view = data_front.membership_view(scope, filters)
if view["period"] is None or view["flags"].is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
    st.stop()
period = view["period"]
st.caption(t("membership.snapshot", period=period))
st.caption(
    t(
        "membership.targets",
        source=targets["membership"][f"source_{lang}"],
        targets=", ".join(f"{t(f'front.org.{org}')} {fmt_pct(v, lang)}" for org, v in goal.items()),
    )
    + " "
    + t("front.targets_note")
)

st.subheader(t("membership.coverage"))
flags = view["flags"]
by_org = flags.group_by("organization").agg(pl.col("members", "eligible").sum()).sort("organization")
st.plotly_chart(
    charts_front.bars(
        [t(f"front.org.{o}") for o in by_org["organization"]],
        [m / e if e else None for m, e in by_org.select("members", "eligible").iter_rows()],
        targets=[goal.get(o) for o in by_org["organization"]],
        percent=True,
        title=t("membership.coverage_title", period=period),
        lang=lang,
    )
)
trend = view["trend"].filter(pl.col("target").is_not_null())
st.plotly_chart(
    charts_front.lines(
        trend,
        x="period",
        y="coverage",
        series="organization",
        names={o: t(f"front.org.{o}") for o in goal},
        percent=True,
        title=t("membership.trend_title", first=trend["period"].min(), last=trend["period"].max()),
        lang=lang,
    )
)

st.subheader(t("membership.inverted"))
rule = targets["inverted_cone"]
st.caption(
    t(
        "membership.rule",
        settings=", ".join(t(f"front.setting.{s}") for s in rule["base_settings"]),
        fraction=fmt_pct(rule["base_fraction_of_target"], lang, 0),
    )
)
inverted = flags.filter(pl.col("inverted_cone"))
st.markdown(t("membership.inverted_count", n=inverted.height, p=inverted["province_code"].n_unique()))
st.dataframe(
    flags.sort(pl.col("inverted_cone").fill_null(False), descending=True).select(
        pl.col("organization")
        .map_elements(lambda o: t(f"front.org.{o}"), return_dtype=pl.String)
        .alias(t("membership.col_org")),
        pl.col("province_name").alias(t("membership.col_province")),
        (pl.col("coverage") * 100).round(1).alias(t("membership.col_coverage") + " (%)"),
        (pl.col("target") * 100).round(1).alias(t("membership.col_target") + " (%)"),
        (pl.col("base_coverage") * 100).round(1).alias(t("membership.col_base") + " (%)"),
        (pl.col("base_threshold") * 100).round(1).alias(t("membership.col_threshold") + " (%)"),
        pl.col("cadres_per_1000").round(3).alias(t("membership.col_cadres")),
        pl.col("national_median").round(3).alias(t("membership.col_median")),
        pl.col("inverted_cone").alias(t("membership.col_inverted")),
    ),
    hide_index=True,
)

st.subheader(t("membership.cone"))
org = st.selectbox(
    t("membership.pick_org"), list(goal), format_func=lambda o: t(f"front.org.{o}"), key="membership_org"
)
cone = view["cone"].filter(pl.col("organization") == org)
st.plotly_chart(
    charts_front.cone(cone, title=t("membership.cone_title", org=t(f"front.org.{org}"), period=period), lang=lang)
)

st.subheader(t("membership.growth"))
growth = view["growth"].filter(pl.col("organization") == org).group_by("period", "setting").agg(pl.col("members").sum())
if growth.height:
    st.plotly_chart(
        charts_front.lines(
            growth,
            x="period",
            y="members",
            series="setting",
            names={s: t(f"front.setting.{s}") for s in rule["growth_settings"]},
            title=t("membership.growth_title", first=growth["period"].min(), last=growth["period"].max()),
            lang=lang,
        )
    )
