"""Files uploaded in the app: what they are (by content, not by name) and an atomic drop into the inbox.

An upload is checked against the reader's limits (etl/limits.py: size, a workbook's extent and ZIP, a text
file's line breaks and columns) as the loader checks it, with the same reason, before it reaches the inbox.

The watcher (`etl watch`, etl/watch.py) loads what lands in the inbox and moves it to `processed/` or
`failed/` beside a `<name>.report.json` sidecar. The file is written under a hidden temporary name (which the
watcher ignores) and renamed when complete, so the watcher never sees half a file.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import config
from etl import limits
from etl.read import HEAD_CHARS, FileRefused, check_csv_head, decode_bytes
from etl.text import nfc

FORMATS = ("xlsx", "jsonl", "csv")
SNIFF_BYTES = 1 << 20  # enough text to judge a CSV or JSONL by its start
_UNSAFE = re.compile(r"[^\w\-. ]+")


class UploadRejected(Exception):
    """The upload is not a file the loader reads; the message says why, for a person."""


def sniff(data: bytes) -> str:
    """'xlsx', 'jsonl' or 'csv', judged from the bytes; raises UploadRejected otherwise.

    XLSX is a ZIP holding `[Content_Types].xml` and an `xl/` folder; JSONL is text whose first non-blank line
    starts with `{`; CSV is any other text the readers can decode (UTF-8, UTF-16, Windows-1258).
    """
    if not data or not data.strip():
        raise UploadRejected("tệp rỗng (empty file)")
    try:
        limits.check_size(len(data))
    except FileRefused as exc:
        raise UploadRejected(str(exc)) from exc
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError, RuntimeError) as exc:
            # (a crafted ZIP: a name flagged UTF-8 that is not, a bad header field… as limits.check_workbook)
            raise UploadRejected("tệp ZIP/XLSX bị hỏng (broken ZIP/XLSX file)") from exc
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            try:
                limits.check_workbook(data, ".xlsx")
            except FileRefused as exc:
                raise UploadRejected(str(exc)) from exc
            return "xlsx"
        raise UploadRejected("tệp nén không phải bảng tính Excel .xlsx (a ZIP file, but not an .xlsx workbook)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRejected("bảng tính Excel 97-2003 (.xls): hãy lưu lại dạng .xlsx (save it as .xlsx)")
    head = data[:SNIFF_BYTES]
    if len(data) > SNIFF_BYTES:  # do not cut a multi-byte character or line in half
        head = head[: head.rfind(b"\n") + 1] or head
    try:
        text = decode_bytes(head)
    except FileRefused as exc:
        raise UploadRejected(f"không phải CSV, JSONL hay XLSX: {exc}") from exc
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        raise UploadRejected("tệp rỗng (empty file)")
    if first.startswith("{"):
        return "jsonl"  # (JSONL lines may be long: the reader quarantines one that is too long)
    try:
        check_csv_head(text[:HEAD_CHARS], more_follows=len(text) > HEAD_CHARS or len(data) > len(head))
    except FileRefused as exc:
        raise UploadRejected(str(exc)) from exc
    return "csv"


def safe_stem(name: str) -> str:
    """The user's file name without folders, extension or characters a file system dislikes."""
    stem = Path(nfc(name).replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    stem = _UNSAFE.sub("_", stem).strip(" ._")
    return stem[:80] or "tai_len"


def drop_into_inbox(data: bytes, original_name: str, inbox: Path | None = None) -> Path:
    """Write an uploaded file into the inbox atomically; returns its final path.

    The name keeps the user's own (for the load history) plus a time stamp and a short unique part, and the
    extension of the format found by `sniff` (the reader picks its parser by extension).
    """
    fmt = sniff(data)
    folder = inbox or config.inbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    final = folder / f"{safe_stem(original_name)}-{stamp}-{uuid.uuid4().hex[:6]}.{fmt}"
    temporary = folder / f".{final.name}.part"  # hidden: the watcher skips it
    try:
        with open(temporary, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, final)
    except BaseException:  # a full disk: no temporary file is left behind
        temporary.unlink(missing_ok=True)
        raise
    return final


@dataclass(frozen=True)
class UploadStatus:
    """Where a dropped file is: 'waiting' in the inbox, 'loaded' or 'refused' by the watcher, or 'unknown'."""

    state: str
    generation: int | None = None
    reports: tuple[dict, ...] = ()


def upload_status(path: Path) -> UploadStatus:
    """What the watcher did with a file dropped at `path` (read from its sidecar report)."""
    data = config.data_dir()
    for folder, state in (("processed", "loaded"), ("failed", "refused")):
        for sidecar in sorted((data / folder).glob(f"*-{glob_escape(path.name)}.report.json"), reverse=True):
            try:
                report = json.loads(sidecar.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # being written; seen on the next look
            if report.get("file") == path.name:
                return UploadStatus(state, report.get("generation"), tuple(report.get("reports") or ()))
    if path.exists():
        return UploadStatus("waiting")
    return UploadStatus("unknown")


def glob_escape(name: str) -> str:
    """`name` with glob wildcards escaped (a user may call a file 'bao_cao[1].csv')."""
    return re.sub(r"([*?\[])", r"[\1]", name)
