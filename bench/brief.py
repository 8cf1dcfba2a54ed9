"""Briefing section of `make bench`: one province's pack (PPTX and PDF) on demo data, wall time of the
command (Chromium start included) and the PPTX size.

Targets: ≤ 30 s per province briefing on the full demo data; PPTX ≤ 15 MB. `BENCH_BRIEF_SIZE` picks the demo
size (`full` by default; `small` for a quick run — the report says which was measured).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.__main__ import fresh_data_dir, verdict

ROOT = Path(__file__).resolve().parents[1]
SIZE = os.environ.get("BENCH_BRIEF_SIZE", "full")
PROVINCE = "79"
LIMIT_S = 30.0
LIMIT_MB = 15.0


def _run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=os.environ.copy(), check=True, capture_output=True)
    return time.perf_counter() - started


def run(root: Path) -> str:
    data_dir = fresh_data_dir(root, f"brief-{SIZE}")
    raw = data_dir / "raw"
    _run("etl", "demo", "--out", str(raw), "--size", SIZE)
    _run("etl", "load", str(raw))
    rows = []
    for fmt in ("pptx", "pdf"):
        out = root / f"brief-{PROVINCE}.{fmt}"
        seconds = _run("analytics", "brief", "--province", PROVINCE, "--out", str(out))
        size_mb = out.stat().st_size / 1e6
        rows.append(
            f"| {fmt.upper()} tỉnh {PROVINCE} | {seconds:.1f} s | ≤ {LIMIT_S:.0f} s | {verdict(seconds <= LIMIT_S)} |"
        )
        if fmt == "pptx":
            rows.append(f"| PPTX size | {size_mb:.2f} MB | ≤ {LIMIT_MB:.0f} MB | {verdict(size_mb <= LIMIT_MB)} |")
    return "\n".join(
        [
            "## Báo cáo giao ban (briefing pack)",
            "",
            f"Demo data size `{SIZE}`; `python -m analytics brief --province {PROVINCE}` wall time, Chromium start "
            "(kaleido) included.",
            "",
            "| measure | value | target | |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
