"""The input kinds of DESIGN §4.2: columns, English and Vietnamese headers, types, keys, value labels.

This module is the contract in code. `docs/formats.md` documents the same tables for people, and a test
checks that every column named here is listed there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

from config import REFERENCE_DIR
from etl.text import fold, header_key

# Column types understood by the normaliser (etl/normalise.py).
TEXT = "text"  # free text, NFC, identifiers inside masked when `mask` is set
CODE = "code"  # short code, trimmed, kept as text
PROVINCE = "province"  # 2-digit province code, leading zeros restored
COMMUNE = "commune"  # 5-digit commune code, leading zeros restored
DATE = "date"
DATETIME = "datetime"
INT = "int"
FLOAT = "float"
BOOL = "bool"
PERIOD = "period"  # YYYY-MM
ENUM = "enum"  # value from a vocabulary (see VOCABULARIES), English code or Vietnamese label
NAME = "pii_name"  # personal: dropped
PHONE = "pii_phone"  # personal: keyed hash of +84 form
ID_NUMBER = "pii_id"  # personal: keyed hash of digits

PERSONAL = (NAME, PHONE, ID_NUMBER)


@dataclass(frozen=True)
class Column:
    name: str  # English header and warehouse column
    vi: str  # Vietnamese header (snake_case, no diacritics; matched ignoring case/diacritics/spaces)
    type: str = TEXT
    required: bool = False
    vocabulary: str | None = None  # for ENUM
    low: float | None = None  # inclusive bounds for numbers
    high: float | None = None
    mask: bool = False  # TEXT: mask phone/ID/e-mail inside the text
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    title_vi: str
    title_en: str
    locality: bool = False  # rows carry province/commune codes (and may carry `admin_vintage`)
    item_prefix: str | None = None  # survey: extra `q_<code>` columns
    defaults: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def header_map(self) -> dict[str, str]:
        """Folded header -> canonical column name, for both languages and aliases."""
        out: dict[str, str] = {}
        for col in self.columns:
            for label in (col.name, col.vi, *col.aliases):
                out[header_key(label)] = col.name
        if self.locality:
            out["admin_vintage"] = out["phien_ban_dia_gioi"] = "admin_vintage"
        return out


def _c(name: str, vi: str, type: str = TEXT, **kw) -> Column:
    return Column(name, vi, type, **kw)


FEEDBACK = Kind(
    "feedback",
    "feedback",
    (
        _c("source_system", "he_thong", CODE),
        _c("source_id", "ma_phan_anh", CODE, required=True),
        _c("received_at", "thoi_gian_tiep_nhan", DATETIME, required=True, aliases=("ngay_tiep_nhan",)),
        _c("channel", "kenh", ENUM, required=True, vocabulary="channel", aliases=("kenh_tiep_nhan",)),
        _c("province_code", "ma_tinh", PROVINCE),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("address", "dia_chi", TEXT),
        _c("field", "linh_vuc", ENUM, vocabulary="field"),
        _c("content", "noi_dung", TEXT, mask=True),
        _c("citizen_name", "ho_ten", NAME, aliases=("ho_va_ten", "ho_ten_nguoi_phan_anh")),
        _c("citizen_phone", "so_dien_thoai", PHONE, aliases=("dien_thoai", "sdt")),
        _c("citizen_id", "so_cccd", ID_NUMBER, aliases=("cccd", "so_cmnd", "so_dinh_danh", "so_cmnd_cccd")),
        _c("status", "trang_thai", ENUM, vocabulary="feedback_status"),
        _c("forwarded_at", "ngay_chuyen", DATETIME),
        _c("answered_at", "ngay_tra_loi", DATETIME),
        _c("resolved_at", "ngay_giai_quyet", DATETIME),
        _c("agency", "co_quan_xu_ly", TEXT),
        _c("level", "cap", ENUM, vocabulary="level"),
        _c("campaign", "dot", TEXT),
        _c("satisfaction", "muc_do_hai_long", INT, low=1, high=5),
        _c("lat", "vi_do", FLOAT, low=8.0, high=24.0),
        _c("lon", "kinh_do", FLOAT, low=102.0, high=118.0),
    ),
    key=("source_system", "source_id"),
    title_vi="Phản ánh, kiến nghị của người dân",
    title_en="Citizens' feedback",
    locality=True,
    defaults={"source_system": "mattranso", "status": "received"},
)

ACTIVITY = Kind(
    "activity",
    "activity",
    (
        _c("activity_id", "ma_hoat_dong", CODE, required=True),
        _c("kind", "loai_hoat_dong", ENUM, required=True, vocabulary="activity_kind", aliases=("loai",)),
        _c("level", "cap", ENUM, vocabulary="level"),
        _c("organization", "to_chuc", ENUM, vocabulary="organization"),
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("start_date", "ngay_bat_dau", DATE, required=True),
        _c("end_date", "ngay_ket_thuc", DATE),
        _c("field", "linh_vuc", ENUM, vocabulary="field"),
        _c("title", "tieu_de", TEXT, mask=True),
        _c("participants", "so_nguoi_tham_gia", INT, low=0),
        _c("opinions", "so_y_kien", INT, low=0),
        _c("opinions_concluded", "so_y_kien_da_ket_luan", INT, low=0),
    ),
    key=("activity_id",),
    title_vi="Hoạt động giám sát, phản biện, đối thoại",
    title_en="Monitoring, social criticism and dialogue activities",
    locality=True,
)

RECOMMENDATION = Kind(
    "recommendation",
    "recommendation",
    (
        _c("recommendation_id", "ma_kien_nghi", CODE, required=True),
        _c("activity_id", "ma_hoat_dong", CODE, required=True),
        _c("agency", "co_quan", TEXT, required=True),
        _c("field", "linh_vuc", ENUM, vocabulary="field"),
        _c("content", "noi_dung_kien_nghi", TEXT, mask=True),
        _c("issued_at", "ngay_ban_hanh", DATE, required=True),
        _c("due_at", "han_tra_loi", DATE),
        _c("status", "tinh_trang", ENUM, vocabulary="recommendation_status"),
        _c("answered_at", "ngay_tra_loi_kien_nghi", DATE),
        _c("implemented_at", "ngay_thuc_hien", DATE),
        _c("resupervised_at", "ngay_tai_giam_sat", DATE),
    ),
    key=("recommendation_id",),
    title_vi="Kiến nghị sau giám sát, phản biện",
    title_en="Recommendations",
    defaults={"status": "open"},
)

SURVEY = Kind(
    "survey",
    "survey_response",
    (
        _c("response_id", "ma_phieu", CODE, required=True),
        _c("wave", "dot_khao_sat", CODE, required=True),
        _c("interviewed_at", "ngay_phong_van", DATE),
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("mode", "hinh_thuc", ENUM, vocabulary="survey_mode"),
        _c("sex", "gioi_tinh", ENUM, vocabulary="sex"),
        _c("age", "tuoi", INT, low=15, high=110),
        _c("urban", "thanh_thi", BOOL),
        _c("ethnicity", "dan_toc", TEXT),
        _c("weight", "trong_so", FLOAT, low=0),
        _c("stratum", "tang", CODE),
        _c("psu", "don_vi_mau", CODE),
        _c("stratum_population", "dan_so_tang", FLOAT, low=1),
    ),
    key=("wave", "response_id"),
    title_vi="Phiếu khảo sát niềm tin",
    title_en="Trust survey responses",
    locality=True,
    item_prefix="q_",
)

MEMBERSHIP = Kind(
    "membership",
    "membership",
    (
        _c("period", "ky", PERIOD, required=True),
        _c("organization", "to_chuc", ENUM, required=True, vocabulary="organization"),
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("level", "cap", ENUM, required=True, vocabulary="level"),
        _c("setting", "dia_ban", ENUM, vocabulary="setting"),
        _c("members", "so_hoi_vien", INT, required=True, low=0),
        _c("eligible", "so_doi_tuong", INT, low=0),
        _c("branches", "so_chi_hoi", INT, low=0),
        _c("cadres", "so_can_bo", INT, low=0),
    ),
    key=("period", "organization", "province_code", "commune_code", "level", "setting"),
    title_vi="Đoàn viên, hội viên",
    title_en="Membership",
    locality=True,
    defaults={"setting": "other", "commune_code": ""},
)

MODEL = Kind(
    "model",
    "model_adoption",
    (
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("model_kind", "loai_mo_hinh", ENUM, required=True, vocabulary="model_kind"),
        _c("model_name", "ten_mo_hinh", TEXT, required=True),
        _c("adopted_at", "ngay_ap_dung", DATE, required=True),
        _c("status", "trang_thai_mo_hinh", ENUM, vocabulary="model_status"),
    ),
    key=("province_code", "commune_code", "model_kind", "model_name"),
    title_vi="Mô hình đối thoại xã hội, an ninh cộng đồng",
    title_en="Social dialogue and community security models",
    locality=True,
    defaults={"status": "active", "commune_code": ""},
)

OUTCOME = Kind(
    "outcome",
    "outcome",
    (
        _c("period", "ky", PERIOD, required=True),
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("commune_code", "ma_xa", COMMUNE),
        _c("indicator", "chi_tieu", CODE, required=True),
        _c("value", "gia_tri", FLOAT, required=True),
        _c("unit", "don_vi_tinh", TEXT),
    ),
    key=("period", "province_code", "commune_code", "indicator"),
    title_vi="Kết quả an sinh, an ninh cơ sở",
    title_en="Welfare and security results",
    locality=True,
    defaults={"commune_code": ""},
)

POPULATION = Kind(
    "population",
    "population",
    (
        _c("commune_code", "ma_xa", COMMUNE, required=True),
        _c("population", "dan_so_xa", INT, required=True, low=0),
        _c("year", "nam", INT, required=True, low=1990, high=2100),
        _c("source", "nguon", TEXT),
    ),
    key=("commune_code", "year"),
    title_vi="Dân số cấp xã",
    title_en="Commune population",
    locality=True,
)

MARGINS = Kind(
    "margins",
    "margins",
    (
        _c("province_code", "ma_tinh", PROVINCE, required=True),
        _c("dimension", "chieu", ENUM, required=True, vocabulary="margin_dimension"),
        _c("category", "nhom", CODE, required=True),
        _c("population", "dan_so_nhom", INT, required=True, low=0),
    ),
    key=("province_code", "dimension", "category"),
    title_vi="Cơ cấu dân số để gia quyền khảo sát",
    title_en="Population margins for survey weighting",
    locality=True,
)

CORRECTION = Kind(
    "correction",
    "correction",
    (
        _c("source_system", "he_thong", CODE, required=True),
        _c("source_id", "ma_phan_anh", CODE, required=True),
        _c("field", "linh_vuc_dung", ENUM, required=True, vocabulary="field", aliases=("linh_vuc",)),
        _c("corrected_by", "nguoi_sua", CODE),
        _c("corrected_at", "thoi_gian_sua", DATETIME, required=True),
    ),
    key=("source_system", "source_id"),
    title_vi="Sửa lĩnh vực của phản ánh",
    title_en="Field corrections",
)

MILESTONE = Kind(
    "milestone",
    "milestone",
    (
        _c("milestone_id", "ma_moc", CODE, required=True),
        _c("scope", "pham_vi", CODE, required=True),
        _c("title", "ten_moc", TEXT, required=True),
        _c("indicator", "chi_so", CODE),
        _c("target", "muc_tieu", FLOAT),
        _c("due_date", "han_hoan_thanh", DATE, required=True),
        _c("owner", "don_vi_chu_tri", TEXT),
        _c("result", "ket_qua", FLOAT),
        _c("done_at", "ngay_hoan_thanh", DATE),
    ),
    key=("milestone_id",),
    title_vi="Mốc chương trình hành động",
    title_en="Action-programme milestones",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        FEEDBACK,
        ACTIVITY,
        RECOMMENDATION,
        SURVEY,
        MEMBERSHIP,
        MODEL,
        OUTCOME,
        POPULATION,
        MARGINS,
        CORRECTION,
        MILESTONE,
    )
}


def _csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# code -> labels accepted besides the code itself (Vietnamese label first; matched with `fold`).
_STATIC_VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "feedback_status": {
        "received": ("Đã tiếp nhận", "Mới", "Tiếp nhận"),
        "forwarded": ("Đã chuyển", "Đang xử lý", "Chuyển xử lý"),
        "answered": ("Đã trả lời",),
        "resolved": ("Đã giải quyết", "Hoàn thành"),
        "rejected": ("Không thụ lý", "Từ chối"),
    },
    "level": {
        "central": ("Trung ương", "TW"),
        "province": ("Tỉnh", "Cấp tỉnh", "Thành phố"),
        "commune": ("Xã", "Cấp xã", "Phường", "Đặc khu"),
        "village": ("Thôn", "Ấp", "Bản", "Tổ dân phố", "Khu dân cư", "Ban công tác Mặt trận"),
    },
    "activity_kind": {
        "supervision": ("Giám sát",),
        "social_criticism": ("Phản biện xã hội", "Phản biện"),
        "dialogue": ("Đối thoại",),
        "voter_contact": ("Tiếp xúc cử tri",),
        "forum": ("Diễn đàn",),
        "community_investment_monitoring": ("Giám sát đầu tư của cộng đồng", "Giám sát đầu tư cộng đồng"),
        "people_inspection": ("Thanh tra nhân dân",),
    },
    "recommendation_status": {
        "open": ("Chưa trả lời", "Đang theo dõi", "Mở"),
        "answered": ("Đã trả lời",),
        "implemented": ("Đã thực hiện", "Đã tiếp thu"),
        "rejected": ("Không tiếp thu", "Từ chối"),
    },
    "survey_mode": {
        "online": ("Trực tuyến",),
        "face_to_face": ("Trực tiếp", "Phỏng vấn trực tiếp"),
        "phone": ("Điện thoại",),
    },
    "sex": {"male": ("Nam",), "female": ("Nữ",), "other": ("Khác",)},
    "setting": {
        "industrial_park": ("Khu công nghiệp", "KCN"),
        "boarding_house": ("Nhà trọ", "Khu nhà trọ"),
        "new_rural": ("Nông thôn mới",),
        "urban": ("Đô thị",),
        "school": ("Trường học",),
        "enterprise": ("Doanh nghiệp",),
        "other": ("Khác",),
    },
    "model_kind": {
        "social_dialogue": ("Đối thoại xã hội", "Mô hình đối thoại"),
        "community_security": ("An ninh cộng đồng", "Tự quản an ninh trật tự"),
    },
    "model_status": {
        "pilot": ("Thí điểm",),
        "active": ("Đang hoạt động", "Hoạt động"),
        "replicated": ("Nhân rộng", "Đã nhân rộng"),
        "stopped": ("Dừng", "Ngừng hoạt động"),
    },
    "margin_dimension": {"sex": ("Giới tính",), "age_group": ("Nhóm tuổi",), "urban": ("Thành thị",)},
}


@cache
def vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every vocabulary: code -> accepted labels (Vietnamese first, then English, then aliases)."""
    out = dict(_STATIC_VOCABULARIES)
    out["field"] = {r["field_code"]: (r["name_vi"], r["name_en"]) for r in _csv("fields.csv")}
    for name, file, code_col in (
        ("channel", "channels.csv", "channel_code"),
        ("organization", "organizations.csv", "organization_code"),
    ):
        out[name] = {
            r[code_col]: (r["name_vi"], r["name_en"], *[a for a in r["aliases"].split("|") if a]) for r in _csv(file)
        }
    return out


@cache
def label_lookup(vocabulary: str) -> dict[str, str]:
    """Folded label or code -> code, for matching values ignoring case and diacritics."""
    out: dict[str, str] = {}
    for code, labels in vocabularies()[vocabulary].items():
        for label in (code, code.replace("_", " "), *labels):
            out.setdefault(fold(label), code)
    return out


def detect_kind(headers: list[str]) -> tuple[Kind | None, int]:
    """The kind whose required columns all appear in `headers`, preferring the most matched columns."""
    keys = {header_key(h) for h in headers if h}
    best: tuple[Kind | None, int] = (None, 0)
    for kind in KINDS.values():
        hmap = kind.header_map()
        matched = {hmap[k] for k in keys if k in hmap}
        if not set(kind.required) <= matched:
            continue
        score = len(matched) - 0.01 * len(kind.columns)
        if best[0] is None or score > best[1]:
            best = (kind, score)
    return best
