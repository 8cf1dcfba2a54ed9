"""Analysts' field corrections as input files: the app never writes to the warehouse, it drops a `correction`
file (DESIGN §4.2) into the inbox; the loader (or the watcher) applies it to `feedback`."""

from __future__ import annotations

import csv
import uuid
from datetime import datetime
from pathlib import Path

from etl.kinds import KINDS


def write_correction(
    inbox: Path, source_system: str, source_id: str, field: str, corrected_by: str, at: datetime | None = None
) -> Path:
    """Write one correction as a CSV with the contract's English header; returns the file's path."""
    columns = [c.name for c in KINDS["correction"].columns]
    at = at or datetime.now()
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / f"correction_{at:%Y%m%d_%H%M%S}_{uuid.uuid4().hex[:6]}.csv"
    tmp = path.with_suffix(".part")
    row = {
        "source_system": source_system,
        "source_id": source_id,
        "field": field,
        "corrected_by": corrected_by,
        "corrected_at": at.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in columns})
    tmp.replace(path)  # the watcher never sees a half-written file
    return path
