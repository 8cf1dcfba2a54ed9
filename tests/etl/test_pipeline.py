"""The whole pipeline on demo raw files: every file accounted for, every kind loaded; boundaries; the watcher."""

from __future__ import annotations

import json
import threading

import duckdb
import pytest

import config
from etl import demo
from etl.__main__ import _parser, main
from etl.kinds import KINDS
from etl.watch import watch


@pytest.fixture(scope="module")
def loaded_demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONT_DATA_DIR", str(root / "data"))
        mp.delenv("FRONT_PII_KEY", raising=False)
        demo.write_demo(root / "raw", "tiny", seed=42)
        code = main(["load", str(root / "raw"), "--json"])
        yield root, code


def test_row_accounting_holds_for_every_demo_file(loaded_demo, capsys):
    root, code = loaded_demo
    assert code == 0
    con = duckdb.connect(
        str(root / "data" / "warehouse" / (root / "data" / "warehouse" / "CURRENT").read_text().strip()), read_only=True
    )
    log = con.sql(
        "SELECT path, kind, rows_read, loaded, updated, duplicates, quarantined, skipped FROM load_log"
    ).fetchall()
    assert len(log) >= 15
    for path, _kind, rows_read, loaded, updated, duplicates, quarantined, skipped in log:
        assert rows_read == loaded + updated + duplicates + quarantined + skipped, path
        assert rows_read > 0, path
    quarantined = con.sql("SELECT count(*), count(DISTINCT reason_code) FROM quarantine").fetchall()[0]
    assert quarantined[0] > 0 and quarantined[1] >= 3  # the demo plants several kinds of bad rows


def test_status_after_the_demo_load_reports_every_kind(loaded_demo, capsys, monkeypatch):
    root, _ = loaded_demo
    monkeypatch.setenv("FRONT_DATA_DIR", str(root / "data"))
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["tables"]["dim_province"] == 34
    assert status["tables"]["dim_commune"] == 3321
    for kind in KINDS.values():
        if kind.name != "correction":
            assert status["tables"][kind.table] > 0, kind.name
    assert status["tables"]["survey_answer"] > 0
    assert status["meta"]["synthetic"] == "true"


def test_official_boundaries_replace_the_approximate_ones(tmp_path, monkeypatch, capsys):
    source = config.shared_dir() / "geo" / "vn_provinces_34_2025.geojson"
    if not source.exists():
        pytest.skip("shared boundaries not found (FRONT_SHARED_DIR)")
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "data"))
    assert main(["boundaries", str(source)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["features"] == 34 and summary["warnings"] == []
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    rows = con.sql("SELECT approximate, count(*) FROM boundary WHERE level = 'province' GROUP BY 1").fetchall()
    assert rows == [(False, 34)]
    assert con.sql("SELECT count(*) FROM boundary WHERE level = 'commune' AND approximate").fetchall()[0][0] == 3321
    con.close()
    assert main(["rebuild"]) == 0  # the boundary file is archived and replayed
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT count(*) FROM boundary WHERE level = 'province' AND NOT approximate").fetchall()[0][0] == 34


def test_the_watcher_loads_a_dropped_file_and_moves_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "data"))
    inbox = tmp_path / "data" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "fb.csv").write_text(
        "source_id,received_at,channel,province_code,content\nW1,2026-03-01 08:00,app,79,Đường ngập\n", encoding="utf-8"
    )
    worker = threading.Thread(target=watch, args=(inbox,), kwargs={"interval": 0.2, "max_batches": 1}, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert not (inbox / "fb.csv").exists()
    moved = list((tmp_path / "data" / "processed").glob("*fb.csv"))
    assert len(moved) == 1
    sidecar = json.loads(moved[0].with_name(moved[0].name + ".report.json").read_text(encoding="utf-8"))
    assert sidecar["reports"][0]["loaded"] == 1
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    assert con.sql("SELECT source_id FROM feedback").fetchall() == [("W1",)]


def test_every_cli_command_is_documented_in_the_readme():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    commands = sorted(subparsers.choices)
    assert {"load", "status", "rollback", "rebuild", "boundaries", "watch", "demo"} <= set(commands)
    for command in commands:
        assert f"etl {command}" in readme or f"-m etl {command}" in readme, command
