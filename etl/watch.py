"""`etl watch [DIR]`: load files dropped into the inbox within seconds, one generation per batch.

A file is taken once its size has stayed the same for one scan (so half-copied files wait). After the load
it is moved to `$FRONT_DATA_DIR/processed/` (the archive keeps the original under its SHA-256), or to
`$FRONT_DATA_DIR/failed/` when it was refused, each beside a `<name>.report.json` sidecar with the load
report of that file (counts, reasons, warnings, or the one-line error).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import config
from etl import load, warehouse


def scan(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in load.expand_paths([folder]) if p.exists()}


def process_batch(files: list[Path]) -> dict:
    """Load a batch and move each file out of the inbox."""
    result = load.load_paths(files, progress=False)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    by_path: dict[str, list[dict]] = {}
    for report in result["files"]:
        by_path.setdefault(report["path"], []).append(report)
    for path in files:
        reports = by_path.get(str(path), [])
        refused = any(r["status"] == "refused" for r in reports)
        target_dir = config.data_dir() / ("failed" if refused else "processed")
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{stamp}-{path.name}"
        shutil.move(str(path), target)
        sidecar = {"generation": result["generation"], "file": path.name, "reports": reports}
        target.with_name(target.name + ".report.json").write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return result


def watch(folder: Path, interval: float = 2.0, max_batches: int | None = None) -> None:
    """Poll `folder` forever (or for `max_batches` loads), loading stable new files."""
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Đang theo dõi {folder} (mỗi {interval:g} giây)…", file=sys.stderr)
    previous: dict[Path, int] = {}
    batches = 0
    while max_batches is None or batches < max_batches:
        current = scan(folder)
        stable = sorted(p for p, size in current.items() if previous.get(p) == size and size > 0)
        if stable:
            try:
                result = process_batch(stable)
                summary = [
                    {k: f[k] for k in ("path", "status", "loaded", "updated", "quarantined")} for f in result["files"]
                ]
                print(
                    json.dumps({"generation": result["generation"], "files": summary}, ensure_ascii=False),
                    file=sys.stderr,
                )
                batches += 1
                current = scan(folder)
            except warehouse.WarehouseLocked:
                print("Kho đang bận, thử lại sau…", file=sys.stderr)
        previous = current
        time.sleep(interval)
