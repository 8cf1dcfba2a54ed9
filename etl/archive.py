"""The raw archive: every input file is copied under its SHA-256 before anything else reads it.

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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_file(
    path: Path, purpose: str = "load", kind: str | None = None, synthetic: bool = False
) -> tuple[str, Path]:
    """Copy `path` into the archive (once per content) and record it in the manifest. Returns (sha256, copy)."""
    folder = config.archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    sha = sha256_file(path)
    target = folder / f"{sha}{''.join(path.suffixes[-1:]).lower()}"
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    entry = {
        "sha256": sha,
        "file": target.name,
        "original_name": path.name,
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


def manifest() -> list[dict]:
    """Archived files in the order they were first seen."""
    path = config.archive_dir() / "manifest.jsonl"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
