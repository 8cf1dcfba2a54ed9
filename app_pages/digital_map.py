"""Bản đồ số — where concern is unusually high for the population (hot spots), where it is rising (emerging
issues), and the outstanding concerns of the selected area."""

import streamlit as st

from analytics import emerging, hotspots, suppress
from analytics.overview import area_level
from ui import auth, charts, data, data_map, map_charts
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, fmt_int, fmt_pct, fmt_period, fmt_q, t

lang = current_language()
scope = data.viewer_scope()
role = data_map.viewer_role()
filters = current_filters(data.data_info(scope))
data_map.follow_new_data(data.warehouse_path())

st.title(t("map.title"))
st.caption(t("map.intro"))

filters = data_map.period_filters(scope, filters)
period = fmt_period(filters.date_from, filters.date_to, lang)
national_level, province = area_level(scope, filters)
provinces = data.provinces(scope)
province_name = charts.province_name(provinces, province)
if province and scope.is_all:
    crumb, here = st.columns([1, 5], vertical_alignment="center")
    crumb.button(t("map.back_to_country"), on_click=data_map.back_to_country, key="map_back")
    here.markdown(f"**{t('map.country')} › {province_name}**")

controls = st.columns(2)
level = national_level
if national_level == "province":
    data_map.url_choice("map_level", ["province", "commune"], "province")
    level = controls[0].segmented_control(
        t("map.level"),
        ["province", "commune"],
        format_func=lambda v: t(f"map.level_{v}"),
        required=True,
        key="map_level",
    )
    data_map.mirror_choice("map_level", level, "province")
data_map.url_choice("map_layer", ["hotspots", "hexagons"], "hotspots")
layer = controls[1].segmented_control(
    t("map.layer"),
    ["hotspots", "hexagons"],
    format_func=lambda v: t(f"map.layer_{v}"),
    required=True,
    key="map_layer",
)
data_map.mirror_choice("map_layer", layer, "hotspots")

table = data_map.hotspot_table(scope, filters, level, province, role)
if not table["count"].fill_null(0).sum() and not table["suppressed"].any():
    st.info(t("map.empty"), icon=":material/filter_alt_off:")
    st.stop()
found = data_map.emerging_issues(scope, filters, role)
rising = found.rises
small_label = suppress.small_count_label(role, "screen")

if layer == "hexagons":
    density = data_map.density(scope, filters)
    st.subheader(t("map.hex_title", resolution=density.resolution, period=period))
    shapes = data_map.boundaries(scope, national_level, province)
    st.pydeck_chart(map_charts.hexagon_deck(density.cells, shapes, lang=lang), height=560)
    st.caption(
        t(
            "map.hex_sources",
            own=auth.fmt_count(density.own_location, lang),
            own_share=fmt_pct(density.own_share or 0.0, lang)
            if None not in (density.own_location, density.commune_centroid)
            else "—",
            centroid=auth.fmt_count(density.commune_centroid, lang),
            unplaced=auth.fmt_count(density.not_placed, lang),
        )
    )
else:
    title_key = "map.title_province" if level == "province" else "map.title_commune"
    figure = map_charts.hotspot_map(
        table,
        data_map.boundaries(scope, level, province),
        title=t(title_key, period=period, area=province_name or t("map.country")),
        lang=lang,
        emerging=rising,
        small_label=small_label,
    )
    if figure is None:
        st.plotly_chart(charts.rate_bar(table.rename({"count": "opinions"}), title=period, lang=lang))
    else:
        st.plotly_chart(
            figure,
            key=data_map.CHART_KEY,
            on_select=lambda: data_map.drill_down(level),
            selection_mode="points",
        )
        if level == "province":
            st.caption(t("map.click_hint"))
    tested = table.filter(table["gi_z"].is_not_null())
    st.markdown(
        t(
            "map.summary",
            hot=fmt_int(tested["hotspot"].str.starts_with("hot").sum(), lang),
            cold=fmt_int(tested["hotspot"].str.starts_with("cold").sum(), lang),
            tested=fmt_int(tested.height, lang),
        )
    )
    st.caption(
        t(
            "map.method",
            k=hotspots.ISLAND_NEIGHBOURS,
            permutations=fmt_int(hotspots.PERMUTATIONS, lang),
            p_min=fmt_q(1 / (hotspots.PERMUTATIONS + 1), lang, digits=5),
            tested=fmt_int(tested.height, lang),
        )
    )
    islands = table.filter("island")
    if islands.height:
        st.caption(t("map.islands", n=islands.height, names=", ".join(islands["name"].to_list()[:8])))
st.caption(charts.population_note(table.rename({"count": "opinions"}), lang))
if small_label:
    st.caption(t("map.small_counts", limit=suppress.threshold(role, "screen"), label=small_label))
st.caption(t("map.live", seconds=data_map.LIVE_SECONDS))

st.subheader(t("map.emerging"))
end = fmt_date(found.end, lang)
if rising.is_empty():
    st.info(t("map.emerging_none", end=end), icon=":material/check_circle:")
else:
    st.dataframe(
        map_charts.emerging_table(rising, lang),
        hide_index=True,
        column_config={t("map.col_weekly"): st.column_config.LineChartColumn(t("map.col_weekly"), y_min=0)},
    )
st.caption(
    t(
        "map.emerging_method",
        end=end,
        baseline=t("map.baseline_seasonal" if found.seasonal else "map.baseline_recent"),
        tested=fmt_int(found.tested, lang),
        alpha=emerging.ALPHA,
        min_count=emerging.MIN_COUNT,
    )
)

st.subheader(t("map.concerns", area=data_map.area_name(scope, filters) or t("map.country")))
previous = filters.previous_period()
st.plotly_chart(
    map_charts.field_change_bar(
        data_map.field_changes(scope, filters),
        title=t("map.concerns_title", previous=fmt_period(previous.date_from, previous.date_to, lang), period=period),
        lang=lang,
    )
)
if suppress.threshold(role, "screen") is None:
    with st.expander(t("map.examples")):
        st.caption(t("map.examples_note"))
        st.dataframe(data_map.examples(scope, filters), hide_index=True)
