"""What demo mode relies on and what lies on disk: the warehouse says it is synthetic only while every file
loaded into it came from `etl demo`, and a fresh load leaves nothing readable by group or others."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb

import config
from etl import load
from etl.corrections import write_correction

ROOT = Path(__file__).resolve().parents[2]
HEADER = "source_id,received_at,channel,province_code,commune_code,field,content,status"


def _export(folder: Path, name: str, first: int, synthetic: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if synthetic:
        (folder / ".synthetic").write_text("DỮ LIỆU MÔ PHỎNG\n", encoding="utf-8")
    rows = [
        f"S{i:04d},2026-03-1{i % 10} 08:30,app,79,,dat_dai,Đường ngập nước số {i},received"
        for i in range(first, first + 5)
    ]
    path = folder / name
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _synthetic() -> str | None:
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    try:
        found = con.sql("SELECT value FROM meta WHERE key = 'synthetic'").fetchall()
    finally:
        con.close()
    return found[0][0] if found else None


def test_a_real_file_makes_a_demo_warehouse_real_for_good(tmp_path):
    load.load_paths([_export(tmp_path / "demo", "a.csv", 0, synthetic=True)], progress=False)
    assert _synthetic() == "true"
    correction = write_correction(tmp_path / "inbox", "app", "S0001", "moi_truong", "demo")
    load.load_paths([correction], progress=False)
    assert _synthetic() == "true"  # an analyst's correction adds no citizen's data
    load.load_paths([_export(tmp_path / "real", "b.csv", 10, synthetic=False)], progress=False)
    assert _synthetic() == "false"
    load.load_paths([_export(tmp_path / "demo", "c.csv", 20, synthetic=True)], progress=False)
    assert _synthetic() == "false"
    load.rebuild(progress=False)  # replayed from the archive: the manifest remembers which file was which
    assert _synthetic() == "false"


def test_demo_files_into_a_real_warehouse_do_not_make_it_synthetic(tmp_path):
    load.load_paths([_export(tmp_path / "real", "a.csv", 0, synthetic=False)], progress=False)
    assert _synthetic() == "false"
    load.load_paths([_export(tmp_path / "demo", "b.csv", 10, synthetic=True)], progress=False)
    assert _synthetic() == "false"


def test_a_rebuilt_demo_warehouse_stays_synthetic(tmp_path):
    load.load_paths([_export(tmp_path / "demo", "a.csv", 0, synthetic=True)], progress=False)
    load.rebuild(progress=False)
    assert _synthetic() == "true"


def _loose(folder: Path) -> list[str]:
    """Files and folders under `folder` that group or others may read, write or enter."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        if stat.S_IMODE(path.lstat().st_mode) & 0o077 and not path.is_symlink():
            found.append(f"{path.relative_to(folder.parent)} {oct(stat.S_IMODE(path.lstat().st_mode))}")
    return found


def test_a_fresh_load_leaves_nothing_readable_by_others(tmp_path):
    """`python -m etl` and `python -m analytics` under a permissive umask (022): the data folder, archive,
    warehouse, audit log and keys are owner-only all the same."""
    data = tmp_path / "data"
    inputs = tmp_path / "inputs"
    old = os.umask(0o022)
    try:
        export = _export(inputs, "a.csv", 0, synthetic=False)
        env = {**os.environ, "FRONT_DATA_DIR": str(data)}
        env.pop("FRONT_PII_KEY")  # the demo's local key files are created too
        for args in (["etl", "load", str(export)], ["analytics", "overview"], ["etl", "audit", "verify"]):
            done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True)
            assert done.returncode == 0, done.stderr.decode()  # the report is an export: it is audited
    finally:
        os.umask(old)
    assert (data / "archive").is_dir() and (data / "warehouse" / "CURRENT").exists() and (data / ".pii_key").exists()
    assert (data / ".audit_key").exists() and (data / "audit" / "audit.checkpoint").exists()
    assert _loose(data) == []
    assert stat.S_IMODE(export.stat().st_mode) == 0o644  # the umask is the process's: the test's own file is not
