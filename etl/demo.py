"""Synthetic raw export files of every input kind (except `correction`), in the real input formats (DESIGN §6).

`write_demo(out_dir, size, seed)` writes what the upstream systems would hand the data officer: yearly
CSV exports of the Mặt trận số app, Zalo OA JSONL, hotline CSVs with Vietnamese headers, an XLSX of
voter-contact minutes, letters with legacy (pre-2025) addresses, monitoring activities and recommendations,
trust-survey waves, membership reports, model adoption, outcomes, commune populations, survey margins and
action-programme milestones. Everything is synthetic ("DỮ LIỆU MÔ PHỎNG") and deterministic for a seed: the
time range is anchored at the fixed `END_DATE`, never at the wall clock, and every random draw comes from a
`numpy` generator seeded with (seed, part).

Realism built in: opinions weighted by commune population (urban wards busier); floods in the central
provinces in October–November; salinity in the Mekong Delta in the dry season; labour issues near industrial
provinces; land and site clearance around growing cities; a Listening Month spike each June; handling times
per agency with overdue cases; satisfaction for answered opinions; about 15% without a field; ~10% of texts
without diacritics; ~0.2% deliberately bad rows (quarantine), re-exports with a newer status (updates) and a
few exact duplicates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

from etl import geo
from etl.kinds import vocabularies

# The demo's "today": the data end on this date whatever the wall clock says, so a seed always gives the
# same bytes. Every export is a snapshot taken at the end of this day (statuses, overdue cases).
END_DATE = dt.date(2026, 10, 31)
EXPORTED_AT = dt.datetime(2026, 10, 31, 23, 59, 59)
PILOT_START = dt.date(2025, 8, 1)  # Mặt trận số piloted in August 2025: app share grows from then on
LISTENING_MONTH = 6  # "Tháng lắng nghe ý kiến nhân dân" each June
SYNTHETIC = "DỮ LIỆU MÔ PHỎNG — synthetic demo data"


@dataclass(frozen=True)
class Scale:
    """How much to write: opinions, months of history, survey respondents per province and wave."""

    opinions: int
    months: int
    survey_per_province: int
    activity_rate: float  # multiplier on commune-level activity rates
    membership_communes: int  # communes per province with commune/village membership rows
    voter_xlsx_rows: int  # cap on rows of the voter-contact XLSX (writing XLSX is slow)


SIZES: dict[str, Scale] = {
    "tiny": Scale(4_000, 12, 30, 0.1, 2, 400),  # for tests
    "small": Scale(50_000, 12, 300, 0.5, 6, 2_000),
    "medium": Scale(500_000, 24, 450, 1.0, 6, 3_000),
    "full": Scale(5_000_000, 24, 600, 1.0, 8, 3_000),
}

BAD_ROW_RATE = 0.002
UPDATE_RATE = 0.015  # app records exported again later with a newer status
DUPLICATE_RATE = 0.003  # app records exported again unchanged
NO_FIELD_RATE = 0.15
NO_DIACRITICS_RATE = 0.10
LEGACY_ADDRESS_RATE = 0.05  # of the letters/reception file: no codes, a pre-2025 address instead

CENTRAL_FLOOD = {"38", "40", "42", "44", "46", "48", "51", "52", "56", "66"}
INDUSTRIAL = {"24": 1.6, "75": 1.5, "79": 1.4, "31": 1.0, "33": 0.9, "80": 0.9, "01": 0.5, "19": 0.6, "37": 0.4}
GROWING_CITIES = {"01": 1.6, "79": 1.7, "48": 1.5, "31": 1.4, "92": 1.3, "24": 1.3, "56": 1.2, "22": 1.2}
INVERTED_CONE = {"79", "24", "75", "01", "31", "33"}  # many provincial cadres, thin coverage at the base

# ---------------------------------------------------------------------------------------------------------
# Text material. Each core sentence is (head, tail) around the place ("xã Tân Thạnh" / "tổ dân phố 3, …").

FIELD_BASE: dict[str, float] = {
    "dat_dai": 0.13, "moi_truong": 0.09, "y_te": 0.06, "giao_duc": 0.05, "an_sinh": 0.08, "lao_dong": 0.05,
    "giao_thong": 0.11, "an_ninh": 0.07, "tham_nhung": 0.03, "hanh_chinh": 0.09, "gia_ca": 0.04,
    "nong_nghiep": 0.05, "thien_tai": 0.02, "van_hoa_xa_hoi": 0.04, "mat_tran": 0.03, "khac": 0.06,
}  # fmt: skip
FIELDS = list(FIELD_BASE)

CORE: dict[str, list[tuple[str, str]]] = {
    "dat_dai": [
        ("Dự án mở rộng đường qua ", " đã thu hồi đất từ năm ngoái nhưng nhiều hộ dân vẫn chưa nhận được tiền bồi thường."),
        ("Giá bồi thường giải phóng mặt bằng tại ", " thấp hơn nhiều so với giá thị trường, người dân không đồng tình."),
        ("Gia đình tôi ở ", " nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất đã hơn 6 tháng nhưng chưa được giải quyết."),
        ("Tình trạng lấn chiếm đất công, xây dựng trái phép ở ", " kéo dài nhưng chính quyền chưa xử lý dứt điểm."),
        ("Khu tái định cư cho người dân bị thu hồi đất ở ", " chậm bàn giao, hạ tầng chưa hoàn thiện."),
        ("Tranh chấp ranh giới đất giữa các hộ ở ", " đã hòa giải nhiều lần nhưng không thành."),
        ("Quy hoạch treo nhiều năm tại ", " khiến người dân không thể xây sửa nhà, chuyển nhượng đất."),
    ],
    "moi_truong": [
        ("Cơ sở sản xuất gần ", " xả nước thải chưa qua xử lý ra kênh, bốc mùi hôi thối."),
        ("Rác thải sinh hoạt ở ", " không được thu gom thường xuyên, tồn đọng nhiều ngày."),
        ("Khói bụi từ nhà máy và xe chở vật liệu qua ", " gây ô nhiễm không khí nghiêm trọng."),
        ("Bãi rác tạm tại ", " quá tải, nước rỉ rác chảy ra ruộng của người dân."),
        ("Xưởng gỗ hoạt động ban đêm ở ", " gây tiếng ồn, ảnh hưởng đến sinh hoạt của các hộ xung quanh."),
        ("Tình trạng khai thác cát trái phép trên sông đoạn qua ", " gây sạt lở bờ."),
    ],
    "y_te": [
        ("Trạm y tế ", " thiếu thuốc bảo hiểm y tế, người bệnh phải tự mua ngoài."),
        ("Người dân ở ", " phải chờ khám rất lâu tại bệnh viện tuyến tỉnh, nhiều người đi từ 4 giờ sáng."),
        ("Đề nghị tăng cường bác sĩ cho trạm y tế ", ", hiện chỉ có một y sĩ trực."),
        ("Một số cơ sở bán thuốc ở ", " bán thuốc kê đơn không cần đơn của bác sĩ."),
        ("Nhiều trẻ em ở ", " chưa được tiêm chủng đầy đủ do thiếu vắc xin."),
    ],
    "giao_duc": [
        ("Trường tiểu học ở ", " thu nhiều khoản ngoài quy định đầu năm học."),
        ("Phòng học của điểm trường ", " xuống cấp, mùa mưa bị dột."),
        ("Tình trạng dạy thêm, học thêm tràn lan ở ", " gây áp lực cho phụ huynh."),
        ("Học sinh ở ", " phải đi học xa do điểm trường bị sáp nhập."),
        ("Đề nghị bố trí thêm giáo viên cho trường mầm non ", "."),
    ],
    "an_sinh": [
        ("Gia đình tôi ở ", " thuộc diện hộ cận nghèo nhưng chưa được cấp thẻ bảo hiểm y tế."),
        ("Tiền trợ cấp cho người cao tuổi tại ", " chi trả chậm hai tháng nay."),
        ("Doanh nghiệp nợ đóng bảo hiểm xã hội khiến công nhân ở ", " không được hưởng chế độ thai sản."),
        ("Việc bình xét hộ nghèo ở ", " chưa công khai, minh bạch."),
        ("Người khuyết tật ở ", " chưa được hưởng trợ cấp xã hội theo quy định."),
    ],
    "lao_dong": [
        ("Công ty trong khu công nghiệp gần ", " chậm trả lương cho công nhân hai tháng nay."),
        ("Công nhân thuê trọ ở ", " bị cắt giảm giờ làm, thu nhập không đủ sống."),
        ("Doanh nghiệp ở ", " cho người lao động nghỉ việc không báo trước, không thanh toán trợ cấp thôi việc."),
        ("Chủ trọ ở ", " thu tiền điện, nước của công nhân cao hơn giá quy định."),
        ("Thanh niên ở ", " khó tìm việc làm, đề nghị mở thêm lớp dạy nghề."),
    ],
    "giao_thong": [
        ("Tuyến đường liên thôn qua ", " xuống cấp nghiêm trọng, nhiều ổ gà."),
        ("Đèn chiếu sáng công cộng ở ", " hỏng nhiều tháng chưa được sửa."),
        ("Cây cầu tạm ở ", " đã yếu nhưng xe tải vẫn đi qua, rất nguy hiểm."),
        ("Công trình thi công đường ở ", " kéo dài, bụi bặm và gây ùn tắc."),
        ("Hệ thống thoát nước ở ", " bị tắc, mưa lớn là ngập sâu."),
        ("Nút giao gần chợ ", " thường xuyên ùn tắc vào giờ cao điểm, đề nghị lắp đèn tín hiệu."),
    ],
    "an_ninh": [
        ("Tình trạng trộm cắp xe máy ở ", " gia tăng trong thời gian gần đây."),
        ("Nhóm thanh niên tụ tập đua xe vào ban đêm ở ", " gây mất trật tự."),
        ("Tín dụng đen hoạt động công khai ở ", ", đe dọa người vay."),
        ("Quán karaoke ở ", " hoạt động quá giờ, gây ồn ào."),
        ("Nhiều người dân ở ", " bị lừa đảo qua điện thoại do đối tượng mạo danh cơ quan công an."),
    ],
    "tham_nhung": [
        ("Cán bộ địa chính ", " có biểu hiện gây khó khăn, nhũng nhiễu khi làm hồ sơ đất."),
        ("Việc sử dụng các khoản đóng góp của nhân dân ở ", " không được công khai."),
        ("Công trình nhà văn hóa ở ", " mới xây đã xuống cấp, nghi có sai phạm."),
        ("Đề nghị làm rõ việc chia tiền hỗ trợ thiên tai ở ", " không đúng đối tượng."),
    ],
    "hanh_chinh": [
        ("Thủ tục cấp căn cước và định danh điện tử ở ", " phải đi lại nhiều lần."),
        ("Sau sáp nhập, người dân ở ", " phải đi xa hơn để làm thủ tục hành chính."),
        ("Cổng dịch vụ công thường xuyên lỗi, người dân ", " không nộp được hồ sơ trực tuyến."),
        ("Hồ sơ đăng ký kinh doanh của tôi tại ", " bị trả lại nhiều lần không rõ lý do."),
        ("Đề nghị bộ phận một cửa ", " làm việc cả sáng thứ Bảy."),
    ],
    "gia_ca": [
        ("Giá thực phẩm ở chợ ", " tăng mạnh dịp cận Tết."),
        ("Tiền điện sinh hoạt tháng này của nhiều hộ ở ", " tăng bất thường."),
        ("Giá phân bón, vật tư nông nghiệp ở ", " tăng cao trong khi giá nông sản giảm."),
        ("Tiểu thương ở ", " phản ánh phí thuê sạp chợ tăng quá cao."),
    ],
    "nong_nghiep": [
        ("Giá lúa thu mua ở ", " thấp, nông dân không có lãi."),
        ("Dịch bệnh trên đàn gia súc ở ", " lây lan, đề nghị hỗ trợ tiêm phòng."),
        ("Kênh mương nội đồng ở ", " bị bồi lấp, không đủ nước tưới."),
        ("Giống cây trồng cấp cho bà con ở ", " kém chất lượng, tỷ lệ nảy mầm thấp."),
        ("Nông sản ở ", " vào vụ thu hoạch không tiêu thụ được, đề nghị hỗ trợ kết nối tiêu thụ."),
    ],
    "nong_nghiep_man": [
        ("Nước mặn xâm nhập sâu vào ", ", nhiều diện tích lúa và cây ăn trái bị thiệt hại."),
        ("Người dân ", " thiếu nước ngọt sinh hoạt do hạn mặn, đề nghị hỗ trợ bồn chứa nước."),
        ("Cống ngăn mặn ở ", " chưa được vận hành kịp thời, nước mặn tràn vào ruộng."),
        ("Độ mặn trong kênh ở ", " tăng cao, vườn sầu riêng của bà con bị ảnh hưởng."),
    ],
    "thien_tai": [
        ("Bờ sông đoạn qua ", " sạt lở nghiêm trọng, đề nghị sớm xây kè."),
        ("Nắng nóng kéo dài, hạn hán làm thiếu nước sản xuất ở ", "."),
        ("Lốc xoáy làm hư hại nhiều nhà ở ", ", đề nghị hỗ trợ khắc phục."),
        ("Đề nghị xây dựng nhà tránh trú bão cộng đồng cho người dân ", "."),
    ],
    "thien_tai_lu": [
        ("Mưa lũ làm ngập sâu nhiều nhà dân ở ", ", đề nghị hỗ trợ khẩn cấp lương thực và nước sạch."),
        ("Sạt lở đất đe dọa nhiều hộ dân ở ", ", đề nghị sớm di dời đến nơi an toàn."),
        ("Sau bão, nhiều nhà ở ", " bị tốc mái nhưng đến nay chưa nhận được tiền hỗ trợ."),
        ("Đường vào ", " bị lũ cuốn trôi, bà con bị cô lập nhiều ngày."),
        ("Thủy điện xả lũ không thông báo kịp thời cho người dân ", "."),
    ],
    "van_hoa_xa_hoi": [
        ("Nhà văn hóa ", " bị sử dụng sai mục đích, ít tổ chức sinh hoạt cộng đồng."),
        ("Tệ nạn ma túy trong thanh thiếu niên ở ", " có chiều hướng gia tăng."),
        ("Đám cưới, đám tang ở ", " còn tổ chức linh đình, kéo dài, gây ồn ào."),
        ("Đề nghị xây dựng sân chơi cho trẻ em ở ", "."),
    ],
    "mat_tran": [
        ("Ban công tác Mặt trận ở ", " chưa lắng nghe ý kiến người dân trước khi triển khai công việc."),
        ("Việc vận động đóng góp các loại quỹ ở ", " còn mang tính bắt buộc, bình quân theo đầu hộ."),
        ("Đề nghị Mặt trận ", " công khai kết quả giám sát các công trình dân sinh."),
        ("Sau sáp nhập, hoạt động của các chi hội đoàn thể ở ", " chưa ổn định."),
    ],
    "khac": [
        ("Tôi muốn hỏi thủ tục xin hỗ trợ ở ", " thì liên hệ ở đâu."),
        ("Đề nghị cung cấp số điện thoại đường dây nóng của ", "."),
        ("Người dân ", " mong được thông tin về kế hoạch phát triển của địa phương."),
        ("Ứng dụng Mặt trận số ở ", " thỉnh thoảng không gửi được ảnh đính kèm."),
    ],
}  # fmt: skip

DETAIL: dict[str, list[str]] = {
    "dat_dai": ["Đề nghị công khai phương án bồi thường, hỗ trợ và tái định cư.", "Người dân đã nhiều lần gửi đơn nhưng chưa được trả lời.", "Đề nghị tổ chức đối thoại trực tiếp với các hộ bị ảnh hưởng."],
    "moi_truong": ["Người dân phải đóng kín cửa cả ngày vì mùi hôi.", "Đề nghị kiểm tra, xử lý nghiêm cơ sở vi phạm.", "Nhiều trẻ nhỏ trong khu vực bị ho, viêm họng."],
    "y_te": ["Người già, người bệnh mãn tính rất vất vả.", "Đề nghị ngành y tế kiểm tra, chấn chỉnh."],
    "giao_duc": ["Phụ huynh rất bức xúc.", "Đề nghị ngành giáo dục sớm kiểm tra, có phương án khắc phục."],
    "an_sinh": ["Đề nghị rà soát lại danh sách và chi trả đúng, đủ, kịp thời.", "Nhiều hộ đã đi hỏi nhiều lần nhưng chưa được giải thích."],
    "lao_dong": ["Đề nghị Công đoàn và cơ quan chức năng vào cuộc bảo vệ quyền lợi người lao động.", "Nhiều gia đình công nhân đang rất khó khăn."],
    "giao_thong": ["Đã xảy ra nhiều vụ tai nạn giao thông.", "Đề nghị sớm bố trí kinh phí sửa chữa."],
    "an_ninh": ["Người dân lo lắng, không dám ra đường buổi tối.", "Đề nghị công an tăng cường tuần tra, xử lý."],
    "tham_nhung": ["Đề nghị thanh tra, làm rõ và xử lý nghiêm nếu có sai phạm.", "Người dân đề nghị được giữ bí mật danh tính."],
    "hanh_chinh": ["Đề nghị đơn giản hóa thủ tục, hướng dẫn rõ ràng hơn.", "Cán bộ tiếp nhận chưa hướng dẫn tận tình."],
    "gia_ca": ["Đề nghị tăng cường kiểm tra, bình ổn giá.", "Đời sống người dân bị ảnh hưởng nhiều."],
    "nong_nghiep": ["Bà con nông dân rất lo lắng.", "Đề nghị ngành nông nghiệp sớm có giải pháp hỗ trợ."],
    "nong_nghiep_man": ["Đề nghị hỗ trợ giống ngắn ngày chịu mặn.", "Bà con rất cần nước ngọt trong mùa khô."],
    "thien_tai": ["Đề nghị chính quyền sớm có phương án phòng chống.", "Bà con mong được hỗ trợ kịp thời."],
    "thien_tai_lu": ["Nhiều hộ mất trắng tài sản, hoa màu.", "Đề nghị ưu tiên hỗ trợ người già, trẻ em và hộ nghèo."],
    "van_hoa_xa_hoi": ["Đề nghị chính quyền có biện pháp chấn chỉnh.", "Người dân rất mong có nơi sinh hoạt chung."],
    "mat_tran": ["Đề nghị Mặt trận các cấp quan tâm hơn nữa.", "Người dân mong được tham gia ý kiến nhiều hơn."],
    "khac": ["Xin được hướng dẫn cụ thể.", "Cảm ơn Mặt trận đã lắng nghe."],
}  # fmt: skip

OPENERS = [
    "", "", "", "", "Kính gửi Ban Thường trực Ủy ban MTTQ: ", "Tôi xin phản ánh việc sau: ",
    "Đề nghị cơ quan chức năng xem xét: ", "Phản ánh: ", "Xin chào cán bộ Mặt trận. ",
]  # fmt: skip
CLOSERS = ["", "", " Đề nghị sớm giải quyết.", " Mong được trả lời sớm.", " Xin cảm ơn!", " Trân trọng.", " Rất mong các cấp quan tâm."]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lương", "Trịnh", "Mai"]  # fmt: skip
FAMILY_P = [38, 11, 9.5, 7, 3, 2, 4.5, 2, 2, 2, 2, 1.4, 1.3, 1.3, 1, 0.5, 1, 0.7, 0.7, 0.6]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Thành", "Xuân"], "female": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thị", "Thị"]}  # fmt: skip
GIVEN = {
    "male": ["Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Phong", "Khoa", "Bình", "An", "Quân", "Hiếu", "Thắng", "Tùng", "Cường", "Việt", "Trung"],
    "female": ["Lan", "Hương", "Mai", "Hoa", "Linh", "Trang", "Hằng", "Thảo", "Nga", "Yến", "Hạnh", "Oanh", "Vy", "Ngân", "Hà", "Thủy", "Dung", "Phương"],
}  # fmt: skip
MOBILE_PREFIX = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "056", "058"]  # fmt: skip
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung", "Nguyễn Huệ", "Hùng Vương", "Lê Duẩn", "Phan Đình Phùng", "Nguyễn Văn Cừ", "Trường Chinh", "Võ Thị Sáu", "Điện Biên Phủ"]  # fmt: skip

# Handling: (agency base name, median days from forwarding to answer). Province agencies get the province
# name appended ("Sở Y tế tỉnh Nghệ An"); central ones are used as they are.
PROVINCE_AGENCY: dict[str, list[tuple[str, float]]] = {
    "dat_dai": [("Sở Nông nghiệp và Môi trường", 28), ("Ban Quản lý dự án đầu tư xây dựng", 35)],
    "moi_truong": [("Sở Nông nghiệp và Môi trường", 22)],
    "y_te": [("Sở Y tế", 10)],
    "giao_duc": [("Sở Giáo dục và Đào tạo", 9)],
    "an_sinh": [("Bảo hiểm xã hội", 12), ("Sở Y tế", 14)],
    "lao_dong": [("Sở Nội vụ", 15), ("Liên đoàn Lao động", 8)],
    "giao_thong": [("Sở Xây dựng", 20)],
    "an_ninh": [("Công an", 7)],
    "tham_nhung": [("Thanh tra", 40)],
    "hanh_chinh": [("Trung tâm Phục vụ hành chính công", 5), ("Sở Nội vụ", 12)],
    "gia_ca": [("Sở Công Thương", 11), ("Sở Tài chính", 14)],
    "nong_nghiep": [("Sở Nông nghiệp và Môi trường", 14)],
    "thien_tai": [("Ban Chỉ huy Phòng thủ dân sự", 4)],
    "van_hoa_xa_hoi": [("Sở Văn hóa, Thể thao và Du lịch", 14)],
    "mat_tran": [("Ủy ban MTTQ Việt Nam", 7)],
    "khac": [("Văn phòng UBND", 9)],
}
CENTRAL_AGENCY: dict[str, str] = {
    "dat_dai": "Bộ Nông nghiệp và Môi trường", "moi_truong": "Bộ Nông nghiệp và Môi trường", "y_te": "Bộ Y tế",
    "giao_duc": "Bộ Giáo dục và Đào tạo", "an_sinh": "Bảo hiểm xã hội Việt Nam", "lao_dong": "Bộ Nội vụ",
    "giao_thong": "Bộ Xây dựng", "an_ninh": "Bộ Công an", "tham_nhung": "Thanh tra Chính phủ",
    "hanh_chinh": "Văn phòng Chính phủ", "gia_ca": "Bộ Công Thương", "nong_nghiep": "Bộ Nông nghiệp và Môi trường",
    "thien_tai": "Bộ Nông nghiệp và Môi trường", "van_hoa_xa_hoi": "Bộ Văn hóa, Thể thao và Du lịch",
    "mat_tran": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", "khac": "Văn phòng Chính phủ",
}  # fmt: skip

# Human Vietnamese headers for files people type (XLSX); header_key() folds each to the contract's name.
VI_TITLES: dict[str, str] = {
    "he_thong": "Hệ thống", "ma_phan_anh": "Mã phản ánh", "thoi_gian_tiep_nhan": "Thời gian tiếp nhận",
    "kenh": "Kênh", "ma_tinh": "Mã tỉnh", "ma_xa": "Mã xã", "dia_chi": "Địa chỉ", "linh_vuc": "Lĩnh vực",
    "noi_dung": "Nội dung", "ho_ten": "Họ tên", "so_dien_thoai": "Số điện thoại", "so_cccd": "Số CCCD",
    "trang_thai": "Trạng thái", "ngay_chuyen": "Ngày chuyển", "ngay_tra_loi": "Ngày trả lời",
    "ngay_giai_quyet": "Ngày giải quyết", "co_quan_xu_ly": "Cơ quan xử lý", "cap": "Cấp", "dot": "Đợt",
    "muc_do_hai_long": "Mức độ hài lòng", "ky": "Kỳ", "to_chuc": "Tổ chức", "dia_ban": "Địa bàn",
    "so_hoi_vien": "Số hội viên", "so_doi_tuong": "Số đối tượng", "so_chi_hoi": "Số chi hội",
    "so_can_bo": "Số cán bộ", "loai_mo_hinh": "Loại mô hình", "ten_mo_hinh": "Tên mô hình",
    "ngay_ap_dung": "Ngày áp dụng", "trang_thai_mo_hinh": "Trạng thái mô hình", "ma_moc": "Mã mốc",
    "pham_vi": "Phạm vi", "ten_moc": "Tên mốc", "chi_so": "Chỉ số", "muc_tieu": "Mục tiêu",
    "han_hoan_thanh": "Hạn hoàn thành", "don_vi_chu_tri": "Đơn vị chủ trì", "ket_qua": "Kết quả",
    "ngay_hoan_thanh": "Ngày hoàn thành",
}  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.default_rng([seed, part])


def _months(scale: Scale) -> list[dt.date]:
    """First days of the months covered, ending with END_DATE's month."""
    out = []
    y, m = END_DATE.year, END_DATE.month
    for _ in range(scale.months):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _epoch(d: dt.date | dt.datetime) -> int:
    if not isinstance(d, dt.datetime):
        d = dt.datetime(d.year, d.month, d.day)
    return int(calendar.timegm(d.timetuple()))


