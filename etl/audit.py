"""The audit log: every login, page view (with its filters), export and deletion request, append-only.

One JSON object per line in `$FRONT_DATA_DIR/audit/audit.jsonl`. Each entry carries `seq`, the time, the
event and its details, `prev` (the previous entry's `hash`) and its own `hash` = HMAC-SHA256 over the
previous hash and the entry's canonical JSON. The HMAC key is derived from `FRONT_AUDIT_KEY` (the demo's
local `.audit_key` otherwise) — never from `FRONT_PII_KEY`, which every ETL operator holds — so editing,
inserting or deleting an entry and recomputing the hashes after it is detected unless the editor holds the
audit key.

What the chain alone cannot show is its own end: removing the last entries, emptying or deleting the file
leave a valid chain. So every append also writes `seq hash` to a checkpoint kept outside the log
(`$FRONT_AUDIT_CHECKPOINT`, default `audit/audit.checkpoint`, opened with O_APPEND; make it append-only with
`chattr +a`, or put it where the app may append but not rewrite). `python -m etl audit verify` checks every
checkpoint line against the log: a line beyond the log's end is truncation (or an emptied or deleted log);
a line whose hash differs is an entry deleted or altered and the chain recomputed — even with the audit key.
Each load also records the log's last `seq` and `hash` in the new warehouse generation's meta (`audit_seq`,
`audit_hash`); verify checks those of every kept generation too, which catches the log and its checkpoint
removed together.

The log holds who viewed (staff identities), never citizens' identifiers. Appends from the app's threads and
other processes are serialised with an exclusive file lock on the log.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import config
from etl.text import printable_tree

GENESIS = "0" * 64
EVENTS = ("login", "logout", "view", "export", "forget", "denied")


def _key() -> bytes:
    return hmac.new(config.audit_key(), b"front-audit-log-v2", hashlib.sha256).digest()


def _canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def entry_hash(entry: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 of the entry's canonical JSON (which includes `prev`, chaining it to the one before)."""
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


