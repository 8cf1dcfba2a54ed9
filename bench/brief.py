"""Briefing section of `make bench`: one province's pack (PPTX and PDF) on demo data, wall time of the
command (Chromium start included) and the PPTX size.

Targets: ≤ 30 s per province briefing on the full demo data; PPTX ≤ 15 MB. `BENCH_BRIEF_SIZE` picks the demo
size (`full` by default; `small` for a quick run — the report says which was measured). `BENCH_BRIEF_DATA` names
an already-built data folder (e.g. one `etl demo --size full` + `etl load` made earlier) to measure on instead
of generating and loading the demo again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

import config
from bench.__main__ import fresh_data_dir, verdict

ROOT = Path(__file__).resolve().parents[1]
SIZE = os.environ.get("BENCH_BRIEF_SIZE", "full")
DATA = os.environ.get("BENCH_BRIEF_DATA")  # a data folder with a loaded warehouse: reused, not rebuilt
PROVINCE = "79"
LIMIT_S = 30.0
LIMIT_MB = 15.0


def _opinions() -> int:
    """How many opinions the current warehouse holds (the report says so)."""
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    try:
        return con.sql("SELECT count(*) FROM feedback").fetchall()[0][0]
    finally:
        con.close()


def _run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=os.environ.copy(), check=True, capture_output=True)
    return time.perf_counter() - started


def _data_dir(root: Path) -> str:
    """Point FRONT_DATA_DIR at the data to measure on and say which it is: BENCH_BRIEF_DATA as given, else a
    fresh folder with the demo of size SIZE generated and loaded."""
    if DATA:
        folder = Path(DATA).resolve()
        os.environ["FRONT_DATA_DIR"] = str(folder)
        if config.current_warehouse() is None:
            raise SystemExit(f"BENCH_BRIEF_DATA={DATA}: no loaded warehouse there")
        return f"already built (`BENCH_BRIEF_DATA`, folder `{folder.name}`)"
    data_dir = fresh_data_dir(root, f"brief-{SIZE}")
    raw = data_dir / "raw"
    _run("etl", "demo", "--out", str(raw), "--size", SIZE)
    _run("etl", "load", str(raw))
    return f"`{SIZE}`"


def run(root: Path) -> str:
    described = _data_dir(root)
    opinions = _opinions()
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
            f"Demo data {described} ({opinions:,} opinions); `python -m analytics brief --province {PROVINCE}` wall "
            "time, Chromium start (kaleido) included.",
            "",
            "| measure | value | target | |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