EXPORT_EPOCH = _epoch(EXPORTED_AT)
DAY = 86_400


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that sum exactly to `total`."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    short = total - int(out.sum())
    if short:
        out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


def _pick(values: Sequence[str], idx: np.ndarray) -> pl.Series:
    """values[idx] as a polars string Series (vectorised template lookup)."""
    return pl.Series(list(values), dtype=pl.String).gather(pl.Series(idx, dtype=pl.Int64))


def _strip_diacritics(expr: pl.Expr) -> pl.Expr:
    return expr.str.normalize("NFD").str.replace_all(r"\p{Mn}", "").str.replace_all("đ", "d").str.replace_all("Đ", "D")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _ts(col: str, fmt: str) -> pl.Expr:
    """Epoch seconds (local time) -> formatted text; null stays null."""
    return pl.from_epoch(pl.col(col), time_unit="s").dt.strftime(fmt).alias(col)


def _vi_label(vocabulary: str) -> dict[str, str]:
    return {code: labels[0] for code, labels in vocabularies()[vocabulary].items()}


def _write_csv(df: pl.DataFrame, path: Path, bom: bool = False) -> Path:
    df.write_csv(path, include_bom=bom)
    return path


def _write_xlsx(df: pl.DataFrame, path: Path, sheet: str) -> Path:
    """XLSX with fixed document dates, so the bytes depend on the seed only."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": EXPORTED_AT, "author": "Mặt Trận Số (mô phỏng)", "comments": SYNTHETIC})
    df.write_excel(workbook, worksheet=sheet, autofit=False, table_style=None, autofilter=False)
    workbook.close()
    return path


def _vi_headers(df: pl.DataFrame, kind_columns: dict[str, str], titles: bool = False) -> pl.DataFrame:
    """Rename English columns to the kind's Vietnamese headers (snake_case, or human titles for XLSX)."""
    mapping = {c: kind_columns[c] for c in df.columns if c in kind_columns}
    if titles:
        mapping = {c: VI_TITLES.get(v, v) for c, v in mapping.items()}
    return df.rename(mapping)


