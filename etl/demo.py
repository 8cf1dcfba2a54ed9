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
per agency with overdue cases; satisfaction for answered opinions; about 15% without a field; texts varied for
the field classifier (a second sentence in everyday words for 60%, a second concern of another field for 20%,
~25% without diacritics, ~12% typed like text messages, 5% stated label noise); ~0.2% deliberately bad rows
(quarantine), re-exports with a newer status (updates) and a few exact duplicates.
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
NO_DIACRITICS_RATE = 0.25
EXTRA_RATE = 0.6  # opinions with a second sentence of their own field in everyday words (`EXTRA`)
MIX_RATE = 0.20  # opinions that raise a second concern of another field ("Ngoài ra, …")
TEXTING_RATE = 0.12  # written like a text message: lower case, "ko", "đc", "ng dân"…
LABEL_NOISE_RATE = 0.05  # stated share of exported fields that are wrong (a random other field): label noise
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
        ("Cán bộ tư pháp ", " đòi tiền bồi dưỡng mới chứng thực giấy tờ cho người dân."),
        ("Lãnh đạo ", " để người nhà trúng thầu các công trình, nghiệm thu khi chất lượng còn kém."),
        ("Tiền chế độ của các hộ ở ", " bị cán bộ cắt xén, ăn chia, người dân nhận thiếu."),
        ("Người dân ", " tố cáo cán bộ lợi dụng chức vụ sử dụng tài sản công, xe công vào việc riêng."),
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
        ("Cửa hàng tạp hóa ở ", " bán cao hơn giá niêm yết, mỗi nơi bán một giá."),
        ("Giá xăng dầu, giá gas lên liên tục, người dân ", " chi tiêu rất chật vật."),
    ],
    "nong_nghiep": [
        ("Giá lúa thu mua ở ", " thấp, nông dân không có lãi."),
        ("Dịch bệnh trên đàn gia súc ở ", " lây lan, đề nghị hỗ trợ tiêm phòng."),
        ("Kênh mương nội đồng ở ", " bị bồi lấp, không đủ nước tưới."),
        ("Giống cây trồng cấp cho bà con ở ", " kém chất lượng, tỷ lệ nảy mầm thấp."),
        ("Nông sản ở ", " vào vụ thu hoạch không tiêu thụ được, đề nghị hỗ trợ kết nối tiêu thụ."),
        ("Đàn gia súc, gia cầm của bà con ", " chết do dịch, cán bộ thú y chưa về tiêm phòng."),
        ("Hợp tác xã ", " bao tiêu nông sản nhưng trả tiền chậm, bà con thiếu vốn sản xuất vụ mới."),
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
        ("Cuộc vận động Toàn dân đoàn kết xây dựng đời sống văn hóa ở ", " còn hình thức."),
        ("Đề nghị Ủy ban MTTQ ", " tổ chức hội nghị phản biện trước khi phê duyệt dự án."),
        ("Tiền ủng hộ đồng bào bị thiên tai do Mặt trận ", " tiếp nhận chưa được công khai."),
        ("Hội người cao tuổi, hội chữ thập đỏ ở ", " ít sinh hoạt, hội viên không nắm được hội phí chi vào đâu."),
    ],
    "khac": [
        ("Tôi muốn hỏi thủ tục xin hỗ trợ ở ", " thì liên hệ ở đâu."),
        ("Đề nghị cung cấp số điện thoại đường dây nóng của ", "."),
        ("Người dân ", " mong được thông tin về kế hoạch phát triển của địa phương."),
        ("Ứng dụng Mặt trận số ở ", " thỉnh thoảng không gửi được ảnh đính kèm."),
        ("Kính chúc cán bộ Mặt trận ", " năm mới sức khỏe, thành công."),
        ("Tôi ở ", " gửi thử để xem ứng dụng có hoạt động không."),
        ("Cho tôi hỏi lịch làm việc của cơ quan ở ", " trong dịp lễ."),
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

# A second sentence in the citizen's own words (vocabulary beyond the core templates), one field each; the
# `_man`/`_lu` text keys use their field's list.
EXTRA: dict[str, list[str]] = {
    "dat_dai": ["Sổ hồng làm mãi chưa xong, lên phòng địa chính thì hẹn lần hẹn lượt.", "Nhà tôi mất gần hết đất vườn mà tiền đền bù không đủ mua lại mảnh đất khác.", "Cán bộ đo đạc sai diện tích thửa đất, ranh giới với nhà bên cạnh chưa rõ.", "Dự án cắm mốc rồi để đó, dân không được tách thửa, không được chuyển nhượng.", "Lô đất tái định cư xa chỗ làm ăn, hạ tầng chưa có gì.", "Đất công bị lấn chiếm làm quán xá, phân lô bán nền trái phép.", "Bảng giá đất áp thấp quá, đơn giá bồi thường không sát giá thị trường.", "Xin hỏi thủ tục chuyển mục đích sang đất ở thì nộp ở đâu."],
    "moi_truong": ["Mùi hôi thối nồng nặc, ruồi muỗi bu đầy, không ai chịu nổi.", "Rác chất đống ven đường cả tuần không có xe thu gom.", "Nước kênh đen ngòm, cá chết nổi trắng mặt nước.", "Khói bụi mù mịt, phơi đồ không được, trẻ con ho suốt.", "Đề nghị quan trắc, lấy mẫu nước thải, khí thải công khai cho dân biết.", "Xe chở vật liệu rơi vãi đất cát, bụi bay vào nhà.", "Có người đổ trộm xà bần, chất thải ra bãi đất trống.", "Lò đốt rác, đốt nhựa ban đêm khét lẹt cả xóm."],
    "y_te": ["Đi khám bệnh phải xếp hàng từ sáng sớm, bác sĩ khám qua loa.", "Bệnh nhân nằm ghép hai ba người một giường, nhà vệ sinh bẩn.", "Thuốc trong danh mục bảo hiểm thường xuyên hết, phải ra nhà thuốc mua.", "Trạm y tế không có bác sĩ trực đêm, cấp cứu phải chở lên tuyến trên.", "Đề nghị tiêm vắc xin đầy đủ cho trẻ, dịch sởi đang có nguy cơ.", "Nhà thuốc bán kháng sinh không cần toa của bác sĩ.", "Thái độ điều dưỡng, nhân viên y tế với người bệnh chưa tốt.", "Xe cấp cứu đến chậm, người nhà bệnh nhân rất bức xúc."],
    "giao_duc": ["Đầu năm học phụ huynh phải đóng đủ thứ quỹ, quỹ lớp, quỹ phụ huynh.", "Cô giáo chủ nhiệm gợi ý học thêm ở nhà, không đi thì con bị để ý.", "Phòng học dột nát, bàn ghế cũ, nhà vệ sinh của trường hỏng.", "Điểm trường xa nhà, các cháu phải đi bộ mấy cây số tới lớp.", "Trường mầm non công lập không đủ chỗ nhận trẻ.", "Bữa ăn bán trú của học sinh quá đạm bạc so với tiền đóng.", "Giáo viên hợp đồng lương thấp, nhiều thầy cô bỏ nghề.", "Tuyển sinh đầu cấp chưa công khai, phụ huynh phải chạy trường."],
    "an_sinh": ["Hồ sơ xin trợ cấp nộp lâu rồi mà chưa được xét duyệt.", "Bình xét hộ nghèo, cận nghèo chưa đúng, nhà khó khăn thật thì không có tên.", "Thẻ bảo hiểm y tế cho người cao tuổi chưa được cấp.", "Tiền trợ cấp người khuyết tật, người có công chi trả chậm.", "Công ty không chốt sổ bảo hiểm xã hội nên không lĩnh được bảo hiểm thất nghiệp.", "Mẹ già neo đơn không lương hưu, xin xét vào diện bảo trợ xã hội.", "Chế độ thai sản của tôi bị bảo hiểm xã hội giải quyết chậm.", "Gia đình chính sách nhà cửa xuống cấp, mong được hỗ trợ."],
    "lao_dong": ["Công ty nợ lương, nợ bảo hiểm, công nhân không biết kêu ai.", "Tăng ca liên tục mà tiền tăng ca tính không đúng.", "Không có hợp đồng lao động, bị đuổi việc không báo trước.", "Lương cơ bản thấp, tiền phòng trọ, điện nước cao, không đủ sống.", "Thanh niên thất nghiệp, mong có lớp học nghề và giới thiệu việc làm.", "Bị tai nạn lao động mà chủ chỉ hỗ trợ qua loa.", "Đi xuất khẩu lao động qua môi giới mất nhiều tiền mà chưa được xuất cảnh.", "Đề nghị công đoàn bảo vệ quyền lợi người lao động."],
    "giao_thong": ["Đường toàn ổ voi ổ gà, trời mưa lầy lội, xe máy hay ngã.", "Đèn đường hỏng, tối đi lại rất nguy hiểm.", "Xe tải, xe ben chở quá tải làm nát mặt đường bê tông.", "Cống thoát nước bị tắc, cứ mưa to là nước tràn vào nhà.", "Ngã tư không có đèn tín hiệu, giờ cao điểm kẹt xe.", "Công trình làm đường thi công dở dang, bụi và ùn tắc.", "Vỉa hè bị chiếm dụng, người đi bộ phải xuống lòng đường.", "Đề nghị bê tông hóa đường ra đồng, làm gờ giảm tốc, biển báo."],
    "an_ninh": ["Kẻ gian trộm xe máy, trộm chó giữa ban ngày.", "Thanh niên lạng lách, bốc đầu, rú ga suốt đêm.", "Nhóm cho vay nặng lãi, đòi nợ thuê đe dọa, ném chất bẩn vào nhà.", "Có đối tượng gọi điện mạo danh công an lừa chuyển tiền.", "Tụ tập đánh bạc, đánh nhau, gây mất an ninh trật tự.", "Có người lạ nghi mua bán, sử dụng chất cấm ở khu trọ.", "Đề nghị công an tăng cường tuần tra, lắp camera an ninh.", "Bị lừa đảo qua mạng mất tiền, báo công an chưa thấy xử lý."],
    "tham_nhung": ["Muốn làm nhanh thì phải bồi dưỡng, không có phong bì thì hồ sơ nằm đó.", "Cán bộ ăn chặn tiền hỗ trợ của dân, chia cho người nhà.", "Công trình mới làm đã hư hỏng, nghi rút ruột, bớt xén vật tư.", "Thu tiền của dân không có biên lai, không công khai thu chi.", "Người nhà lãnh đạo trúng thầu hết công trình của xã.", "Đề nghị thanh tra làm rõ, xử lý cán bộ có dấu hiệu tiêu cực.", "Cán bộ gây khó dễ, vòi tiền người dân đến làm việc.", "Tôi xin tố cáo và đề nghị giữ bí mật thông tin người tố cáo.", "Cán bộ hạch sách, sách nhiễu, ai có quan hệ thì được làm trước.", "Tiền dân đóng góp không quyết toán, không ai biết chi vào đâu.", "Có hiện tượng chạy chọt, lót tay để được việc.", "Lãnh đạo dùng xe công, tài sản công vào việc riêng.", "Kê khống danh sách, hóa đơn khống để rút tiền ngân sách."],
    "hanh_chinh": ["Làm giấy tờ phải đi lại nhiều lần, mỗi lần cán bộ bảo thiếu một thứ.", "Nộp hồ sơ trực tuyến trên cổng dịch vụ công bị lỗi liên tục.", "Hồ sơ trễ hẹn mà không ai giải thích.", "Thủ tục khai sinh, đăng ký thường trú rườm rà.", "Tài khoản định danh điện tử VNeID không kích hoạt được.", "Bộ phận một cửa đông, chờ cả buổi mới tới lượt.", "Chứng thực, trích lục giấy tờ phải chờ lâu, lệ phí không rõ ràng.", "Sau sắp xếp đơn vị hành chính, không biết nộp hồ sơ ở đâu."],
    "gia_ca": ["Cái gì cũng tăng giá, thịt cá rau củ ngoài chợ đắt đỏ.", "Hóa đơn tiền điện, tiền nước tháng này tăng vọt.", "Giá xăng dầu, giá gas lên liên tục, đời sống khó khăn.", "Hàng hóa không niêm yết giá, bán chặt chém khách.", "Hàng giả, hàng kém chất lượng bán tràn lan, người tiêu dùng thiệt.", "Tiểu thương kêu phí thuê ki ốt, sạp chợ quá cao.", "Đề nghị quản lý thị trường kiểm tra việc găm hàng, đẩy giá.", "Vật liệu xây dựng, sắt thép, xi măng tăng giá mạnh.", "Giá cả leo thang, đi chợ cầm trăm nghìn không đủ mua đồ ăn.", "Siêu thị, cửa hàng khuyến mãi ảo, nâng giá rồi giảm giá.", "Thương nhân đội giá, thổi giá vật liệu sau bão.", "Giá vé xe khách dịp lễ tăng gấp đôi."],
    "nong_nghiep": ["Bà con nông dân bị thương lái ép giá, nông sản không có đầu ra.", "Lúa bị sâu bệnh, rầy nâu, cán bộ khuyến nông chưa xuống hướng dẫn.", "Kênh mương thủy lợi bồi lắng, trạm bơm hỏng, ruộng thiếu nước tưới.", "Đàn heo, đàn gà bị dịch chết nhiều, chưa được hỗ trợ.", "Giống cây, con giống kém chất lượng, mất mùa.", "Phân bón, thuốc bảo vệ thực vật đắt, trồng trọt không có lãi.", "Nuôi tôm, nuôi cá bị dịch bệnh, thiệt hại nặng.", "Đề nghị hỗ trợ vốn, máy móc, cấp mã vùng trồng cho nông dân.", "Thương lái ép giá, nhà vườn phải bán rẻ.", "Dịch tả heo châu Phi, cúm gia cầm lại bùng phát.", "Trạm bơm hỏng, ruộng lúa khô nứt.", "Phân bón giả làm cây vàng lá, mất mùa.", "Nông dân cần hướng dẫn làm VietGAP để bán được giá."],
    "thien_tai": ["Nước lũ lên nhanh, bà con không kịp sơ tán đồ đạc.", "Nguy cơ sạt lở đất rất cao, cần di dời dân khẩn cấp.", "Mưa bão làm tốc mái, sập nhà, hoa màu hư hại.", "Tiền hỗ trợ khắc phục hậu quả thiên tai chưa tới tay dân.", "Hạn hán kéo dài, giếng khô cạn, thiếu nước sinh hoạt.", "Triều cường, sóng đánh vỡ đê bao, ngập sâu khu dân cư.", "Rét đậm rét hại, gia súc chết, người già trẻ nhỏ thiếu áo ấm.", "Đề nghị tiếp tế lương thực, nước uống cho vùng bị cô lập."],
    "van_hoa_xa_hoi": ["Ma túy, tệ nạn xã hội len lỏi vào thanh thiếu niên.", "Cưới hỏi, ma chay linh đình, mở loa kẹo kéo ồn ào.", "Trẻ em không có sân chơi, chỉ ở nhà chơi game, điện thoại.", "Di tích, đình làng xuống cấp chưa được trùng tu.", "Nhà văn hóa ít hoạt động văn nghệ, thể thao cho bà con.", "Tảo hôn, mê tín dị đoan vẫn còn ở một số nơi.", "Quán karaoke tay vịn, massage trá hình ảnh hưởng thuần phong mỹ tục.", "Trẻ em đuối nước mỗi mùa hè, đề nghị dạy bơi cho các cháu."],
    "mat_tran": ["Các loại quỹ vận động còn bình quân theo hộ, chưa thật sự tự nguyện.", "Ban công tác Mặt trận ít họp, ít lấy ý kiến bà con.", "Đề nghị Mặt trận giám sát, phản biện các dự án ở địa phương.", "Kiến nghị của cử tri qua tiếp xúc cử tri chưa được trả lời.", "Chi hội phụ nữ, hội nông dân, cựu chiến binh sinh hoạt hình thức.", "Tiền quyên góp ủng hộ chưa được công khai tới người dân.", "Ban thanh tra nhân dân, giám sát đầu tư cộng đồng chưa hoạt động.", "Mong có thêm nhà Đại đoàn kết cho hộ khó khăn.", "Mặt trận tổ quốc xã nên lấy ý kiến người dân trước khi làm.", "Cuộc vận động xây dựng khu dân cư văn hóa còn hình thức.", "Đoàn thanh niên, hội chữ thập đỏ ít hoạt động ở cơ sở.", "Thu nhiều loại quỹ cùng lúc, quỹ khuyến học, quỹ an ninh quốc phòng.", "Tiền ủng hộ đồng bào vùng lũ cần được Mặt trận công khai."],
    "khac": ["Xin cảm ơn các cô chú cán bộ.", "Tôi chỉ muốn hỏi thêm thông tin.", "Góp ý để ứng dụng dễ dùng hơn cho người lớn tuổi.", "Xin số điện thoại liên hệ của cán bộ phụ trách.", "Mong nhận được phản hồi qua tin nhắn.", "Chúc các cán bộ sức khỏe.", "Tôi gửi lại vì lần trước bị lỗi.", "Tôi đồng tình với chủ trương của Đảng và Nhà nước.", "Cho tôi hỏi cách đăng nhập ứng dụng.", "Kính chúc các anh chị năm mới an khang.", "Tôi nhắn nhầm, xin bỏ qua.", "Alo, có ai trực không ạ.", "Cảm ơn cán bộ đã hướng dẫn tận tình."],
}  # fmt: skip

OPENERS = [
    "", "", "", "", "Kính gửi Ban Thường trực Ủy ban MTTQ: ", "Tôi xin phản ánh việc sau: ",
    "Đề nghị cơ quan chức năng xem xét: ", "Phản ánh: ", "Xin chào cán bộ Mặt trận. ",
]  # fmt: skip
CLOSERS = [
    "",
    "",
    " Đề nghị sớm giải quyết.",
    " Mong được trả lời sớm.",
    " Xin cảm ơn!",
    " Trân trọng.",
    " Rất mong các cấp quan tâm.",
]

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
        pl.col("province_code")
        .replace_strict({c: i for i, c in enumerate(provinces["province_code"])}, return_dtype=pl.Int32)
        .alias("p_idx"),
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
_EXTRA_OF = [EXTRA[k] if k in EXTRA else EXTRA[k.rsplit("_", 1)[0]] for k in _TEXT_KEYS]
_EXTRAS = [e for pool in _EXTRA_OF for e in pool]
_EXTRA_OFF = np.cumsum([0] + [len(p) for p in _EXTRA_OF])[:-1]
_EXTRA_LEN = np.array([len(p) for p in _EXTRA_OF])
_AGENCY_OPTS = [opt for f in FIELDS for opt in PROVINCE_AGENCY[f]]
_AGENCY_OFF = np.cumsum([0] + [len(PROVINCE_AGENCY[f]) for f in FIELDS])[:-1]
_AGENCY_LEN = np.array([len(PROVINCE_AGENCY[f]) for f in FIELDS])
_PROVINCE_SHARE = {
    "dat_dai": 0.45,
    "tham_nhung": 0.6,
    "lao_dong": 0.45,
    "an_sinh": 0.4,
    "moi_truong": 0.4,
    "y_te": 0.35,
}


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
    p = {
        "app": app,
        "zalo": 0.22,
        "hotline": 0.16,
        "voter_contact": 0.035,
        "dialogue": 0.02,
        "direct": 0.13,
        "mail": 0.07,
    }
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
    median_days = np.select(
        [level == 0, level == 1, level == 2], [5.0, np.where(police, 7.0, 12.0), province_days], 45.0
    )
    median_days = median_days * arr.efficiency[p_idx] * (0.8 if month.month == LISTENING_MONTH else 1.0)
    fwd = received + rng.lognormal(np.log(16 * 3600), 1.1, n)
    never_fwd = rng.random(n) < 0.015
    ans = fwd + rng.lognormal(np.log(median_days * DAY), 0.75)
    stuck = rng.random(n) < 0.06 * np.clip(arr.efficiency[p_idx], 0.5, 2.5) * np.where(
        np.isin(is_f, ["dat_dai", "tham_nhung"]), 1.5, 1.0
    )
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
    rated = np.isin(status, ["answered", "resolved", "rejected"]) & (
        rng.random(n) < np.where(status == "rejected", 0.35, 0.6)
    )
    satisfaction = np.clip(np.rint(score), 1, 5).astype(np.int64)

    communes = w.communes[c_idx]
    provinces = w.provinces[p_idx]
    south = np.isin(np.array(arr.region)[p_idx], ["Southeast", "Mekong Delta"])
    mountain = np.array(arr.region)[p_idx] == "North Midlands & Mountains"
    hamlet_word = np.where(
        urban, "tổ dân phố ", np.where(south, "ấp ", np.where(mountain & (rng.random(n) < 0.5), "bản ", "thôn "))
    )
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
        "hamlet_word": pl.Series(hamlet_word),
        "hamlet_no": pl.Series(rng.integers(1, 16, n)).cast(pl.String),
        "use_hamlet": rng.random(n) < 0.4,
        "detail": _pick(_DETAILS, _DETAIL_OFF[text_key] + np.floor(rng.random(n) * _DETAIL_LEN[text_key]).astype(np.int64)),
        "has_detail": rng.random(n) < 0.55,
        "extra": _pick(_EXTRAS, _EXTRA_OFF[text_key] + np.floor(rng.random(n) * _EXTRA_LEN[text_key]).astype(np.int64)),
        "has_extra": rng.random(n) < EXTRA_RATE,
        "extra_first": rng.random(n) < 0.3,
        "opener": _pick(OPENERS, rng.integers(0, len(OPENERS), n)),
        "closer": _pick(CLOSERS, rng.integers(0, len(CLOSERS), n)),
        "mix": rng.random(n) < MIX_RATE,
        "texting": rng.random(n) < TEXTING_RATE,
        "label_noise": rng.random(n) < LABEL_NOISE_RATE,
        "noise_field": _pick(FIELDS, rng.integers(0, len(FIELDS), n)),
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
        pl.concat_str("hamlet_word", "hamlet_no").alias("hamlet"),
        _pick(_HEADS, core_i).alias("head"),
        _pick(_TAILS, core_i).alias("tail"),
        _pick(_HEADS_LC, mix_i).alias("mix_head"),
        _pick(_TAILS, mix_i).alias("mix_tail"),
        _phones(rng, n).alias("phone_text"),
        _names(rng, n).alias("citizen_name"),
        _phones(rng, n).alias("citizen_phone"),
        _id_numbers(rng, communes["province_code"]).alias("citizen_id"),
    )
    # Some people write again about the same concern, often through another channel: such an opinion takes
    # the identity and the place (commune, hamlet) of the month's first writer on that field in that province
    # (case groups, etl/cases.py). Chosen by a hash of the row, so the demo's other random draws stay as they were.
    again = (pl.int_range(pl.len()).hash(seed=month.toordinal()) % 1000) < FOLLOW_UP_RATE * 1000
    same = ("citizen_name", "citizen_phone", "citizen_id", "commune_code", "commune_vi", "commune_short",
            "type_lc", "c_lat", "c_lon", "hamlet_word", "hamlet_no", "hamlet")  # fmt: skip
    frame = frame.with_columns(
        pl.when(again).then(pl.col(c).first().over("province_code", "field")).otherwise(pl.col(c)).alias(c)
        for c in same
    )
    return _assemble(frame, month)


