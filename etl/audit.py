"""The audit log: every login, page view (with its filters), export and deletion request, append-only.

One JSON object per line in `$FRONT_DATA_DIR/audit/audit.jsonl`. Each entry carries `seq`, the time, the
event and its details, `prev` (the previous entry's `hash`) and its own `hash` = HMAC-SHA256 over the
previous hash and the entry's canonical JSON. The HMAC key is derived from `FRONT_PII_KEY` (the demo's local
key otherwise), so editing, inserting or deleting an entry — even recomputing the hashes after it — is
detected by `python -m etl audit verify` unless the editor also holds the server's secret. The log holds
who viewed (staff identities), never citizens' identifiers. Appends from the app's threads and other
processes are serialised with an exclusive file lock.
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

GENESIS = "0" * 64
EVENTS = ("login", "logout", "view", "export", "forget", "denied")


def _key() -> bytes:
    return hmac.new(config.pii_key(), b"front-audit-log-v1", hashlib.sha256).digest()


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
            **details,
            "prev": previous["hash"] if previous else GENESIS,
        }
        entry["hash"] = entry_hash(entry, key)
        fh.seek(0, os.SEEK_END)
        fh.write(json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: entries read and the first problem (None when intact)."""

    entries: int
    problem: str | None
    line: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(path: Path | None = None) -> Verdict:
    """Check every entry's hash, its link to the one before and the sequence numbers."""
    path = path or config.audit_file()
    if not path.exists():
        return Verdict(0, None)
    key = _key()
    previous_hash, expected_seq, count = GENESIS, 1, 0
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                return Verdict(count, "dòng trống (empty line)", number)
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:
                return Verdict(count, "dòng không phải JSON (not JSON)", number)
            if entry.get("seq") != expected_seq:
                return Verdict(count, f"số thứ tự {entry.get('seq')} thay vì {expected_seq} (sequence broken)", number)
            if entry.get("prev") != previous_hash:
                return Verdict(count, "không nối với mục trước (chain broken)", number)
            if not hmac.compare_digest(str(entry.get("hash", "")), entry_hash(entry, key)):
                return Verdict(count, "mã băm không khớp: mục đã bị sửa (entry altered)", number)
            previous_hash, expected_seq, count = entry["hash"], expected_seq + 1, count + 1
    return Verdict(count, None)


def entries(path: Path | None = None) -> list[dict[str, Any]]:
    """Every entry, oldest first (for tests and reviews)."""
    path = path or config.audit_file()
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