def _vi_of(kind: str) -> dict[str, str]:
    from etl.kinds import KINDS

    return {c.name: c.vi for c in KINDS[kind].columns}


# ---------------------------------------------------------------------------------------------------------
# The world: provinces, communes with populations, legacy wards


@dataclass
class World:
    """Provinces and communes with synthetic commune populations, and each commune's legacy wards."""

    provinces: pl.DataFrame
    communes: pl.DataFrame
    legacy: dict[str, list[tuple[str, str, str, str, str]]] = field(default_factory=dict)

    @property
    def province_codes(self) -> list[str]:
        return self.provinces["province_code"].to_list()


def build_world(seed: int) -> World:
    """Provinces and communes from `etl.geo`, commune populations spread from the province population."""
    rng = _rng(seed, 1)
    provinces = geo.province_rows().sort("province_code")
    communes = geo.commune_rows().sort("province_code", "commune_code")
    type_factor = communes["commune_type"].replace_strict({"Phường": 2.6, "Xã": 1.0, "Đặc khu": 0.35}, default=1.0)
    weight = type_factor.to_numpy() * rng.lognormal(0.0, 0.45, communes.height)
    pop = np.zeros(communes.height, dtype=np.int64)
    codes = communes["province_code"].to_numpy()
    for code, total in provinces.select("province_code", "population").iter_rows():
        mask = codes == code
        pop[mask] = _largest_remainder(int(total), weight[mask])
    communes = communes.with_columns(
        pl.Series("population", pop),
        (pl.col("commune_type") == "Phường").alias("urban"),
        pl.col("province_code").replace_strict(
            {c: i for i, c in enumerate(provinces["province_code"])}, return_dtype=pl.Int32
        ).alias("p_idx"),
        pl.col("commune_type").str.to_lowercase().alias("type_lc"),
    )
    urban_share = (
        communes.group_by("province_code")
        .agg((pl.col("population") * pl.col("urban")).sum() / pl.col("population").sum())
        .rename({"population": "urban_share"})
    )
    provinces = provinces.join(urban_share, on="province_code").sort("province_code")
    provinces = provinces.with_columns(
        pl.col("name_vi").str.replace(r"^Tỉnh ", "tỉnh ").str.replace(r"^Thành phố ", "thành phố ").alias("name_lc")
    )
    return World(provinces, communes, _legacy_wards())