FOLLOW_UP_RATE = 0.08  # opinions that repeat an earlier writer's concern (same person, field, commune)

TEXTING = {"không": "ko", "được": "đc", "người dân": "ng dân", "nhưng": "nhg", "đề nghị": "đn", "Đề nghị": "đn",
           "với": "vs", "rất": "rat", "trả lời": "tl", "Mặt trận": "MT", "ủy ban nhân dân": "ubnd", "gì": "j",
           "biết": "bít", "rồi": "rùi", "quá": "wá", "bảo hiểm y tế": "bhyt", "bảo hiểm xã hội": "bhxh",
           "bệnh viện": "bv", "công ty": "cty", "khu công nghiệp": "kcn", "giấy chứng nhận": "giấy cn",
           "chính quyền": "cq", "thành phố": "tp", "trách nhiệm": "tn", "anh chị": "a/c"}  # fmt: skip


def _texting(content: pl.Expr) -> pl.Expr:
    """How many people type on a phone: lower case, common abbreviations, no final full stop."""
    return content.str.replace_many(list(TEXTING), list(TEXTING.values())).str.to_lowercase().str.strip_chars_end(".")


def _assemble(f: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    commune_phrase = pl.concat_str("type_lc", "commune_short", separator=" ")
    place = pl.when("use_hamlet").then(pl.concat_str("hamlet", pl.lit(", "), commune_phrase)).otherwise(commune_phrase)
    extra = pl.when("has_extra").then("extra").otherwise(pl.lit(""))
    content = pl.concat_str(
        "opener", pl.when(pl.col("has_extra") & pl.col("extra_first")).then(pl.concat_str(extra, pl.lit(" "))).otherwise(pl.lit("")),
        "head", place, "tail",
        pl.when(pl.col("has_extra") & ~pl.col("extra_first")).then(pl.concat_str(pl.lit(" "), extra)).otherwise(pl.lit("")),
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
        pl.when("no_field").then(None).when("label_noise").then("noise_field").otherwise(pl.col("field")).alias("field"),
        pl.when("no_diacritics").then(_strip_diacritics(content))
        .when("texting").then(_texting(content)).otherwise(content).alias("content"),
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


class _Sink:
    """Appends chunks to export files and counts rows and planted problems per file."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._handles: dict[str, IO[bytes]] = {}
        self.rows: dict[str, int] = {}
        self.notes: dict[str, dict[str, int]] = {}

    def _open(self, name: str, bom: bool) -> tuple[IO[bytes], bool]:
        fh = self._handles.get(name)
        if fh is not None:
            return fh, False
        fh = open(self.out_dir / name, "wb")  # noqa: SIM115 (closed in close())
        if bom:
            fh.write(b"\xef\xbb\xbf")
        self._handles[name] = fh
        return fh, True

    def csv(self, name: str, df: pl.DataFrame, bom: bool = False) -> None:
        fh, first = self._open(name, bom)
        df.write_csv(fh, include_header=first)
        self.rows[name] = self.rows.get(name, 0) + df.height

    def jsonl(self, name: str, df: pl.DataFrame) -> None:
        fh, _ = self._open(name, False)
        df.write_ndjson(fh)
        self.rows[name] = self.rows.get(name, 0) + df.height

    def note(self, name: str, what: str, count: int) -> None:
        if count:
            notes = self.notes.setdefault(name, {})
            notes[what] = notes.get(what, 0) + count

    def close(self) -> list[Path]:
        for fh in self._handles.values():
            fh.close()
        return [self.out_dir / name for name in self._handles]


_BAD_KINDS = ["invalid_date", "unknown_channel", "unknown_province", "missing_id"]


def _spoil(
    df: pl.DataFrame, rng: np.random.Generator, cols: dict[str, str], bad_date: str, protect: str | None = None
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Plant ~0.2% realistically bad rows (impossible date, unknown channel, province not in the 34, empty id)."""
    candidates = np.arange(df.height) if protect is None else np.flatnonzero(~df[protect].to_numpy())
    k = int(rng.binomial(candidates.size, BAD_ROW_RATE)) if candidates.size else 0
    if not k:
        return df, {}
    rows = rng.choice(candidates, k, replace=False)
    kinds = rng.integers(0, len(_BAD_KINDS), k)
    counts = {b: int((kinds == i).sum()) for i, b in enumerate(_BAD_KINDS)}
    marks = np.full(df.height, -1)
    marks[rows] = kinds
    m = pl.Series("_bad", marks)
    df = (
        df.with_columns(m)
        .with_columns(
            pl.when(pl.col("_bad") == 0).then(pl.lit(bad_date)).otherwise(pl.col(cols["time"])).alias(cols["time"]),
            pl.when(pl.col("_bad") == 1)
            .then(pl.lit("Facebook"))
            .otherwise(pl.col(cols["channel"]))
            .alias(cols["channel"]),
            pl.when(pl.col("_bad") == 2).then(pl.lit("99")).otherwise(pl.col(cols["province"])).alias(cols["province"]),
            pl.when(pl.col("_bad") == 2).then(None).otherwise(pl.col(cols["commune"])).alias(cols["commune"]),
            pl.when(pl.col("_bad") == 3).then(pl.lit("")).otherwise(pl.col(cols["id"])).alias(cols["id"]),
        )
        .drop("_bad")
    )
    return df, counts


_ABBR_WARD = {"Phường": "P.", "Xã": "X.", "Thị trấn": "TT."}
_ABBR_DISTRICT = {"Quận": "Q.", "Huyện": "H.", "Thị xã": "TX.", "Thành phố": "TP."}


def _strip_type(name: str, kind: str) -> str:
    return name[len(kind) + 1 :] if kind and name.startswith(kind + " ") else name


def legacy_address(parts: tuple[str, str, str, str, str], rng: np.random.Generator) -> str:
    """A pre-2025 address as people write it: full, abbreviated (P./Q./TP./H./X.), without diacritics, with a street."""
    province, district, ward, district_type, ward_type = parts
    style = rng.choice(4, p=[0.35, 0.3, 0.15, 0.2])
    if style == 1 or (style == 3 and rng.random() < 0.5):
        w_short, d_short = _strip_type(ward, ward_type), _strip_type(district, district_type)
        w = f"{_ABBR_WARD.get(ward_type, '')} {w_short}".strip()
        d_abbr = _ABBR_DISTRICT.get(district_type, "")
        d = f"{d_abbr}{d_short}" if d_short.isdigit() else f"{d_abbr} {d_short}".strip()
        if province.startswith("Thành phố "):
            p = "TP. " + province[len("Thành phố ") :]
        else:
            p = "tỉnh " + _strip_type(province, "Tỉnh")
        text = f"{w}, {d}, {p}"
    else:
        text = f"{ward}, {district}, {province}"
        if rng.random() < 0.3:
            text = (
                text.replace("Phường ", "phường ")
                .replace("Xã ", "xã ")
                .replace("Quận ", "quận ")
                .replace("Huyện ", "huyện ")
            )
    if style == 3:
        if ward_type == "Phường" or district_type == "Quận":
            text = f"Số {rng.integers(1, 300)} đường {STREETS[rng.integers(len(STREETS))]}, {text}"
        else:
            text = f"{'Thôn' if rng.random() < 0.6 else 'Xóm'} {rng.integers(1, 15)}, {text}"
    if style == 2 or rng.random() < 0.05:
        text = _ascii(text)
    return text


def _system_of(df: pl.DataFrame, cap: int) -> pl.Series:
    """Which upstream system exports each opinion; voter-contact minutes go to the XLSX up to `cap` rows."""
    meeting = df["channel"].is_in(["voter_contact", "dialogue"]).to_numpy()
    to_xlsx = meeting & (np.cumsum(meeting) <= cap)
    system = df["channel"].replace_strict(
        {"app": "mattranso", "zalo": "zalo_oa", "hotline": "hotline", "direct": "tiep_cong_dan", "mail": "tiep_cong_dan",
         "voter_contact": "mattranso", "dialogue": "mattranso"}
    ).to_numpy().astype(object)  # fmt: skip
    system[to_xlsx] = "tiep_xuc_cu_tri"
    return pl.Series("source_system", system.astype(str))


_ID_FORMAT = {
    "mattranso": ("MTS-{y}-", 7), "zalo_oa": ("ZOA{ym}", 6), "hotline": ("HL-{yy}-", 6),
    "tiep_cong_dan": ("TCD-{y}-", 6), "tiep_xuc_cu_tri": ("TXCT-{y}-", 5),
}  # fmt: skip


def _assign_ids(df: pl.DataFrame, month: dt.date, counters: dict[tuple[str, int], int]) -> pl.DataFrame:
    df = df.with_columns(pl.int_range(pl.len()).over("source_system").alias("_seq"))
    parts = []
    for system, group in df.group_by("source_system", maintain_order=True):
        name = str(system[0])
        start = counters.get((name, month.year), 0)
        prefix, width = _ID_FORMAT[name]
        prefix = prefix.format(y=month.year, yy=month.year % 100, ym=f"{month.year % 100:02d}{month.month:02d}")
        parts.append(group.with_columns(
            pl.concat_str(pl.lit(prefix), (pl.col("_seq") + start + 1).cast(pl.String).str.zfill(width)).alias("source_id")
        ))  # fmt: skip
        counters[(name, month.year)] = start + group.height
    return pl.concat(parts).sort("received_at", "source_id").drop("_seq")


def _en_times(fmt: str) -> list[pl.Expr]:
    return [_ts(c, fmt) for c in TIME_COLUMNS]


def _vi_enum(col: str, vocabulary: str, alternates: dict[str, str] | None = None, parity: int = 0) -> pl.Expr:
    """Vietnamese label of an enum column; every other row uses `alternates` where given (real exports vary)."""
    main = pl.col(col).replace_strict(_vi_label(vocabulary), default=pl.col(col))
    if not alternates:
        return main.alias(col)
    alt = pl.col(col).replace_strict({**_vi_label(vocabulary), **alternates}, default=pl.col(col))
    return pl.when(pl.int_range(pl.len()) % 2 == parity).then(alt).otherwise(main).alias(col)


def _fixed6(col: str) -> pl.Expr:
    """A positive coordinate with 6 decimals, as GPS exports write it ("20.732000", never the ambiguous "20.732")."""
    micro = (pl.col(col) * 1_000_000).round().cast(pl.Int64)
    return pl.concat_str(
        (micro // 1_000_000).cast(pl.String), pl.lit("."), (micro % 1_000_000).cast(pl.String).str.zfill(6)
    ).alias(col)


def _format_app(df: pl.DataFrame) -> pl.DataFrame:
    address = pl.when(pl.int_range(pl.len()) % 3 == 0).then(pl.concat_str("commune_vi", "province_vi", separator=", "))
    return df.with_columns(
        *_en_times("%Y-%m-%d %H:%M:%S"), address.alias("address"), _fixed6("lat"), _fixed6("lon")
    ).select(FEEDBACK_COLUMNS + ["_re"])


def _format_zalo(df: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    address_only = pl.Series(rng.random(df.height) < 0.015)
    written = pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.concat_str("commune_vi", "province_vi", separator=", ")).otherwise(
        pl.concat_str(pl.concat_str("type_lc", "commune_short", separator=" "), pl.col("province_vi").str.replace(r"^(Tỉnh|Thành phố) ", ""), separator=", "))  # fmt: skip
    return (
        df.with_columns(*_en_times("%Y-%m-%dT%H:%M:%S+07:00"), address_only.alias("_addr"))
        .with_columns(
            pl.when("_addr").then(written).otherwise(None).alias("address"),
            pl.when("_addr").then(None).otherwise(pl.col("province_code")).alias("province_code"),
            pl.when("_addr").then(None).otherwise(pl.col("commune_code")).alias("commune_code"),
        )
        .select([c for c in FEEDBACK_COLUMNS if c not in ("citizen_id", "lat", "lon")])
    )


def _format_vi(df: pl.DataFrame, time_fmt: str, channel_alt: dict[str, str] | None = None) -> pl.DataFrame:
    field_vi = pl.col("field").replace_strict(_vi_label("field"), default=pl.col("field"))
    return df.with_columns(
        *_en_times(time_fmt),
        _vi_enum("channel", "channel", channel_alt),
        _vi_enum("status", "feedback_status", {"forwarded": "Đang xử lý", "received": "Mới"}),
        _vi_enum("level", "level", {"commune": "Cấp xã", "province": "Cấp tỉnh"}, parity=1),
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(field_vi).otherwise(pl.col("field")).alias("field"),
    )


def _hotline(df: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c in FEEDBACK_COLUMNS if c not in ("address", "lat", "lon")]
    return _vi_headers(_format_vi(df, "%d/%m/%Y %H:%M").select(cols), _vi_of("feedback"))


def _reception(df: pl.DataFrame, world: World, rng: np.random.Generator) -> tuple[pl.DataFrame, int]:
    """Citizen reception and letters: 2025 addresses beside the codes, ~5% with only a pre-2025 address."""
    codes = df["commune_code"].to_list()
    pick = np.flatnonzero(rng.random(df.height) < LEGACY_ADDRESS_RATE)
    legacy_rows, texts = [], []
    for i in pick:
        wards = world.legacy.get(codes[i])
        if wards:
            legacy_rows.append(int(i))
            texts.append(legacy_address(wards[int(rng.integers(len(wards)))], rng))
    flag = np.zeros(df.height, dtype=bool)
    flag[legacy_rows] = True
    legacy_text: list[str | None] = [None] * df.height
    for i, text in zip(legacy_rows, texts, strict=True):
        legacy_text[i] = text
    df = df.with_columns(pl.Series("_legacy", flag), pl.Series("_legacy_text", legacy_text, dtype=pl.String))
    df = df.with_columns(
        pl.when("_legacy").then(pl.col("_legacy_text")).otherwise(pl.concat_str("commune_vi", "province_vi", separator=", ")).alias("address"),
        pl.when("_legacy").then(None).otherwise(pl.col("province_code")).alias("province_code"),
        pl.when("_legacy").then(None).otherwise(pl.col("commune_code")).alias("commune_code"),
    )  # fmt: skip
    cols = [c for c in FEEDBACK_COLUMNS if c not in ("lat", "lon")]
    out = _format_vi(df, "%d/%m/%Y %H:%M", {"direct": "Tiếp công dân", "mail": "Đơn thư"}).select(cols)
    return _vi_headers(out, _vi_of("feedback")), len(legacy_rows)


def _voter_xlsx_rows(df: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c in FEEDBACK_COLUMNS if c not in ("address", "lat", "lon", "citizen_id")]
    out = _format_vi(df.with_columns(pl.lit(None, pl.String).alias("citizen_phone")), "%d/%m/%Y").select(cols)
    return out


def _mark_reexports(app: pl.DataFrame, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pick app records exported again later: with a newer status (update) or unchanged (duplicate).

    Returns the base rows (updated ones shown at their earlier 'forwarded' state, flagged `_re`) and the
    re-exported rows in their final state.
    """
    eligible = (app["answered_at"].is_not_null() & (app["received_at"] < EXPORT_EPOCH - 45 * DAY)).to_numpy()
    u = rng.random(app.height)
    update = eligible & (u < UPDATE_RATE * 2)
    duplicate = ~update & (rng.random(app.height) < DUPLICATE_RATE)
    again = app.with_columns(pl.Series("_upd", update)).filter(pl.Series(update | duplicate))
    base = (
        app.with_columns(pl.Series("_upd", update), pl.Series("_re", update | duplicate))
        .with_columns(
            pl.when("_upd").then(pl.lit("forwarded")).otherwise(pl.col("status")).alias("status"),
            *[
                pl.when("_upd").then(None).otherwise(pl.col(c)).alias(c)
                for c in ("answered_at", "resolved_at", "satisfaction")
            ],
        )
        .drop("_upd")
    )
    return base, again.with_columns(pl.lit(True).alias("_re"))


def labelled_opinions(size: str = "tiny", seed: int = 42) -> pl.DataFrame:
    """content, field of the demo's opinions that carry a field (label noise included), without writing files:
    what `etl train-classifier` learns from, for tests and tuning."""
    world = build_world(seed)
    scale = SIZES[size]
    rng = _rng(seed, 10)
    arr = _Arrays(world, handling_efficiency(world, seed))
    months = _months(scale)
    per_month = rng.multinomial(scale.opinions, np.full(len(months), 1 / len(months)))
    parts = [_opinions(arr, m, int(n), rng).select("content", "field") for m, n in zip(months, per_month, strict=True)]
    return pl.concat(parts).drop_nulls()


def _feedback(
    world: World, scale: Scale, seed: int, out_dir: Path
) -> tuple[list[Path], dict[str, dict[str, int]], dict[str, int]]:
    """Write the feedback exports; return paths, planted problems per file and rows per file."""
    rng = _rng(seed, 10)
    arr = _Arrays(world, handling_efficiency(world, seed))
    months = _months(scale)
    weights = []
    for i, m in enumerate(months):
        trend = 1 + 0.5 * i / max(1, len(months) - 1)
        tet = {(2025, 1): 0.8, (2025, 2): 0.85, (2026, 2): 0.72}.get((m.year, m.month), 1.0)
        listening = 1.8 if m.month == LISTENING_MONTH else 1.0
        flood = 1.12 if m.month in (10, 11) else 1.0
        weights.append(trend * tet * listening * flood * calendar.monthrange(m.year, m.month)[1] / 30)
    per_month = rng.multinomial(scale.opinions, np.array(weights) / sum(weights))
    sink = _Sink(out_dir)
    counters: dict[tuple[str, int], int] = {}
    xlsx_cap = -(-scale.voter_xlsx_rows // len(months))
    xlsx_parts: list[pl.DataFrame] = []
    again_parts: list[pl.DataFrame] = []
    n_updates = 0
    for month, n in zip(months, per_month, strict=True):
        df = _opinions(arr, month, int(n), rng)
        df = df.with_columns(_system_of(df, xlsx_cap))
        df = _assign_ids(df, month, counters)
        by = {str(k[0]): g for k, g in df.group_by("source_system", maintain_order=True)}
        year = month.year
        if "mattranso" in by:
            base, again = _mark_reexports(by["mattranso"], rng)
            n_updates += int(again["_upd"].sum())
            again_parts.append(_format_app(again))
            name = f"mattranso_app_{year}.csv"
            out, bad = _spoil(_format_app(base), rng, _EN_COLS, f"{year}-02-31 09:15:00", protect="_re")
            sink.csv(name, out.drop("_re"))
            for k, v in bad.items():
                sink.note(name, k, v)
        if "zalo_oa" in by:
            name = f"zalo_oa_{year}.jsonl"
            out, bad = _spoil(_format_zalo(by["zalo_oa"], rng), rng, _EN_COLS, f"{year}-02-30T08:30:00+07:00")
            sink.jsonl(name, out)
            for k, v in bad.items():
                sink.note(name, k, v)
        if "hotline" in by:
            name = f"hotline_{year}.csv"
            out, bad = _spoil(_hotline(by["hotline"]), rng, _VI_COLS, f"31/02/{year} 08:30")
            sink.csv(name, out, bom=True)
            for k, v in bad.items():
                sink.note(name, k, v)
        if "tiep_cong_dan" in by:
            name = f"tiep_cong_dan_don_thu_{year}.csv"
            out, n_legacy = _reception(by["tiep_cong_dan"], world, rng)
            out, bad = _spoil(out, rng, _VI_COLS, f"30/02/{year} 14:00")
            sink.csv(name, out, bom=True)
            sink.note(name, "legacy_address", n_legacy)
            for k, v in bad.items():
                sink.note(name, k, v)
        if "tiep_xuc_cu_tri" in by:
            xlsx_parts.append(_voter_xlsx_rows(by["tiep_xuc_cu_tri"]))
    paths = sink.close()
    rows = dict(sink.rows)
    notes = dict(sink.notes)
    if again_parts:
        again = pl.concat(again_parts).sort("received_at", "source_id")
        name = f"mattranso_app_capnhat_{END_DATE:%Y%m%d}.csv"
        paths.append(_write_csv(again.drop("_re"), out_dir / name))
        rows[name] = again.height
        notes[name] = {"updated": n_updates, "duplicates": again.height - n_updates}
    if xlsx_parts:
        voter = pl.concat(xlsx_parts)
        total = pl.DataFrame({"source_id": [f"Tổng cộng: {voter.height} ý kiến"]})
        voter = pl.concat([voter, total], how="diagonal_relaxed")
        sheet = _vi_headers(voter, _vi_of("feedback"), titles=True)
        name = f"tiep_xuc_cu_tri_{months[0]:%Y%m}_{END_DATE:%Y%m}.xlsx"
        paths.append(_write_xlsx(sheet, out_dir / name, "Ý kiến cử tri"))
        rows[name] = voter.height
        notes[name] = {"total_row": 1}
    return paths, notes, rows


_EN_COLS = {
    "time": "received_at",
    "channel": "channel",
    "province": "province_code",
    "commune": "commune_code",
    "id": "source_id",
}
_VI_COLS = {
    "time": "thoi_gian_tiep_nhan",
    "channel": "kenh",
    "province": "ma_tinh",
    "commune": "ma_xa",
    "id": "ma_phan_anh",
}


def handling_efficiency(world: World, seed: int) -> np.ndarray:
    """Per province: how slow its agencies are (1 = typical, >1 slower); also lowers trust in the survey."""
    return np.exp(_rng(seed, 2).normal(0, 0.35, world.provinces.height))


def _date_col(col: str, fmt: str) -> pl.Expr:
    return pl.col(col).dt.strftime(fmt).alias(col)


def _days(rng: np.random.Generator, start: dt.date, end: dt.date, n: int) -> np.ndarray:
    """n random dates in [start, end] as numpy datetime64[D]."""
    span = (end - start).days + 1
    return np.datetime64(start, "D") + rng.integers(0, span, n).astype("timedelta64[D]")


# ---------------------------------------------------------------------------------------------------------
# Activities and recommendations

ACTIVITY_KINDS = ["supervision", "social_criticism", "dialogue", "voter_contact", "forum", "community_investment_monitoring", "people_inspection"]  # fmt: skip
PROVINCE_RATE = {"supervision": 1.5, "social_criticism": 0.6, "dialogue": 0.4, "voter_contact": 0.2, "forum": 0.25,
                 "community_investment_monitoring": 0.0, "people_inspection": 0.0}  # fmt: skip
COMMUNE_RATE = {"supervision": 0.08, "social_criticism": 0.02, "dialogue": 0.05, "voter_contact": 0.01, "forum": 0.01,
                "community_investment_monitoring": 0.04, "people_inspection": 0.05}  # fmt: skip
KIND_FIELDS = {
    "supervision": ["dat_dai", "an_sinh", "y_te", "giao_duc", "moi_truong", "hanh_chinh", "lao_dong", "giao_thong"],
    "social_criticism": ["dat_dai", "moi_truong", "giao_thong", "hanh_chinh", "an_sinh", "giao_duc"],
    "dialogue": ["dat_dai", "hanh_chinh", "moi_truong", "an_sinh", "lao_dong", "an_ninh"],
    "voter_contact": FIELDS[:-1],
    "forum": ["an_sinh", "van_hoa_xa_hoi", "mat_tran", "moi_truong", "lao_dong"],
    "community_investment_monitoring": ["giao_thong", "giao_thong", "giao_duc", "y_te", "nong_nghiep"],
    "people_inspection": ["hanh_chinh", "tham_nhung", "an_sinh", "dat_dai"],
}
KIND_TITLE = {
    "supervision": "Giám sát ", "social_criticism": "Phản biện xã hội dự thảo về ", "dialogue": "Hội nghị đối thoại về ",
    "voter_contact": "Tiếp xúc cử tri, tổng hợp ý kiến về ", "forum": "Diễn đàn lắng nghe ý kiến nhân dân về ",
    "community_investment_monitoring": "Giám sát đầu tư của cộng đồng đối với ",
    "people_inspection": "Thanh tra nhân dân giám sát ",
}  # fmt: skip
FIELD_TOPIC = {
    "dat_dai": "công tác bồi thường, hỗ trợ, tái định cư", "moi_truong": "công tác bảo vệ môi trường, xử lý rác thải",
    "y_te": "việc thực hiện chính sách bảo hiểm y tế", "giao_duc": "việc thu, chi đầu năm học",
    "an_sinh": "việc thực hiện chính sách an sinh xã hội", "lao_dong": "việc thực hiện chế độ, chính sách đối với người lao động",
    "giao_thong": "công trình đường giao thông nông thôn", "an_ninh": "công tác bảo đảm an ninh, trật tự",
    "tham_nhung": "việc công khai, minh bạch các khoản đóng góp", "hanh_chinh": "việc giải quyết thủ tục hành chính",
    "gia_ca": "công tác quản lý giá, bình ổn thị trường", "nong_nghiep": "việc hỗ trợ sản xuất nông nghiệp",
    "thien_tai": "công tác phòng, chống thiên tai", "van_hoa_xa_hoi": "xây dựng đời sống văn hóa ở khu dân cư",
    "mat_tran": "hoạt động của Ban công tác Mặt trận", "khac": "các vấn đề cử tri quan tâm",
}  # fmt: skip
REC_ACTION = {
    "dat_dai": ["công khai phương án bồi thường và giải quyết dứt điểm kiến nghị của các hộ bị thu hồi đất", "đẩy nhanh tiến độ bàn giao khu tái định cư"],
    "moi_truong": ["kiểm tra, xử lý cơ sở xả thải gây ô nhiễm", "bố trí kinh phí thu gom, xử lý rác thải sinh hoạt"],
    "y_te": ["bảo đảm cung ứng thuốc bảo hiểm y tế tại trạm y tế", "bổ sung nhân lực cho y tế cơ sở"],
    "giao_duc": ["chấn chỉnh việc thu các khoản ngoài quy định", "sửa chữa phòng học xuống cấp"],
    "an_sinh": ["rà soát, chi trả đầy đủ trợ cấp xã hội", "công khai danh sách hộ nghèo, cận nghèo"],
    "lao_dong": ["yêu cầu doanh nghiệp trả lương đúng hạn và đóng đủ bảo hiểm xã hội", "hỗ trợ việc làm cho người lao động bị mất việc"],
    "giao_thong": ["sửa chữa tuyến đường xuống cấp", "công khai dự toán, tiến độ công trình"],
    "an_ninh": ["tăng cường tuần tra, xử lý tụ điểm mất trật tự", "xử lý hoạt động tín dụng đen"],
    "tham_nhung": ["công khai thu, chi các khoản đóng góp của nhân dân", "làm rõ trách nhiệm cán bộ có sai phạm"],
    "hanh_chinh": ["rút ngắn thời gian giải quyết hồ sơ", "bảo đảm cổng dịch vụ công hoạt động ổn định"],
    "gia_ca": ["tăng cường kiểm tra, bình ổn giá"], "nong_nghiep": ["hỗ trợ giống, vật tư cho nông dân"],
    "thien_tai": ["hỗ trợ kịp thời người dân bị thiệt hại do thiên tai"], "van_hoa_xa_hoi": ["đầu tư thiết chế văn hóa ở khu dân cư"],
    "mat_tran": ["tạo điều kiện để Ban công tác Mặt trận tham gia giám sát"], "khac": ["trả lời kiến nghị của cử tri đúng thời hạn"],
}  # fmt: skip
ORGS = ["front", "women", "youth", "farmers", "veterans", "labour"]


def _activities(world: World, scale: Scale, seed: int, efficiency: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Monitoring, criticism, dialogue, voter contact, forums, community investment monitoring, people's inspection."""
    rng = _rng(seed, 20)
    c = world.communes
    n_prov = world.provinces.height
    parts = []
    for month in _months(scale):
        meeting = month.month in (4, 5, 9, 10)
        listening = month.month == LISTENING_MONTH
        for kind in ACTIVITY_KINDS:
            boost = (15.0 if kind == "voter_contact" and meeting else 1.0) * (
                3.0 if kind in ("dialogue", "forum") and listening else 1.0
            )
            for level, rate, size in (
                ("province", PROVINCE_RATE[kind], n_prov),
                ("commune", COMMUNE_RATE[kind] * scale.activity_rate, c.height),
            ):
                counts = rng.poisson(rate * boost, size)
                idx = np.repeat(np.arange(size), counts)
                if idx.size:
                    parts.append(pl.DataFrame({"kind": kind, "level": level, "unit": idx, "month": month}))
    acts = pl.concat(parts)
    n = acts.height
    kind = acts["kind"].to_numpy()
    is_prov = (acts["level"] == "province").to_numpy()
    unit = acts["unit"].to_numpy()
    p_idx = np.where(is_prov, unit, c["p_idx"].to_numpy()[np.where(is_prov, 0, unit)])
    fields = np.empty(n, dtype=object)
    for k in ACTIVITY_KINDS:
        rows = np.flatnonzero(kind == k)
        fields[rows] = np.array(KIND_FIELDS[k])[rng.integers(0, len(KIND_FIELDS[k]), rows.size)]
    org_p = np.array([0.62, 0.11, 0.09, 0.09, 0.05, 0.04])
    org = np.array(ORGS)[rng.choice(len(ORGS), n, p=org_p)]
    org[np.isin(kind, ["people_inspection", "community_investment_monitoring", "social_criticism"])] = "front"
    start = np.array([np.datetime64(m, "D") for m in acts["month"].to_list()]) + rng.integers(0, 28, n).astype(
        "timedelta64[D]"
    )
    length = np.where(
        kind == "supervision",
        rng.integers(0, 45, n),
        np.where(kind == "people_inspection", rng.integers(0, 90, n), rng.integers(0, 2, n)),
    )
    end = start + length.astype("timedelta64[D]")
    end_known = end <= np.datetime64(END_DATE)
    scale_people = np.where(is_prov, 2.5, 1.0)
    base_people = np.select(
        [kind == "supervision", kind == "social_criticism", kind == "people_inspection"], [12, 25, 6], 90
    )
    participants = rng.poisson(base_people * scale_people)
    opinions = np.where(
        np.isin(kind, ["dialogue", "forum", "voter_contact"]),
        rng.poisson(participants * 0.15),
        rng.poisson(np.where(kind == "social_criticism", 12, 5), n),
    )
    age_days = (np.datetime64(END_DATE) - start).astype(int)
    concluded = rng.binomial(opinions, np.clip(0.3 + age_days / 200, 0, 0.95))
    prov = world.provinces[p_idx]
    com_code = np.where(is_prov, None, c["commune_code"].to_numpy()[np.where(is_prov, 0, unit)])
    commune_phrase = (c["type_lc"] + " " + c["name_short"]).to_numpy()[np.where(is_prov, 0, unit)]
    locality = np.where(is_prov, prov["name_lc"].to_numpy(), commune_phrase + ", " + prov["name_lc"].to_numpy())
    frame = pl.DataFrame({
        "kind": kind, "level": acts["level"], "organization": org, "province_code": prov["province_code"],
        "commune_code": pl.Series(com_code.tolist(), dtype=pl.String),
        "start_date": pl.Series(start).cast(pl.Date), "end_date": pl.Series(np.where(end_known, end, np.datetime64("NaT"))).cast(pl.Date),
        "field": pl.Series(fields.astype(str)), "title": pl.Series(locality.astype(str)),
        "participants": participants, "opinions": opinions, "opinions_concluded": concluded,
        "province_lc": prov["name_lc"], "p_idx": p_idx, "commune_phrase": pl.Series(np.where(is_prov, None, commune_phrase).tolist(), dtype=pl.String),
    })  # fmt: skip
    frame = frame.with_columns(
        pl.concat_str(
            pl.col("kind").replace_strict(KIND_TITLE),
            pl.col("field").replace_strict(FIELD_TOPIC),
            pl.lit(" tại "),
            pl.col("title"),
        ).alias("title")
    ).sort("start_date", "province_code", "commune_code", "kind", nulls_last=False)
    frame = frame.with_columns(
        pl.concat_str(pl.lit("HD-"), pl.col("province_code"), pl.lit("-"), pl.col("start_date").dt.strftime("%y%m"), pl.lit("-"),
                      (pl.int_range(pl.len()).over("province_code", pl.col("start_date").dt.strftime("%y%m")) + 1).cast(pl.String).str.zfill(4)).alias("activity_id")
    )  # fmt: skip
    return frame, _recommendations(frame, rng, efficiency)


def _recommendations(acts: pl.DataFrame, rng: np.random.Generator, efficiency: np.ndarray) -> pl.DataFrame:
    rate = {"supervision": 1.6, "social_criticism": 1.2, "dialogue": 0.5, "voter_contact": 0.3, "forum": 0.3,
            "community_investment_monitoring": 0.8, "people_inspection": 0.8}  # fmt: skip
    lam = acts["kind"].replace_strict(rate, return_dtype=pl.Float64).to_numpy() * np.where(
        (acts["level"] == "province").to_numpy(), 1.8, 1.0
    )
    counts = rng.poisson(lam)
    src = np.repeat(np.arange(acts.height), counts)
    a = acts[src]
    n = a.height
    fields = a["field"].to_numpy().astype(object)
    other = rng.random(n) < 0.2
    fields[other] = np.array(FIELDS[:-1])[rng.integers(0, len(FIELDS) - 1, other.sum())]
    f_idx = np.array([FIELDS.index(f) for f in fields]) if n else np.zeros(0, int)
    opt = _AGENCY_OFF[f_idx] + np.floor(rng.random(n) * _AGENCY_LEN[f_idx]).astype(np.int64)
    actions = (
        np.array([REC_ACTION[f][int(rng.integers(len(REC_ACTION[f])))] for f in fields], dtype=object)
        if n
        else np.array([], dtype=object)
    )
    base_date = a["end_date"].fill_null(a["start_date"]).to_numpy().astype("datetime64[D]")
    issued = base_date + rng.integers(5, 26, n).astype("timedelta64[D]")
    due = issued + rng.choice([30, 30, 30, 45, 60], n).astype("timedelta64[D]")
    eff = efficiency[a["p_idx"].to_numpy()]
    answered = issued + np.ceil(rng.lognormal(np.log(28 * eff), 0.7)).astype("timedelta64[D]")
    never = rng.random(n) < 0.15 * np.clip(eff, 0.6, 2)
    rejected = (rng.random(n) < 0.07) & ~never
    implemented = answered + np.ceil(rng.lognormal(np.log(60), 0.6, n)).astype("timedelta64[D]")
    does_implement = (rng.random(n) < 0.55) & ~rejected
    resupervised = implemented + rng.integers(30, 120, n).astype("timedelta64[D]")
    does_resupervise = rng.random(n) < 0.25
    end = np.datetime64(END_DATE)
    ans_ok = ~never & (answered <= end)
    imp_ok = ans_ok & does_implement & (implemented <= end)
    res_ok = imp_ok & does_resupervise & (resupervised <= end)
    status = np.select([imp_ok, ans_ok & rejected, ans_ok], ["implemented", "rejected", "answered"], "open")
    nat = np.datetime64("NaT")
    is_prov = (a["level"] == "province").to_numpy()
    agency = np.where(
        is_prov,
        np.array([b for b, _ in _AGENCY_OPTS], dtype=object)[opt] + " " + a["province_lc"].to_numpy().astype(object),
        "UBND " + a["commune_phrase"].fill_null("").to_numpy().astype(object),
    )
    recs = pl.DataFrame({
        "activity_id": a["activity_id"], "agency": pl.Series(agency.astype(str)), "field": pl.Series(fields.astype(str)),
        "content": pl.Series(("Đề nghị " + agency + " " + actions).astype(str)),
        "issued_at": pl.Series(issued).cast(pl.Date), "due_at": pl.Series(due).cast(pl.Date), "status": pl.Series(status),
        "answered_at": pl.Series(np.where(ans_ok, answered, nat)).cast(pl.Date),
        "implemented_at": pl.Series(np.where(imp_ok, implemented, nat)).cast(pl.Date),
        "resupervised_at": pl.Series(np.where(res_ok, resupervised, nat)).cast(pl.Date),
    }).filter(pl.col("issued_at") <= END_DATE)  # fmt: skip
    return recs.with_columns(
        pl.concat_str(pl.lit("KN-"), pl.col("activity_id").str.slice(3), pl.lit("-"),
                      (pl.int_range(pl.len()).over("activity_id") + 1).cast(pl.String).str.zfill(2)).alias("recommendation_id")
    ).select("recommendation_id", "activity_id", "agency", "field", "content", "issued_at", "due_at", "status",
             "answered_at", "implemented_at", "resupervised_at")  # fmt: skip


def _write_activities(acts: pl.DataFrame, recs: pl.DataFrame, out_dir: Path) -> list[Path]:
    cols = ["activity_id", "kind", "level", "organization", "province_code", "commune_code", "start_date", "end_date",
            "field", "title", "participants", "opinions", "opinions_concluded"]  # fmt: skip
    prov = acts.filter(pl.col("level") == "province").select(cols)
    commune = (
        acts.filter(pl.col("level") == "commune")
        .select(cols)
        .with_columns(
            _vi_enum("kind", "activity_kind"),
            _vi_enum("level", "level"),
            _vi_enum("organization", "organization"),
            _date_col("start_date", "%d/%m/%Y"),
            _date_col("end_date", "%d/%m/%Y"),
            pl.col("field").replace_strict(_vi_label("field")),
        )
    )
    recs_vi = recs.with_columns(
        *[
            _date_col(c, "%d/%m/%Y")
            for c in ("issued_at", "due_at", "answered_at", "implemented_at", "resupervised_at")
        ],
        _vi_enum("status", "recommendation_status"),
    )
    return [
        _write_csv(prov, out_dir / "activities_province_level.csv"),
        _write_csv(_vi_headers(commune, _vi_of("activity")), out_dir / "hoat_dong_giam_sat_cap_xa.csv", bom=True),
        _write_csv(_vi_headers(recs_vi, _vi_of("recommendation")), out_dir / "kien_nghi_sau_giam_sat.csv", bom=True),
    ]


# ---------------------------------------------------------------------------------------------------------
# Trust survey

ITEMS_5 = ["q_trust_front", "q_trust_commune", "q_responsive_1", "q_responsive_2", "q_integrity_1", "q_integrity_2",
           "q_fair_1", "q_open_1", "q_open_2", "q_reliable_1", "q_reliable_2"]  # fmt: skip
ITEM_OFFSET = {"q_trust_front": 0.3, "q_trust_commune": 0.0, "q_responsive_1": -0.2, "q_responsive_2": -0.3,
               "q_integrity_1": -0.4, "q_integrity_2": -0.5, "q_fair_1": -0.1, "q_open_1": -0.2, "q_open_2": -0.4,
               "q_reliable_1": 0.0, "q_reliable_2": -0.1}  # fmt: skip
REVERSED = {"q_reliable_2"}  # reverse-coded in the item catalogue (data/reference/trust_items.toml)
ITEMS = [*ITEMS_5, "q_trust_overall"]
WAVES = [  # wave, fieldwork start, end, mode, file style
    ("2025Q2", dt.date(2025, 4, 7), dt.date(2025, 6, 13), "face_to_face", "en_csv_legacy"),  # before the merger
    ("2025Q3", dt.date(2025, 8, 11), dt.date(2025, 9, 26), "face_to_face", "en_csv"),
    ("2025Q4", dt.date(2025, 11, 3), dt.date(2025, 12, 19), "face_to_face", "vi_csv"),
    ("2026Q1", dt.date(2026, 2, 23), dt.date(2026, 3, 27), "phone", "en_csv"),
    ("2026Q2", dt.date(2026, 5, 4), dt.date(2026, 6, 19), "online", "en_jsonl"),
    ("2026Q3", dt.date(2026, 8, 3), dt.date(2026, 9, 25), "face_to_face", "vi_csv_design"),
]
TRUST_MOVERS = (6, 4)  # provinces whose trust really rises / falls from wave to wave; the others stay put
TRUST_STEP = (0.14, -0.12)  # latent change per wave of the movers
ETHNIC = {
    "North Midlands & Mountains": (["Kinh", "Tày", "Thái", "Mường", "H'Mông", "Nùng", "Dao"], [0.5, 0.12, 0.1, 0.08, 0.1, 0.06, 0.04]),
    "Central Highlands": (["Kinh", "Gia Rai", "Ê Đê", "Ba Na", "Xơ Đăng", "Cơ Ho", "Mnông"], [0.68, 0.1, 0.08, 0.05, 0.03, 0.03, 0.03]),
    "Mekong Delta": (["Kinh", "Khmer", "Hoa", "Chăm"], [0.9, 0.08, 0.015, 0.005]),
    "Southeast": (["Kinh", "Hoa", "Khmer", "Xtiêng", "Chăm"], [0.93, 0.04, 0.01, 0.01, 0.01]),
}  # fmt: skip
OTHER_ETHNIC = (["Kinh", "Mường", "Thái", "Tày", "Chăm"], [0.95, 0.02, 0.015, 0.01, 0.005])


def _survey(world: World, scale: Scale, seed: int, efficiency: np.ndarray, out_dir: Path) -> list[tuple[Path, int]]:
    """Six trust-survey waves. The first was fielded before the 2025 merger, per old province (stratum = old
    province, design weights = its adult population / respondents); one online wave over-represents young
    urban people; the last carries a stratified two-stage design. A few provinces really change over time."""
    rng = _rng(seed, 30)
    c = world.communes
    pcodes = world.province_codes
    regions = world.provinces["region"].to_list()
    province_effect = -0.45 * np.log(efficiency) + rng.normal(0, 0.2, len(pcodes))
    movers = rng.permutation(len(pcodes))
    step = np.zeros(len(pcodes))
    step[movers[: TRUST_MOVERS[0]]] = TRUST_STEP[0]
    step[movers[TRUST_MOVERS[0] : sum(TRUST_MOVERS)]] = TRUST_STEP[1]
    old_province = np.array([(world.legacy.get(code) or [("",)])[0][0] for code in c["commune_code"]], dtype=object)
    adult_pop = c["population"].to_numpy() * 0.72
    urban_c = c["urban"].to_numpy()
    paths = []
    for w_i, (wave, start, end, mode, style) in enumerate(WAVES):
        rows = []
        for p in range(len(pcodes)):
            members = np.flatnonzero(c["p_idx"].to_numpy() == p)
            n = int(scale.survey_per_province * rng.uniform(0.9, 1.1))
            if style == "en_csv_legacy":  # a sample per old province, of equal size whatever its population
                olds = sorted({o for o in old_province[members] if o})
                per_old = max(2, int(n / max(len(olds), 1) ** 0.5))
                picks = []
                for old in olds:
                    own = members[old_province[members] == old]
                    k = min(own.size, max(2, per_old // 25))
                    psus = rng.choice(own, k, replace=False, p=adult_pop[own] / adult_pop[own].sum())
                    picks.append(np.repeat(psus, _largest_remainder(per_old, np.ones(k))))
                chosen = np.concatenate(picks)
            elif mode == "online":
                w = adult_pop[members] * np.where(urban_c[members], 3.5, 1.0)
                chosen = rng.choice(members, n, p=w / w.sum())
            else:
                k = min(members.size, max(2, n // 25))
                psus = rng.choice(members, k, replace=False, p=adult_pop[members] / adult_pop[members].sum())
                chosen = np.repeat(psus, _largest_remainder(n, np.ones(k)))
            rows.append(pl.DataFrame({"c_idx": chosen, "p": np.full(chosen.size, p)}))
        frame = pl.concat(rows)
        n = frame.height
        c_idx = frame["c_idx"].to_numpy()
        p_idx = frame["p"].to_numpy()
        urban = urban_c[c_idx]
        if mode == "online":
            age = np.clip(18 + rng.gamma(2.0, 8.0, n), 18, 80).astype(int)
            female = rng.random(n) < 0.46
        else:
            age = np.clip(rng.triangular(18, 38, 88, n), 18, 90).astype(int)
            female = rng.random(n) < 0.53
        ethnic = np.empty(n, dtype=object)
        for p in np.unique(p_idx):
            sel = np.flatnonzero(p_idx == p)
            names, probs = ETHNIC.get(regions[p], OTHER_ETHNIC)
            ethnic[sel] = np.array(names)[rng.choice(len(names), sel.size, p=probs)]
        mode_effect = {"online": -0.25, "phone": 0.1}.get(mode, 0.0)
        latent = (
            province_effect[p_idx]
            + step[p_idx] * w_i
            + 0.012 * (age - 45)
            - 0.15 * urban
            + mode_effect
            + rng.normal(0, 1, n)
        )
        items: dict[str, pl.Series] = {}
        for item in ITEMS_5:
            v = np.digitize(latent + ITEM_OFFSET[item] + rng.normal(0, 0.7, n), [-1.6, -0.6, 0.4, 1.4]) + 1
            v = 6 - v if item in REVERSED else v
            miss = rng.random(n) < (0.08 if "integrity" in item else 0.03) + (0.03 if mode == "online" else 0.0)
            items[item] = pl.Series(item, np.where(miss, 0, v)).set(pl.Series(miss), None)
        overall = np.clip(np.rint(6.0 + 1.5 * latent + rng.normal(0, 1, n)), 0, 10).astype(int)
        miss = rng.random(n) < 0.02
        items["q_trust_overall"] = pl.Series("q_trust_overall", np.where(miss, 0, overall)).set(pl.Series(miss), None)
        df = pl.DataFrame({
            "response_id": [f"{wave}-{i + 1:06d}" for i in range(n)],
            "wave": wave,
            "interviewed_at": pl.Series(_days(rng, start, end, n)).cast(pl.Date),
            "province_code": c["province_code"].to_numpy()[c_idx],
            "commune_code": c["commune_code"].to_numpy()[c_idx],
            "mode": mode,
            "sex": np.where(female, "female", "male"),
            "age": age, "urban": urban, "ethnicity": ethnic.astype(str),
        }).with_columns(**items)  # fmt: skip
        if style == "en_csv_legacy":
            old_pop = (
                pl.DataFrame({"stratum": old_province, "pop": adult_pop}).group_by("stratum").agg(pl.col("pop").sum())
            )
            df = df.with_columns(
                pl.Series("stratum", old_province[c_idx].astype(str)), pl.col("commune_code").alias("psu")
            ).join(old_pop, on="stratum", how="left")
            df = df.with_columns((pl.col("pop") / pl.len().over("stratum")).round(2).alias("weight")).drop("pop")
        if style == "vi_csv_design":
            stratum_pop = (
                pl.DataFrame({"p": c["province_code"], "u": urban_c, "pop": adult_pop})
                .group_by("p", "u")
                .agg(pl.col("pop").sum())
            )
            df = df.with_columns(
                pl.concat_str(
                    "province_code", pl.when("urban").then(pl.lit("U")).otherwise(pl.lit("R")), separator="-"
                ).alias("stratum"),
                pl.col("commune_code").alias("psu"),
            ).join(stratum_pop.rename({"p": "province_code", "u": "urban"}), on=["province_code", "urban"], how="left")
            df = df.with_columns((pl.col("pop") / pl.len().over("stratum")).round(2).alias("weight")).drop("pop")
        order = ["response_id", "wave", "interviewed_at", "province_code", "commune_code", "mode", "sex", "age", "urban",
                 "ethnicity", *[x for x in ("weight", "stratum", "psu") if x in df.columns], *ITEMS]  # fmt: skip
        df = df.select(order)
        if style.startswith("vi_csv"):
            df = df.with_columns(
                _date_col("interviewed_at", "%d/%m/%Y"),
                _vi_enum("mode", "survey_mode"),
                _vi_enum("sex", "sex"),
                pl.col("urban").cast(pl.Int8),
            )
            name = f"khao_sat_niem_tin_{wave}{'_co_trong_so' if style == 'vi_csv_design' else ''}.csv"
            paths.append((_write_csv(_vi_headers(df, _vi_of("survey")), out_dir / name, bom=True), df.height))
        elif style in ("en_csv", "en_csv_legacy"):
            paths.append((_write_csv(df, out_dir / f"trust_survey_{wave}.csv"), df.height))
        else:
            path = out_dir / f"trust_survey_{wave}_online.jsonl"
            df.with_columns(pl.col("interviewed_at").dt.strftime("%Y-%m-%d")).write_ndjson(path)
            paths.append((path, df.height))
    return paths


# ---------------------------------------------------------------------------------------------------------
# Membership

MEMBER_ORGS = {  # eligible share of population, coverage, members per branch, provincial cadres per 1,000 members
    "women": (0.37, 0.62, 150, 0.06), "youth": (0.21, 0.42, 45, 0.12), "farmers": (0.35, 0.55, 120, 0.05),
    "veterans": (0.025, 0.88, 60, 0.4), "labour": (0.06, 0.68, 90, 0.25),
}  # fmt: skip
VILLAGE_SETTINGS = {  # share of commune eligible, coverage (normal, inverted cone): thin at the base in an inverted cone
    "urban": (0.6, 0.5, 0.33), "boarding_house": (0.25, 0.5, 0.09), "new_rural": (0.8, 0.7, 0.3), "industrial_park": (0.35, 0.55, 0.14),
}  # fmt: skip


def _quarters(scale: Scale) -> list[str]:
    return [f"{m:%Y-%m}" for m in _months(scale) if m.month in (3, 6, 9, 12)]


def _membership(world: World, scale: Scale, seed: int, out_dir: Path) -> list[tuple[Path, int]]:
    """Quarterly membership: province totals (XLSX, Vietnamese) and sampled communes with village settings (CSV)."""
    rng = _rng(seed, 40)
    p, c = world.provinces, world.communes
    periods = _quarters(scale)
    prov_rows, local_rows = [], []
    for i, code in enumerate(p["province_code"]):
        pop = int(p["population"][i])
        rural = 1 - float(p["urban_share"][i])
        industry = INDUSTRIAL.get(code, 0.0)
        inverted = code in INVERTED_CONE
        members = np.flatnonzero(c["p_idx"].to_numpy() == i)
        cpop = c["population"].to_numpy()[members]
        k = min(scale.membership_communes, members.size)
        sample = np.sort(rng.choice(members, k, replace=False, p=cpop / cpop.sum()))
        for org, (share, coverage, branch_size, cadres) in MEMBER_ORGS.items():
            eligible_share = (
                share * (rural if org == "farmers" else 1.0) * (1 + 1.5 * industry if org == "labour" else 1.0)
            )
            eligible = int(pop * eligible_share)
            cov = coverage * (0.82 if inverted else 1.0) * rng.uniform(0.92, 1.05)
            for q, period in enumerate(periods):
                trend = 1 + 0.006 * q
                m = int(min(eligible, eligible * cov * trend))
                prov_rows.append((period, org, code, None, "province", None, m, eligible, max(1, m // (branch_size * 8)),
                                  max(3, int(m / 1000 * cadres * (2.6 if inverted else 1.0) * rng.uniform(0.85, 1.15)))))  # fmt: skip
                for ci in sample:
                    ccode = c["commune_code"][int(ci)]
                    c_elig = int(eligible * c["population"][int(ci)] / pop)
                    c_mem = int(min(c_elig, c_elig * cov * trend * rng.uniform(0.85, 1.1)))
                    is_urban = bool(c["urban"][int(ci)])
                    local_rows.append((period, org, code, ccode, "commune", "urban" if is_urban else "new_rural", c_mem, c_elig,
                                       max(1, c_mem // branch_size), int(rng.integers(1, 3))))  # fmt: skip
                    settings = ["urban", "boarding_house"] if is_urban else ["new_rural"]
                    if industry and org in ("labour", "youth", "women"):
                        settings.append("industrial_park")
                    for setting in settings:
                        part, normal, thin = VILLAGE_SETTINGS[setting]
                        v_elig = int(c_elig * part)
                        v_cov = (thin if inverted else normal) * (
                            1.4 if org == "labour" and setting == "industrial_park" else 1.0
                        )
                        v_mem = int(min(v_elig, v_elig * v_cov * trend * rng.uniform(0.8, 1.15)))
                        local_rows.append(
                            (period, org, code, ccode, "village", setting, v_mem, v_elig, max(1, v_elig // 1200), 0)
                        )
    cols = [
        "period",
        "organization",
        "province_code",
        "commune_code",
        "level",
        "setting",
        "members",
        "eligible",
        "branches",
        "cadres",
    ]
    schema = {k: (pl.Int64 if k in ("members", "eligible", "branches", "cadres") else pl.String) for k in cols}
    prov = pl.DataFrame(prov_rows, schema=schema, orient="row").with_columns(
        _vi_enum("organization", "organization"), _vi_enum("level", "level")
    )
    local = pl.DataFrame(local_rows, schema=schema, orient="row")
    return [
        (
            _write_xlsx(
                _vi_headers(prov, _vi_of("membership"), titles=True),
                out_dir / "doan_vien_hoi_vien_cap_tinh.xlsx",
                "Cấp tỉnh",
            ),
            prov.height,
        ),
        (_write_csv(local, out_dir / "membership_commune_village.csv"), local.height),
    ]


# ---------------------------------------------------------------------------------------------------------
# Models, outcomes

MODEL_NAMES = {
    "social_dialogue": ["Hội nghị đối thoại định kỳ giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
                        "Tổ hòa giải – đối thoại ở khu dân cư", "Ngày hội lắng nghe ý kiến nhân dân"],
    "community_security": ["Tổ bảo vệ an ninh, trật tự ở cơ sở", "Camera an ninh cộng đồng",
                           "Khu dân cư an toàn về an ninh, trật tự", "Tổ tự quản an ninh trật tự khu nhà trọ"],
}  # fmt: skip


def _models(world: World, seed: int) -> pl.DataFrame:
    """Staggered adoption: a provincial pilot, then communes over the following months; some provinces never."""
    rng = _rng(seed, 50)
    c = world.communes
    rows = []
    end = np.datetime64(END_DATE)
    for kind, names in MODEL_NAMES.items():
        for i, code in enumerate(world.province_codes):
            if rng.random() < 0.2:
                continue  # not adopted yet: the comparison group
            pilot = _days(rng, dt.date(2025, 12, 1), dt.date(2026, 8, 31), 1)[0]  # inside every size's window
            pilot_date: dt.date = pilot.item()
            rows.append((code, None, kind, names[0], pilot_date))
            members = np.flatnonzero(c["p_idx"].to_numpy() == i)
            share = rng.uniform(0.2, 0.7)
            adopt = members[rng.random(members.size) < share]
            when = pilot + np.ceil(rng.exponential(150, adopt.size)).astype("timedelta64[D]")
            for ci, d in zip(adopt, when, strict=True):
                if d <= end:
                    options = names if bool(c["urban"][int(ci)]) or kind == "social_dialogue" else names[:3]
                    rows.append(
                        (code, c["commune_code"][int(ci)], kind, options[int(rng.integers(len(options)))], d.item())
                    )
    df = pl.DataFrame(rows, schema={"province_code": pl.String, "commune_code": pl.String, "model_kind": pl.String,
                                    "model_name": pl.String, "adopted_at": pl.Date}, orient="row")  # fmt: skip
    age = (pl.lit(END_DATE) - pl.col("adopted_at")).dt.total_days()
    u = pl.Series(rng.random(df.height))
    return df.with_columns(u.alias("_u")).with_columns(
        pl.when(pl.col("_u") < 0.04).then(pl.lit("stopped"))
        .when(age < 90).then(pl.lit("pilot"))
        .when((age > 270) & (pl.col("_u") > 0.7)).then(pl.lit("replicated"))
        .otherwise(pl.lit("active")).alias("status")
    ).drop("_u").sort("province_code", "commune_code", "model_kind", nulls_last=False)  # fmt: skip


def _outcomes(world: World, scale: Scale, seed: int, models: pl.DataFrame) -> pl.DataFrame:
    """Monthly provincial results. Community security models cut security incidents (a planted effect for the
    Mô hình page's DiD); social dialogue models change nothing (a planted null)."""
    rng = _rng(seed, 60)
    p, c = world.provinces, world.communes
    n_communes = c.group_by("province_code").len().rename({"len": "n"})
    poor_base = {"North Midlands & Mountains": 9.5, "Central Highlands": 6.5, "North Central & Central Coast": 4.5,
                 "Mekong Delta": 3.8, "Red River Delta": 1.6, "Southeast": 0.8}  # fmt: skip
    months = _months(scale)
    first = (
        models.filter(pl.col("commune_code").is_not_null() & (pl.col("status") != "stopped"))
        .group_by("province_code", "model_kind", "commune_code")
        .agg(pl.col("adopted_at").min())
    )
    adopted = {
        (str(k[0]), str(k[1])): np.sort(g["adopted_at"].to_numpy())
        for k, g in first.group_by("province_code", "model_kind", maintain_order=True)
    }
    first_adopted = {
        (str(code), str(kind)): when
        for code, kind, when in models.group_by("province_code", "model_kind")
        .agg(pl.col("adopted_at").min())
        .iter_rows()
    }
    rows = []
    for i, code in enumerate(p["province_code"]):
        pop = float(p["population"][i])
        per100k = pop / 100_000
        region = p["region"][i]
        nc = int(n_communes.filter(pl.col("province_code") == code)["n"][0])
        poor0 = poor_base.get(region, 3.0) * rng.uniform(0.7, 1.3)
        for t, m in enumerate(months):
            month_end = dt.date(m.year, m.month, calendar.monthrange(m.year, m.month)[1])
            cover = {
                kind: np.searchsorted(
                    adopted.get((code, kind), np.array([], "datetime64[D]")), np.datetime64(month_end), "right"
                )
                / nc
                for kind in MODEL_NAMES
            }
            tet = 1.25 if m.month in (1, 2) else 1.0
            # Community security models work: incidents fall by a fifth from the first adoption in the province
            # and a little more as communes join. Social dialogue models have no effect on any outcome here.
            secured = first_adopted.get((code, "community_security"), dt.date.max) <= month_end
            incidents = rng.poisson(
                per100k * 3.2 * tet * (1 - (0.2 if secured else 0.0) - 0.1 * cover["community_security"])
            )
            cases = rng.poisson(per100k * 4.5)
            resolved = rng.binomial(cases, 0.8)
            peak = 3.0 if m.month in (10, 11) else (2.0 if m.month in (1, 2) else 1.0)  # Vì người nghèo month; Tết
            fund = round(pop * 320 * peak * rng.lognormal(0, 0.25), -6)
            spent = round(fund * rng.uniform(0.55, 0.95), -6)
            houses = rng.poisson(per100k * 0.8 * (2.5 if m.month in (10, 11, 12) else 1.0))
            poor = round(max(0.2, poor0 * (1 - 0.012 * t) + rng.normal(0, 0.05)), 2)
            near_poor = round(max(0.3, poor0 * 0.8 * (1 - 0.008 * t) + rng.normal(0, 0.05)), 2)
            period = f"{m:%Y-%m}"
            rows += [
                (period, code, "security_incidents", float(incidents), "vụ"),
                (period, code, "mediation_cases", float(cases), "vụ"),
                (period, code, "mediation_resolved", float(resolved), "vụ"),
                (period, code, "fund_for_poor_vnd", float(fund), "đồng"),
                (period, code, "solidarity_houses", float(houses), "căn"),
                (period, code, "poor_household_rate", float(poor), "%"),
                (period, code, "fund_for_poor_spent_vnd", float(spent), "đồng"),
                (period, code, "near_poor_household_rate", float(near_poor), "%"),
            ]
    return pl.DataFrame(rows, schema=["period", "province_code", "indicator", "value", "unit"], orient="row").select(
        "period", "province_code", pl.lit(None, pl.String).alias("commune_code"), "indicator", "value", "unit"
    )


# ---------------------------------------------------------------------------------------------------------
# Population, margins, milestones

AGE_SHARES = {  # adult population by age group (18-29, 30-44, 45-59, 60+)
    "North Midlands & Mountains": [0.27, 0.32, 0.24, 0.17], "Central Highlands": [0.27, 0.32, 0.24, 0.17],
    "Red River Delta": [0.21, 0.31, 0.25, 0.23], "North Central & Central Coast": [0.22, 0.29, 0.26, 0.23],
    "Southeast": [0.25, 0.35, 0.24, 0.16], "Mekong Delta": [0.2, 0.3, 0.28, 0.22],
}  # fmt: skip


def _population(world: World) -> pl.DataFrame:
    return world.communes.select(
        "commune_code", "population", pl.lit(2025).alias("year"),
        pl.lit("Ước tính mô phỏng từ dân số tỉnh (DỮ LIỆU MÔ PHỎNG)").alias("source"),
    )  # fmt: skip


def _margins(world: World) -> pl.DataFrame:
    """Adult population by sex, age group and urban/rural per province; each dimension sums to the same total."""
    rows = []
    for code, pop, region, urban_share in world.provinces.select(
        "province_code", "population", "region", "urban_share"
    ).iter_rows():
        adults = int(pop * 0.72)
        for dim, cats, weights in (
            ("sex", ["male", "female"], [0.493, 0.507]),
            ("age_group", ["18-29", "30-44", "45-59", "60+"], AGE_SHARES.get(region, [0.23, 0.31, 0.25, 0.21])),
            ("urban", ["urban", "rural"], [urban_share, 1 - urban_share]),
        ):
            for cat, value in zip(cats, _largest_remainder(adults, np.array(weights)), strict=True):
                rows.append((code, dim, cat, int(value)))
    return pl.DataFrame(rows, schema=["province_code", "dimension", "category", "population"], orient="row")


def _milestones(world: World, seed: int) -> pl.DataFrame:
    """~30 national and provincial action-programme milestones; some done, some overdue, some ahead."""
    rng = _rng(seed, 70)
    national = [
        ("Triển khai nền tảng Mặt trận số đến 100% Ủy ban MTTQ cấp xã", "communes_on_platform_pct", 100, "2025-12-31"),
        ("100% phản ánh của người dân được tiếp nhận và chuyển xử lý trong 3 ngày làm việc", "forwarded_in_3_days_pct", 100, "2026-06-30"),
        ("Tỷ lệ phản ánh được trả lời đúng hạn đạt 90%", "answered_on_time_pct", 90, "2026-12-31"),
        ("Tổ chức Tháng lắng nghe ý kiến nhân dân ở 100% tỉnh, thành phố", "provinces_listening_month_pct", 100, "2026-06-30"),
        ("Chỉ số niềm tin của Nhân dân đối với Mặt trận đạt 7/10", "trust_index", 7, "2026-12-31"),
        ("100% kiến nghị sau giám sát được theo dõi đến khi có kết quả", "recommendations_tracked_pct", 100, "2026-09-30"),
        ("Xây dựng, sửa chữa 20.000 nhà Đại đoàn kết", "solidarity_houses", 20000, "2026-11-18"),
        ("80% xã có mô hình đối thoại xã hội hoạt động thường xuyên", "communes_dialogue_model_pct", 80, "2027-06-30"),
        ("70% xã có mô hình an ninh cộng đồng", "communes_security_model_pct", 70, "2027-06-30"),
        ("Chuẩn hóa dữ liệu đoàn viên, hội viên trên cơ sở dữ liệu 4 cấp", "membership_records_digitised_pct", 100, "2026-03-31"),
    ]  # fmt: skip
    mekong = world.provinces.filter(pl.col("region") == "Mekong Delta")["province_code"].to_list()
    everywhere = world.province_codes
    provincial = [  # title, indicator, target, provinces it fits
        ("Thành lập Tổ đối thoại xã hội ở các khu công nghiệp", "industrial_parks_dialogue_pct", 100, sorted(INDUSTRIAL)),
        ("Phát triển đoàn viên công đoàn tại khu nhà trọ công nhân", "boarding_house_union_coverage_pct", 40, sorted(INVERTED_CONE)),
        ("Giải quyết dứt điểm kiến nghị về bồi thường, giải phóng mặt bằng tồn đọng", "land_backlog_cleared_pct", 100, sorted(GROWING_CITIES)),
        ("Hỗ trợ người dân vùng xâm nhập mặn bồn chứa nước ngọt", "households_water_tanks", 5000, mekong),
        ("Hoàn thành sửa chữa nhà ở cho hộ dân bị thiệt hại do bão lũ", "flood_houses_repaired", 1500, sorted(CENTRAL_FLOOD)),
        ("100% xã công khai kết quả giám sát trên Mặt trận số", "communes_publish_results_pct", 100, everywhere),
        ("Giảm 10% số vụ việc về an ninh trật tự so với năm trước", "security_incidents_change_pct", -10, everywhere),
    ]  # fmt: skip
    rows = []
    end = END_DATE
    for i, (title, indicator, target, due) in enumerate(national):
        rows.append(
            (
                f"TW-{i + 1:02d}",
                "national",
                title,
                indicator,
                float(target),
                dt.date.fromisoformat(due),
                "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
            )
        )
    for j in range(20):
        title, indicator, target, fits = provincial[j % len(provincial)]
        code = fits[int(rng.integers(len(fits)))]
        due = dt.date(2025, 9, 30) + dt.timedelta(days=int(rng.integers(0, 700)))
        name = world.provinces.filter(pl.col("province_code") == code)["name_lc"][0]
        rows.append(
            (
                f"{code}-{j + 1:02d}",
                code,
                title,
                indicator,
                float(target),
                due,
                f"Ban Thường trực Ủy ban MTTQ Việt Nam {name}",
            )
        )
    out = []
    for mid, scope, title, indicator, target, due, owner in rows:
        done = None
        on_track = rng.random() < (0.62 if due <= end else 0.2)  # after the due date: done ahead of time
        if on_track:
            done = due + dt.timedelta(days=int(rng.integers(-60, 25)))
            done = min(done, end)
            result = target * rng.uniform(1.0, 1.1) if target > 0 else target * rng.uniform(1.0, 1.3)
        else:
            result = (
                target * rng.uniform(0.4, 0.95)
                if due <= end
                else (target * rng.uniform(0.2, 0.8) if rng.random() < 0.6 else None)
            )
        if result is not None:
            result = min(result, 100.0) if indicator.endswith("_pct") and target > 0 else result
            result = round(float(result), 1 if indicator.endswith("_pct") or abs(target) < 50 else 0)
        out.append((mid, scope, title, indicator, target, due, owner, result, done))
    return pl.DataFrame(out, schema={"milestone_id": pl.String, "scope": pl.String, "title": pl.String, "indicator": pl.String,
                                     "target": pl.Float64, "due_date": pl.Date, "owner": pl.String, "result": pl.Float64,
                                     "done_at": pl.Date}, orient="row")  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Orchestration

FILE_KINDS = [  # file-name prefix -> kind, for the README and the tests
    ("mattranso_app_", "feedback"), ("zalo_oa_", "feedback"), ("hotline_", "feedback"),
    ("tiep_cong_dan_don_thu_", "feedback"), ("tiep_xuc_cu_tri_", "feedback"),
    ("activities_", "activity"), ("hoat_dong_", "activity"), ("kien_nghi_", "recommendation"),
    ("khao_sat_niem_tin_", "survey"), ("trust_survey_", "survey"),
    ("doan_vien_hoi_vien_", "membership"), ("membership_", "membership"), ("mo_hinh_", "model"),
    ("outcomes_", "outcome"), ("dan_so_xa_", "population"), ("margins_", "margins"), ("moc_chuong_trinh_", "milestone"),
]  # fmt: skip
_PLANTED_VI = {
    "invalid_date": "ngày không hợp lệ", "unknown_channel": "kênh không xác định", "unknown_province": "mã tỉnh không có",
    "missing_id": "thiếu mã phản ánh", "legacy_address": "chỉ có địa chỉ cũ (trước 2025)", "updated": "xuất lại, trạng thái mới",
    "duplicates": "xuất lại, trùng hệt", "total_row": "dòng Tổng cộng",
}  # fmt: skip


def kind_of_file(name: str) -> str | None:
    """The input kind a demo file holds, from its name (README and tests; the loader detects it from the header)."""
    return next((kind for prefix, kind in FILE_KINDS if name.startswith(prefix)), None)


def _clear_previous(out_dir: Path) -> None:
    """Remove demo files of an earlier run (another size writes other yearly files); nothing else is touched."""
    for path in out_dir.iterdir():
        if path.is_file() and (kind_of_file(path.name) or path.name == "README.txt"):
            path.unlink()


def _readme(out_dir: Path, rows: dict[str, int], notes: dict[str, dict[str, int]], size: str, seed: int) -> Path:
    bad = sum(
        v
        for n in notes.values()
        for k, v in n.items()
        if k in ("invalid_date", "unknown_channel", "unknown_province", "missing_id")
    )
    lines = [
        SYNTHETIC,
        "=" * len(SYNTHETIC),
        "",
        "Các tệp dưới đây do `python -m etl demo` sinh ra: dữ liệu MÔ PHỎNG, không phải ý kiến thật của người dân.",
        "These files are generated by `python -m etl demo`: SYNTHETIC data, not real citizens' opinions.",
        "Tên người, số điện thoại, số CCCD đều ngẫu nhiên / names, phones and ID numbers are random.",
        "",
        f"size = {size}, seed = {seed}, dữ liệu đến hết / data end on {END_DATE.isoformat()} (cố định / fixed).",
        "",
        "Tệp / file | loại / kind | số dòng / rows | ghi chú / planted",
        "-" * 60,
    ]
    for name in sorted(rows):
        planted = ", ".join(f"{_PLANTED_VI.get(k, k)} / {k}: {v}" for k, v in sorted(notes.get(name, {}).items()))
        lines.append(f"{name} | {kind_of_file(name)} | {rows[name]} | {planted}")
    lines += [
        "",
        f"Dòng lỗi cố ý (sẽ vào khu cách ly) / deliberately bad rows (quarantine): {bad}.",
        "Phản ánh có trong tệp cập nhật được xuất lại với trạng thái mới (updated) hoặc trùng hệt (duplicates).",
        "Margins (cơ cấu dân số) và dân số cấp xã là ước tính mô phỏng / margins and commune populations are synthetic.",
        "",
    ]
    path = out_dir / "README.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _rows_of(path: Path, df: pl.DataFrame, rows: dict[str, int]) -> Path:
    rows[path.name] = df.height
    return path


def write_demo(out_dir: Path, size: str = "small", seed: int = 42) -> list[Path]:
    """Write synthetic raw exports of every input kind but `correction` into `out_dir`; return the paths written.

    Sizes: tiny (tests), small (~50k opinions over 12 months), medium (~500k over 24), full (~5M over 24).
    The same seed gives the same bytes: the data end on `END_DATE`, whatever today's date.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    scale = SIZES[size]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_previous(out_dir)
    world = build_world(seed)
    efficiency = handling_efficiency(world, seed)
    paths, notes, rows = _feedback(world, scale, seed, out_dir)

    acts, recs = _activities(world, scale, seed, efficiency)
    for path in _write_activities(acts, recs, out_dir):
        level = "province" if path.name.startswith("activities_") else "commune"
        rows[path.name] = (
            recs.height if path.name.startswith("kien_nghi_") else acts.filter(pl.col("level") == level).height
        )
        paths.append(path)
    for path, n in _survey(world, scale, seed, efficiency, out_dir) + _membership(world, scale, seed, out_dir):
        rows[path.name] = n
        paths.append(path)

    models = _models(world, seed)
    model_vi = models.with_columns(
        _vi_enum("model_kind", "model_kind"), _vi_enum("status", "model_status"), _date_col("adopted_at", "%d/%m/%Y")
    )
    model_vi = _vi_headers(model_vi, _vi_of("model"), titles=True)
    paths.append(
        _rows_of(_write_xlsx(model_vi, out_dir / "mo_hinh_doi_thoai_an_ninh_cong_dong.xlsx", "Mô hình"), models, rows)
    )
    outcomes = _outcomes(world, scale, seed, models)
    paths.append(_rows_of(_write_csv(outcomes, out_dir / "outcomes_monthly.csv"), outcomes, rows))
    population = _population(world)
    paths.append(
        _rows_of(
            _write_csv(_vi_headers(population, _vi_of("population")), out_dir / "dan_so_xa_2025.csv", bom=True),
            population,
            rows,
        )
    )
    margins = _margins(world)
    paths.append(_rows_of(_write_csv(margins, out_dir / "margins_synthetic.csv"), margins, rows))
    milestones = _milestones(world, seed).with_columns(
        _date_col("due_date", "%d/%m/%Y"), _date_col("done_at", "%d/%m/%Y")
    )
    sheet = _vi_headers(milestones, _vi_of("milestone"), titles=True)
    paths.append(_rows_of(_write_xlsx(sheet, out_dir / "moc_chuong_trinh_hanh_dong.xlsx", "Mốc"), milestones, rows))
    readme = _readme(out_dir, rows, notes, size, seed)
    return sorted(paths) + [readme]
