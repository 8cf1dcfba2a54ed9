"""The raw archive: every input file is copied under its SHA-256 before any of its rows reaches the warehouse.

`archive/manifest.jsonl` lists the archived files in the order they were first seen, so
`python -m etl rebuild` can replay them into a fresh warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import config
from etl.text import printable


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_file(
    path: Path,
    purpose: str = "load",
    kind: str | None = None,
    synthetic: bool = False,
    content: tuple[bytes, str] | None = None,
) -> tuple[str, Path]:
    """Copy `path` into the archive (once per content) and record it in the manifest. Returns (sha256, copy).

    `content`: the file's bytes as already read and their SHA-256; the archive then holds exactly these bytes
    (the loader reads a file once: it parses the bytes while they are hashed, and archives them before any row
    reaches the warehouse)."""
    folder = config.archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    sha = content[1] if content else sha256_file(path)
    target = folder / f"{sha}{''.join(path.suffixes[-1:]).lower()}"
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)  # read-only if a killed load left it
        try:
            if content:
                with open(tmp, "wb") as fh:
                    fh.write(content[0])
            else:
                shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o400)  # read-only, and owner-only (files at rest)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    entry = {
        "sha256": sha,
        "file": target.name,
        "original_name": printable(path.name),  # (a name that is not UTF-8: its bytes as \xff)
        "purpose": purpose,
        "kind": kind,
        "synthetic": synthetic,
        "archived_at": datetime.now().isoformat(timespec="seconds"),
    }
    known = {(e["sha256"], e["purpose"]) for e in manifest()}
    if (sha, purpose) not in known:
        with open(folder / "manifest.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return sha, target


def remove_temporaries() -> list[Path]:
    """Delete the half-written copies (`*.tmp`) a killed load left in the archive; returns what was deleted.
    Call it only while holding the warehouse write lock (no other load is writing one)."""
    folder = config.archive_dir()
    stale = sorted(folder.glob("*.tmp")) if folder.exists() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def manifest() -> list[dict]:
    """Archived files in the order they were first seen."""
    path = config.archive_dir() / "manifest.jsonl"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
