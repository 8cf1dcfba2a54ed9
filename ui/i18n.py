"""Every user-visible string, in one catalogue: Vietnamese (default) and English.

The language lives in `st.session_state["lang"]`, set by the sidebar toggle that app.py draws and bound to
the URL (`?lang=en`). `text()` is pure (for chart builders and tests); `t()` uses the session's language.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANG_KEY = "lang"

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"vi": "Mặt Trận Số Analytics", "en": "Mặt Trận Số Analytics"},
    "lang.label": {"vi": "Ngôn ngữ · Language", "en": "Language · Ngôn ngữ"},
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    # Filter bar
    "filters.header": {"vi": "Bộ lọc", "en": "Filters"},
    "filters.period": {"vi": "Thời gian tiếp nhận", "en": "Received between"},
    "filters.period_help": {
        "vi": "Mặc định: 3 tháng gần nhất có dữ liệu.",
        "en": "Default: the last 3 months with data.",
    },
    "filters.province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "filters.province_help": {
        "vi": "Gõ để tìm, kể cả tên tỉnh cũ trước sáp nhập 2025 (ví dụ: Bình Dương).",
        "en": "Type to search, including pre-2025 province names (e.g. Bình Dương).",
    },
    "filters.province_all": {"vi": "Toàn quốc", "en": "Whole country"},
    "filters.province_merged": {"vi": "{name} — gồm {merged}", "en": "{name} — incl. {merged}"},
    "filters.commune": {"vi": "Xã, phường, đặc khu", "en": "Commune / ward"},
    "filters.commune_all": {"vi": "Tất cả xã, phường", "en": "All communes"},
    "filters.field": {"vi": "Lĩnh vực", "en": "Field"},
    "filters.channel": {"vi": "Kênh tiếp nhận", "en": "Channel"},
    "filters.all": {"vi": "Tất cả", "en": "All"},
    # Frame
    "frame.synthetic": {
        "vi": "Dữ liệu mô phỏng — không phải số liệu thật",
        "en": "Simulated data — not real figures",
    },
    "frame.as_of": {
        "vi": "Số liệu tính đến {as_of} · ý kiến tiếp nhận từ {first} đến {last}",
        "en": "Data as of {as_of} · opinions received from {first} to {last}",
    },
    "frame.no_warehouse_title": {"vi": "Chưa có dữ liệu", "en": "No data yet"},
    "frame.no_warehouse": {
        "vi": (
            "Kho dữ liệu chưa được tạo, nên chưa có gì để hiển thị.\n\n"
            "Cách nạp dữ liệu:\n"
            "- chạy `make run` — tạo dữ liệu mô phỏng, nạp vào kho và mở ứng dụng; hoặc\n"
            "- nạp tệp xuất thật: `python -m etl load <tệp hoặc thư mục>`.\n\n"
            "Sau khi nạp xong, tải lại trang này."
        ),
        "en": (
            "The data warehouse has not been created yet, so there is nothing to show.\n\n"
            "To load data:\n"
            "- run `make run` — generates demo data, loads it and starts the app; or\n"
            "- load real export files: `python -m etl load <file or folder>`.\n\n"
            "Then reload this page."
        ),
    },
    "frame.warehouse_unreadable": {
        "vi": "Không mở được kho dữ liệu hiện tại. Hãy báo cán bộ dữ liệu kiểm tra bằng `python -m etl status`.",
        "en": "The current data warehouse cannot be opened. Ask the data officer to check `python -m etl status`.",
    },
    # Overview page
    "overview.title": {"vi": "Tổng quan", "en": "Overview"},
    "overview.intro": {
        "vi": "Người dân phản ánh bao nhiêu, về việc gì, ở đâu — và có được trả lời đúng hạn không.",
        "en": "How many opinions people sent, about what, where — and whether they were answered on time.",
    },
    "overview.empty": {
        "vi": "Không có ý kiến nào khớp bộ lọc. Hãy mở rộng khoảng thời gian hoặc bỏ bớt điều kiện lọc.",
        "en": "No opinions match the filters. Widen the period or remove some filters.",
    },
    "overview.fields": {"vi": "Người dân phản ánh về việc gì?", "en": "What do people raise?"},
    "overview.areas": {"vi": "Ở đâu có tỷ lệ ý kiến cao nhất?", "en": "Where is the rate highest?"},
    "overview.trend": {"vi": "Xu hướng theo tháng", "en": "Monthly trend"},
    "overview.map_tab": {"vi": "Bản đồ", "en": "Map"},
    "overview.bar_tab": {"vi": "Xếp hạng", "en": "Ranking"},
    "kpi.opinions": {"vi": "Ý kiến trong kỳ", "en": "Opinions in period"},
    "kpi.opinions_help": {
        "vi": "Số ý kiến tiếp nhận từ {date_from} đến {date_to}.",
        "en": "Opinions received from {date_from} to {date_to}.",
    },
    "kpi.delta": {"vi": "{pct} so với kỳ trước", "en": "{pct} vs previous period"},
    "kpi.previous": {"vi": "Kỳ trước cùng độ dài", "en": "Previous period, same length"},
    "kpi.previous_help": {
        "vi": "Số ý kiến tiếp nhận từ {date_from} đến {date_to}.",
        "en": "Opinions received from {date_from} to {date_to}.",
    },
    "kpi.on_time": {"vi": "Trả lời đúng hạn", "en": "Answered on time"},
    "kpi.on_time_value_none": {"vi": "—", "en": "—"},
    "kpi.on_time_detail": {
        "vi": "{on_time} / {due} ý kiến đã đến hạn",
        "en": "{on_time} / {due} opinions due",
    },
    "kpi.on_time_rule": {
        "vi": (
            "Đúng hạn: được trả lời hoặc giải quyết trong {days} ngày kể từ khi tiếp nhận. "
            "Mẫu số: {due} ý kiến tiếp nhận trong kỳ đã đến hạn (đã được trả lời, hoặc tiếp nhận "
            "trước thời điểm số liệu ít nhất {days} ngày)."
        ),
        "en": (
            "On time: answered or resolved within {days} days of receipt. "
            "Denominator: the {due} opinions received in the period that are due (already answered, "
            "or received at least {days} days before the data's as-of time)."
        ),
    },
    # Charts
    "chart.opinions": {"vi": "Số ý kiến", "en": "Opinions"},
    "chart.share": {"vi": "Tỷ lệ", "en": "Share"},
    "chart.field": {"vi": "Lĩnh vực", "en": "Field"},
    "chart.unclassified": {"vi": "Chưa phân loại", "en": "Not yet classified"},
    "chart.fields_title": {
        "vi": "Lĩnh vực nhiều ý kiến nhất — tỷ lệ trên {total} ý kiến, {period}",
        "en": "Top fields — share of {total} opinions, {period}",
    },
    "chart.area": {"vi": "Địa bàn", "en": "Area"},
    "chart.population": {"vi": "Dân số", "en": "Population"},
    "chart.rate": {"vi": "Ý kiến trên 100.000 dân", "en": "Opinions per 100,000 people"},
    "chart.rate_title_province": {
        "vi": "Tỉnh, thành phố có tỷ lệ cao nhất — số ý kiến trên 100.000 dân, {period}",
        "en": "Provinces with the highest rate — opinions per 100,000 people, {period}",
    },
    "chart.rate_title_commune": {
        "vi": "Xã, phường có tỷ lệ cao nhất ({province}) — số ý kiến trên 100.000 dân, {period}",
        "en": "Communes with the highest rate ({province}) — opinions per 100,000 people, {period}",
    },
    "chart.map_title_province": {
        "vi": "Số ý kiến trên 100.000 dân theo tỉnh, {period}",
        "en": "Opinions per 100,000 people by province, {period}",
    },
    "chart.map_title_commune": {
        "vi": "Số ý kiến trên 100.000 dân theo xã ({province}), {period}",
        "en": "Opinions per 100,000 people by commune ({province}), {period}",
    },
    "chart.approximate": {"vi": "ranh giới gần đúng", "en": "approximate boundaries"},
    "chart.estimated": {"vi": "ước tính", "en": "estimated"},
    "chart.population_source_province": {
        "vi": "Mẫu số: dân số tỉnh, thành phố (nguồn: {sources}).",
        "en": "Denominator: province population (source: {sources}).",
    },
    "chart.population_source_commune": {
        "vi": (
            "Mẫu số: dân số xã — {actual} xã theo bảng dân số; {estimated} xã ước tính "
            '(dân số tỉnh × tỷ lệ diện tích xã trong tỉnh, đánh dấu "ước tính").'
        ),
        "en": (
            "Denominator: commune population — {actual} communes from the population table; {estimated} "
            'estimated (province population × the commune\'s share of the province area, marked "estimated").'
        ),
    },
    "chart.month": {"vi": "Tháng", "en": "Month"},
    "chart.trend_title": {
        "vi": "Số ý kiến theo tháng, {period}",
        "en": "Opinions per month, {period}",
    },
}


def text(key: str, lang: str, **fmt: object) -> str:
    """The string `key` in `lang` (Vietnamese when missing), with `{name}` placeholders filled."""
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**fmt) if fmt else template


def current_language() -> str:
    """The session's language: the toggle's value, else Vietnamese."""
    try:
        lang = st.session_state.get(LANG_KEY)
    except Exception:  # outside a Streamlit run (scripts, unit tests)
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **fmt: object) -> str:
    """The string `key` in the session's language."""
    return text(key, current_language(), **fmt)


