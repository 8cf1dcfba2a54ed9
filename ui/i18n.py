"""Every user-visible string, in one catalogue: Vietnamese (default) and English.

The language lives in `st.session_state["lang"]`, set by the sidebar toggle that app.py draws and bound to
the URL (`?lang=en`). `text()` is pure (for chart builders and tests); `t()` uses the session's language.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import streamlit as st

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANG_KEY = "lang"

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"vi": "Mặt Trận Số Analytics", "en": "Mặt Trận Số Analytics"},
    "lang.label": {"vi": "Ngôn ngữ · Language", "en": "Language · Ngôn ngữ"},
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav.map": {"vi": "Bản đồ số", "en": "Digital Map"},
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
    # Digital Map page ("Bản đồ số")
    "map.title": {"vi": "Bản đồ số", "en": "Digital Map"},
    "map.intro": {
        "vi": (
            "Nơi nào người dân phản ánh nhiều bất thường so với dân số, nơi nào đang tăng lên — và mức độ chắc chắn "
            "của kết luận."
        ),
        "en": "Where concern is unusually high for the population, where it is rising — and how sure we are.",
    },
    "map.empty": {
        "vi": "Không có ý kiến nào khớp bộ lọc. Hãy mở rộng khoảng thời gian hoặc bỏ bớt điều kiện lọc.",
        "en": "No opinions match the filters. Widen the period or remove some filters.",
    },
    "map.country": {"vi": "Toàn quốc", "en": "Whole country"},
    "map.back_to_country": {"vi": "← Toàn quốc", "en": "← Whole country"},
    "map.level": {"vi": "Cấp địa bàn", "en": "Area level"},
    "map.level_province": {"vi": "Tỉnh, thành phố", "en": "Provinces"},
    "map.level_commune": {"vi": "Xã, phường", "en": "Communes"},
    "map.layer": {"vi": "Lớp bản đồ", "en": "Map layer"},
    "map.layer_hotspots": {"vi": "Tỷ lệ và điểm nóng", "en": "Rate and hot spots"},
    "map.layer_hexagons": {"vi": "Mật độ lục giác (H3)", "en": "Hexagon density (H3)"},
    "map.click_hint": {
        "vi": "Bấm vào một tỉnh trên bản đồ để xem các xã, phường của tỉnh đó.",
        "en": "Click a province on the map to see its communes.",
    },
    "map.title_province": {
        "vi": "Số ý kiến trên 100.000 dân và điểm nóng theo tỉnh, {period}",
        "en": "Opinions per 100,000 people and hot spots by province, {period}",
    },
    "map.title_commune": {
        "vi": "Số ý kiến trên 100.000 dân và điểm nóng theo xã ({area}), {period}",
        "en": "Opinions per 100,000 people and hot spots by commune ({area}), {period}",
    },
    "map.hover_count": {"vi": "Số ý kiến", "en": "Opinions"},
    "map.hover_population": {"vi": "Dân số (mẫu số)", "en": "Population (denominator)"},
    "map.hover_rate": {"vi": "Ý kiến/100.000 dân", "en": "Opinions per 100,000"},
    "map.hover_smoothed": {"vi": "Tỷ lệ đã làm trơn", "en": "Smoothed rate"},
    "map.hover_class": {"vi": "Điểm nóng", "en": "Hot spot"},
    "map.class.hot_99": {"vi": "Điểm nóng (tin cậy 99%)", "en": "Hot spot (99% confidence)"},
    "map.class.hot_95": {"vi": "Điểm nóng (tin cậy 95%)", "en": "Hot spot (95% confidence)"},
    "map.class.hot_90": {"vi": "Điểm nóng (tin cậy 90%)", "en": "Hot spot (90% confidence)"},
    "map.class.cold_99": {"vi": "Điểm lạnh (tin cậy 99%)", "en": "Cold spot (99% confidence)"},
    "map.class.cold_95": {"vi": "Điểm lạnh (tin cậy 95%)", "en": "Cold spot (95% confidence)"},
    "map.class.cold_90": {"vi": "Điểm lạnh (tin cậy 90%)", "en": "Cold spot (90% confidence)"},
    "map.class.not_significant": {"vi": "Không có ý nghĩa thống kê", "en": "Not significant"},
    "map.class.suppressed": {"vi": "Ẩn (số nhỏ)", "en": "Hidden (small count)"},
    "map.emerging_marker": {"vi": "Vấn đề mới nổi", "en": "Emerging issue"},
    "map.summary": {
        "vi": "{hot} địa bàn là điểm nóng, {cold} địa bàn là điểm lạnh trên {tested} địa bàn được kiểm định.",
        "en": "{hot} hot spots and {cold} cold spots among {tested} areas tested.",
    },
    "map.method": {
        "vi": (
            "Phương pháp: tỷ lệ được làm trơn bằng Bayes thực nghiệm (co về tỷ lệ chung, mạnh hơn ở nơi ít dân) "
            "trước khi tính Getis-Ord Gi* (PySAL esda). Láng giềng: các vùng có chung ranh giới hoặc đỉnh "
            "(Queen); vùng không có láng giềng (đảo) được nối với {k} vùng gần nhất. Giá trị p theo phép hoán vị "
            "ngẫu nhiên, {permutations} lần (hai phía; giá trị của vùng và các láng giềng được rút lại từ mọi vùng, "
            "không giả định phân phối chuẩn nên vẫn đúng khi tỷ lệ lệch và mỗi vùng ít láng giềng; p nhỏ nhất "
            "{p_min}), hiệu chỉnh kiểm định bội Benjamini–Hochberg (FDR) trên {tested} địa bàn được kiểm định; "
            "điểm nóng/lạnh ở mức tin cậy 90/95/99% tương ứng q ≤ 0,10/0,05/0,01."
        ),
        "en": (
            "Method: rates are stabilised by empirical Bayes smoothing (shrunk towards the overall rate, more "
            "where few people live) before computing Getis-Ord Gi* (PySAL esda). Neighbours: areas sharing a "
            "border or a corner (Queen); an area with none (an island) is linked to its {k} nearest areas. "
            "p-values from a permutation test, {permutations} draws (two-sided; the values of the area and its "
            "neighbours redrawn from all areas, no normal approximation, so it holds for skewed rates and few "
            "neighbours; smallest p {p_min}), corrected for multiple testing with Benjamini–Hochberg (FDR) "
            "across the {tested} areas tested; hot/cold spots at 90/95/99% confidence mean q ≤ 0.10/0.05/0.01."
        ),
    },
    "map.islands": {
        "vi": "{n} vùng không có láng giềng liền kề được nối với vùng gần nhất: {names}.",
        "en": "{n} areas without a contiguous neighbour were linked to their nearest areas: {names}.",
    },
    "map.small_counts": {
        "vi": "Địa bàn có dưới {limit} ý kiến được ẩn theo quy định bảo vệ số liệu nhỏ ({label}).",
        "en": "Areas with fewer than {limit} opinions are hidden under the small-number rule ({label}).",
    },
    "map.hex_title": {
        "vi": "Mật độ ý kiến theo ô lục giác H3 (độ phân giải {resolution}), {period}",
        "en": "Opinion density on H3 hexagons (resolution {resolution}), {period}",
    },
    "map.hex_sources": {
        "vi": (
            "Vị trí: {own} ý kiến ({own_share}) theo tọa độ gửi kèm; {centroid} ý kiến theo tâm xã; "
            "{unplaced} ý kiến chỉ có tỉnh nên không vẽ."
        ),
        "en": (
            "Positions: {own} opinions ({own_share}) at their own coordinates; {centroid} at the commune centre; "
            "{unplaced} with only a province are not drawn."
        ),
    },
    "map.hex_tooltip": {"vi": "{count} ý kiến", "en": "{count} opinions"},
    "map.live": {
        "vi": "Tự cập nhật khi có dữ liệu mới (kiểm tra mỗi {seconds} giây).",
        "en": "Updates itself when new data arrive (checked every {seconds} seconds).",
    },
    "map.emerging": {"vi": "Vấn đề mới nổi — cảnh báo sớm", "en": "Emerging issues — early warning"},
    "map.emerging_none": {
        "vi": "Không có xã nào có lĩnh vực tăng bất thường trong 7 hoặc 30 ngày tính đến {end}.",
        "en": "No commune has a field rising unusually in the 7 or 30 days up to {end}.",
    },
    "map.emerging_method": {
        "vi": (
            "So sánh 7 và 30 ngày gần nhất (đến {end}) của từng xã × lĩnh vực với chính nó {baseline}, điều chỉnh "
            "theo thay đổi chung của cả địa bàn; kiểm định chính xác hai tỷ lệ Poisson, hiệu chỉnh "
            "Benjamini–Hochberg trên {tested} chuỗi được kiểm định; chỉ liệt kê khi q ≤ {alpha} và có ít nhất "
            "{min_count} ý kiến."
        ),
        "en": (
            "The last 7 and 30 days (to {end}) of each commune × field compared with the same series {baseline}, "
            "adjusted for the overall change in the area; exact test of two Poisson rates, Benjamini–Hochberg "
            "across the {tested} series tested; listed when q ≤ {alpha} with at least {min_count} opinions."
        ),
    },
    "map.baseline_seasonal": {
        "vi": "cùng kỳ năm trước (±4 tuần)",
        "en": "in the same weeks a year earlier (±4 weeks)",
    },
    "map.baseline_recent": {
        "vi": "trong 12 tuần liền trước (dữ liệu chưa đủ một năm nên chưa tính mùa vụ)",
        "en": "in the 12 weeks just before (less than a year of data, so not season-aware)",
    },
    "map.col_commune": {"vi": "Xã, phường", "en": "Commune"},
    "map.col_province": {"vi": "Tỉnh", "en": "Province"},
    "map.col_field": {"vi": "Lĩnh vực", "en": "Field"},
    "map.col_window": {"vi": "Cửa sổ (ngày)", "en": "Window (days)"},
    "map.col_recent": {"vi": "Số ý kiến", "en": "Opinions"},
    "map.col_expected": {"vi": "Kỳ vọng", "en": "Expected"},
    "map.col_ratio": {"vi": "Gấp", "en": "Ratio"},
    "map.col_q": {"vi": "q (FDR)", "en": "q (FDR)"},
    "map.col_weekly": {"vi": "12 tuần gần nhất", "en": "Last 12 weeks"},
    "map.concerns": {"vi": "Vấn đề nổi cộm ở {area}", "en": "Outstanding concerns in {area}"},
    "map.concerns_title": {
        "vi": "Lĩnh vực nhiều ý kiến nhất và thay đổi so với kỳ trước ({previous}), {period}",
        "en": "Top fields and change vs the previous period ({previous}), {period}",
    },
    "map.change_none": {"vi": "mới", "en": "new"},
    "map.examples": {"vi": "Ví dụ ý kiến (đã che thông tin cá nhân)", "en": "Example opinions (personal data masked)"},
    "map.examples_note": {
        "vi": "Chỉ cán bộ phân tích thấy mục này. Số điện thoại, số giấy tờ, e-mail trong nội dung đã được che.",
        "en": "Only analysts see this. Phone, ID numbers and e-mails in the text are masked.",
    },
    # Trust index page ("Chỉ số niềm tin")
    "nav.trust": {"vi": "Chỉ số niềm tin", "en": "Trust index"},
    "trust.title": {"vi": "Chỉ số niềm tin cấp tỉnh", "en": "Provincial trust index"},
    "trust.intro": {
        "vi": (
            "Người dân tin tưởng Mặt trận và chính quyền đến đâu, theo khảo sát có trọng số (thang 0–100). "
            "Mỗi con số đi kèm khoảng tin cậy 95% và cỡ mẫu n; tỉnh có dưới {min_n} người trả lời trong một đợt "
            "không được chấm điểm."
        ),
        "en": (
            "How much people trust the Front and the authorities, from a weighted survey (0–100 scale). Every "
            "figure comes with its 95% confidence interval and sample size n; a province with fewer than {min_n} "
            "respondents in a wave is not scored."
        ),
    },
    "trust.empty": {
        "vi": "Chưa có dữ liệu khảo sát niềm tin. Hãy nạp tệp khảo sát (`python -m etl load ...`).",
        "en": "No trust-survey data yet. Load a survey file (`python -m etl load ...`).",
    },
    "trust.wave": {"vi": "Đợt khảo sát", "en": "Survey wave"},
    "trust.national": {"vi": "Toàn quốc", "en": "Whole country"},
    "trust.peers": {"vi": "Các tỉnh cùng vùng", "en": "Provinces of the same region"},
    "trust.kpi_national": {"vi": "Chỉ số toàn quốc, đợt {wave}", "en": "National index, wave {wave}"},
    "trust.kpi_province": {"vi": "{name}, đợt {wave}", "en": "{name}, wave {wave}"},
    "trust.kpi_ci": {
        "vi": "KTC 95%: {low}–{high} · n = {n} người trả lời",
        "en": "95% CI: {low}–{high} · n = {n} respondents",
    },
    "trust.kpi_rank": {
        "vi": (
            "Hạng {rank}/{total} · khoảng hạng {level} của riêng tỉnh: {rank_low}–{rank_high}; đồng thời với cả "
            "{total} tỉnh: {joint_low}–{joint_high} · {group}"
        ),
        "en": (
            "Rank {rank}/{total} · {level} rank interval of this province alone: {rank_low}–{rank_high}; jointly "
            "with all {total} provinces: {joint_low}–{joint_high} · {group}"
        ),
    },
    "trust.not_scored": {
        "vi": "{name} không được chấm điểm ở đợt {wave}: chỉ có {n} người trả lời (cần ít nhất {min_n}).",
        "en": "{name} is not scored in wave {wave}: only {n} respondents (at least {min_n} needed).",
    },
    "trust.change": {"vi": "Thay đổi so với đợt {previous}", "en": "Change since wave {previous}"},
    "trust.change_value": {
        "vi": "{change} điểm (KTC 95%: {low} đến {high}) — {verdict}",
        "en": "{change} points (95% CI: {low} to {high}) — {verdict}",
    },
    "trust.significant": {"vi": "có ý nghĩa thống kê", "en": "significant"},
    "trust.not_significant": {"vi": "không có ý nghĩa thống kê", "en": "not significant"},
    "trust.change_break": {
        "vi": "Lưu ý: giữa hai đợt có thay đổi phương pháp hoặc địa giới — không so sánh trực tiếp.",
        "en": "Note: the method or the boundaries changed between the two waves — not like-for-like.",
    },
    "trust.trend": {"vi": "Diễn biến qua các đợt", "en": "Trend over the waves"},
    "trust.trend_title": {
        "vi": "Chỉ số niềm tin (0–100) với khoảng tin cậy 95%, các đợt {first}–{last}",
        "en": "Trust index (0–100) with 95% confidence intervals, waves {first}–{last}",
    },
    "trust.axis_index": {"vi": "Chỉ số (0–100)", "en": "Index (0–100)"},
    "trust.axis_score": {"vi": "Điểm (0–100)", "en": "Score (0–100)"},
    "trust.break_method": {"vi": "đổi phương pháp", "en": "method change"},
    "trust.break_merger": {"vi": "sáp nhập tỉnh", "en": "province merger"},
    "trust.hover_point": {
        "vi": "{name} · đợt {wave}<br>Chỉ số {index} (KTC 95%: {low}–{high})<br>n = {n} người trả lời",
        "en": "{name} · wave {wave}<br>Index {index} (95% CI: {low}–{high})<br>n = {n} respondents",
    },
    "trust.ranking": {"vi": "Xếp hạng các tỉnh", "en": "Provinces ranked"},
    "trust.caterpillar_title": {
        "vi": (
            "Chỉ số niềm tin theo tỉnh, đợt {wave} (điểm và khoảng tin cậy 95%; màu = nhóm theo điểm; chấm rỗng = "
            "chưa chắc thuộc nhóm)"
        ),
        "en": (
            "Trust index by province, wave {wave} (point and 95% CI; colour = group on the point estimate; hollow "
            "= not surely in it)"
        ),
    },
    "trust.hover_caterpillar": {
        "vi": (
            "{name}<br>Chỉ số {index} (KTC 95%: {low}–{high})<br>Hạng {rank} · khoảng hạng {level} của riêng tỉnh: "
            "{rank_low}–{rank_high}<br>Đồng thời với mọi tỉnh: {joint_low}–{joint_high} · {group}<br>"
            "n = {n} người trả lời"
        ),
        "en": (
            "{name}<br>Index {index} (95% CI: {low}–{high})<br>Rank {rank} · {level} rank interval of this "
            "province alone: {rank_low}–{rank_high}<br>Jointly with all provinces: {joint_low}–{joint_high} · "
            "{group}<br>n = {n} respondents"
        ),
    },
    "trust.quartile_1": {"vi": "Nhóm cao nhất", "en": "Best performers"},
    "trust.quartile_2": {"vi": "Nhóm trung bình cao", "en": "High average"},
    "trust.quartile_3": {"vi": "Nhóm trung bình thấp", "en": "Low average"},
    "trust.quartile_4": {"vi": "Nhóm thấp nhất", "en": "Poor performers"},
    "trust.profile": {"vi": "Các khía cạnh của niềm tin", "en": "Dimensions of trust"},
    "trust.profile_title": {
        "vi": "Điểm từng khía cạnh (0–100) với khoảng tin cậy 95%, đợt {wave}",
        "en": "Score per dimension (0–100) with 95% confidence intervals, wave {wave}",
    },
    "trust.hover_dimension": {
        "vi": "{name} · {dimension}<br>{value} (KTC 95%: {low}–{high})<br>n = {n} người trả lời câu hỏi",
        "en": "{name} · {dimension}<br>{value} (95% CI: {low}–{high})<br>n = {n} respondents answering",
    },
    "trust.method": {"vi": "Phương pháp và độ nhạy", "en": "Method and sensitivity"},
    "trust.method_text": {
        "vi": (
            "- **Câu hỏi → khía cạnh:** {items} câu hỏi thuộc {dims} khía cạnh (danh mục phiên bản {version}); "
            "mỗi câu quy về thang 0–100, câu đảo chiều được đảo lại; câu bỏ trống là thiếu, không tính là 0.\n"
            "- **Trọng số:** dùng trọng số thiết kế khi tệp có; nếu không, hiệu chỉnh (raking) theo cơ cấu giới "
            "tính × nhóm tuổi × thành thị/nông thôn của từng tỉnh, để mẫu trực tuyến nhiều người trẻ, thành thị "
            "không quyết định kết quả.\n"
            "- **Chỉ số:** trung bình cộng các khía cạnh với trọng số bằng nhau; khoảng tin cậy 95% tính theo "
            "thiết kế mẫu (tuyến tính hóa Taylor theo tầng và đơn vị mẫu).\n"
            "- **Xếp hạng:** khoảng hạng {level} *của riêng tỉnh* chứa hạng thật của tỉnh đó với xác suất ít nhất "
            "{level}; khoảng hạng *đồng thời* chứa hạng thật của mọi tỉnh cùng lúc với xác suất ít nhất {level} và "
            "được dùng cho mọi nhận định về nhóm (tứ phân vị như PAPI). Cả hai suy từ khoảng tin cậy của chênh lệch "
            "giữa từng cặp tỉnh, giá trị tới hạn mô phỏng {draws} lần theo phân phối t với bậc tự do của từng tỉnh "
            "(Mogstad và cộng sự, 2024); tỉnh không có sai số chuẩn có thể ở bất kỳ hạng nào.\n"
            "- **Độ nhạy:** hạng được tính lại với trọng số chuyên gia và PCA, cộng và nhân (trung bình hình học). "
            "Trung vị mức dịch chuyển hạng: {median_shift} bậc; lớn nhất: {max_shift} bậc ({max_name})."
        ),
        "en": (
            "- **Questions → dimensions:** {items} questions in {dims} dimensions (catalogue version {version}); "
            "each rescaled to 0–100, reverse-coded ones flipped; a blank answer is missing, never zero.\n"
            "- **Weights:** design weights when the file has them; otherwise raked to each province's sex × age "
            "group × urban/rural population, so an online sample of young urban people does not decide the "
            "result.\n"
            "- **Index:** equal-weight mean of the dimensions; 95% confidence intervals from the survey design "
            "(Taylor linearisation with strata and sampling units).\n"
            "- **Ranks:** the {level} rank interval *of a province alone* holds its true rank with probability at "
            "least {level}; the *joint* rank intervals hold every province's true rank at once with probability at "
            "least {level} and back every statement about a group (quartile groups as PAPI publishes). Both come "
            "from confidence intervals for the difference of each pair of provinces, with a critical value from "
            "{draws} draws of Student's t with each province's degrees of freedom (Mogstad et al., 2024); a "
            "province without a standard error could be at any rank.\n"
            "- **Sensitivity:** ranks recomputed with expert and PCA weights, arithmetic and geometric "
            "aggregation. Median rank shift: {median_shift} places; largest: {max_shift} ({max_name})."
        ),
    },
    "trust.waves_table": {"vi": "Các đợt khảo sát", "en": "Survey waves"},
    "trust.col_wave": {"vi": "Đợt", "en": "Wave"},
    "trust.col_fieldwork": {"vi": "Thời gian thực địa", "en": "Fieldwork"},
    "trust.col_n": {"vi": "Số người trả lời", "en": "Respondents"},
    "trust.col_modes": {"vi": "Hình thức", "en": "Mode"},
    "trust.col_weighting": {"vi": "Trọng số", "en": "Weighting"},
    "trust.col_break": {"vi": "Điểm gãy", "en": "Break"},
    "trust.col_province": {"vi": "Tỉnh", "en": "Province"},
    "trust.col_rank_main": {"vi": "Hạng (chính)", "en": "Rank (main)"},
    "trust.col_rank_best": {"vi": "Hạng tốt nhất", "en": "Best rank"},
    "trust.col_rank_worst": {"vi": "Hạng kém nhất", "en": "Worst rank"},
    "trust.col_shift": {"vi": "Dịch chuyển", "en": "Shift"},
    "trust.weighting.design": {"vi": "thiết kế", "en": "design"},
    "trust.weighting.raked": {"vi": "hiệu chỉnh theo dân số", "en": "raked to population"},
    "trust.weighting.unweighted": {"vi": "không trọng số", "en": "unweighted"},
    "trust.unknown_items": {
        "vi": "Các cột câu hỏi không có trong danh mục bị bỏ qua: {items}.",
        "en": "Question columns not in the catalogue are ignored: {items}.",
    },
    "trust.changes": {"vi": "Tỉnh thay đổi có ý nghĩa so với đợt trước", "en": "Provinces with a significant change"},
    "trust.changes_none": {
        "vi": "Không tỉnh nào thay đổi có ý nghĩa thống kê giữa đợt {previous} và {wave}.",
        "en": "No province changed significantly between waves {previous} and {wave}.",
    },
    "trust.col_change": {"vi": "Thay đổi (điểm)", "en": "Change (points)"},
    "trust.col_ci": {"vi": "KTC 95%", "en": "95% CI"},
    # Voices, Handling, Listening Month (issue 5)
    "nav.voices": {"vi": "Tiếng nói nhân dân", "en": "People's voices"},
    "nav.handling": {"vi": "Xử lý & phản hồi", "en": "Handling & answers"},
    "nav.campaign": {"vi": "Tháng lắng nghe", "en": "Listening Month"},
    "voices.title": {"vi": "Tiếng nói nhân dân", "en": "People's voices"},
    "voices.intro": {
        "vi": "Đọc, tìm và phân loại ý kiến của người dân theo bộ lọc. Tìm kiếm không phân biệt dấu: gõ «dat dai» sẽ thấy «đất đai».",
        "en": "Read, search and classify citizens' opinions under the filters. Search ignores diacritics: «dat dai» finds «đất đai».",
    },
    "voices.search": {"vi": "Tìm trong nội dung", "en": "Search the text"},
    "voices.search_hint": {"vi": "ví dụ: thu hoi dat, ô nhiễm, no luong", "en": "e.g. thu hoi dat, ô nhiễm, no luong"},
    "voices.empty": {
        "vi": "Không có ý kiến nào khớp với bộ lọc và từ khóa. Hãy nới bộ lọc hoặc đổi từ khóa.",
        "en": "No opinion matches the filters and the search. Widen the filters or change the search.",
    },
    "voices.count": {
        "vi": "{n} ý kiến khớp (tiếp nhận {period}), mới nhất trước · trang {page}/{pages}",
        "en": "{n} matching opinions (received {period}), newest first · page {page}/{pages}",
    },
    "voices.page": {"vi": "Trang", "en": "Page"},
    "voices.export": {"vi": "Tải CSV đúng như đang lọc", "en": "Download CSV of exactly this selection"},
    "voices.export_help": {
        "vi": "Tối đa {limit} dòng; nội dung đã che số điện thoại, số định danh và thư điện tử. Chỉ dành cho cán bộ phân tích.",
        "en": "At most {limit} rows; phone, ID numbers and e-mails are masked in the text. For analysts only.",
    },
    "voices.pick": {
        "vi": "Chọn một dòng để xem chi tiết và sửa lĩnh vực.",
        "en": "Pick a row to see its detail and correct its field.",
    },
    "voices.col.received": {"vi": "Tiếp nhận", "en": "Received"},
    "voices.col.province": {"vi": "Tỉnh", "en": "Province"},
    "voices.col.field": {"vi": "Lĩnh vực", "en": "Field"},
    "voices.col.origin": {"vi": "Nguồn phân loại", "en": "Classified by"},
    "voices.col.channel": {"vi": "Kênh", "en": "Channel"},
    "voices.col.status": {"vi": "Trạng thái", "en": "Status"},
    "voices.col.content": {"vi": "Nội dung", "en": "Text"},
    "voices.col.id": {"vi": "Mã phản ánh", "en": "Opinion ID"},
    "origin.source": {"vi": "theo tệp nguồn", "en": "from the source"},
    "origin.rule": {"vi": "quy tắc từ khóa", "en": "keyword rule"},
    "origin.model": {"vi": "mô hình", "en": "model"},
    "origin.correction": {"vi": "cán bộ sửa", "en": "analyst's correction"},
    "origin.none": {"vi": "chưa phân loại", "en": "not classified"},
    "voices.detail": {"vi": "Chi tiết ý kiến {id}", "en": "Opinion {id}"},
    "voices.detail_meta": {
        "vi": "Tiếp nhận {received} · kênh {channel} · cơ quan xử lý: {agency} · lĩnh vực: {field} ({origin}{confidence})",
        "en": "Received {received} · channel {channel} · handled by: {agency} · field: {field} ({origin}{confidence})",
    },
    "voices.history": {"vi": "Lịch sử xử lý", "en": "Status history"},
    "voices.step.received": {"vi": "Tiếp nhận", "en": "Received"},
    "voices.step.forwarded": {"vi": "Đã chuyển", "en": "Forwarded"},
    "voices.step.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "voices.step.resolved": {"vi": "Đã giải quyết", "en": "Resolved"},
    "voices.step.corrected": {"vi": "Sửa lĩnh vực", "en": "Field corrected"},
    "voices.case_group": {
        "vi": "Nhóm vụ việc: {n} ý kiến khác của cùng người, cùng lĩnh vực, cùng xã, cách nhau không quá {days} ngày",
        "en": "Case group: {n} other opinions of the same person, field and commune, each within {days} days of the last",
    },
    "voices.correct": {"vi": "Sửa lĩnh vực", "en": "Correct the field"},
    "voices.correct_field": {"vi": "Lĩnh vực đúng", "en": "Correct field"},
    "voices.correct_by": {"vi": "Người sửa", "en": "Corrected by"},
    "voices.correct_submit": {"vi": "Gửi bản sửa", "en": "Send the correction"},
    "voices.correct_sent": {
        "vi": "Đã ghi tệp sửa {file} vào thư mục inbox. Bản sửa có hiệu lực sau khi bộ nạp chạy (trình theo dõi inbox nạp trong vài giây).",
        "en": "Wrote the correction file {file} into the inbox. It takes effect once the loader runs (the inbox watcher loads it within seconds).",
    },
    "voices.rising": {"vi": "Điều gì đang tăng", "en": "What is rising"},
    "voices.rising_title": {
        "vi": "Chênh lệch số ý kiến theo lĩnh vực, {period} so với kỳ trước cùng độ dài",
        "en": "Change in opinions per field, {period} vs the previous period of equal length",
    },
    "voices.phrases": {
        "vi": "Cụm từ tăng nhanh (tỷ lệ ý kiến có cụm từ, mẫu tối đa {sample} ý kiến mỗi kỳ)",
        "en": "Phrases rising fastest (share of opinions containing them, samples of up to {sample} opinions per period)",
    },
    "voices.col.phrase": {"vi": "Cụm từ (không dấu)", "en": "Phrase (folded)"},
    "voices.col.current_share": {"vi": "Kỳ này", "en": "This period"},
    "voices.col.previous_share": {"vi": "Kỳ trước", "en": "Previous period"},
    "handling.title": {"vi": "Xử lý & phản hồi", "en": "Handling & answers"},
    "handling.intro": {
        "vi": "Ý kiến đã được chuyển, trả lời, giải quyết đúng hạn chưa, ở đâu chậm. Hạn tính theo ngày làm việc (bỏ thứ Bảy, Chủ nhật, ngày lễ và Tết).",
        "en": "Are opinions forwarded, answered and resolved on time, and where is it slow. Deadlines count working days (weekends, public holidays and Tết excluded).",
    },
    "handling.empty": {"vi": "Không có ý kiến nào theo bộ lọc.", "en": "No opinion under the filters."},
    "handling.stage.received": {"vi": "Tiếp nhận", "en": "Received"},
    "handling.stage.forwarded": {"vi": "Đã chuyển", "en": "Forwarded"},
    "handling.stage.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "handling.stage.resolved": {"vi": "Đã giải quyết", "en": "Resolved"},
    "handling.funnel_title": {
        "vi": "Từ tiếp nhận đến giải quyết, ý kiến tiếp nhận {period}",
        "en": "From receipt to resolution, opinions received {period}",
    },
    "handling.on_time": {"vi": "Trả lời đúng hạn", "en": "Answered on time"},
    "handling.on_time_detail": {"vi": "{on_time} / {due} ý kiến đến hạn", "en": "{on_time} / {due} opinions due"},
    "handling.median": {"vi": "Trung vị số ngày trả lời", "en": "Median days to answer"},
    "handling.median_detail": {"vi": "trên {n} ý kiến đã trả lời", "en": "over {n} answered opinions"},
    "handling.overdue": {"vi": "Quá hạn hiện nay", "en": "Overdue now"},
    "handling.overdue_detail": {"vi": "chưa trả lời, đã qua hạn", "en": "unanswered, past the deadline"},
    "handling.satisfaction": {"vi": "Mức hài lòng (1–5)", "en": "Satisfaction (1–5)"},
    "handling.satisfaction_detail": {"vi": "trung bình của {n} đánh giá", "en": "mean of {n} ratings"},
    "handling.none": {"vi": "—", "en": "—"},
    "handling.rule": {
        "vi": "Hạn trả lời: theo lĩnh vực và cấp xử lý (mặc định 15 ngày làm việc), đếm từ ngày sau ngày tiếp nhận. «Đến hạn» = đã trả lời hoặc đã qua hạn tính đến {as_of}; ý kiến chưa đến hạn không tính. Tỷ lệ đúng hạn = trả lời trong hạn ÷ ý kiến đến hạn.",
        "en": "Answer deadline: by field and handling level (default 15 working days), counted from the day after receipt. «Due» = answered or past the deadline as of {as_of}; opinions not yet due do not count. On-time share = answered by the deadline ÷ opinions due.",
    },
    "handling.deadlines": {"vi": "Bảng hạn trả lời (ngày làm việc)", "en": "Deadline table (working days)"},
    "handling.league": {"vi": "Xếp hạng đơn vị xử lý", "en": "Handling league tables"},
    "handling.league_help": {
        "vi": "Chỉ xếp hạng đơn vị có ít nhất {min_due} ý kiến đến hạn. Mẫu số ghi ở cột «Đến hạn».",
        "en": "Only units with at least {min_due} opinions due are ranked. The denominator is the «Due» column.",
    },
    "handling.agencies": {"vi": "Cơ quan xử lý", "en": "Handling agencies"},
    "handling.provinces": {"vi": "Tỉnh, thành phố", "en": "Provinces"},
    "handling.top": {"vi": "5 đơn vị đúng hạn nhất", "en": "Top 5 on time"},
    "handling.bottom": {"vi": "5 đơn vị chậm nhất", "en": "Bottom 5"},
    "handling.overdue_list": {"vi": "Danh sách quá hạn (cán bộ phân tích)", "en": "Overdue list (analysts)"},
    "handling.col.agency": {"vi": "Cơ quan", "en": "Agency"},
    "handling.col.province": {"vi": "Tỉnh", "en": "Province"},
    "handling.col.received": {"vi": "Tiếp nhận", "en": "Received"},
    "handling.col.due": {"vi": "Đến hạn", "en": "Due"},
    "handling.col.on_time_share": {"vi": "Tỷ lệ đúng hạn", "en": "On-time share"},
    "handling.col.median_days": {"vi": "Trung vị ngày", "en": "Median days"},
    "handling.col.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "handling.col.deadline": {"vi": "Hạn", "en": "Deadline"},
    "handling.col.late": {"vi": "Trễ (ngày làm việc)", "en": "Late (working days)"},
    "campaign.title": {"vi": "Tháng lắng nghe ý kiến nhân dân", "en": "Month of listening to people's voices"},
    "campaign.intro": {
        "vi": "Một đợt lắng nghe so với mức nền: số ý kiến mỗi ngày, theo cấp, theo địa phương, tỷ lệ tham gia và những xã chưa có tiếng nói.",
        "en": "A listening campaign against its baseline: opinions per day, by level and locality, participation, and the communes not heard from.",
    },
    "campaign.pick": {"vi": "Đợt", "en": "Campaign"},
    "campaign.filter_period": {"vi": "Thời gian trong bộ lọc ({period})", "en": "The filter's period ({period})"},
    "campaign.window": {
        "vi": "Cửa sổ {period}; các bộ lọc tỉnh, lĩnh vực, kênh vẫn áp dụng, bộ lọc thời gian được thay bằng cửa sổ của đợt.",
        "en": "Window {period}; the province, field and channel filters apply; the period filter is replaced by the campaign's window.",
    },
    "campaign.opinions": {"vi": "Ý kiến", "en": "Opinions"},
    "campaign.baseline": {"vi": "Mức nền", "en": "Baseline"},
    "campaign.baseline_rule": {
        "vi": "Mức nền của một ngày = trung bình số ý kiến cùng thứ trong tuần của {weeks} tuần trước đợt.",
        "en": "A day's baseline = the mean number of opinions on the same weekday over the {weeks} weeks before the window.",
    },
    "campaign.daily_title": {
        "vi": "Ý kiến mỗi ngày so với mức nền, {period}",
        "en": "Opinions per day vs baseline, {period}",
    },
    "campaign.levels_title": {"vi": "Ý kiến theo cấp xử lý, {period}", "en": "Opinions by handling level, {period}"},
    "campaign.total": {"vi": "Ý kiến trong đợt", "en": "Opinions in the window"},
    "campaign.vs_baseline": {"vi": "mức nền {baseline}", "en": "baseline {baseline}"},
    "campaign.per_10k": {"vi": "Ý kiến / 10.000 dân", "en": "Opinions per 10,000 people"},
    "campaign.per_10k_detail": {"vi": "dân số {population}", "en": "population {population}"},
    "campaign.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "campaign.answered_detail": {
        "vi": "{answered} / {opinions} ý kiến trong đợt",
        "en": "{answered} / {opinions} opinions in the window",
    },
    "campaign.provinces": {"vi": "Theo địa phương", "en": "By locality"},
    "campaign.silent": {
        "vi": "Xã, phường chưa có ý kiến nào trong đợt: {n}",
        "en": "Communes with no opinion in the window: {n}",
    },
    "campaign.col.province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "campaign.col.commune": {"vi": "Xã, phường", "en": "Commune"},
    "campaign.col.opinions": {"vi": "Ý kiến", "en": "Opinions"},
    "campaign.col.per_10k": {"vi": "/10.000 dân", "en": "per 10,000"},
    "campaign.col.answered_share": {"vi": "Tỷ lệ đã trả lời", "en": "Share answered"},
    "campaign.col.silent": {"vi": "Xã chưa có ý kiến", "en": "Silent communes"},
    "level.central": {"vi": "Trung ương", "en": "Central"},
    "level.province": {"vi": "Tỉnh", "en": "Province"},
    "level.commune": {"vi": "Xã", "en": "Commune"},
    "level.village": {"vi": "Thôn, tổ dân phố", "en": "Village"},
    "level.none": {"vi": "Chưa chuyển cấp", "en": "Not yet assigned"},
    # Front's own work (issue 7): Mô hình, Tổ chức, Giám sát & phản biện, Kết quả, Lộ trình
    "nav.models": {"vi": "Mô hình", "en": "Models"},
    "nav.membership": {"vi": "Tổ chức", "en": "Organisations"},
    "nav.monitoring": {"vi": "Giám sát & phản biện", "en": "Monitoring & criticism"},
    "nav.outcomes": {"vi": "Kết quả", "en": "Results"},
    "nav.milestones": {"vi": "Lộ trình", "en": "Milestones"},
    "front.empty": {
        "vi": "Chưa có dữ liệu cho phần này trong phạm vi đang xem.",
        "en": "No data for this part in the current view.",
    },
    "front.targets_note": {
        "vi": "Chỉ tiêu lấy từ tệp cấu hình data/reference/targets.toml (có thể sửa).",
        "en": "Targets come from the configuration file data/reference/targets.toml (editable).",
    },
    "front.kind.social_dialogue": {"vi": "Đối thoại xã hội", "en": "Social dialogue"},
    "front.kind.community_security": {"vi": "An ninh cộng đồng", "en": "Community security"},
    "front.org.front": {"vi": "Mặt trận", "en": "Front"},
    "front.org.women": {"vi": "Hội Liên hiệp Phụ nữ", "en": "Women's Union"},
    "front.org.youth": {"vi": "Đoàn Thanh niên", "en": "Youth Union"},
    "front.org.farmers": {"vi": "Hội Nông dân", "en": "Farmers' Union"},
    "front.org.veterans": {"vi": "Hội Cựu chiến binh", "en": "Veterans' Association"},
    "front.org.labour": {"vi": "Công đoàn", "en": "Trade Union"},
    "front.outcome.security_opinions_per_100k": {
        "vi": "Ý kiến về an ninh, trật tự / 100.000 dân / tháng",
        "en": "Security and order opinions per 100,000 people per month",
    },
    "front.outcome.on_time_share": {
        "vi": "Tỷ lệ trả lời đúng hạn (trên số ý kiến đến hạn)",
        "en": "Share answered on time (of opinions due)",
    },
    "front.outcome.trust_overall": {
        "vi": "Điểm tin tưởng chung (0–10, khảo sát)",
        "en": "Overall trust score (0–10, survey)",
    },
    "front.outcome.security_incidents": {
        "vi": "Số vụ việc an ninh, trật tự / tỉnh / tháng",
        "en": "Security incidents per province per month",
    },
    "front.outcome.mediation_success_rate": {
        "vi": "Tỷ lệ hòa giải thành (trên số vụ hòa giải)",
        "en": "Mediation success (of mediation cases)",
    },
    "front.evidence.insufficient": {
        "vi": "Chưa đủ dữ liệu (dưới 3 tỉnh áp dụng hoặc không có nhóm so sánh)",
        "en": "Not enough data (fewer than 3 adopters or no comparison group)",
    },
    "front.evidence.pretrend": {
        "vi": "Thận trọng: trước khi áp dụng, xu hướng đã khác nhóm so sánh (kiểm định chung p < 0,05)",
        "en": "Caution: trends already differed before adoption (joint test p < 0.05)",
    },
    "front.evidence.better": {
        "vi": "Bằng chứng khá rõ: kết quả tốt lên — nên nhân rộng",
        "en": "Fairly clear evidence of improvement — worth replicating",
    },
    "front.evidence.worse": {
        "vi": "Bằng chứng khá rõ: kết quả xấu đi — cần xem lại",
        "en": "Fairly clear evidence of worsening — review it",
    },
    "front.evidence.no_effect": {
        "vi": "Không thấy tác động đáng kể (trong khoảng ±10%)",
        "en": "No meaningful effect (within ±10%)",
    },
    "front.evidence.inconclusive": {
        "vi": "Chưa kết luận được (khoảng tin cậy rộng)",
        "en": "Inconclusive (wide interval)",
    },
    "models.title": {
        "vi": "Mô hình đối thoại xã hội và an ninh cộng đồng",
        "en": "Social dialogue and community security models",
    },
    "models.intro": {
        "vi": "Mô hình nào có tác dụng và nên nhân rộng? Ước lượng khác biệt kép theo thời điểm áp dụng (Callaway–Sant'Anna): so sánh thay đổi của tỉnh sau khi áp dụng với các tỉnh chưa từng áp dụng ở cùng thời điểm; khoảng tin cậy 95% bootstrap theo tỉnh trong từng đợt áp dụng. Không dùng so sánh trước–sau đơn thuần.",
        "en": "Which models work and should be replicated? Staggered difference-in-differences (Callaway–Sant'Anna): each province's change after adoption against provinces that never adopted, over the same periods; 95% intervals from a bootstrap over provinces within each adoption cohort. Not a raw before/after.",
    },
    "models.timeline": {"vi": "Thời điểm áp dụng", "en": "When models were adopted"},
    "models.map": {"vi": "Tỉnh, thành phố đã áp dụng", "en": "Provinces that adopted"},
    "models.map_title": {
        "vi": "{kind}: {n}/{total} tỉnh, thành phố đã áp dụng — màu đậm là áp dụng sớm hơn",
        "en": "{kind}: {n} of {total} provinces adopted — darker means earlier",
    },
    "models.map_not_adopted": {"vi": "chưa áp dụng", "en": "not adopted"},
    "models.map_communes": {"vi": "xã, phường đang áp dụng", "en": "communes using it"},
    "models.map_months": {"vi": "Số tháng đã áp dụng", "en": "Months since adoption"},
    "models.timeline_title": {
        "vi": "Lần áp dụng đầu tiên theo tỉnh ({n} tỉnh), {period}",
        "en": "First adoption per province ({n} provinces), {period}",
    },
    "models.replication": {"vi": "Bảng nhân rộng", "en": "Replication table"},
    "models.replication_note": {
        "vi": "Tác động = thay đổi trung bình sau khi áp dụng, theo đơn vị của chỉ số, mỗi tỉnh mỗi kỳ: trung bình của từng đợt áp dụng, các đợt tính theo số tỉnh (đợt áp dụng sớm không được tính nặng hơn chỉ vì có nhiều kỳ hơn); “trung bình mọi kỳ” là cách tính cũ, để đối chiếu. Tương đối = so với mức dự kiến nếu không áp dụng. Nhóm so sánh: tỉnh chưa từng áp dụng. Kiểm định xu hướng trước: giá trị p chung cho mọi kỳ trước khi áp dụng (dưới 0,05: xu hướng đã khác từ trước).",
        "en": "Effect = average change after adoption in the outcome's units per province and period: the mean of each adoption cohort, cohorts weighted by their number of provinces (early adopters do not weigh more for having more periods); “mean of all periods” is the former calculation, for comparison. Relative = against the expected level without the model. Comparison: provinces that never adopted. Pre-trend test: one joint p-value over every period before adoption (below 0.05: trends already differed).",
    },
    "models.col_model": {"vi": "Mô hình", "en": "Model"},
    "models.col_outcome": {"vi": "Chỉ số", "en": "Outcome"},
    "models.col_effect": {"vi": "Tác động theo đợt áp dụng (KTC 95%)", "en": "Effect by adoption cohort (95% CI)"},
    "models.col_relative": {"vi": "Tương đối", "en": "Relative"},
    "models.col_adopters": {"vi": "Tỉnh áp dụng", "en": "Adopting provinces"},
    "models.col_comparison": {"vi": "Tỉnh chưa từng áp dụng", "en": "Never-adopting provinces"},
    "models.col_evidence": {"vi": "Mức độ bằng chứng", "en": "Strength of evidence"},
    "models.event_study": {"vi": "Diễn biến trước và sau khi áp dụng", "en": "Before and after adoption"},
    "models.pick_kind": {"vi": "Loại mô hình", "en": "Model kind"},
    "models.pick_outcome": {"vi": "Chỉ số", "en": "Outcome"},
    "models.event_title": {
        "vi": "{kind} — {outcome}: chênh lệch so với tỉnh chưa từng áp dụng, {first}–{last}",
        "en": "{kind} — {outcome}: difference from never-adopting provinces, {first}–{last}",
    },
    "models.event_x": {
        "vi": "Số kỳ kể từ khi áp dụng (0 = kỳ áp dụng; số âm: thay đổi từng kỳ trước khi áp dụng)",
        "en": "Periods since adoption (0 = adoption; negative: period-on-period change before adoption)",
    },
    "models.event_y": {"vi": "Tác động ước lượng (KTC 95%)", "en": "Estimated effect (95% CI)"},
    "models.peers": {"vi": "So sánh với 5 tỉnh tương đồng nhất", "en": "Comparison with the 5 most similar provinces"},
    "models.peers_pick": {
        "vi": "Chọn tỉnh ở bộ lọc bên trái để xem các tỉnh tương đồng.",
        "en": "Choose a province in the filter bar to see its peers.",
    },
    "models.peers_note": {
        "vi": "Tương đồng: gần nhất về dân số (log), tỷ lệ phường (xấp xỉ đô thị hóa), vùng và mức chỉ số trước khi áp dụng (đã chuẩn hóa).",
        "en": "Similarity: nearest on population (log), share of wards (an urbanisation proxy), region and the outcome's level before adoption (standardised).",
    },
    "models.peers_title": {
        "vi": "{province} so với trung bình 5 tỉnh tương đồng — {outcome}",
        "en": "{province} vs the mean of its 5 peers — {outcome}",
    },
    "models.col_province": {"vi": "Tỉnh", "en": "Province"},
    "models.col_distance": {"vi": "Khoảng cách", "en": "Distance"},
    "models.col_pre": {"vi": "Mức trước áp dụng", "en": "Level before adoption"},
    "models.col_adopted": {"vi": "Ngày áp dụng", "en": "Adopted on"},
    "models.series_province": {"vi": "Tỉnh đang xem", "en": "This province"},
    "models.series_peers": {"vi": "Trung bình 5 tỉnh tương đồng", "en": "Mean of 5 peers"},
    "membership.title": {
        "vi": 'Tổ chức thành viên và "hình nón ngược"',
        "en": 'Member organisations and the "inverted cone"',
    },
    "membership.intro": {
        "vi": "Các đoàn thể có bám rễ ở cơ sở không? Độ bao phủ = hội viên, đoàn viên / số người đủ điều kiện, so với chỉ tiêu.",
        "en": "Are mass organisations rooted at the grassroots? Coverage = members / eligible people, against targets.",
    },
    "membership.snapshot": {
        "vi": "Kỳ báo cáo: {period} (kỳ gần nhất không sau cuối khoảng thời gian đã chọn).",
        "en": "Reporting period: {period} (the latest not after the end of the chosen period).",
    },
    "membership.targets": {
        "vi": "Chỉ tiêu độ bao phủ ({source}): {targets}.",
        "en": "Coverage targets ({source}): {targets}.",
    },
    "membership.coverage": {"vi": "Độ bao phủ so với chỉ tiêu", "en": "Coverage against target"},
    "membership.coverage_title": {
        "vi": "Hội viên / người đủ điều kiện (cấp tỉnh), kỳ {period}; vạch đỏ = chỉ tiêu",
        "en": "Members / eligible (province level), period {period}; red mark = target",
    },
    "membership.trend_title": {
        "vi": "Độ bao phủ theo kỳ (hội viên / người đủ điều kiện), {first}–{last}",
        "en": "Coverage over time (members / eligible), {first}–{last}",
    },
    "membership.cone": {"vi": "Hình nón tổ chức theo cấp", "en": "The organisational cone by level"},
    "membership.pick_org": {"vi": "Tổ chức", "en": "Organisation"},
    "membership.cone_title": {
        "vi": "{org}: hội viên, chi hội và cán bộ chuyên trách theo cấp, kỳ {period} (cấp xã, thôn: các xã có báo cáo)",
        "en": "{org}: members, branches and full-time cadres by level, period {period} (commune, village: reporting communes)",
    },
    "membership.inverted": {"vi": 'Nơi có "hình nón ngược"', "en": "Where the cone is inverted"},
    "membership.rule": {
        "vi": 'Quy tắc (có thể cấu hình): một tổ chức là "hình nón ngược" ở một tỉnh khi độ bao phủ ở địa bàn cơ sở ({settings}) thấp hơn {fraction} chỉ tiêu của tổ chức, đồng thời số cán bộ chuyên trách cấp tỉnh trên 1.000 hội viên cao hơn trung vị toàn quốc của tổ chức đó.',
        "en": 'Rule (configurable): an organisation is an "inverted cone" in a province when its coverage in base settings ({settings}) is below {fraction} of its target while its province-level full-time cadres per 1,000 members are above that organisation\'s national median.',
    },
    "membership.inverted_count": {
        "vi": '{n} tổ chức × tỉnh là "hình nón ngược" ở {p} tỉnh.',
        "en": "{n} organisation × province pairs are inverted cones, in {p} provinces.",
    },
    "membership.col_org": {"vi": "Tổ chức", "en": "Organisation"},
    "membership.col_province": {"vi": "Tỉnh", "en": "Province"},
    "membership.col_coverage": {"vi": "Bao phủ", "en": "Coverage"},
    "membership.col_target": {"vi": "Chỉ tiêu", "en": "Target"},
    "membership.col_base": {"vi": "Bao phủ cơ sở", "en": "Base coverage"},
    "membership.col_threshold": {"vi": "Ngưỡng cơ sở", "en": "Base threshold"},
    "membership.col_cadres": {"vi": "Cán bộ / 1.000 hội viên", "en": "Cadres per 1,000 members"},
    "membership.col_median": {"vi": "Trung vị toàn quốc", "en": "National median"},
    "membership.col_inverted": {"vi": "Nón ngược", "en": "Inverted"},
    "membership.growth": {
        "vi": "Phát triển hội viên ở khu công nghiệp, khu nhà trọ, nông thôn mới",
        "en": "Growth in industrial parks, boarding houses and new rural areas",
    },
    "membership.growth_title": {
        "vi": "Hội viên, đoàn viên theo địa bàn cơ sở (cấp thôn, các xã có báo cáo), {first}–{last}",
        "en": "Members by base setting (village level, reporting communes), {first}–{last}",
    },
    "front.setting.industrial_park": {"vi": "Khu công nghiệp", "en": "Industrial parks"},
    "front.setting.boarding_house": {"vi": "Khu nhà trọ", "en": "Boarding houses"},
    "front.setting.new_rural": {"vi": "Nông thôn mới", "en": "New rural areas"},
    "front.chart.members": {"vi": "Hội viên", "en": "Members"},
    "front.chart.branches": {"vi": "Chi hội, chi đoàn", "en": "Branches"},
    "front.chart.cadres": {"vi": "Cán bộ chuyên trách", "en": "Full-time cadres"},
    "front.chart.coverage": {"vi": "Độ bao phủ", "en": "Coverage"},
    "front.chart.target": {"vi": "Chỉ tiêu", "en": "Target"},
    "monitoring.title": {
        "vi": "Giám sát, phản biện xã hội và đối thoại",
        "en": "Supervision, social criticism and dialogue",
    },
    "monitoring.intro": {
        "vi": "Giám sát, phản biện có được thực hiện và theo dõi đến cùng không?",
        "en": "Do supervision and social criticism happen, and are they followed up?",
    },
    "monitoring.targets": {
        "vi": "Số nội dung mỗi đơn vị mỗi năm so với chỉ tiêu",
        "en": "Contents per unit per year against the target",
    },
    "monitoring.targets_title": {
        "vi": "Tỷ lệ đơn vị đạt chỉ tiêu (mẫu số: mọi Ủy ban MTTQ tỉnh / xã trong phạm vi), {years}",
        "en": "Share of units meeting the target (denominator: every province / commune Front committee in view), {years}",
    },
    "monitoring.targets_rule": {"vi": "Chỉ tiêu: {source}.", "en": "Targets: {source}."},
    "monitoring.col_year": {"vi": "Năm", "en": "Year"},
    "monitoring.col_level": {"vi": "Cấp", "en": "Level"},
    "monitoring.col_kind": {"vi": "Loại", "en": "Kind"},
    "monitoring.col_units": {"vi": "Số đơn vị", "en": "Units"},
    "monitoring.col_meeting": {"vi": "Đơn vị đạt", "en": "Units meeting"},
    "monitoring.col_per_unit": {"vi": "Bình quân / đơn vị", "en": "Per unit"},
    "monitoring.col_target": {"vi": "Chỉ tiêu / năm", "en": "Target per year"},
    "front.activity.supervision": {"vi": "Giám sát", "en": "Supervision"},
    "front.activity.social_criticism": {"vi": "Phản biện xã hội", "en": "Social criticism"},
    "front.activity.dialogue": {"vi": "Đối thoại", "en": "Dialogue"},
    "monitoring.dialogues": {
        "vi": "Đối thoại giữa người đứng đầu với Nhân dân",
        "en": "Dialogues between leaders and the people",
    },
    "monitoring.dialogues_held": {"vi": "Cuộc đối thoại", "en": "Dialogues held"},
    "monitoring.concluded": {"vi": "Ý kiến được đưa vào kết luận", "en": "Opinions entering conclusions"},
    "monitoring.concluded_help": {
        "vi": "{concluded} / {opinions} ý kiến nêu tại đối thoại",
        "en": "{concluded} / {opinions} opinions raised at dialogues",
    },
    "monitoring.handled": {"vi": "Ý kiến qua kênh đối thoại đã xử lý", "en": "Dialogue-channel opinions handled"},
    "monitoring.handled_help": {
        "vi": "{handled} / {total} ý kiến tiếp nhận qua kênh đối thoại (đã trả lời hoặc giải quyết)",
        "en": "{handled} / {total} opinions received through dialogues (answered or resolved)",
    },
    "monitoring.period": {"vi": "Khoảng thời gian: {period}.", "en": "Period: {period}."},
    "monitoring.chain": {
        "vi": "Chuỗi kiến nghị: ban hành → trả lời → thực hiện → tái giám sát",
        "en": "Recommendation chain: issued → answered → implemented → re-supervised",
    },
    "monitoring.chain_title": {
        "vi": "Kiến nghị ban hành {period} (mẫu số: số kiến nghị đã ban hành)",
        "en": "Recommendations issued {period} (denominator: recommendations issued)",
    },
    "front.step.issued": {"vi": "Đã ban hành", "en": "Issued"},
    "front.step.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "front.step.implemented": {"vi": "Đã thực hiện", "en": "Implemented"},
    "front.step.resupervised": {"vi": "Đã tái giám sát", "en": "Re-supervised"},
    "monitoring.overdue": {
        "vi": "Kiến nghị quá hạn chưa trả lời, theo cơ quan và thời gian quá hạn",
        "en": "Overdue unanswered recommendations by agency and age",
    },
    "monitoring.overdue_rule": {
        "vi": 'Quá hạn = chưa trả lời và đã qua hạn trả lời tính đến {as_of}; trả lời sau hạn được tính là "trả lời muộn" ({late} kiến nghị).',
        "en": 'Overdue = not answered and past its due date as of {as_of}; answers after the due date count as "answered late" ({late} recommendations).',
    },
    "monitoring.overdue_total": {"vi": "Kiến nghị quá hạn", "en": "Overdue recommendations"},
    "monitoring.col_agency": {"vi": "Cơ quan", "en": "Agency"},
    "monitoring.col_age": {"vi": "Số ngày quá hạn", "en": "Days overdue"},
    "monitoring.col_overdue": {"vi": "Số kiến nghị", "en": "Recommendations"},
    "monitoring.col_oldest": {"vi": "Lâu nhất (ngày)", "en": "Oldest (days)"},
    "outcomes.title": {"vi": "Kết quả an sinh và an ninh cộng đồng", "en": "Community welfare and security results"},
    "outcomes.intro": {
        "vi": "Các con số sẽ công bố: Quỹ Vì người nghèo, nhà Đại đoàn kết, tỷ lệ hộ nghèo, cận nghèo, vụ việc an ninh, hòa giải.",
        "en": "The figures to be announced: Fund for the Poor, solidarity houses, poor and near-poor rates, security incidents, mediation.",
    },
    "outcomes.period": {
        "vi": "Tháng {first}–{last}; số tiền, số nhà, số vụ là tổng; tỷ lệ là của tháng gần nhất, bình quân theo dân số.",
        "en": "Months {first}–{last}; money, houses and cases are totals; rates are the latest month's, population-weighted.",
    },
    "outcomes.trend": {"vi": "Xu hướng", "en": "Trend"},
    "outcomes.compare": {"vi": "So sánh giữa các tỉnh", "en": "Province comparison"},
    "outcomes.pick": {"vi": "Chỉ số", "en": "Indicator"},
    "outcomes.trend_title": {
        "vi": "{indicator} theo tháng, {first}–{last}",
        "en": "{indicator} per month, {first}–{last}",
    },
    "outcomes.compare_title": {
        "vi": "{indicator} theo tỉnh, {first}–{last} ({basis})",
        "en": "{indicator} by province, {first}–{last} ({basis})",
    },
    "outcomes.basis_total": {"vi": "trên 100.000 dân", "en": "per 100,000 people"},
    "outcomes.basis_rate": {"vi": "tháng gần nhất", "en": "latest month"},
    "front.indicator.fund_for_poor_vnd": {
        "vi": "Quỹ Vì người nghèo vận động (đồng)",
        "en": "Fund for the Poor mobilised (VND)",
    },
    "front.indicator.fund_for_poor_spent_vnd": {
        "vi": "Quỹ Vì người nghèo đã chi (đồng)",
        "en": "Fund for the Poor spent (VND)",
    },
    "front.indicator.solidarity_houses": {"vi": "Nhà Đại đoàn kết (căn)", "en": "Solidarity houses"},
    "front.indicator.poor_household_rate": {
        "vi": "Tỷ lệ hộ nghèo (% số hộ)",
        "en": "Poor households (% of households)",
    },
    "front.indicator.near_poor_household_rate": {
        "vi": "Tỷ lệ hộ cận nghèo (% số hộ)",
        "en": "Near-poor households (% of households)",
    },
    "front.indicator.security_incidents": {"vi": "Vụ việc an ninh, trật tự", "en": "Security incidents"},
    "front.indicator.mediation_cases": {"vi": "Vụ việc hòa giải", "en": "Mediation cases"},
    "front.indicator.mediation_resolved": {"vi": "Hòa giải thành", "en": "Mediations resolved"},
    "front.indicator.mediation_success_rate": {
        "vi": "Tỷ lệ hòa giải thành (trên số vụ hòa giải)",
        "en": "Mediation success (of cases)",
    },
    "milestones.title": {"vi": "Lộ trình thực hiện Chương trình hành động", "en": "Action-programme milestones"},
    "milestones.intro": {
        "vi": "Lời hứa có được thực hiện đúng hạn không? Mỗi mốc nêu rõ 5 điểm: mục tiêu, nhiệm vụ, thời hạn, trách nhiệm, kết quả.",
        "en": "Are promises kept on time? Each milestone states 5 clear points: goal, task, deadline, responsibility, result.",
    },
    "milestones.as_of": {
        "vi": "Tình trạng tính đến {as_of}; đúng hạn = hoàn thành không muộn hơn thời hạn.",
        "en": "Status as of {as_of}; on time = done no later than the deadline.",
    },
    "milestones.status_title": {
        "vi": "Số mốc theo tình trạng và phạm vi (tổng {n} mốc)",
        "en": "Milestones by status and scope ({n} in all)",
    },
    "milestones.national": {"vi": "Toàn quốc", "en": "National"},
    "front.status.done_on_time": {"vi": "Hoàn thành đúng hạn", "en": "Done on time"},
    "front.status.done_late": {"vi": "Hoàn thành muộn", "en": "Done late"},
    "front.status.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "front.status.upcoming": {"vi": "Chưa đến hạn", "en": "Not yet due"},
    "milestones.col_goal": {"vi": "Mục tiêu", "en": "Goal"},
    "milestones.col_task": {"vi": "Nhiệm vụ (chỉ số: chỉ tiêu)", "en": "Task (indicator: target)"},
    "milestones.col_deadline": {"vi": "Thời hạn", "en": "Deadline"},
    "milestones.col_owner": {"vi": "Trách nhiệm", "en": "Responsibility"},
    "milestones.col_result": {"vi": "Kết quả", "en": "Result"},
    "milestones.col_status": {"vi": "Tình trạng", "en": "Status"},
    "milestones.col_scope": {"vi": "Phạm vi", "en": "Scope"},
    "milestones.col_overdue": {"vi": "Số ngày quá hạn", "en": "Days overdue"},
    # Data health ("Dữ liệu")
    "nav.data_health": {"vi": "Dữ liệu", "en": "Data"},
    "datahealth.title": {"vi": "Dữ liệu", "en": "Data"},
    "datahealth.intro": {
        "vi": (
            "Dành cho cán bộ quản lý dữ liệu: nạp tệp xuất, xem kết quả từng lần nạp, các dòng bị cách ly và lý do, "
            "nguồn dữ liệu nào đã lâu không gửi, xã, phường nào chưa có ý kiến."
        ),
        "en": (
            "For the data officer: upload exports, see what each load did, which rows were quarantined and why, "
            "which sources have gone quiet and which communes have no opinions."
        ),
    },
    "datahealth.upload_header": {"vi": "Nạp tệp mới", "en": "Upload files"},
    "datahealth.upload_label": {
        "vi": "Chọn tệp CSV, XLSX hoặc JSONL (tiêu đề tiếng Việt hoặc tiếng Anh)",
        "en": "Choose CSV, XLSX or JSONL files (Vietnamese or English headers)",
    },
    "datahealth.upload_help": {
        "vi": (
            "Tối đa {mb} MB mỗi tệp. Loại tệp được nhận biết theo nội dung, không theo đuôi tên. Tệp được đưa vào "
            "thư mục nhận và nạp trong vài giây (khi tiến trình theo dõi `python -m etl watch` đang chạy; `make run` "
            "tự bật)."
        ),
        "en": (
            "Up to {mb} MB per file. The format is recognised from the content, not the name. Files go into the "
            "inbox and are loaded within seconds (while `python -m etl watch` runs; `make run` starts it)."
        ),
    },
    "datahealth.refresh": {"vi": "Làm mới kết quả nạp", "en": "Refresh load results"},
    "datahealth.template_kind": {"vi": "Tệp mẫu trống (XLSX) cho loại dữ liệu", "en": "Blank template (XLSX) for"},
    "datahealth.template_download": {"vi": "Tải tệp mẫu", "en": "Download template"},
    "datahealth.template_note": {
        "vi": 'Tiêu đề tiếng Việt; trang "Hướng dẫn" ghi tên tiếng Anh, cột bắt buộc và giá trị chấp nhận.',
        "en": 'Vietnamese headers; the "Hướng dẫn" sheet lists English names, required columns and accepted values.',
    },
    "datahealth.upload_rejected": {
        "vi": "Không nhận tệp {name}: {error}",
        "en": "File {name} not accepted: {error}",
    },
    "datahealth.upload_refused": {
        "vi": "Tệp {name} bị từ chối khi nạp: {error}",
        "en": "File {name} was refused by the loader: {error}",
    },
    "datahealth.upload_loaded": {
        "vi": (
            "Đã nạp {name} ({kind}): đọc {rows_read} dòng — {loaded} mới, {updated} cập nhật, {duplicates} trùng, "
            "{quarantined} bị cách ly, {skipped} bỏ qua."
        ),
        "en": (
            "Loaded {name} ({kind}): {rows_read} rows read — {loaded} new, {updated} updated, {duplicates} "
            "duplicates, {quarantined} quarantined, {skipped} skipped."
        ),
    },
    "datahealth.upload_waiting": {
        "vi": "{name}: đã vào thư mục nhận, đang chờ nạp…",
        "en": "{name}: in the inbox, waiting to be loaded…",
    },
    "datahealth.upload_unknown": {
        "vi": '{name}: đang nạp hoặc chưa thấy kết quả — bấm "Làm mới kết quả nạp" sau ít giây.',
        "en": '{name}: loading, or no result yet — press "Refresh load results" in a few seconds.',
    },
    "datahealth.upload_done_refresh": {
        "vi": '{name}: đã nạp vào thế hệ kho {generation} — bấm "Làm mới kết quả nạp" để xem.',
        "en": '{name}: loaded into warehouse generation {generation} — press "Refresh load results" to see it.',
    },
    "datahealth.history_header": {"vi": "Lịch sử nạp", "en": "Load history"},
    "datahealth.upload_not_allowed": {
        "vi": "Vai trò của bạn không được nạp tệp. Hãy gửi tệp cho cán bộ quản lý dữ liệu.",
        "en": "Your role may not upload files. Send them to the data officer.",
    },
    "datahealth.more_rows": {
        "vi": "… và {n} dòng bị cách ly khác: tải CSV để xem và sửa tất cả.",
        "en": "… and {n} more quarantined rows: download the CSV to see and fix them all.",
    },
    "datahealth.history_empty": {
        "vi": "Chưa có lần nạp nào được ghi (hoặc phạm vi xem của bạn không bao gồm lịch sử nạp toàn quốc).",
        "en": "No load has been recorded (or your scope does not include the national load history).",
    },
    "datahealth.total.files": {"vi": "Tệp/trang đã đọc", "en": "Files/sheets read"},
    "datahealth.total.rows_read": {"vi": "Dòng đã đọc", "en": "Rows read"},
    "datahealth.total.loaded": {"vi": "Dòng mới", "en": "New rows"},
    "datahealth.total.quarantined": {"vi": "Dòng bị cách ly", "en": "Rows quarantined"},
    "datahealth.accounting": {
        "vi": (
            "Với mỗi tệp: dòng đã đọc = mới + cập nhật + trùng + cách ly + bỏ qua (dòng tổng cộng, dòng trống). "
            "{refused} tệp bị từ chối toàn bộ."
        ),
        "en": (
            "For every file: rows read = new + updated + duplicates + quarantined + skipped (totals, blank rows). "
            "{refused} files refused as a whole."
        ),
    },
    "datahealth.chart_title": {
        "vi": "Số dòng theo tệp — {n} tệp/trang nạp gần nhất, từ {first} đến {last}",
        "en": "Rows per file — the {n} most recent files/sheets, loaded {first} to {last}",
    },
    "datahealth.chart_axis": {"vi": "Số dòng", "en": "Rows"},
    "datahealth.status.loaded": {"vi": "Đã nạp", "en": "Loaded"},
    "datahealth.status.refused": {"vi": "Bị từ chối", "en": "Refused"},
    "datahealth.col.loaded_at": {"vi": "Thời điểm nạp", "en": "Loaded at"},
    "datahealth.col.file": {"vi": "Tệp", "en": "File"},
    "datahealth.col.sheet": {"vi": "Trang", "en": "Sheet"},
    "datahealth.col.kind": {"vi": "Loại dữ liệu", "en": "Kind"},
    "datahealth.col.status": {"vi": "Trạng thái", "en": "Status"},
    "datahealth.col.rows_read": {"vi": "Đã đọc", "en": "Read"},
    "datahealth.col.loaded": {"vi": "Mới", "en": "New"},
    "datahealth.col.updated": {"vi": "Cập nhật", "en": "Updated"},
    "datahealth.col.duplicates": {"vi": "Trùng", "en": "Duplicates"},
    "datahealth.col.quarantined": {"vi": "Cách ly", "en": "Quarantined"},
    "datahealth.col.skipped": {"vi": "Bỏ qua", "en": "Skipped"},
    "datahealth.col.error": {"vi": "Lỗi", "en": "Error"},
    "datahealth.col.generation": {"vi": "Thế hệ kho", "en": "Generation"},
    "datahealth.col.reason_code": {"vi": "Mã lý do", "en": "Reason code"},
    "datahealth.col.rows": {"vi": "Số dòng", "en": "Rows"},
    "datahealth.col.share": {"vi": "Tỷ lệ trên tổng dòng cách ly", "en": "Share of quarantined rows"},
    "datahealth.col.files": {"vi": "Số tệp", "en": "Files"},
    "datahealth.col.example": {"vi": "Ví dụ lý do", "en": "Example message"},
    "datahealth.col.row": {"vi": "Dòng", "en": "Row"},
    "datahealth.col.column": {"vi": "Cột", "en": "Column"},
    "datahealth.col.reason": {"vi": "Lý do", "en": "Reason"},
    "datahealth.col.original": {
        "vi": "Giá trị gốc (đã che thông tin cá nhân)",
        "en": "Original values (identifiers masked)",
    },
    "datahealth.col.source": {"vi": "Hệ thống nguồn", "en": "Source system"},
    "datahealth.col.opinions": {"vi": "Số ý kiến", "en": "Opinions"},
    "datahealth.col.newest": {"vi": "Ý kiến mới nhất", "en": "Newest opinion"},
    "datahealth.col.days_behind": {"vi": "Chậm so với nguồn mới nhất (ngày)", "en": "Days behind the newest source"},
    "datahealth.col.last_loaded": {"vi": "Lần nạp gần nhất", "en": "Last loaded"},
    "datahealth.col.days_since_load": {"vi": "Số ngày từ lần nạp", "en": "Days since load"},
    "datahealth.col.silent": {"vi": "Tình trạng", "en": "State"},
    "datahealth.col.province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "datahealth.col.commune_code": {"vi": "Mã xã", "en": "Commune code"},
    "datahealth.col.commune": {"vi": "Xã, phường", "en": "Commune"},
    "datahealth.col.silent_communes": {"vi": "Số xã chưa có ý kiến", "en": "Communes without opinions"},
    "datahealth.quarantine_header": {"vi": "Dòng bị cách ly", "en": "Quarantined rows"},
    "datahealth.quarantine_empty": {"vi": "Không có dòng nào bị cách ly.", "en": "No row has been quarantined."},
    "datahealth.reasons_caption": {
        "vi": (
            "Các lý do thường gặp nhất. Tỷ lệ tính trên {total} dòng bị cách ly trong phạm vi xem (một dòng của cùng "
            "một tệp gửi nhiều lần chỉ tính một lần)."
        ),
        "en": (
            "The commonest reasons. Shares are of the {total} quarantined rows in your scope (a row of the same file "
            "sent several times counts once)."
        ),
    },
    "datahealth.examples_header": {"vi": "Ví dụ các dòng bị cách ly", "en": "Example quarantined rows"},
    "datahealth.download_file": {"vi": "Tải các dòng bị cách ly của tệp", "en": "Download the quarantined rows of"},
    "datahealth.file_choice": {"vi": "{file} — nạp {when} — {n} dòng", "en": "{file} — loaded {when} — {n} rows"},
    "datahealth.download_quarantine": {"vi": "Tải CSV để sửa và nạp lại", "en": "Download CSV to correct and reload"},
    "datahealth.download_note": {
        "vi": (
            "CSV (UTF-8 có BOM) giữ tiêu đề gốc theo ngôn ngữ của tệp và giá trị gốc, thêm cột số dòng và lý do ở cuối "
            "(khi nạp lại, hai cột này được bỏ qua). Sửa giá trị sai rồi tải tệp lên lại. Họ tên, số điện thoại, "
            "CCCD chỉ được lưu dạng che nên để trống: điền lại từ tệp gốc nếu cần."
        ),
        "en": (
            "CSV (UTF-8 with BOM) with the file's own headers and original values, plus row number and reason columns "
            "at the end (ignored when reloaded). Fix the wrong values and upload the file again. Names, phone and ID "
            "numbers are stored only masked, so they are left empty: fill them in from the source file if needed."
        ),
    },
    "datahealth.freshness_header": {"vi": "Độ mới theo nguồn", "en": "Freshness per source"},
    "datahealth.silent_days": {
        "vi": "Cảnh báo khi một nguồn chậm hơn (ngày)",
        "en": "Warn when a source is behind by more than (days)",
    },
    "datahealth.freshness_empty": {
        "vi": "Chưa có ý kiến nào trong phạm vi xem.",
        "en": "No opinions in your scope yet.",
    },
    "datahealth.silent_warning": {
        "vi": "{n} nguồn không có ý kiến mới trong hơn {days} ngày so với nguồn mới nhất.",
        "en": "{n} sources have no new opinion for more than {days} days behind the newest source.",
    },
    "datahealth.freshness_caption": {
        "vi": (
            "Độ chậm tính từ ý kiến mới nhất của nguồn đến ý kiến mới nhất của mọi nguồn ({reference}); nguồn chậm "
            'hơn {days} ngày bị đánh dấu. "Số ngày từ lần nạp" tính đến hôm nay.'
        ),
        "en": (
            "Delay from the source's newest opinion to the newest opinion of any source ({reference}); sources more "
            'than {days} days behind are flagged. "Days since load" counts to today.'
        ),
    },
    "datahealth.silent_yes": {"vi": "⚠️ Im lặng", "en": "⚠️ Silent"},
    "datahealth.silent_no": {"vi": "✅ Đều đặn", "en": "✅ Regular"},
    "datahealth.communes_header": {"vi": "Xã, phường chưa có ý kiến", "en": "Communes without opinions"},
    "datahealth.communes_metric": {
        "vi": "Xã, phường không có ý kiến nào ({period})",
        "en": "Communes with no opinion ({period})",
    },
    "datahealth.communes_value": {"vi": "{n} / {total}", "en": "{n} / {total}"},
    "datahealth.communes_caption": {
        "vi": (
            "Trên tổng số xã, phường trong phạm vi và bộ lọc địa bàn; theo bộ lọc thời gian ({period}), lĩnh vực và "
            "kênh. Ý kiến không ghi mã xã không được tính cho xã nào."
        ),
        "en": (
            "Out of all communes in your scope and place filter; under the period ({period}), field and channel "
            "filters. Opinions without a commune code count for no commune."
        ),
    },
    # Briefing pack and presentation mode (issue 9)
    "nav.brief": {"vi": "Báo cáo", "en": "Briefing"},
    "brief.title": {"vi": "Báo cáo giao ban, đại hội", "en": "Congress briefing pack"},
    "brief.intro": {
        "vi": "Bộ số liệu trình bày tại đại hội, hội nghị: tải bản PowerPoint hoặc PDF, hoặc trình chiếu ngay trên màn hình. Áp dụng quy tắc người trình bày: không có nội dung ý kiến của người dân, số đếm dưới 10 được ẩn.",
        "en": "The numbers presented at congresses and conferences: download PowerPoint or PDF, or present them on screen. Presenter rules apply: no citizens' text, counts below 10 hidden.",
    },
    "brief.area": {"vi": "Phạm vi: {area} · thời gian: {period}", "en": "Area: {area} · period: {period}"},
    "brief.country": {"vi": "Toàn quốc", "en": "Whole country"},
    "brief.pptx": {"vi": "Tải bản PowerPoint (.pptx)", "en": "Download PowerPoint (.pptx)"},
    "brief.pdf": {"vi": "Tải bản PDF", "en": "Download PDF"},
    "brief.download_help": {
        "vi": "Tạo khi bấm, mất khoảng 10–30 giây (vẽ biểu đồ thành ảnh).",
        "en": "Built when clicked; takes about 10–30 seconds (charts are drawn as images).",
    },
    "brief.present": {"vi": "Trình chiếu", "en": "Present"},
    "brief.present_help": {
        "vi": "Ẩn thanh bên và bộ lọc, chữ lớn; chuyển trang bằng nút hoặc phím ← →. Địa chỉ trang có ?present=1.",
        "en": "Hides the sidebar and filters, large type; step with the buttons or the ← → keys. The URL carries ?present=1.",
    },
    "brief.exit": {"vi": "Thoát trình chiếu", "en": "Leave presentation"},
    "brief.previous": {"vi": "Trước", "en": "Previous"},
    "brief.next": {"vi": "Tiếp", "en": "Next"},
    "brief.position": {"vi": "Trang {i}/{n}", "en": "Slide {i} of {n}"},
    "brief.contents": {"vi": "Các trang của báo cáo", "en": "Slides of the pack"},
    "brief.synthetic": {"vi": "DỮ LIỆU MÔ PHỎNG — không phải số liệu thật", "en": "SYNTHETIC DATA — not real figures"},
    "brief.as_of": {"vi": "Số liệu tính đến {as_of}", "en": "Data as of {as_of}"},
    "brief.generated": {"vi": "Tạo lúc {at} · Mặt Trận Số Analytics", "en": "Generated {at} · Mặt Trận Số Analytics"},
    "brief.rules": {
        "vi": "Quy tắc trình bày: không có nội dung ý kiến của người dân; số đếm dưới {limit} hiển thị là “{label}”, tỷ lệ dựa trên chúng cũng được ẩn.",
        "en": "Presenter rules: no citizens' text; counts below {limit} show as “{label}”, and rates built on them are hidden too.",
    },
    "brief.skipped": {"vi": "Trang “{title}” chưa tạo được", "en": "Slide “{title}” could not be built"},
    "brief.skipped_body": {
        "vi": "Phần này chưa có hoặc gặp lỗi khi tính ({error}). Các trang khác vẫn đầy đủ.",
        "en": "This part is missing or failed ({error}). The other slides are complete.",
    },
    "brief.empty": {"vi": "Không có dữ liệu cho phạm vi và thời gian này.", "en": "No data for this area and period."},
    "brief.notes_header": {
        "vi": "Định nghĩa các con số trên trang này:",
        "en": "What each number on this slide means:",
    },
    "brief.suppressed_note": {"vi": "ẩn vì nhỏ hơn {limit}", "en": "hidden: below {limit}"},
    "brief.chart_missing": {"vi": "(không vẽ được biểu đồ)", "en": "(chart could not be drawn)"},
    "brief.page": {"vi": "Trang {i}/{n}", "en": "Page {i} of {n}"},
    # slide titles
    "brief.s.title": {"vi": "Báo cáo số liệu Mặt trận số", "en": "Digital Front data briefing"},
    "brief.s.kpis": {"vi": "Các con số chính", "en": "Key figures"},
    "brief.s.map": {"vi": "Bản đồ số: điểm nóng", "en": "Digital Map: hot spots"},
    "brief.s.concerns": {"vi": "Vấn đề nổi bật và mức thay đổi", "en": "Top concerns and their change"},
    "brief.s.handling": {"vi": "Kết quả xử lý, phản hồi", "en": "Handling performance"},
    "brief.s.trust": {"vi": "Chỉ số niềm tin", "en": "Trust index"},
    "brief.s.membership": {"vi": "Tập hợp đoàn viên, hội viên so với chỉ tiêu", "en": "Membership against targets"},
    "brief.s.models": {"vi": "So sánh các mô hình", "en": "Model comparisons"},
    "brief.s.monitoring": {"vi": "Giám sát và kiến nghị quá hạn", "en": "Monitoring and overdue recommendations"},
    "brief.s.milestones": {"vi": "Lộ trình thực hiện", "en": "Milestones"},
    # source notes and denominators (one per slide)
    "brief.src.kpis": {
        "vi": "Nguồn: ý kiến nhân dân tiếp nhận qua mọi kênh, {period}. Mẫu số của tỷ lệ đúng hạn: {due} ý kiến đến hạn trả lời (hạn {days} ngày).",
        "en": "Source: citizens' opinions received on every channel, {period}. On-time denominator: {due} opinions due (deadline {days} days).",
    },
    "brief.src.map": {
        "vi": "Nguồn: ý kiến nhân dân {period}; mẫu số: dân số từng địa bàn (mỗi 100.000 dân). Điểm nóng: Getis-Ord Gi* trên tỷ lệ làm trơn Bayes, giá trị p theo phép hoán vị ({permutations} lần), kiểm định {tested} địa bàn, Benjamini–Hochberg q ≤ 0,10. {suppressed} địa bàn bị ẩn vì ít ý kiến.",
        "en": "Source: citizens' opinions {period}; denominator: each area's population (per 100,000). Hot spots: Getis-Ord Gi* on Bayes-smoothed rates, permutation p-values ({permutations} draws), {tested} areas tested, Benjamini–Hochberg q ≤ 0.10. {suppressed} areas hidden for small counts.",
    },
    "brief.src.concerns": {
        "vi": "Nguồn: ý kiến nhân dân theo lĩnh vực, {period}, so với {previous}. Mẫu số của tỷ trọng: tất cả ý kiến trong kỳ.",
        "en": "Source: citizens' opinions by field, {period}, against {previous}. Share denominator: all opinions in the period.",
    },
    "brief.src.handling": {
        "vi": "Nguồn: ý kiến nhân dân tiếp nhận {period}, hạn trả lời tính theo ngày làm việc. Mẫu số đúng hạn: {due} ý kiến đến hạn; thời gian trả lời: {answered} ý kiến đã trả lời; hài lòng: {rated} ý kiến có đánh giá.",
        "en": "Source: citizens' opinions received {period}, deadlines in working days. On-time denominator: {due} opinions due; days to answer: {answered} answered; satisfaction: {rated} rated.",
    },
    "brief.src.trust": {
        "vi": "Nguồn: khảo sát niềm tin đợt {wave}, {n} người trả lời cả nước, gia quyền theo dân số; khoảng tin cậy 95%; tỉnh dưới {min_n} người trả lời không được xếp hạng.",
        "en": "Source: trust survey wave {wave}, {n} respondents nationally, weighted to population; 95% confidence intervals; provinces under {min_n} respondents are not ranked.",
    },
    "brief.src.membership": {
        "vi": "Nguồn: số liệu tổ chức thành viên kỳ {period}; mẫu số: số người đủ điều kiện tham gia; chỉ tiêu: {source}.",
        "en": "Source: member-organisation figures for {period}; denominator: people eligible to join; targets: {source}.",
    },
    "brief.src.models": {
        "vi": "Nguồn: hồ sơ áp dụng mô hình và kết quả theo tháng; ước lượng chênh lệch kép so tỉnh áp dụng với tỉnh chưa từng áp dụng, trung bình theo đợt áp dụng, khoảng tin cậy 95%.",
        "en": "Source: model adoption records and monthly results; staggered difference-in-differences, adopters against never-adopters, averaged by adoption cohort, 95% confidence intervals.",
    },
    "brief.src.monitoring": {
        "vi": "Nguồn: kiến nghị sau giám sát, phản biện ban hành {period}; quá hạn tính đến {as_of}. Mẫu số: {issued} kiến nghị đã ban hành.",
        "en": "Source: recommendations issued after supervision and criticism {period}; overdue as of {as_of}. Denominator: {issued} recommendations issued.",
    },
    "brief.src.milestones": {
        "vi": "Nguồn: các mốc của Chương trình hành động; trạng thái tính đến {as_of}. Mẫu số: {total} mốc.",
        "en": "Source: action-programme milestones; status as of {as_of}. Denominator: {total} milestones.",
    },
    # number labels
    "brief.n.opinions": {"vi": "Ý kiến trong kỳ", "en": "Opinions in the period"},
    "brief.n.previous_opinions": {"vi": "Kỳ trước", "en": "Previous period"},
    "brief.n.change": {"vi": "Thay đổi so với kỳ trước", "en": "Change on the previous period"},
    "brief.n.on_time_share": {"vi": "Trả lời đúng hạn", "en": "Answered on time"},
    "brief.n.hot_areas": {"vi": "Điểm nóng", "en": "Hot spots"},
    "brief.n.cold_areas": {"vi": "Điểm lạnh", "en": "Cold spots"},
    "brief.n.emerging": {"vi": "Vấn đề mới nổi", "en": "Emerging issues"},
    "brief.n.concern": {"vi": "{field}", "en": "{field}"},
    "brief.n.received": {"vi": "Ý kiến tiếp nhận", "en": "Opinions received"},
    "brief.n.handling_on_time": {"vi": "Đúng hạn (ngày làm việc)", "en": "On time (working days)"},
    "brief.n.median_days": {"vi": "Số ngày trả lời (trung vị)", "en": "Days to answer (median)"},
    "brief.n.overdue": {"vi": "Đang quá hạn", "en": "Overdue now"},
    "brief.n.satisfaction": {"vi": "Mức hài lòng (1–5)", "en": "Satisfaction (1–5)"},
    "brief.n.trust_national": {"vi": "Cả nước, đợt {wave}", "en": "Whole country, wave {wave}"},
    "brief.n.trust_province": {"vi": "{province}, đợt {wave}", "en": "{province}, wave {wave}"},
    "brief.n.trust_rank": {"vi": "Thứ hạng", "en": "Rank"},
    "brief.n.coverage": {"vi": "{org}", "en": "{org}"},
    "brief.n.inverted_cones": {"vi": "Hình nón ngược", "en": "Inverted cones"},
    "brief.n.model": {"vi": "{kind} → {outcome}", "en": "{kind} → {outcome}"},
    "brief.n.recommendations": {"vi": "Kiến nghị đã ban hành", "en": "Recommendations issued"},
    "brief.n.recommendations_overdue": {"vi": "Kiến nghị quá hạn chưa trả lời", "en": "Overdue, unanswered"},
    "brief.n.recommendations_late": {"vi": "Trả lời muộn", "en": "Answered late"},
    "brief.n.milestones": {"vi": "{status}", "en": "{status}"},
    # number definitions (speaker notes)
    "brief.d.opinions": {
        "vi": "Số ý kiến nhân dân tiếp nhận từ {from_} đến {to}, mọi kênh, trong phạm vi đã chọn.",
        "en": "Citizens' opinions received from {from_} to {to}, every channel, in the selected area.",
    },
    "brief.d.previous_opinions": {
        "vi": "Số ý kiến trong kỳ trước có cùng độ dài ({previous_from}–{previous_to}).",
        "en": "Opinions in the previous period of the same length ({previous_from}–{previous_to}).",
    },
    "brief.d.change": {
        "vi": "(Ý kiến trong kỳ − kỳ trước) ÷ kỳ trước × 100%.",
        "en": "(Opinions in the period − previous period) ÷ previous period × 100%.",
    },
    "brief.d.on_time_share": {
        "vi": "Ý kiến được trả lời trong {days} ngày ({on_time}) ÷ ý kiến đến hạn ({due}): đã trả lời, hoặc tiếp nhận quá {days} ngày trước thời điểm số liệu.",
        "en": "Opinions answered within {days} days ({on_time}) ÷ opinions due ({due}): answered, or received more than {days} days before the as-of time.",
    },
    "brief.d.hot_areas": {
        "vi": "Số địa bàn có tỷ lệ ý kiến trên 100.000 dân cao bất thường cùng các địa bàn lân cận (Gi*, độ tin cậy từ 90%), trong {tested} địa bàn được kiểm định.",
        "en": "Areas whose opinions per 100,000 people are unusually high together with their neighbours (Gi*, 90% confidence or more), of {tested} areas tested.",
    },
    "brief.d.cold_areas": {
        "vi": "Số địa bàn có tỷ lệ thấp bất thường cùng các địa bàn lân cận, trong {tested} địa bàn được kiểm định.",
        "en": "Areas with unusually low rates together with their neighbours, of {tested} areas tested.",
    },
    "brief.d.emerging": {
        "vi": "Số cặp xã × lĩnh vực có số ý kiến tăng có ý nghĩa thống kê trong các cửa sổ gần nhất đến {end}, trong {tested} cặp được kiểm định.",
        "en": "Commune × field pairs whose opinions rose significantly in the latest windows up to {end}, of {tested} pairs tested.",
    },
    "brief.d.concern": {
        "vi": "Số ý kiến về “{field}” trong kỳ; chiếm {share} tổng số ý kiến; thay đổi so với kỳ trước: {change}.",
        "en": "Opinions about “{field}” in the period; {share} of all opinions; change on the previous period: {change}.",
    },
    "brief.d.received": {"vi": "Số ý kiến tiếp nhận trong kỳ.", "en": "Opinions received in the period."},
    "brief.d.handling_on_time": {
        "vi": "Trả lời trước hạn ({on_time}) ÷ đến hạn ({due}); hạn là ngày làm việc thứ N sau ngày tiếp nhận theo lĩnh vực và cấp xử lý (không tính cuối tuần, ngày lễ).",
        "en": "Answered by the deadline ({on_time}) ÷ due ({due}); the deadline is the N-th working day after receipt by field and level (weekends and holidays excluded).",
    },
    "brief.d.median_days": {
        "vi": "Trung vị số ngày lịch từ tiếp nhận đến phản hồi đầu tiên, trên {n} ý kiến đã trả lời.",
        "en": "Median calendar days from receipt to the first response, over {n} answered opinions.",
    },
    "brief.d.overdue": {
        "vi": "Ý kiến chưa có phản hồi, không bị từ chối thụ lý, đã quá hạn tại thời điểm số liệu ({as_of}).",
        "en": "Opinions with no response, not rejected, past their deadline at the as-of time ({as_of}).",
    },
    "brief.d.satisfaction": {
        "vi": "Điểm hài lòng trung bình (1–5) của {n} ý kiến có đánh giá.",
        "en": "Mean satisfaction (1–5) of {n} rated opinions.",
    },
    "brief.d.trust_national": {
        "vi": "Chỉ số niềm tin cả nước (0–100), đợt {wave}, {n} người trả lời; khoảng tin cậy 95%: {low}–{high}.",
        "en": "National trust index (0–100), wave {wave}, {n} respondents; 95% CI {low}–{high}.",
    },
    "brief.d.trust_province": {
        "vi": "Chỉ số niềm tin của tỉnh (0–100), đợt {wave}, {n} người trả lời; khoảng tin cậy 95%: {low}–{high}. Không tính khi dưới {min_n} người trả lời.",
        "en": "The province's trust index (0–100), wave {wave}, {n} respondents; 95% CI {low}–{high}. Not scored under {min_n} respondents.",
    },
    "brief.d.trust_rank": {
        "vi": "Thứ hạng trong {total} tỉnh được xếp hạng đợt {wave}; khoảng thứ hạng {level} của riêng tỉnh: {low}–{high}; khoảng đồng thời với mọi tỉnh (dùng khi nói về nhóm): {joint_low}–{joint_high}.",
        "en": "Rank among {total} ranked provinces in wave {wave}; {level} rank interval of this province alone: {low}–{high}; joint interval with all provinces (for statements about groups): {joint_low}–{joint_high}.",
    },
    "brief.d.coverage": {
        "vi": "{org}: {members} đoàn viên, hội viên ÷ {eligible} người đủ điều kiện (kỳ {period}); chỉ tiêu {target}.",
        "en": "{org}: {members} members ÷ {eligible} eligible people ({period}); target {target}.",
    },
    "brief.d.inverted_cones": {
        "vi": "Số cặp tổ chức × tỉnh có “hình nón ngược” (cơ sở yếu, bộ máy cấp tỉnh lớn), ở {provinces} tỉnh.",
        "en": "Organisation × province pairs with an “inverted cone” (weak base, large provincial staff), in {provinces} provinces.",
    },
    "brief.d.model": {
        "vi": "Tác động ước lượng của {kind} lên {outcome} ({first}–{last}), trung bình theo đợt áp dụng: {value}, khoảng tin cậy 95% {low}–{high} (trung bình mọi kỳ: {simple}); {adopters} tỉnh áp dụng, {comparison} tỉnh so sánh; kiểm định xu hướng trước: p = {pretrend_p}; mức bằng chứng: {evidence}.{few}",
        "en": "Estimated effect of {kind} on {outcome} ({first}–{last}), averaged by adoption cohort: {value}, 95% CI {low}–{high} (mean of all periods: {simple}); {adopters} adopting and {comparison} comparison provinces; pre-trend test: p = {pretrend_p}; evidence: {evidence}.{few}",
    },
    "brief.d.recommendations": {
        "vi": "Số kiến nghị ban hành sau giám sát, phản biện trong kỳ.",
        "en": "Recommendations issued after supervision and criticism in the period.",
    },
    "brief.d.recommendations_overdue": {
        "vi": "Kiến nghị chưa được trả lời và đã quá hạn tại {as_of}.",
        "en": "Recommendations not answered and past their due date at {as_of}.",
    },
    "brief.d.recommendations_late": {
        "vi": "Kiến nghị được trả lời sau hạn.",
        "en": "Recommendations answered after their due date.",
    },
    "brief.d.milestones": {
        "vi": "Số mốc có trạng thái “{status}”, trong {total} mốc.",
        "en": "Milestones with status “{status}”, of {total}.",
    },
    "brief.overdue_agency": {
        "vi": "{agency}: {n} kiến nghị quá hạn (lâu nhất {days} ngày)",
        "en": "{agency}: {n} overdue recommendations (oldest {days} days)",
    },
    # -- access: login, roles, demo mode, public view (issue 8) ------------------------------------------
    "auth.demo_banner": {
        "vi": "Chế độ trình diễn — không đăng nhập. Chọn vai trò ở thanh bên để xem ứng dụng như người dùng đó.",
        "en": "Demo mode — no login. Pick a role in the sidebar to see the app as that person would.",
    },
    "auth.demo_switcher": {"vi": "Thử vai trò (chế độ trình diễn)", "en": "Try a role (demo mode)"},
    "auth.demo_role": {"vi": "Vai trò", "en": "Role"},
    "auth.demo_role_help": {
        "vi": "Chỉ có trong chế độ trình diễn. Khi đăng nhập, vai trò và phạm vi lấy từ tệp phân quyền.",
        "en": "Demo mode only. When signed in, role and scope come from the role file.",
    },
    "auth.demo_scope": {"vi": "Phạm vi", "en": "Scope"},
    "auth.scope_all": {"vi": "Toàn quốc", "en": "Whole country"},
    "auth.role.leader": {"vi": "Lãnh đạo", "en": "Leader"},
    "auth.role.analyst": {"vi": "Chuyên viên phân tích", "en": "Analyst"},
    "auth.role.data_officer": {"vi": "Cán bộ dữ liệu", "en": "Data officer"},
    "auth.role.presenter": {"vi": "Trình chiếu", "en": "Presenter"},
    "auth.role.public": {"vi": "Công chúng (trang công khai)", "en": "Public (public view)"},
    "auth.role.none": {"vi": "Chưa được cấp quyền", "en": "No access"},
    "auth.role.anonymous": {"vi": "Chưa đăng nhập", "en": "Not signed in"},
    "auth.login_title": {"vi": "Đăng nhập", "en": "Sign in"},
    "auth.login_intro": {
        "vi": "Ứng dụng chứa ý kiến của người dân — dữ liệu cá nhân nhạy cảm. Hãy đăng nhập bằng tài khoản của "
        "cơ quan để xem số liệu trong phạm vi được giao.",
        "en": "This app holds citizens' opinions — sensitive personal data. Sign in with your organisation "
        "account to see the figures within your assigned scope.",
    },
    "auth.login_button": {"vi": "Đăng nhập bằng tài khoản cơ quan", "en": "Sign in with your organisation account"},
    "auth.login_public_hint": {
        "vi": "Không có tài khoản? Trang «Công khai» cho xem những số liệu các tỉnh đã chọn công bố.",
        "en": "No account? The “Public” page shows the figures provinces chose to publish.",
    },
    "auth.no_access_title": {"vi": "Chưa có quyền truy cập", "en": "No access yet"},
    "auth.no_access": {
        "vi": "Tài khoản {who} đã đăng nhập nhưng chưa được cấp vai trò trong ứng dụng. Xin liên hệ quản trị "
        "viên của Ủy ban Mặt trận để được cấp quyền.",
        "en": "The account {who} is signed in but has no role in this app yet. Please ask the Front "
        "committee's administrator for access.",
    },
    "auth.signed_in_as": {"vi": "Đã đăng nhập: {who} · {role}", "en": "Signed in: {who} · {role}"},
    "auth.logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "auth.hidden": {"vi": "ẩn", "en": "hidden"},
    "auth.small_counts": {
        "vi": "Số nhỏ hơn {limit} được hiển thị là «{label}» để bảo vệ người dân; tỷ lệ dựa trên số đó cũng được ẩn. "
        "Các số đếm có một điều chỉnh nhỏ, cố định (tối đa ±{bound}) để không thể suy ra số nhỏ bằng cách trừ hai "
        "bảng cho nhau.",
        "en": "Counts below {limit} are shown as “{label}” to protect people; rates built on them are hidden too. "
        "Counts carry a small, fixed adjustment (at most ±{bound}) so that no small count can be worked out by "
        "subtracting one table from another.",
    },
    "nav.public": {"vi": "Công khai", "en": "Public"},
    "overview.too_few": {
        "vi": "Số ý kiến trong lựa chọn này nhỏ ({label}): với vai trò của bạn, số liệu được ẩn để bảo vệ người dân.",
        "en": "Too few opinions in this selection ({label}): for your role the figures are hidden to protect people.",
    },
    "public.title": {"vi": "Công khai kết quả tiếp nhận ý kiến", "en": "Published results"},
    "public.intro": {
        "vi": "Những số liệu các tỉnh đã chọn công bố, {period}. Không có nội dung ý kiến; số dưới 10 được ẩn.",
        "en": "The figures provinces chose to publish, {period}. No opinion text; counts below 10 are hidden.",
    },
    "public.fields": {"vi": "Số ý kiến theo lĩnh vực", "en": "Opinions by field"},
    "public.on_time": {"vi": "Tỷ lệ trả lời đúng hạn", "en": "Share answered on time"},
    "public.answers": {"vi": "Kết quả trả lời theo lĩnh vực", "en": "Answers by field"},
    "public.which": {
        "vi": "Gồm {n} tỉnh, thành phố đã chọn công bố mục này; {period}.",
        "en": "{n} provinces chose to publish this; {period}.",
    },
    "public.nothing": {
        "vi": "Chưa có tỉnh, thành phố nào công bố số liệu cho lựa chọn này.",
        "en": "No province has published figures for this selection.",
    },
    "public.rules": {
        "vi": "Số nhỏ hơn 10 hiển thị là «<10»; khi có tổng, thêm một ô nhỏ nhất được ẩn để không suy ra được ô đã "
        "ẩn. Mỗi số được cộng một sai lệch nhỏ cố định (tối đa ±2) để không thể suy ra số đã ẩn bằng cách trừ "
        "các số cho nhau; tỷ lệ làm tròn đến phần trăm. Tỷ lệ đúng hạn: số ý kiến được trả lời trong 15 ngày / số ý "
        "kiến đã đến hạn.",
        "en": "Counts below 10 read “<10”; where a total is shown, the next smallest cell is hidden too so the "
        "hidden one cannot be worked out. Each count carries a small fixed adjustment (at most ±2) so that hidden "
        "counts cannot be worked out by subtracting one figure from another; shares are rounded to whole percent. "
        "On-time share: opinions answered within 15 days / opinions due.",
    },
    "public.col.field": {"vi": "Lĩnh vực", "en": "Field"},
    "public.col.opinions": {"vi": "Số ý kiến", "en": "Opinions"},
    "public.col.share": {"vi": "Tỷ lệ trên tổng số ý kiến", "en": "Share of all opinions"},
    "public.col.province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "public.col.due": {"vi": "Ý kiến đã đến hạn", "en": "Opinions due"},
    "public.col.on_time": {"vi": "Trả lời đúng hạn (trên số đến hạn)", "en": "Answered on time (of those due)"},
    "public.col.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "public.col.resolved": {"vi": "Đã giải quyết", "en": "Resolved"},
    # Rank intervals that say what they cover (issue "Numbers that hold on real data", part 3)
    "trust.group_sure": {
        "vi": "{quartile} (chắc chắn, xét đồng thời mọi tỉnh)",
        "en": "{quartile} (surely, with all provinces considered at once)",
    },
    "trust.group_unsure": {
        "vi": "{quartile} theo điểm ước lượng; xét đồng thời mọi tỉnh, có thể thuộc: {groups}",
        "en": "{quartile} on the point estimate; with all provinces considered at once it could be in: {groups}",
    },
    "trust.rank_note": {
        "vi": (
            "Hai loại khoảng hạng, cùng mức {level}. **Khoảng của riêng tỉnh** (khi nói về một tỉnh) chứa hạng thật "
            "của tỉnh đó với xác suất ít nhất {level}. **Khoảng đồng thời** chứa hạng thật của cả {total} tỉnh cùng "
            "lúc với xác suất ít nhất {level} — dùng khi nói về một nhóm (nhóm cao nhất, nhóm thấp nhất, năm tỉnh "
            "cuối bảng). Chấm đặc: tỉnh chắc chắn thuộc nhóm của nó theo khoảng đồng thời."
        ),
        "en": (
            "Two kinds of rank interval, both at {level}. **The interval of a province alone** (for a statement "
            "about one province) holds its true rank with probability at least {level}. **The joint intervals** "
            "hold the true ranks of all {total} provinces at once with probability at least {level} — used for "
            "any statement about a group (best performers, poor performers, the bottom five). Filled dot: the "
            "province is surely in its group by the joint interval."
        ),
    },
    "trust.groups": {
        "vi": "Nhóm tứ phân vị, đợt {wave}: tỉnh chắc chắn thuộc nhóm (khoảng hạng đồng thời {level})",
        "en": "Quartile groups, wave {wave}: provinces surely in each group (joint {level} rank intervals)",
    },
    "trust.col_group": {"vi": "Nhóm", "en": "Group"},
    "trust.col_group_point": {"vi": "Số tỉnh theo điểm", "en": "Provinces on the point estimate"},
    "trust.col_group_sure": {"vi": "Chắc chắn thuộc nhóm", "en": "Surely in the group"},
    "trust.col_group_possible": {"vi": "Có thể thuộc nhóm (số tỉnh)", "en": "Could be in it (provinces)"},
    "trust.group_none": {"vi": "không tỉnh nào", "en": "none"},
    "brief.src.trust_groups": {
        "vi": "Nhóm tứ phân vị đọc theo khoảng hạng đồng thời {level} cho mọi tỉnh (chấm đặc = chắc chắn thuộc nhóm).",
        "en": "Quartile groups read off the joint {level} rank intervals of all provinces (filled dot = surely in the group).",
    },
    # Part 4 of "Numbers that hold on real data": model effects that survive scrutiny (helper did)
    "models.col_simple": {"vi": "Trung bình mọi kỳ (KTC 95%)", "en": "Mean of all periods (95% CI)"},
    "models.col_pretrend": {"vi": "Xu hướng trước (p)", "en": "Pre-trend (p)"},
    "models.band": {"vi": "Dải tin cậy đồng thời 95%", "en": "Simultaneous 95% band"},
    "models.pointwise": {"vi": "Ước lượng, KTC 95% từng kỳ", "en": "Estimate, 95% CI per period"},
    "models.few_adopters_short": {"vi": "chỉ {n} tỉnh áp dụng", "en": "only {n} adopters"},
    "models.few_adopters": {
        "vi": "Chỉ có {n} tỉnh áp dụng (dưới 10): khoảng tin cậy dùng phân phối t với {n} − 1 bậc tự do nên rộng hơn; kết quả chỉ để tham khảo.",
        "en": "Only {n} provinces adopted (fewer than 10): the interval uses a t distribution with {n} − 1 degrees of freedom, so it is wider; read the result as indicative.",
    },
    "models.pretrend_note": {
        "vi": "Kiểm định chung xu hướng trước khi áp dụng (mọi đợt, mọi kỳ): p = {p}. Dải tô màu là dải tin cậy đồng thời: chứa cả đường diễn biến với xác suất 95%.",
        "en": "Joint test of trends before adoption (every cohort and period): p = {p}. The shaded area is the simultaneous band: it holds the whole path with 95% probability.",
    },
    "front.evidence.effect": {
        "vi": "Có tác động rõ (chỉ số này chưa có quy ước chiều tốt, xấu)",
        "en": "A clear effect (this outcome has no agreed good or bad direction)",
    },
    "brief.few_adopters": {
        "vi": " Chỉ {n} tỉnh áp dụng: kết quả chỉ để tham khảo.",
        "en": " Only {n} adopters: indicative only.",
    },
    # -- access: demo mode only when safe, configuration error page (issue "Protections that hold") -------
    "setup.title": {"vi": "Ứng dụng chưa được cấu hình", "en": "The app is not configured"},
    "setup.intro": {
        "vi": "Ứng dụng không hiển thị dữ liệu nào cho đến khi quản trị viên sửa cấu hình dưới đây.",
        "en": "The app shows no data until an administrator fixes the configuration below.",
    },
    "setup.no_secrets": {
        "vi": "Không có tệp .streamlit/secrets.toml nên chưa có đăng nhập (mục [auth]).",
        "en": "There is no .streamlit/secrets.toml, so there is no login ([auth] section).",
    },
    "setup.secrets_unreadable": {
        "vi": "Không đọc được tệp .streamlit/secrets.toml (sai cú pháp TOML?). Nhật ký máy chủ ghi rõ lỗi.",
        "en": "The .streamlit/secrets.toml file cannot be read (bad TOML?). The server log says why.",
    },
    "setup.no_auth": {
        "vi": "Tệp .streamlit/secrets.toml không có mục [auth] (chữ thường, đúng chính tả).",
        "en": "The .streamlit/secrets.toml file has no [auth] section (lower case, spelt exactly so).",
    },
    "setup.misspelt": {
        "vi": "Có mục [{found}] nhưng ứng dụng cần đúng tên [auth].",
        "en": "There is a [{found}] section, but the app needs it named exactly [auth].",
    },
    "setup.missing_keys": {
        "vi": "Mục [auth] thiếu hoặc để trống: {keys}.",
        "en": "The [auth] section lacks or leaves empty: {keys}.",
    },
    "setup.placeholder": {
        "vi": "Mục [auth] còn giá trị mẫu CHANGE-ME ở: {keys}.",
        "en": "The [auth] section still holds the example's CHANGE-ME in: {keys}.",
    },
    "setup.roles_without_auth": {
        "vi": "Có tệp phân quyền (FRONT_ROLES_FILE) nhưng chưa có đăng nhập hợp lệ: ứng dụng từ chối chạy để không "
        "ai vào được mà không đăng nhập.",
        "en": "A role file is set (FRONT_ROLES_FILE) but there is no valid login: the app refuses to run so "
        "that nobody gets in without signing in.",
    },
    "setup.missing_secrets": {
        "vi": "Đã cấu hình đăng nhập nhưng thiếu biến môi trường {names}: khóa băm dữ liệu cá nhân, khóa sổ truy cập "
        "(và nhiễu bảo vệ số nhỏ) phải là một, do quản trị đặt cho mọi tiến trình — xem README, «Deployment».",
        "en": "Login is configured but the environment lacks {names}: the key of the personal-data hashes, of the "
        "audit log (and of the small-count noise) must be one, set by the administrator for every process — see "
        "the README, “Deployment”.",
    },
    "setup.demo_real_data": {
        "vi": "FRONT_DEMO=1 (chế độ trình diễn) nhưng kho dữ liệu không phải dữ liệu mô phỏng: đã có tệp thật được "
        "nạp vào. Chế độ trình diễn chỉ chạy trên dữ liệu do «etl demo» sinh ra.",
        "en": "FRONT_DEMO=1 (demo mode) but the warehouse is not synthetic: real files were loaded into it. Demo "
        "mode only runs on data generated by “etl demo”.",
    },
    "setup.fix": {
        "vi": "Cách sửa: điền mục [auth] trong .streamlit/secrets.toml (mẫu: .streamlit/secrets.toml.example; "
        "README, mục «Triển khai») rồi khởi động lại ứng dụng. Chỉ để chạy thử trên dữ liệu mô phỏng: "
        "`make run` (đặt FRONT_DEMO=1).",
        "en": "To fix: fill in [auth] in .streamlit/secrets.toml (example: .streamlit/secrets.toml.example; "
        "README, “Deployment”) and restart the app. Only to try it on synthetic data: `make run` (sets "
        "FRONT_DEMO=1).",
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


def fmt_q(value: float | None, lang: str, digits: int = 4) -> str:
    """A p- or q-value with `digits` decimals, '0,0123' (vi) / '0.0123' (en); below 10^-digits '< 0,0001'
    rather than a misleading '0'; missing '—'."""
    if value is None or value != value:
        return "—"
    floor = 10.0**-digits
    return "< " + fmt_num(floor, lang, digits) if value < floor else fmt_num(value, lang, digits)


def fmt_date(day: date | datetime, lang: str) -> str:
    """'31/03/2026' in both languages (the format Vietnamese readers expect)."""
    return day.strftime("%d/%m/%Y")


def fmt_datetime(moment: datetime, lang: str) -> str:
    return moment.strftime("%H:%M %d/%m/%Y")


def fmt_period(date_from: date, date_to: date, lang: str) -> str:
    return f"{fmt_date(date_from, lang)}–{fmt_date(date_to, lang)}"


WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)https?\\?:|www|@|ftp\\?:|mailto\\?:")
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#!|~$:"})


def plain(value: object) -> str:
    """Text from the data (an agency, a file name, a reason) made inert inside a Markdown string: every
    character Markdown, Streamlit's `:colour[…]`/`:material/…:` directives or LaTeX could act on is
    backslash-escaped, so `![](http://…)` shows as those characters and never fetches or links anything;
    GFM's bare-URL and e-mail autolinks ignore escapes, so an invisible word joiner follows `http:`, `www`
    and `@`.
    Long opinion texts are shown with `st.text` instead, which interprets nothing."""
    text = (
        ("" if value is None else str(value))
        .translate(_MARKDOWN_SPECIAL)
        .replace("\r\n", " ")
        .replace("\n", " ")
        .replace("\r", " ")
    )
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