def _legacy_wards() -> dict[str, list[tuple[str, str, str, str, str]]]:
    """2025 commune code -> its pre-2025 wards (province, district, ward, district type, ward type), undivided only."""
    no_divided = geo.converter_data()["DICT_PROVINCE_WARD_NO_DIVIDED"]
    with sqlite3.connect(f"file:{geo.package_data_dir() / 'dataset.db'}?mode=ro", uri=True) as conn:
        new = {(p, w): code for p, w, code in conn.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
        old = {
            f"{r[0]}_{r[1]}_{r[2]}": r[3:]
            for r in conn.execute(
                "SELECT provinceKey, districtKey, wardKey, province, district, ward, districtType, wardType "
                "FROM admin_units_legacy"
            )
        }
    out: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for province_key in sorted(no_divided):
        for ward_key in sorted(no_divided[province_key]):
            code = new.get((province_key, ward_key))
            if code is None:
                continue
            for old_key in no_divided[province_key][ward_key]:
                if old_key in old:
                    parts = tuple(unicodedata.normalize("NFC", s or "") for s in old[old_key])
                    out.setdefault(code.zfill(5), []).append(parts)  # type: ignore[arg-type]
    return out


# ---------------------------------------------------------------------------------------------------------
# Feedback (citizens' opinions)

CHANNELS = ["app", "zalo", "hotline", "voter_contact", "dialogue", "direct", "mail"]
FEEDBACK_COLUMNS = [
    "source_system", "source_id", "received_at", "channel", "province_code", "commune_code", "address", "field",
    "content", "citizen_name", "citizen_phone", "citizen_id", "status", "forwarded_at", "answered_at",
    "resolved_at", "agency", "level", "campaign", "satisfaction", "lat", "lon",
]  # fmt: skip
TIME_COLUMNS = ["received_at", "forwarded_at", "answered_at", "resolved_at"]
OFFICE_HOURS = np.array([0, 0, 0, 0, 0, 0, 1, 4, 9, 10, 9, 6, 3, 6, 9, 9, 7, 4, 2, 1, 1, 0.5, 0, 0], float)
ALL_DAY_HOURS = np.array([1, 0.5, 0.3, 0.2, 0.3, 1, 2, 4, 6, 7, 7, 6, 5, 6, 6, 6, 6, 6, 6, 8, 9, 8, 5, 2], float)
# Text pools flattened: key -> (offset, size) into the flat lists.
_TEXT_KEYS = list(CORE)
_HEADS = [h for k in _TEXT_KEYS for h, _ in CORE[k]]
_HEADS_LC = [_lower_first(h) for h in _HEADS]
_TAILS = [t for k in _TEXT_KEYS for _, t in CORE[k]]
_CORE_OFF = np.cumsum([0] + [len(CORE[k]) for k in _TEXT_KEYS])[:-1]
_CORE_LEN = np.array([len(CORE[k]) for k in _TEXT_KEYS])
_DETAILS = [d for k in _TEXT_KEYS for d in DETAIL[k]]
_DETAIL_OFF = np.cumsum([0] + [len(DETAIL[k]) for k in _TEXT_KEYS])[:-1]
_DETAIL_LEN = np.array([len(DETAIL[k]) for k in _TEXT_KEYS])
_AGENCY_OPTS = [opt for f in FIELDS for opt in PROVINCE_AGENCY[f]]
_AGENCY_OFF = np.cumsum([0] + [len(PROVINCE_AGENCY[f]) for f in FIELDS])[:-1]
_AGENCY_LEN = np.array([len(PROVINCE_AGENCY[f]) for f in FIELDS])
_PROVINCE_SHARE = {"dat_dai": 0.45, "tham_nhung": 0.6, "lao_dong": 0.45, "an_sinh": 0.4, "moi_truong": 0.4, "y_te": 0.35}


@dataclass
class _Arrays:
    """Per-commune and per-province numpy arrays used by the per-month generator."""

    world: World
    efficiency: np.ndarray  # per province: >1 = slower handling
    codes: np.ndarray = field(init=False)
    prov_of: np.ndarray = field(init=False)
    urban: np.ndarray = field(init=False)
    members: list[np.ndarray] = field(init=False)
    member_p: list[np.ndarray] = field(init=False)
    base_weight: np.ndarray = field(init=False)
    region: list[str] = field(init=False)
    pcodes: list[str] = field(init=False)

    def __post_init__(self) -> None:
        c, p = self.world.communes, self.world.provinces
        self.codes = c["commune_code"].to_numpy()
        self.prov_of = c["p_idx"].to_numpy()
        self.urban = c["urban"].to_numpy()
        weight = c["population"].to_numpy() * np.where(self.urban, 1.5, 1.0)
        self.members = [np.flatnonzero(self.prov_of == i) for i in range(p.height)]
        self.member_p = [weight[m] / weight[m].sum() for m in self.members]
        self.base_weight = p["population"].to_numpy() * (0.7 + 0.8 * p["urban_share"].to_numpy())
        self.region = p["region"].to_list()
        self.pcodes = p["province_code"].to_list()

    def province_weight(self, month: int) -> np.ndarray:
        w = self.base_weight.copy()
        for i, code in enumerate(self.pcodes):
            if code in CENTRAL_FLOOD and month in (10, 11):
                w[i] *= 1.6
            if self.region[i] == "Mekong Delta" and month in (2, 3, 4):
                w[i] *= 1.15
        return w / w.sum()

    def field_probs(self, p: int, urban: bool, month: int) -> np.ndarray:
        code, region = self.pcodes[p], self.region[p]
        f = dict(FIELD_BASE)
        if code in CENTRAL_FLOOD and month in (10, 11):
            f["thien_tai"] *= 14
        elif region == "North Midlands & Mountains" and month in (7, 8, 9):
            f["thien_tai"] *= 4
        if region == "Mekong Delta" and month in (2, 3, 4):
            f["nong_nghiep"] *= 4
        f["nong_nghiep"] *= 0.3 if urban else 2.0
        f["lao_dong"] *= 1 + 2 * INDUSTRIAL.get(code, 0.0)
        f["moi_truong"] *= 1 + 0.4 * INDUSTRIAL.get(code, 0.0)
        f["dat_dai"] *= GROWING_CITIES.get(code, 1.0) * (1.3 if urban else 1.0)
        if month in (1, 2):
            f["gia_ca"] *= 2.2
        if month in (8, 9):
            f["giao_duc"] *= 2.0
        if month == LISTENING_MONTH:
            f["mat_tran"] *= 1.6
        v = np.array([f[k] for k in FIELDS])
        return v / v.sum()


def _channel_probs(month: dt.date, urban: bool) -> np.ndarray:
    since = (month.year - PILOT_START.year) * 12 + month.month - PILOT_START.month
    app = 0.12 if since < 0 else min(0.55, 0.2 + 0.03 * since)
    p = {"app": app, "zalo": 0.22, "hotline": 0.16, "voter_contact": 0.035, "dialogue": 0.02, "direct": 0.13, "mail": 0.07}
    if month.month in (4, 5, 9, 10):  # voter contact before the National Assembly sessions
        p["voter_contact"] *= 3
    if month.month == LISTENING_MONTH:
        p["dialogue"] *= 2.5
    p["app"] *= 1.3 if urban else 0.8
    p["mail"] *= 0.6 if urban else 1.3
    p["direct"] *= 0.8 if urban else 1.2
    v = np.array([p[c] for c in CHANNELS])
    return v / v.sum()


def _phones(rng: np.random.Generator, n: int) -> pl.Series:
    """Vietnamese mobile numbers in the formats people type: 09xx…, spaced, dotted, +84…"""
    digits = pl.DataFrame({"p": _pick(MOBILE_PREFIX, rng.integers(0, len(MOBILE_PREFIX), n)),
                           "t": pl.Series(rng.integers(0, 10_000_000, n)).cast(pl.String).str.zfill(7)})  # fmt: skip
    s = digits.select(pl.concat_str("p", "t").alias("s"))["s"]
    style = pl.Series(rng.choice(6, n, p=[0.45, 0.2, 0.12, 0.1, 0.08, 0.05]))
    frame = pl.DataFrame({"s": s, "k": style})
    a, b, c, d = (pl.col("s").str.slice(0, 4), pl.col("s").str.slice(4, 3), pl.col("s").str.slice(7, 3),
                  pl.col("s").str.slice(1, 3))  # fmt: skip
    expr = (
        pl.when(pl.col("k") == 1).then(pl.concat_str(a, b, c, separator=" "))
        .when(pl.col("k") == 2).then(pl.concat_str(a, b, c, separator="."))
        .when(pl.col("k") == 3).then(pl.concat_str(pl.lit("+84"), d, b, c, separator=" "))
        .when(pl.col("k") == 4).then(pl.concat_str(pl.lit("+84"), pl.col("s").str.slice(1)))
        .when(pl.col("k") == 5).then(pl.concat_str(pl.lit("84"), pl.col("s").str.slice(1)))
        .otherwise(pl.col("s"))
    )  # fmt: skip
    return frame.select(expr.alias("phone"))["phone"]


def _names(rng: np.random.Generator, n: int) -> pl.Series:
    fam = np.array(FAMILY_P) / sum(FAMILY_P)
    female = rng.random(n) < 0.5
    parts = pl.DataFrame({
        "f": _pick(FAMILY, rng.choice(len(FAMILY), n, p=fam)),
        "mm": _pick(MIDDLE["male"], rng.integers(0, len(MIDDLE["male"]), n)),
        "mf": _pick(MIDDLE["female"], rng.integers(0, len(MIDDLE["female"]), n)),
        "gm": _pick(GIVEN["male"], rng.integers(0, len(GIVEN["male"]), n)),
        "gf": _pick(GIVEN["female"], rng.integers(0, len(GIVEN["female"]), n)),
        "female": female, "upper": rng.random(n) < 0.08,
    })  # fmt: skip
    name = pl.concat_str(
        "f",
        pl.when("female").then("mf").otherwise("mm"),
        pl.when("female").then("gf").otherwise("gm"),
        separator=" ",
    )
    return parts.select(pl.when("upper").then(name.str.to_uppercase()).otherwise(name).alias("name"))["name"]


def _id_numbers(rng: np.random.Generator, province_codes: pl.Series) -> pl.Series:
    """12-digit citizen ID: 0 + province of birth, century/sex digit, year of birth, 6 digits."""
    n = province_codes.len()
    frame = pl.DataFrame({
        "p": province_codes,
        "g": pl.Series(rng.integers(0, 4, n)).cast(pl.String),
        "y": pl.Series(rng.integers(0, 100, n)).cast(pl.String).str.zfill(2),
        "r": pl.Series(rng.integers(0, 1_000_000, n)).cast(pl.String).str.zfill(6),
    })  # fmt: skip
    return frame.select(pl.concat_str(pl.lit("0"), "p", "g", "y", "r").alias("id"))["id"]


def _opinions(arr: _Arrays, month: dt.date, n: int, rng: np.random.Generator) -> pl.DataFrame:
    """One month of opinions in canonical (English) form; times as epoch seconds, local time."""
    w = arr.world
    counts = rng.multinomial(n, arr.province_weight(month.month))
    c_idx = np.concatenate(
        [rng.choice(arr.members[p], size=k, p=arr.member_p[p]) for p, k in enumerate(counts) if k] or [np.zeros(0, int)]
    )
    p_idx = arr.prov_of[c_idx]
    urban = arr.urban[c_idx]
    # field, per (province, urban) group
    f_idx = np.zeros(n, dtype=np.int64)
    key = p_idx * 2 + urban
    for k in np.unique(key):
        rows = np.flatnonzero(key == k)
        f_idx[rows] = rng.choice(len(FIELDS), rows.size, p=arr.field_probs(int(k // 2), bool(k % 2), month.month))
    text_key = f_idx.copy()
    tk = {k: i for i, k in enumerate(_TEXT_KEYS)}
    fields_arr = np.array(FIELDS)
    central = np.isin(np.array(arr.pcodes)[p_idx], list(CENTRAL_FLOOD))
    mekong = np.array(arr.region)[p_idx] == "Mekong Delta"
    is_f = fields_arr[f_idx]
    text_key = np.array([tk[f] for f in FIELDS])[f_idx]
    if month.month in (10, 11):
        text_key[(is_f == "thien_tai") & central] = tk["thien_tai_lu"]
    if month.month in (2, 3, 4):
        text_key[(is_f == "nong_nghiep") & mekong & (rng.random(n) < 0.7)] = tk["nong_nghiep_man"]
    # channel, per urban group
    ch = np.zeros(n, dtype=np.int64)
    for u in (False, True):
        rows = np.flatnonzero(urban == u)
        ch[rows] = rng.choice(len(CHANNELS), rows.size, p=_channel_probs(month, u))
    online = np.isin(ch, [0, 1])
    hours = np.where(
        online,
        rng.choice(24, n, p=ALL_DAY_HOURS / ALL_DAY_HOURS.sum()),
        rng.choice(24, n, p=OFFICE_HOURS / OFFICE_HOURS.sum()),
    )
    ndays = calendar.monthrange(month.year, month.month)[1]
    received = _epoch(month) + rng.integers(0, ndays, n) * DAY + hours * 3600 + rng.integers(0, 3600, n)
    received = np.minimum(received, EXPORT_EPOCH - 3600)

    # handling: level, agency, timeline
    u = rng.random(n)
    prov_share = np.array([_PROVINCE_SHARE.get(f, 0.3) for f in FIELDS])[f_idx]
    level = np.where(u < 0.03, 3, np.where(u < 0.03 + prov_share, 2, np.where(u > 0.9, 0, 1)))  # 0 village .. 3 central
    opt = _AGENCY_OFF[f_idx] + np.floor(rng.random(n) * _AGENCY_LEN[f_idx]).astype(np.int64)
    province_days = np.array([d for _, d in _AGENCY_OPTS])[opt]
    police = is_f == "an_ninh"
    median_days = np.select([level == 0, level == 1, level == 2], [5.0, np.where(police, 7.0, 12.0), province_days], 45.0)
    median_days = median_days * arr.efficiency[p_idx] * (0.8 if month.month == LISTENING_MONTH else 1.0)
    fwd = received + rng.lognormal(np.log(16 * 3600), 1.1, n)
    never_fwd = rng.random(n) < 0.015
    ans = fwd + rng.lognormal(np.log(median_days * DAY), 0.75)
    stuck = rng.random(n) < 0.06 * np.clip(arr.efficiency[p_idx], 0.5, 2.5) * np.where(np.isin(is_f, ["dat_dai", "tham_nhung"]), 1.5, 1.0)
    rejected = (rng.random(n) < 0.03) & ~stuck
    ans = np.where(rejected, fwd + (ans - fwd) * 0.4, ans)
    res = ans + rng.lognormal(np.log(12 * DAY), 0.8, n)
    resolves = (rng.random(n) < np.where(level == 0, 0.75, 0.55)) & ~rejected
    fwd_ok = ~never_fwd & (fwd <= EXPORT_EPOCH)
    ans_ok = fwd_ok & ~stuck & (ans <= EXPORT_EPOCH)
    res_ok = ans_ok & resolves & (res <= EXPORT_EPOCH)
    status = np.select(
        [res_ok, ans_ok & rejected, ans_ok, fwd_ok], ["resolved", "rejected", "answered", "forwarded"], "received"
    )
    answer_days = (ans - received) / DAY
    score = np.where(status == "resolved", 4.1, np.where(status == "rejected", 1.9, 3.1))
    score = score - 0.45 * np.log1p(np.clip(answer_days, 0, None) / 15) + rng.normal(0, 0.9, n)
    rated = np.isin(status, ["answered", "resolved", "rejected"]) & (rng.random(n) < np.where(status == "rejected", 0.35, 0.6))
    satisfaction = np.clip(np.rint(score), 1, 5).astype(np.int64)

    communes = w.communes[c_idx]
    provinces = w.provinces[p_idx]
    south = np.isin(np.array(arr.region)[p_idx], ["Southeast", "Mekong Delta"])
    mountain = np.array(arr.region)[p_idx] == "North Midlands & Mountains"
    hamlet_word = np.where(urban, "tổ dân phố ", np.where(south, "ấp ", np.where(mountain & (rng.random(n) < 0.5), "bản ", "thôn ")))
    frame = pl.DataFrame({
        "received": received.astype(np.int64),
        "channel": pl.Series(np.array(CHANNELS)[ch]),
        "province_code": communes["province_code"],
        "commune_code": communes["commune_code"],
        "commune_vi": communes["name_vi"],
        "commune_short": communes["name_short"],
        "type_lc": communes["type_lc"],
        "province_vi": provinces["name_vi"],
        "province_lc": provinces["name_lc"],
        "c_lat": communes["lat"], "c_lon": communes["lon"],
        "field": pl.Series(is_f),
        "hamlet": pl.concat_str(pl.Series(hamlet_word), pl.Series(rng.integers(1, 16, n)).cast(pl.String)),
        "use_hamlet": rng.random(n) < 0.4,
        "detail": _pick(_DETAILS, _DETAIL_OFF[text_key] + np.floor(rng.random(n) * _DETAIL_LEN[text_key]).astype(np.int64)),
        "has_detail": rng.random(n) < 0.55,
        "opener": _pick(OPENERS, rng.integers(0, len(OPENERS), n)),
        "closer": _pick(CLOSERS, rng.integers(0, len(CLOSERS), n)),
        "mix": rng.random(n) < 0.07,
        "mix_key": rng.integers(0, len(FIELDS), n),
        "newline": rng.random(n) < 0.01,
        "phone_in_text": rng.random(n) < 0.03,
        "no_diacritics": rng.random(n) < NO_DIACRITICS_RATE,
        "no_field": rng.random(n) < NO_FIELD_RATE,
        "status": pl.Series(status),
        "forwarded": pl.Series(np.where(fwd_ok, fwd, 0).astype(np.int64)),
        "answered": pl.Series(np.where(ans_ok, ans, 0).astype(np.int64)),
        "resolved": pl.Series(np.where(res_ok, res, 0).astype(np.int64)),
        "fwd_ok": fwd_ok, "ans_ok": ans_ok, "res_ok": res_ok,
        "level": pl.Series(np.array(["village", "commune", "province", "central"])[level]),
        "agency_base": _pick([a for a, _ in _AGENCY_OPTS], opt),
        "central_agency": _pick([CENTRAL_AGENCY[f] for f in FIELDS], f_idx),
        "police": police,
        "satisfaction": pl.Series(np.where(rated, satisfaction, 0)),
        "rated": rated,
        "listening": (month.month == LISTENING_MONTH) & (rng.random(n) < 0.75),
        "with_location": (ch == 0) & (rng.random(n) < 0.35),
        "dlat": rng.normal(0, 0.01, n), "dlon": rng.normal(0, 0.01, n),
    })  # fmt: skip
    core_i = _CORE_OFF[text_key] + np.floor(rng.random(n) * _CORE_LEN[text_key]).astype(np.int64)
    mix_tk = np.array([tk[f] for f in FIELDS])[frame["mix_key"].to_numpy()]
    mix_i = _CORE_OFF[mix_tk] + np.floor(rng.random(n) * _CORE_LEN[mix_tk]).astype(np.int64)
    frame = frame.with_columns(
        _pick(_HEADS, core_i).alias("head"),
        _pick(_TAILS, core_i).alias("tail"),
        _pick(_HEADS_LC, mix_i).alias("mix_head"),
        _pick(_TAILS, mix_i).alias("mix_tail"),
        _phones(rng, n).alias("phone_text"),
        _names(rng, n).alias("citizen_name"),
        _phones(rng, n).alias("citizen_phone"),
        _id_numbers(rng, communes["province_code"]).alias("citizen_id"),
    )
    return _assemble(frame, month)


def _assemble(f: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    commune_phrase = pl.concat_str("type_lc", "commune_short", separator=" ")
    place = pl.when("use_hamlet").then(pl.concat_str("hamlet", pl.lit(", "), commune_phrase)).otherwise(commune_phrase)
    content = pl.concat_str(
        "opener", "head", place, "tail",
        pl.when("has_detail").then(pl.concat_str(pl.when("newline").then(pl.lit("\n")).otherwise(pl.lit(" ")), "detail"))
        .otherwise(pl.lit("")),
        pl.when("mix").then(pl.concat_str(pl.lit(" Ngoài ra, "), "mix_head", place, "mix_tail")).otherwise(pl.lit("")),
        "closer",
        pl.when("phone_in_text").then(pl.concat_str(pl.lit(" Liên hệ: "), "phone_text")).otherwise(pl.lit("")),
    )  # fmt: skip
    agency = (
        pl.when(pl.col("level") == "village").then(pl.concat_str(pl.lit("Ban công tác Mặt trận "), "hamlet"))
        .when(pl.col("level") == "commune").then(
            pl.concat_str(pl.when("police").then(pl.lit("Công an")).otherwise(pl.lit("UBND")), commune_phrase, separator=" "))
        .when(pl.col("level") == "province").then(pl.concat_str("agency_base", "province_lc", separator=" "))
        .otherwise(pl.col("central_agency"))
    )  # fmt: skip
    campaign = (
        pl.when("listening").then(pl.lit(f"Tháng lắng nghe ý kiến nhân dân {month.year}"))
        .when(pl.col("channel") == "voter_contact").then(
            pl.lit("Tiếp xúc cử tri trước kỳ họp Quốc hội" if month.month in (4, 5, 9, 10) else "Tiếp xúc cử tri định kỳ"))
        .otherwise(None)
    )  # fmt: skip
    forwarded = pl.col("status") != "received"
    return f.select(
        pl.col("received").alias("received_at"),
        "channel", "province_code", "commune_code", "commune_vi", "province_vi", "commune_short", "type_lc",
        pl.when("no_field").then(None).otherwise(pl.col("field")).alias("field"),
        pl.when("no_diacritics").then(_strip_diacritics(content)).otherwise(content).alias("content"),
        pl.when(pl.int_range(pl.len()) % 7 == 3).then(None).otherwise(pl.col("citizen_name")).alias("citizen_name"),
        pl.when(pl.int_range(pl.len()) % 9 == 4).then(None).otherwise(pl.col("citizen_phone")).alias("citizen_phone"),
        "citizen_id", "status",
        pl.when("fwd_ok").then(pl.col("forwarded")).otherwise(None).alias("forwarded_at"),
        pl.when("ans_ok").then(pl.col("answered")).otherwise(None).alias("answered_at"),
        pl.when("res_ok").then(pl.col("resolved")).otherwise(None).alias("resolved_at"),
        pl.when(forwarded).then(agency).otherwise(None).alias("agency"),
        pl.when(forwarded).then(pl.col("level")).otherwise(None).alias("level"),
        campaign.alias("campaign"),
        pl.when("rated").then(pl.col("satisfaction")).otherwise(None).alias("satisfaction"),
        pl.when("with_location").then((pl.col("c_lat") + pl.col("dlat")).round(5)).otherwise(None).alias("lat"),
        pl.when("with_location").then((pl.col("c_lon") + pl.col("dlon")).round(5)).otherwise(None).alias("lon"),
    ).sort("received_at", "commune_code", maintain_order=True)  # fmt: skip
