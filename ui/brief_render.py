"""Writing the briefing pack: charts to PNG (plotly + kaleido with the system's Chromium), PPTX (python-pptx,
Arial — every Office install has it with Vietnamese glyphs; a PPTX cannot embed fonts) and PDF (matplotlib,
DejaVu Sans embedded as TrueType). All text is NFC. Needs no Streamlit session: the page calls `render`
on its cached briefing, `python -m analytics brief` calls `build`, which starts Chromium at once and draws each
chart while the next sections are computed.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import textwrap
import threading
import unicodedata
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import plotly.graph_objects as go

from analytics import brief
from analytics.filters import Filters
from analytics.scope import Scope
from ui.brief import SlideView, section_view, slide_views, title_view

log = logging.getLogger(__name__)

FONT_PPTX = "Arial"
FONT_PDF = "DejaVu Sans"
CHART_PX = (1000, 600)  # drawn at 2× for sharpness; type stays legible when placed
MAX_FIGURES = 6  # per slide; every number stays in the speaker notes
SLIDE_IN = (13.333, 7.5)  # 16:9
GREY = (0x55, 0x5F, 0x6B)
ACCENT = (0x1F, 0x5F, 0x8B)
WARN = (0xB0, 0x3A, 0x2E)
CHART_BOX = (0.31, 0.13, 0.66, 0.72)  # where a PDF page puts the chart (figure fractions)
_KALEIDO = threading.Lock()  # one Chromium per process; concurrent packs take turns


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


class ChartPainter:
    """Chromium (kaleido's sync server) started on entry and charts drawn one after another in a worker
    thread, so the caller goes on (computing the next slides) while Chromium starts and draws. One painter
    per process at a time: concurrent packs take turns."""

    def __init__(self, size: tuple[int, int] = CHART_PX) -> None:
        self.size = size
        self._worker: ThreadPoolExecutor | None = None

    def __enter__(self) -> ChartPainter:
        import kaleido

        _KALEIDO.acquire()
        try:
            kaleido.start_sync_server(silence_warnings=True)  # returns at once; Chromium starts in its thread
        except BaseException:
            _KALEIDO.release()
            raise
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brief-charts")
        return self

    def __exit__(self, *exc: object) -> None:
        import kaleido

        try:
            if self._worker is not None:
                self._worker.shutdown(wait=True, cancel_futures=True)
            kaleido.stop_sync_server(silence_warnings=True)
        finally:
            self._worker = None
            _KALEIDO.release()

    def submit(self, figure: go.Figure | None) -> Future[bytes | None]:
        """PNG bytes of `figure`, drawn in turn (None for None or a figure Chromium could not draw)."""
        if figure is None or self._worker is None:
            done: Future[bytes | None] = Future()
            done.set_result(None)
            return done
        return self._worker.submit(self._draw, figure)

    def _draw(self, figure: go.Figure) -> bytes | None:
        import kaleido

        width, height = self.size
        try:
            fig = go.Figure(figure)
            fig.update_layout(width=width, height=height)
            opts = {"format": "png", "width": width, "height": height, "scale": 2}
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as exc:  # one bad chart leaves a note on its slide, not a failed pack
            log.warning("briefing: chart not drawn: %s", exc)
            return None


def chart_images(figures: Sequence[go.Figure | None], size: tuple[int, int] = CHART_PX) -> list[bytes | None]:
    """PNG bytes of each figure (None for None or a figure Chromium could not draw), one server per batch."""
    if all(f is None for f in figures):
        return [None] * len(figures)
    with ChartPainter(size) as painter:
        drawn = [painter.submit(f) for f in figures]
        return [d.result() for d in drawn]


# PPTX -------------------------------------------------------------------------------------------------------


def _text(frame, lines: Sequence[str], size: int, *, bold: bool = False, colour=None) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = nfc(line)
        run.font.name = FONT_PPTX
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour:
            run.font.color.rgb = RGBColor(*colour)


def to_pptx(views: Sequence[SlideView], images: Sequence[bytes | None], *, synthetic: bool, lang: str) -> bytes:
    """The pack as a 16:9 PowerPoint file: one slide per view, charts as images, notes defining the numbers."""
    from pptx import Presentation
    from pptx.util import Inches

    from ui.i18n import text

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_IN[0]), Inches(SLIDE_IN[1])
    blank = deck.slide_layouts[6]
    mark = text("brief.synthetic", lang) if synthetic else ""
    for view, image in zip(views, images, strict=True):
        slide = deck.slides.add_slide(blank)
        shapes = slide.shapes
        if view.key == "title":
            _text(shapes.add_textbox(Inches(0.8), Inches(2.0), Inches(11.7), Inches(1.4)).text_frame,
                  [view.title], 36, bold=True, colour=ACCENT)  # fmt: skip
            _text(shapes.add_textbox(Inches(0.8), Inches(3.5), Inches(11.7), Inches(2.4)).text_frame,
                  view.bullets, 20)  # fmt: skip
        else:
            _text(shapes.add_textbox(Inches(0.5), Inches(0.25), Inches(12.3), Inches(0.7)).text_frame,
                  [view.title], 28, bold=True, colour=ACCENT)  # fmt: skip
            _text(shapes.add_textbox(Inches(0.5), Inches(0.9), Inches(12.3), Inches(0.4)).text_frame,
                  [view.subtitle], 14, colour=GREY)  # fmt: skip
            lines = [
                (line, size, colour, bold)
                for name, value in view.figures[:MAX_FIGURES]
                for line, size, colour, bold in ((name, 12, GREY, False), (value, 24, ACCENT, True))
            ]
            lines += [(line, 12, None, False) for line in view.bullets]
            if lines:
                left = shapes.add_textbox(Inches(0.5), Inches(1.45), Inches(3.7), Inches(4.9)).text_frame
                for i, (line, size, colour, bold) in enumerate(lines):
                    if i == 0:
                        _text(left, [line], size, colour=colour, bold=bold)
                    else:
                        _text_one(left, line, size, colour=colour, bold=bold)
            if image is not None:
                shapes.add_picture(io.BytesIO(image), Inches(4.4), Inches(1.45), width=Inches(8.5))
            elif view.chart is not None:
                _text(shapes.add_textbox(Inches(4.4), Inches(3.5), Inches(8.5), Inches(0.6)).text_frame,
                      [text("brief.chart_missing", lang)], 14, colour=GREY)  # fmt: skip
        footer = [view.source] if view.source else []
        if mark and view.key != "title":
            footer.append(mark)
        if footer:
            _text(shapes.add_textbox(Inches(0.5), Inches(6.55), Inches(12.3), Inches(0.85)).text_frame,
                  footer, 10, colour=GREY)  # fmt: skip
        notes = "\n".join(part for part in (view.notes, view.source, mark) if part)
        slide.notes_slide.notes_text_frame.text = nfc(notes)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _text_one(frame, line: str, size: int, *, colour=None, bold: bool = False) -> None:
    """Append one paragraph to a text frame."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    run = frame.add_paragraph().add_run()
    run.text = nfc(line)
    run.font.name = FONT_PPTX
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor(*colour)


# PDF --------------------------------------------------------------------------------------------------------


def _wrap(line: str, width: int) -> list[str]:
    return textwrap.wrap(nfc(line), width) or [""]


def _pdf_pixels(image: bytes, width: int):
    """The PNG as an RGBA array, first shrunk (box filter) by the largest whole factor that keeps it at least
    `width` pixels wide: the PDF keeps a chart at the page's dpi (~880 px wide) anyway, and matplotlib's
    resampling of the full 2× image took seconds per pack."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        factor = max(1, picture.width // max(width, 1))
        return np.asarray((picture.reduce(factor) if factor > 1 else picture).convert("RGBA"))


def to_pdf(views: Sequence[SlideView], images: Sequence[bytes | None], *, synthetic: bool, lang: str) -> bytes:
    """The pack as PDF pages (16:9), DejaVu Sans embedded; a last section lists every number's definition."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from ui.i18n import text

    # ps.fonttype too: matplotlib sizes the PDF's font subsets by it (3 = a new subset every 256 glyphs, so each
    # font was subset and embedded twice for Vietnamese; 42 = one subset per font)
    rc = {"pdf.fonttype": 42, "ps.fonttype": 42, "font.family": FONT_PDF, "font.sans-serif": [FONT_PDF]}
    mark = text("brief.synthetic", lang) if synthetic else ""
    grey, accent, warn = (tuple(c / 255 for c in rgb) for rgb in (GREY, ACCENT, WARN))
    out = io.BytesIO()
    with plt.rc_context(rc), PdfPages(out, metadata={"Title": nfc(views[0].title), "Creator": "Mặt Trận Số"}) as pdf:
        for view, image in zip(views, images, strict=True):
            fig = plt.figure(figsize=SLIDE_IN)
            if view.key == "title":
                fig.text(0.06, 0.62, "\n".join(_wrap(view.title, 60)), fontsize=28, weight="bold", color=accent)
                y = 0.5
                for line in view.bullets:
                    fig.text(0.06, y, nfc(line), fontsize=16)
                    y -= 0.06
            else:
                fig.text(0.04, 0.93, nfc(view.title), fontsize=22, weight="bold", color=accent)
                fig.text(0.04, 0.885, nfc(view.subtitle), fontsize=11, color=grey)
                y = 0.82
                for name, value in view.figures[:MAX_FIGURES]:
                    fig.text(0.04, y, "\n".join(_wrap(name, 34)), fontsize=9, color=grey, va="top")
                    y -= 0.03 * len(_wrap(name, 34))
                    fig.text(0.04, y, nfc(value), fontsize=17, weight="bold", color=accent, va="top")
                    y -= 0.065
                for line in view.bullets:
                    wrapped = _wrap(line, 40)
                    fig.text(0.04, y, "\n".join(wrapped), fontsize=9, va="top")
                    y -= 0.03 * len(wrapped) + 0.01
                if image is not None:
                    ax = fig.add_axes(CHART_BOX)
                    ax.imshow(_pdf_pixels(image, round(SLIDE_IN[0] * CHART_BOX[2] * fig.dpi)))
                    ax.set_axis_off()
                elif view.chart is not None:
                    fig.text(0.5, 0.5, nfc(text("brief.chart_missing", lang)), fontsize=12, color=grey)
            footer = _wrap(view.source, 170) if view.source else []
            if mark and view.key != "title":
                footer.append(nfc(mark))
            fig.text(0.04, 0.015, "\n".join(footer), fontsize=7.5, color=grey, va="bottom")
            pdf.savefig(fig)
            plt.close(fig)
        notes = [
            line
            for view in views
            if view.notes and view.key != "title"
            for line in [view.title, *view.notes.splitlines()]
        ]
        for start in range(0, len(notes), 30):
            fig = plt.figure(figsize=SLIDE_IN)
            fig.text(0.04, 0.95, nfc(text("brief.notes_header", lang)), fontsize=14, weight="bold", color=accent)
            wrapped = [w for line in notes[start : start + 30] for w in _wrap(line, 190)]
            fig.text(0.04, 0.9, "\n".join(wrapped), fontsize=7.5, va="top")
            pdf.savefig(fig)
            plt.close(fig)
    return out.getvalue()


# Building ---------------------------------------------------------------------------------------------------


def render(briefing: brief.Briefing, fmt: str, lang: str = "vi") -> bytes:
    """The briefing as PPTX or PDF bytes."""
    writer = _writer(fmt)
    views = slide_views(briefing, lang)
    images = chart_images([v.chart for v in views])
    return writer(views, images, synthetic=briefing.info.synthetic, lang=lang)


def build(con, scope: Scope, filters: Filters, fmt: str, lang: str = "vi") -> bytes:
    """Collect and render the pack for `filters` under the presenter's rules. Chromium starts at once and each
    chart is drawn as soon as its section is built, while the next sections are computed."""
    writer = _writer(fmt)
    drawn: dict[str, tuple[SlideView, Future[bytes | None]]] = {}
    with ChartPainter() as painter:

        def draw(heading: brief.Briefing, section: brief.Section) -> None:
            view = section_view(section, heading, lang)
            drawn[section.key] = (view, painter.submit(view.chart))

        briefing = brief.collect(con, scope, filters, brief.ROLE, on_section=draw)
        views = [title_view(briefing, lang)] + [drawn[s.key][0] for s in briefing.sections]
        images = [None] + [drawn[s.key][1].result() for s in briefing.sections]
    return writer(views, images, synthetic=briefing.info.synthetic, lang=lang)


def _writer(fmt: str):
    if fmt not in ("pptx", "pdf"):
        raise ValueError(f"unknown format {fmt!r} (pptx or pdf)")
    return to_pptx if fmt == "pptx" else to_pdf


def file_name(briefing_area: str | None, filters: Filters, fmt: str) -> str:
    """'bao-cao_79_2026-01-01_2026-03-31.pptx' (ASCII, sortable)."""
    return f"bao-cao_{briefing_area or 'toan-quoc'}_{filters.date_from}_{filters.date_to}.{fmt}"


def main(argv: list[str]) -> int:
    """`python -m analytics brief --province CODE|all [--from DATE --to DATE] --out FILE.pptx|FILE.pdf [--lang vi|en]`."""
    import config
    from analytics.db import open_warehouse
    from analytics.overview import data_info

    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(
        logging.ERROR
    )  # no session here: caches unused
    from ui.filters import default_period  # the pages' default period, so the pack matches them

    parser = argparse.ArgumentParser(prog="python -m analytics brief", description="Báo cáo giao ban (PPTX/PDF)")
    parser.add_argument("--province", required=True, help="mã tỉnh 2025 (2 chữ số) hoặc all")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if not exc.code else 2
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pptx", "pdf"):
        print("Lỗi: --out phải là tệp .pptx hoặc .pdf", file=sys.stderr)
        return 2
    province = None if args.province.lower() in ("all", "toan-quoc") else args.province
    path = config.current_warehouse()
    if path is None:
        print("Lỗi: chưa có kho dữ liệu — hãy chạy `python -m etl load ...` (no warehouse yet)", file=sys.stderr)
        return 4
    con = open_warehouse(path)
    try:
        scope = Scope.all()
        if province is not None and province not in set(
            con.sql("SELECT province_code FROM dim_province").pl()["province_code"].to_list()
        ):
            print(f"Lỗi: không có tỉnh mã {province!r}", file=sys.stderr)
            return 2
        default_from, default_to = default_period(data_info(con, scope))
        filters = Filters(args.date_from or default_from, args.date_to or default_to, province_code=province)
        payload = build(con, scope, filters, fmt, args.lang)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    _audit_export(args.out, filters)
    print(f"{args.out} ({len(payload) / 1e6:.1f} MB)", file=sys.stderr)
    return 0


def _audit_export(out: Path, filters: Filters) -> None:
    """A briefing pack is an export: who wrote it, under which rules, for which area and period, to which file."""
    import getpass

    from etl import audit

    shown = {"province": filters.province_code, "from": str(filters.date_from), "to": str(filters.date_to)}
    try:
        audit.append("export", identity=getpass.getuser(), role=brief.ROLE, export=f"analytics brief {out.name}",
                     filters=shown, mode="cli")  # fmt: skip
    except OSError as exc:
        print(f"Cảnh báo: không ghi được nhật ký truy cập ({exc})", file=sys.stderr)
