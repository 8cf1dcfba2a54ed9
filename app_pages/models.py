"""Mô hình — which models work: adoption timeline, replication table, event study, nearest peers."""

import polars as pl
import streamlit as st

from analytics import models
from ui import charts, charts_front, data, data_front
from ui.filters import current_filters
from ui.i18n import current_language, fmt_date, fmt_num, fmt_pct, fmt_q, t

lang = current_language()
scope = data.viewer_scope()
filters = current_filters(data.data_info(scope))

st.title(t("models.title"))
st.caption(t("models.intro"))

table, studies, adoptions, panels = data_front.model_results(scope)
if adoptions.is_empty():
    st.info(t("front.empty"), icon=":material/filter_alt_off:")
    st.stop()

first = models.first_adoption(adoptions)
st.subheader(t("models.map"))
map_kind = st.radio(
    t("models.pick_kind"),
    models.MODEL_KINDS,
    format_func=lambda k: t(f"front.kind.{k}"),
    horizontal=True,
    key="models_map_kind",
)
provinces = data.provinces(scope)
adopted_n = first.filter(first["model_kind"] == map_kind)["province_code"].n_unique()
adoption_map = charts_front.adoption_map(
    first,
    provinces,
    data.boundaries(scope, "province"),
    kind=map_kind,
    title=t("models.map_title", kind=t(f"front.kind.{map_kind}"), n=adopted_n, total=provinces.height),
    lang=lang,
)
if adoption_map is not None:
    st.plotly_chart(adoption_map)

st.subheader(t("models.timeline"))
period = f"{fmt_date(first['adopted_at'].min(), lang)}–{fmt_date(first['adopted_at'].max(), lang)}"
st.plotly_chart(
    charts_front.adoption_timeline(
        first, title=t("models.timeline_title", n=first["province_code"].n_unique(), period=period), lang=lang
    )
)

st.subheader(t("models.replication"))
st.caption(t("models.replication_note"))
counts = first.group_by("model_kind").agg(pl.col("province_code").n_unique().alias("provinces"))


def _interval(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return "—"
    bounds = f" ({fmt_num(low, lang, 3)} – {fmt_num(high, lang, 3)})" if low is not None else ""
    return fmt_num(value, lang, 3) + bounds


def _evidence(row: dict) -> str:
    words = t(f"front.evidence.{row['evidence']}")
    return words + (" · " + t("models.few_adopters_short", n=row["n_adopters"]) if row["few_adopters"] else "")


rows = list(table.iter_rows(named=True))
st.dataframe(
    pl.DataFrame(
        {
            t("models.col_model"): [t(f"front.kind.{r['model_kind']}") for r in rows],
            t("models.col_outcome"): [t(f"front.outcome.{r['outcome']}") for r in rows],
            t("models.col_effect"): [_interval(r["estimate"], r["ci_low"], r["ci_high"]) for r in rows],
            t("models.col_simple"): [_interval(r["simple"], r["simple_low"], r["simple_high"]) for r in rows],
            t("models.col_relative"): [
                fmt_pct(r["relative_effect"], lang) if r["relative_effect"] is not None else "—" for r in rows
            ],
            t("models.col_adopters"): table["n_adopters"],
            t("models.col_comparison"): table["n_comparison"],
            t("models.col_pretrend"): [fmt_q(r["pretrend_p"], lang, 2) for r in rows],
            t("models.col_evidence"): [_evidence(r) for r in rows],
        }
    ),
    hide_index=True,
)

st.subheader(t("models.event_study"))
pick_kind, pick_outcome = st.columns(2)
kind = pick_kind.selectbox(
    t("models.pick_kind"), models.MODEL_KINDS, format_func=lambda k: t(f"front.kind.{k}"), key="models_kind"
)
outcome = pick_outcome.selectbox(
    t("models.pick_outcome"), models.OUTCOMES, format_func=lambda o: t(f"front.outcome.{o}"), key="models_outcome"
)
row = table.filter((pl.col("model_kind") == kind) & (pl.col("outcome") == outcome)).row(0, named=True)
study = studies.filter((pl.col("model_kind") == kind) & (pl.col("outcome") == outcome)) if studies.height else studies
if study.is_empty():
    st.info(t("front.evidence.insufficient"), icon=":material/info:")
else:
    title = t(
        "models.event_title",
        kind=t(f"front.kind.{kind}"),
        outcome=t(f"front.outcome.{outcome}"),
        first=row["first_period"],
        last=row["last_period"],
    )
    st.plotly_chart(charts_front.event_study(study, title=title, lang=lang))
    st.caption(_evidence(row))
    if row["pretrend_p"] is not None:
        st.caption(t("models.pretrend_note", p=fmt_q(row["pretrend_p"], lang, 2)))
    if row["few_adopters"]:
        st.warning(t("models.few_adopters", n=row["n_adopters"]), icon=":material/warning:")

st.subheader(t("models.peers"))
province = scope.province_code or filters.province_code
if province is None:
    st.info(t("models.peers_pick"), icon=":material/travel_explore:")
    st.stop()
peers, series = models.peer_comparison(panels, first, data_front.province_features(scope), province, kind, outcome)
name = charts.province_name(data.provinces(scope), province)
st.caption(t("models.peers_note"))
st.dataframe(
    peers.select(
        pl.col("province_name").alias(t("models.col_province")),
        pl.col("distance").round(2).alias(t("models.col_distance")),
        pl.col("pre_level").round(3).alias(t("models.col_pre")),
        pl.col("adopted_at").alias(t("models.col_adopted")),
    ),
    hide_index=True,
)
long = series.unpivot(index="period", variable_name="series", value_name="value")
st.plotly_chart(
    charts_front.lines(
        long,
        x="period",
        y="value",
        series="series",
        title=t("models.peers_title", province=name, outcome=t(f"front.outcome.{outcome}")),
        lang=lang,
        names={"province": t("models.series_province"), "peers_mean": t("models.series_peers")},
    )
)
