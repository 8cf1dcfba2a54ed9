"""The shared filter bar in the sidebar (drawn once by app.py for every page) and the Filters it yields.

Every widget has a key and lives in the URL, so a view is a shareable link:
- the period uses Streamlit's own binding (`bind="query-params"`, ISO dates: `?period=2026-01-01&period=2026-03-31`);
- province, commune, field and channel store *codes* in the URL (`?province=79&field=dat_dai`). Streamlit's
  binding writes the displayed label instead (format_func output), which would make links long and break
  them when the language changes, so these four are synced by `from_url`/`to_url` below.
Pages read the result with `current_filters()`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta

import streamlit as st

from analytics.filters import Filters
from analytics.overview import DataInfo
from analytics.scope import Scope
from ui import data
from ui.i18n import current_language, t, text

PERIOD, PROVINCE, COMMUNE, FIELD, CHANNEL = "period", "province", "commune", "field", "channel"
DEFAULT_MONTHS = 3
ALL = ""  # the "everything" option of the province and commune boxes


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_period(info: DataInfo) -> tuple[date, date]:
    """The last `DEFAULT_MONTHS` months that have data."""
    last = info.last_day or date.today()
    first = months_before(last, DEFAULT_MONTHS) + timedelta(days=1)
    return max(first, info.first_day or first), last


def province_label(row: dict, lang: str) -> str:
    """'Thành phố Hồ Chí Minh — gồm Bình Dương, Bà Rịa - Vũng Tàu': legacy names make old names searchable."""
    merged = row.get("merged_names") or []
    if not merged:
        return row["name_vi"]
    return text("filters.province_merged", lang, name=row["name_vi"], merged=", ".join(merged))


def from_url(key: str, valid: Collection[str], *, multiple: bool = False) -> None:
    """On a widget's first appearance in the session, take its value from the URL (invalid codes ignored)."""
    if key in st.session_state:
        return
    if multiple:
        st.session_state[key] = [v for v in dict.fromkeys(st.query_params.get_all(key)) if v in valid]
    else:
        value = st.query_params.get(key, ALL)
        st.session_state[key] = value if value in valid else ALL


def to_url(key: str, codes: Sequence[str | None]) -> None:
    """Mirror a widget's codes into the URL; the default (nothing chosen) leaves no parameter."""
    wanted = [code for code in codes if code]
    if st.query_params.get_all(key) == wanted:
        return
    if wanted:
        st.query_params[key] = wanted if len(wanted) > 1 else wanted[0]
    else:
        del st.query_params[key]


def _reset_commune() -> None:
    st.session_state[COMMUNE] = ALL


def _period_value(default: tuple[date, date]) -> tuple[date, date]:
    """The chosen period; while only the start is picked, the period runs to the default end."""
    chosen = st.session_state.get(PERIOD) or default
    if isinstance(chosen, date):
        chosen = (chosen,)
    start = chosen[0] if len(chosen) > 0 else default[0]
    end = chosen[1] if len(chosen) > 1 else max(start, default[1])
    return start, end


def _code_or_none(key: str) -> str | None:
    return st.session_state.get(key) or None


def current_filters(info: DataInfo) -> Filters:
    """The Filters the filter bar currently shows (what pages use)."""
    start, end = _period_value(default_period(info))
    return Filters(
        date_from=start,
        date_to=end,
        province_code=_code_or_none(PROVINCE),
        commune_code=_code_or_none(COMMUNE) if _code_or_none(PROVINCE) else None,
        fields=tuple(st.session_state.get(FIELD) or ()),
        channels=tuple(st.session_state.get(CHANNEL) or ()),
    )


def _labelled(labels: dict[str, str]) -> Callable[[str], str]:
    return lambda code: labels.get(code, code)


def filter_bar(scope: Scope, info: DataInfo) -> Filters:
    """Draw the filter bar in the sidebar and return the chosen Filters."""
    lang = current_language()
    name_column = "name_en" if lang == "en" else "name_vi"
    with st.sidebar:
        st.header(t("filters.header"))

        default = default_period(info)
        st.date_input(
            t("filters.period"),
            value=default,
            min_value=info.first_day,
            max_value=info.last_day,
            key=PERIOD,
            bind="query-params",
            format="DD/MM/YYYY",
            help=t("filters.period_help"),
        )

        provinces = data.provinces(scope)
        province_labels = {ALL: t("filters.province_all")} | {
            row["province_code"]: province_label(row, lang) for row in provinces.iter_rows(named=True)
        }
        from_url(PROVINCE, province_labels)
        province = st.selectbox(
            t("filters.province"),
            list(province_labels),
            format_func=_labelled(province_labels),
            key=PROVINCE,
            filter_mode="contains",
            on_change=_reset_commune,
            help=t("filters.province_help"),
        )
        to_url(PROVINCE, [province])

        commune = ALL
        if province:
            communes = data.communes(scope, province)
            commune_labels = {ALL: t("filters.commune_all")} | dict(
                communes.select("commune_code", "name_vi").iter_rows()
            )
            from_url(COMMUNE, commune_labels)
            commune = st.selectbox(
                t("filters.commune"),
                list(commune_labels),
                format_func=_labelled(commune_labels),
                key=COMMUNE,
                filter_mode="contains",
            )
        to_url(COMMUNE, [commune])

        for key, frame, code_column, label in (
            (FIELD, data.fields(scope), "field_code", "filters.field"),
            (CHANNEL, data.channels(scope), "channel_code", "filters.channel"),
        ):
            labels = dict(frame.select(code_column, name_column).iter_rows())
            from_url(key, labels, multiple=True)
            chosen = st.multiselect(
                t(label),
                list(labels),
                format_func=_labelled(labels),
                key=key,
                placeholder=t("filters.all"),
            )
            to_url(key, chosen)
    return current_filters(info)
