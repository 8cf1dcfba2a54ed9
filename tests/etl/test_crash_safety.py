"""Crash safety and concurrency: SIGKILL at random moments, two writers, readers during loads."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import duckdb
import pytest

import config
from analytics import overview
from analytics.filters import Filters
from analytics.scope import Scope
from etl import archive, warehouse, watch
from etl.load import load_paths

ROOT = config.ROOT
KILLS = int(os.environ.get("FRONT_CRASH_KILLS", "20"))


def _feedback(path, start, n, status="received"):
    lines = ["source_id,received_at,channel,province_code,field,content,citizen_phone,status"]
    for i in range(start, start + n):
        lines.append(
            f"K{i:06d},2026-0{1 + i % 9}-1{i % 10} 09:00,app,{('01', '79', '48')[i % 3]},y_te,Ý kiến số {i},09{i:08d},{status}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state(data_dir):
    """What a reader sees: the current generation's contents (None before any load)."""
    pointer = data_dir / "warehouse" / "CURRENT"
    if not pointer.exists():
        return None
    con = duckdb.connect(str(data_dir / "warehouse" / pointer.read_text().strip()), read_only=True)
    try:
        return (
            con.sql("SELECT count(*), coalesce(sum(hash(source_id || row_hash)), 0) FROM feedback").fetchall()[0],
            con.sql("SELECT count(*) FROM load_log").fetchall()[0][0],
            con.sql("SELECT count(*) FROM quarantine").fetchall()[0][0],
        )
    finally:
        con.close()


def _load_process(data_dir, path):
    env = {**os.environ, "FRONT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(path), "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONT_DATA_DIR", str(root / "base"))
        mp.setenv("FRONT_PII_KEY", "crash-key")
        load_paths([_feedback(root / "first.csv", 0, 2000)], progress=False)
    second = _feedback(root / "second.csv", 1500, 20000, status="answered")  # 500 updates, 19,500 new
    after_dir = root / "after"
    shutil.copytree(root / "base", after_dir)
    os.environ["FRONT_PII_KEY"] = "crash-key"
    started = time.monotonic()
    assert _load_process(after_dir, second).wait(timeout=300) == 0
    duration = time.monotonic() - started
    return root, second, _state(root / "base"), _state(after_dir), duration


def test_sigkill_at_random_moments_leaves_before_or_after(base, monkeypatch):
    root, second, before, after, duration = base
    monkeypatch.setenv("FRONT_PII_KEY", "crash-key")
    assert before != after
    rng = random.Random(2026)
    outcomes = {"before": 0, "after": 0}
    for attempt in range(KILLS):
        data_dir = root / f"kill{attempt}"
        shutil.copytree(root / "base", data_dir)
        process = _load_process(data_dir, second)
        time.sleep(rng.uniform(0.05, duration * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _state(data_dir)
        assert state in (before, after), f"kill {attempt}: a half-written warehouse is visible"
        outcomes["before" if state == before else "after"] += 1
        if attempt % 4 == 0:  # the rerun completes and equals a clean run
            assert _load_process(data_dir, second).wait(timeout=300) == 0
            assert _state(data_dir)[0] == after[0]
        shutil.rmtree(data_dir)
    assert outcomes["before"] > 0  # the kills really interrupted loads


def test_a_second_concurrent_load_is_refused_with_exit_code_3(base, monkeypatch):
    root, second, before, *_ = base
    data_dir = root / "concurrent"
    shutil.copytree(root / "base", data_dir)
    monkeypatch.setenv("FRONT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRONT_PII_KEY", "crash-key")
    with warehouse.write_lock():  # another writer holds the warehouse
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        blocked = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(second)], cwd=ROOT, env=env, capture_output=True, text=True
        )
    assert blocked.returncode == 3
    assert "đang được một lần nạp khác ghi" in blocked.stderr
    assert _state(data_dir) == before
    assert _load_process(data_dir, second).wait(timeout=300) == 0


def test_readers_keep_answering_during_ten_consecutive_loads(base, monkeypatch, tmp_path):
    root, *_ = base
    data_dir = tmp_path / "live"
    shutil.copytree(root / "base", data_dir)
    monkeypatch.setenv("FRONT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRONT_PII_KEY", "crash-key")
    errors: list[str] = []
    reads = 0
    stop = threading.Event()
    filters = Filters(date(2026, 1, 1), date(2026, 12, 31))

    def reader():
        nonlocal reads
        while not stop.is_set():
            try:
                con = duckdb.connect(str(config.current_warehouse()), read_only=True)
                try:
                    overview.kpis(con, Scope.all(), filters)
                    overview.top_fields(con, Scope.all(), filters)
                finally:
                    con.close()
                reads += 1
            except Exception as exc:  # any failure a page would show
                errors.append(repr(exc))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    for i in range(10):
        path = _feedback(tmp_path / f"batch{i}.csv", 100_000 + i * 500, 500)
        assert _load_process(data_dir, path).wait(timeout=300) == 0
    stop.set()
    thread.join(timeout=30)
    assert errors == []
    assert reads >= 10
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == 2000 + 10 * 500


def test_what_a_killed_load_left_is_removed_by_the_next_load_and_by_the_watcher(base, monkeypatch, tmp_path):
    root, second, before, after, _ = base
    data_dir = tmp_path / "leftovers"
    shutil.copytree(root / "base", data_dir)
    monkeypatch.setenv("FRONT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRONT_PII_KEY", "crash-key")
    folder = data_dir / "warehouse"
    stale = [folder / "gen-000009.duckdb.part", folder / "gen-000009.duckdb.part.wal"]
    for path in stale:
        path.write_bytes(b"half a generation")
    # An archive copy half written by a killed load, read-only already (a plain overwrite would fail for a user).
    copy = config.archive_dir() / f"{archive.sha256_file(second)}.csv.tmp"
    copy.write_bytes(b"half a copy")
    copy.chmod(0o444)
    inbox = data_dir / "inbox"
    inbox.mkdir()
    upload_tmp = inbox / ".upload.csv.part"
    upload_tmp.write_text("half an upload")
    old = time.time() - 2 * watch.STALE_UPLOAD_SECONDS
    os.utime(upload_tmp, (old, old))
    fresh_upload = inbox / ".being-uploaded.csv.part"
    fresh_upload.write_text("an upload being written now")
    watch.remove_leftovers(inbox)
    assert [p.exists() for p in (*stale, copy, upload_tmp, fresh_upload)] == [False] * 4 + [True]
    # And a load removes them too (a killed `etl load` with no watcher running).
    for path in stale:
        path.write_bytes(b"half a generation")
    assert _load_process(data_dir, second).wait(timeout=300) == 0
    assert not [p for p in folder.iterdir() if ".part" in p.name]
    assert _state(data_dir)[0] == after[0]


def test_a_load_interrupted_in_the_middle_leaves_no_part_file_and_the_old_generation(base, monkeypatch, tmp_path):
    root, second, before, *_ = base
    data_dir = tmp_path / "interrupted"
    shutil.copytree(root / "base", data_dir)
    monkeypatch.setenv("FRONT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRONT_PII_KEY", "crash-key")
    from etl import load

    def interrupted(*args, **kwargs):  # Ctrl-C while the rows are written
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "upsert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_paths([second], progress=False)
    assert not [p for p in data_dir.rglob("*") if ".part" in p.name or p.name.endswith(".tmp")]
    assert _state(data_dir) == before