def language_toggle() -> str:
    """The sidebar language switch, bound to `?lang=` (the default, vi, keeps the URL clean)."""
    return st.sidebar.radio(
        text("lang.label", current_language()),
        LANGUAGES,
        key=LANG_KEY,
        horizontal=True,
        bind="query-params",
    )


def fmt_int(value: int | float, lang: str) -> str:
    """12345 -> '12.345' (vi) / '12,345' (en)."""
    out = f"{round(value):,}"
    return out.replace(",", ".") if lang == "vi" else out


def fmt_num(value: float, lang: str, digits: int = 1) -> str:
    """1234.5 -> '1.234,5' (vi) / '1,234.5' (en)."""
    out = f"{value:,.{digits}f}"
    return out.translate(str.maketrans(",.", ".,")) if lang == "vi" else out


def fmt_pct(share: float, lang: str, digits: int = 1, signed: bool = False) -> str:
    """A 0–1 share (or, with signed=True, a percent change already in %) as '12,3%'."""
    value = share if signed else share * 100
    out = fmt_num(value, lang, digits) + "%"
    return ("+" + out) if signed and value > 0 else out


def fmt_date(day: date | datetime, lang: str) -> str:
    """'31/03/2026' in both languages (the format Vietnamese readers expect)."""
    return day.strftime("%d/%m/%Y")


def fmt_datetime(moment: datetime, lang: str) -> str:
    return moment.strftime("%H:%M %d/%m/%Y")


def fmt_period(date_from: date, date_to: date, lang: str) -> str:
    return f"{fmt_date(date_from, lang)}–{fmt_date(date_to, lang)}"
