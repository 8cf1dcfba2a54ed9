# ruff: noqa: F811  (pytest fixtures imported from tests/fixtures/brief.py)
"""The briefing pack: content under presenter rules, both formats read back (python-pptx; pdftoppm and
pdftotext), the command, placeholders for failing sections, and consistency with the pages' numbers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from analytics import brief, db, overview, suppress
from analytics import handling as handling_analytics
from analytics.filters import Filters
from analytics.scope import Scope
from tests.fixtures.brief import brief_warehouse, brief_warehouse_module  # noqa: F401
from ui.brief import slide_views
from ui.brief_render import MAX_FIGURES, chart_images, render, to_pdf, to_pptx
from ui.filters import default_period

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HANOI = "01"


def _filters(path: Path, province: str | None) -> Filters:
    con = db.open_warehouse(path)
    try:
        start, end = default_period(overview.data_info(con, Scope.all()))
    finally:
        con.close()
    return Filters(start, end, province_code=province)


def _briefing(path: Path, province: str | None) -> brief.Briefing:
    con = db.open_warehouse(path)
    try:
        return brief.collect(con, Scope.all(), _filters(path, province))
    finally:
        con.close()


@pytest.fixture(scope="module")
def hanoi_pack(brief_warehouse_module, tmp_path_factory) -> dict:
    """The Hà Nội briefing, its charts drawn once, written to PPTX and PDF."""
    out = tmp_path_factory.mktemp("pack")
    with pytest.MonkeyPatch.context() as env:  # the test's key: the perturbation's salt comes from it
        env.setenv("FRONT_PII_KEY", "test-pii-key")
        env.setenv("FRONT_DATA_DIR", str(brief_warehouse_module.data_dir))
        briefing = _briefing(brief_warehouse_module.path, HANOI)
    views = slide_views(briefing, "vi")
    images = chart_images([v.chart for v in views])
    files = {"pptx": out / "hanoi.pptx", "pdf": out / "hanoi.pdf"}
    files["pptx"].write_bytes(to_pptx(views, images, synthetic=briefing.info.synthetic, lang="vi"))
    files["pdf"].write_bytes(to_pdf(views, images, synthetic=briefing.info.synthetic, lang="vi"))
    return {"files": files, "briefing": briefing, "views": views}


def _pptx_text(path: Path) -> tuple[list[str], list[str]]:
    deck = Presentation(str(path))
    slides, notes = [], []
    for slide in deck.slides:
        slides.append("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
        notes.append(slide.notes_slide.notes_text_frame.text)
    return slides, notes


def test_pptx_reads_back_with_every_slide_a_chart_arial_and_notes(hanoi_pack):
    deck = Presentation(str(hanoi_pack["files"]["pptx"]))
    briefing = hanoi_pack["briefing"]
    assert len(deck.slides) == 1 + len(brief.SECTIONS)
    slides, notes = _pptx_text(hanoi_pack["files"]["pptx"])
    assert "Hà Nội" in slides[0] and "Số liệu tính đến" in slides[0] and "DỮ LIỆU MÔ PHỎNG" in slides[0]
    fonts = {r.font.name for s in deck.slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs}  # fmt: skip
    assert fonts == {"Arial"}
    for slide, text, note, section in zip(list(deck.slides)[1:], slides[1:], notes[1:], briefing.sections, strict=True):
        assert section.error is None, section.error
        if section.numbers:
            assert any(sh.shape_type == 13 for sh in slide.shapes), f"{section.key}: no chart image"
            assert "Nguồn" in text, section.key  # source note with denominators on the slide
        assert note.count("•") == len(section.numbers)  # the notes define every number on the slide
    assert hanoi_pack["files"]["pptx"].stat().st_size < 15_000_000


def test_presenter_rules_hide_small_counts_and_citizen_text(hanoi_pack, brief_warehouse_module):
    briefing = hanoi_pack["briefing"]
    numbers = [n for s in briefing.sections for n in s.numbers]
    assert all(n.value is None for n in numbers if n.suppressed)
    concerns = briefing.section("concerns")
    assert all((n.value or 10) >= 10 for n in concerns.numbers)
    slides, notes = _pptx_text(hanoi_pack["files"]["pptx"])
    if any(n.suppressed for n in numbers):
        assert any("<10" in s for s in slides)
    handling = briefing.section("handling").data["summary"]  # perturbed (cell-key method), hidden = None
    con = db.open_warehouse(brief_warehouse_module.path)
    try:
        exact = handling_analytics.summary(con, Scope.all(), briefing.filters)
    finally:
        con.close()
    for name in ("on_time", "due", "answered", "rated"):  # a hidden count is not revealed by a definition
        shown = getattr(handling, name)
        if shown is None:
            assert f"({getattr(exact, name)})" not in notes[1 + brief.SECTIONS.index("handling")]
        else:
            assert shown >= 10 and abs(shown - getattr(exact, name)) <= suppress.NOISE_BOUND


def test_pdf_renders_and_its_text_is_correct_vietnamese(hanoi_pack, tmp_path):
    pdf = hanoi_pack["files"]["pdf"]
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 1000 for p in pngs)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Hà Nội" in text and "Số liệu tính đến" in text and "Chỉ số niềm tin" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts and " yes yes yes " in fonts.replace("  ", " ")


def test_command_writes_a_province_pdf(brief_warehouse_module, tmp_path):
    """`python -m analytics brief --province 79 --out FILE.pdf`: Vietnamese names come out right."""
    env = {
        "FRONT_DATA_DIR": str(brief_warehouse_module.data_dir),
        "FRONT_PII_KEY": "test-pii-key",
        "PATH": "/usr/bin:/bin",
    }
    target = tmp_path / "hcm.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "brief", "--province", "79", "--out", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True, text=True).stdout
    assert "Báo cáo số liệu Mặt trận số — Thành phố Hồ Chí Minh" in text
    assert "Định nghĩa các con số" in text


def test_a_failing_section_becomes_a_placeholder_slide(brief_warehouse_module, monkeypatch):
    def broken(*args):
        raise RuntimeError("module being written")

    monkeypatch.setitem(brief.BUILDERS, "models", broken)
    briefing = _briefing(brief_warehouse_module.path, HANOI)
    assert "module being written" in briefing.section("models").error
    views = slide_views(briefing, "vi")
    skipped = [v for v in views if v.skipped]
    assert [v.key for v in skipped] == ["models"] and "chưa tạo được" in skipped[0].title
    assert render(briefing, "pptx")[:2] == b"PK"


def test_command_refuses_bad_arguments(brief_warehouse, tmp_path):
    from ui.brief_render import main

    assert main(["--province", HANOI, "--out", str(tmp_path / "x.docx")]) == 2
    assert main(["--province", "99", "--out", str(tmp_path / "x.pptx")]) == 2


def _page_metrics(page: str, role: str | None = None, **params: str) -> dict[str, str]:
    at = AppTest.from_file(APP, default_timeout=120)
    if role:
        at.session_state["demo_role"] = role
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, at.exception
    return {m.label: m.value for m in at.metric}


def test_pack_numbers_equal_the_pages_numbers(hanoi_pack, brief_warehouse):
    """Every number of the key figures, handling, trust and milestones slides equals the number the page
    shows for the same filters (province Hà Nội, the default period), read back from the PPTX itself. The
    key figures are perturbed for the presenter (cell-key method): the page shows a presenter the same values
    (same records, same cell keys), and they stay within the noise bound of the exact numbers an analyst sees."""
    briefing = hanoi_pack["briefing"]
    views = {v.key: dict(v.figures) for v in slide_views(briefing, "vi")}
    slides, _ = _pptx_text(hanoi_pack["files"]["pptx"])
    pptx_lines = [set(s.splitlines()) for s in slides]

    overview_page = _page_metrics("overview.py", role="presenter", province=HANOI)
    assert views["kpis"]["Ý kiến trong kỳ"] == overview_page["Ý kiến trong kỳ"]
    assert views["kpis"]["Kỳ trước"] == overview_page["Kỳ trước cùng độ dài"]
    shown_on_time = views["kpis"]["Trả lời đúng hạn"]
    assert shown_on_time in ("<10", overview_page["Trả lời đúng hạn"])
    exact_page = _page_metrics("overview.py", province=HANOI)  # the analyst's exact numbers
    for label in ("Ý kiến trong kỳ", "Kỳ trước cùng độ dài"):
        if overview_page[label] != "<10":
            shown, exact = (int(page[label].replace(".", "")) for page in (overview_page, exact_page))
            assert abs(shown - exact) <= suppress.NOISE_BOUND

    handling_page = _page_metrics("handling.py", role="presenter", province=HANOI)  # perturbed alike
    for label, page_label in (("Đang quá hạn", "Quá hạn hiện nay"), ("Đúng hạn (ngày làm việc)", "Trả lời đúng hạn")):
        if views["handling"][label] != "<10":
            assert views["handling"][label] == handling_page[page_label]

    trust_page = _page_metrics("trust.py", province=HANOI)
    wave = briefing.section("trust").data["wave"]
    name = briefing.province_name
    assert views["trust"][f"Cả nước, đợt {wave}"] == trust_page[f"Chỉ số toàn quốc, đợt {wave}"]
    province_metric = [v for k, v in trust_page.items() if k.endswith(f", đợt {wave}") and "toàn quốc" not in k]
    assert [views["trust"][f"{name}, đợt {wave}"]] == province_metric

    milestones_page = _page_metrics("milestones.py", province=HANOI)
    for status in ("Hoàn thành đúng hạn", "Hoàn thành muộn", "Quá hạn", "Chưa đến hạn"):
        assert views["milestones"][status] == milestones_page[status]

    monitoring_page = _page_metrics("monitoring.py", province=HANOI)
    if briefing.section("monitoring").numbers:
        assert views["monitoring"]["Kiến nghị quá hạn chưa trả lời"] == monitoring_page["Kiến nghị quá hạn"]

    for index, key in enumerate(["title", *brief.SECTIONS]):  # what the views say is what the file says
        for value in list(views.get(key, {}).values())[:MAX_FIGURES]:  # the rest are in the notes
            assert value in pptx_lines[index], (key, value)


def test_the_trust_notes_name_both_rank_intervals(hanoi_pack):
    """The province's rank is defined with the interval of the province alone and the joint one (the one for
    statements about groups), as the page shows them."""
    rank = hanoi_pack["briefing"].section("trust").number("trust_rank")
    _, notes = _pptx_text(hanoi_pack["files"]["pptx"])
    note = notes[1 + brief.SECTIONS.index("trust")]
    assert f"khoảng thứ hạng 90% của riêng tỉnh: {rank.args['low']}–{rank.args['high']}" in note
    assert f"đồng thời với mọi tỉnh (dùng khi nói về nhóm): {rank.args['joint_low']}–{rank.args['joint_high']}" in note


def test_the_on_time_share_is_hidden_or_absent_by_the_perturbed_due_count(brief_warehouse_module, monkeypatch):
    """'Nothing due' (no share, not a hidden one) is read from the perturbed due count, not the exact one: a
    single due case whose noise is -1 shows as nothing due, as the page's perturbed 0 does."""
    path = brief_warehouse_module.path
    con = db.open_warehouse(path)
    try:
        filters = _filters(path, None)
        found = overview.kpis(con, Scope.all(), filters, cell_keys=True)
        down = next(k for k in range(256) if suppress.noise(1, k) == -1)
        up = next(k for k in range(256) if suppress.noise(1, k) == 1)
        for key, hidden in ((down, False), (up, True)):
            one_due = replace(found, due=1, on_time=0, due_key=key, on_time_key=0)
            monkeypatch.setattr(overview, "kpis", lambda *a, one_due=one_due, **k: one_due)
            section = brief._kpis(con, Scope.all(), filters, "presenter")
            share = next(n for n in section.numbers if n.key == "on_time_share")
            assert share.value is None and share.suppressed is hidden
    finally:
        con.close()