@contextmanager
def _locked(path: Path) -> Iterator[Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield fh
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _last_line(fh: Any) -> bytes | None:
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    if end == 0:
        return None
    block = 4096
    data = b""
    position = end
    while position > 0:
        step = min(block, position)
        position -= step
        fh.seek(position)
        data = fh.read(step) + data
        lines = data.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or position == 0:
            return lines[-1]
    return None


def append(event: str, **details: Any) -> dict[str, Any]:
    """Append one entry (`event` one of EVENTS) and return it."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    path = config.audit_file()
    key = _key()
    with _locked(path) as fh:
        last = _last_line(fh)
        previous = json.loads(last) if last else None
        entry: dict[str, Any] = {
            "seq": previous["seq"] + 1 if previous else 1,
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "event": event,
            **printable_tree(details),  # (a file name that is not UTF-8 is written, its bytes as \xff)
            "prev": previous["hash"] if previous else GENESIS,
        }
        entry["hash"] = entry_hash(entry, key)
        fh.seek(0, os.SEEK_END)
        fh.write(json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
        _checkpoint(entry["seq"], entry["hash"])  # still under the log's lock: lines stay in seq order
    return entry


def _checkpoint(seq: int, digest: str) -> None:
    path = config.audit_checkpoint()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{seq} {digest}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _checkpoints(path: Path) -> Iterator[tuple[int, int, str | None]]:
    """(line number, seq, hash) of each checkpoint line; hash None for a line that is not `seq hash`."""
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            parts = raw.split()
            if len(parts) == 2 and parts[0].isdigit() and len(parts[1]) == 64:
                yield number, int(parts[0]), parts[1].decode("ascii", "replace")
            else:
                yield number, 0, None


def head(path: Path | None = None) -> tuple[int, str] | None:
    """The last entry's (seq, hash), read without the key and without creating the log (a load records it in
    the warehouse meta); None when there is no readable entry."""
    path = path or config.audit_file()
    try:
        with open(path, "rb") as fh:
            last = _last_line(fh)
    except FileNotFoundError:
        return None
    try:
        entry = json.loads(last) if last else None
        return (int(entry["seq"]), str(entry["hash"])) if entry else None
    except (ValueError, KeyError, TypeError):
        return None


def _warehouse_marks() -> dict[int, list[tuple[str, str]]]:
    """seq -> [(generation file, hash)] from the meta of every kept warehouse generation."""
    import duckdb

    marks: dict[int, list[tuple[str, str]]] = {}
    folder = config.warehouse_dir()
    for path in sorted(folder.glob("gen-*.duckdb")) if folder.exists() else []:
        try:
            con = duckdb.connect(str(path), read_only=True)
            try:
                meta = dict(con.sql("SELECT key, value FROM meta WHERE key IN ('audit_seq', 'audit_hash')").fetchall())
            finally:
                con.close()
        except duckdb.Error:
            continue  # not this check's business: `etl status` reports unreadable generations
        if str(meta.get("audit_seq", "")).isdigit() and meta.get("audit_hash"):
            marks.setdefault(int(meta["audit_seq"]), []).append((path.name, str(meta["audit_hash"])))
    return marks


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: entries read and the first problem (None when intact).
    `line` is the log's line at fault; `checkpoint_line` the checkpoint's."""

    entries: int
    problem: str | None
    line: int | None = None
    checkpoint_line: int | None = None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(path: Path | None = None, checkpoint: Path | None = None) -> Verdict:
    """Check every entry's hash, its link to the one before and the sequence numbers, then every checkpoint
    line against the log (truncation, emptying, deletion, re-chaining)."""
    path = path or config.audit_file()
    checkpoint = checkpoint or config.audit_checkpoint()
    marks = _checkpoints(checkpoint) if checkpoint.exists() else iter(())
    mark = next(marks, None)
    checked, last_marked = 0, 0
    recorded = _warehouse_marks()
    key = _key()
    previous_hash, expected_seq, count = GENESIS, 1, 0
    if path.exists():
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    return Verdict(count, "dòng trống (empty line)", number)
                try:
                    entry = json.loads(raw)
                except json.JSONDecodeError:
                    return Verdict(count, "dòng không phải JSON (not JSON)", number)
                if entry.get("seq") != expected_seq:
                    return Verdict(
                        count, f"số thứ tự {entry.get('seq')} thay vì {expected_seq} (sequence broken)", number
                    )
                if entry.get("prev") != previous_hash:
                    return Verdict(count, "không nối với mục trước (chain broken)", number)
                if not hmac.compare_digest(str(entry.get("hash", "")), entry_hash(entry, key)):
                    return Verdict(count, "mã băm không khớp: mục đã bị sửa (entry altered)", number)
                while mark is not None and mark[1] <= expected_seq:
                    where, seq, digest = mark
                    if digest is None or seq < expected_seq:
                        return Verdict(
                            count, "tệp mốc kiểm tra bị hỏng (checkpoint file damaged)", None, where, checked
                        )
                    if not hmac.compare_digest(digest, entry["hash"]):
                        return Verdict(
                            count,
                            f"mục {seq} khác với mốc kiểm tra: nhật ký đã bị xóa bớt hoặc ghi lại "
                            "(entry differs from the checkpoint: entries deleted or the log rewritten)",
                            number,
                            where,
                            checked,
                        )
                    checked, last_marked = checked + 1, seq
                    mark = next(marks, None)
                for generation, digest in recorded.pop(expected_seq, []):
                    if not hmac.compare_digest(digest, entry["hash"]):
                        return Verdict(
                            count,
                            f"mục {expected_seq} khác với bản ghi trong kho dữ liệu {generation}: nhật ký đã bị "
                            "ghi lại (entry differs from the warehouse's record: the log was rewritten)",
                            number,
                            None,
                            checked,
                        )
                previous_hash, expected_seq, count = entry["hash"], expected_seq + 1, count + 1
    if mark is not None:
        where, seq, digest = mark
        if digest is None:
            return Verdict(count, "tệp mốc kiểm tra bị hỏng (checkpoint file damaged)", None, where, checked)
        seq = max([seq, *(later for _, later, _ in marks)])
        if not path.exists():
            problem = f"tệp nhật ký đã bị xóa; mốc kiểm tra ghi tới mục {seq} (the log file was deleted)"
        elif count == 0:
            problem = f"nhật ký đã bị xóa trắng; mốc kiểm tra ghi tới mục {seq} (the log was emptied)"
        else:
            problem = (
                f"nhật ký bị cắt: chỉ còn {count} mục, mốc kiểm tra ghi tới mục {seq} "
                "(the log was truncated: its last entries are missing)"
            )
        return Verdict(count, problem, None, where, checked)
    if recorded:
        seq = max(recorded)
        generation = recorded[seq][0][0]
        return Verdict(
            count,
            f"kho dữ liệu {generation} ghi nhật ký tới mục {seq}, nhật ký chỉ còn {count} mục: nhật ký đã bị cắt "
            "hoặc xóa (the warehouse recorded more entries than the log holds: truncated or deleted)",
            None,
            None,
            checked,
        )
    if count and not checkpoint.exists():
        return Verdict(count, "mất tệp mốc kiểm tra (the checkpoint file is missing)", None, None, checked)
    if count - last_marked > 1:  # the newest entry may lack its mark (a crash between the two writes)
        return Verdict(
            count,
            f"tệp mốc kiểm tra thiếu {count - last_marked} mục cuối (the checkpoint lacks the last entries)",
            None,
            None,
            checked,
        )
    return Verdict(count, None, checkpoints=checked)


def entries(path: Path | None = None) -> list[dict[str, Any]]:
    """Every entry, oldest first (for tests and reviews)."""
    path = path or config.audit_file()
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
