"""Personal data: no phone or ID number of the demo input anywhere in the warehouse, logs or audit file, and
`etl forget` removes a person from the warehouse, older generations and the raw archive (under a new hash)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

import config
from etl import archive, audit, demo, warehouse
from etl.__main__ import main
from etl.forget import person_hashes
from etl.normalise import stored_hash_sql
from etl.read import read_file

MINE = f"SELECT count(*) FROM feedback WHERE phone_hash = {stored_hash_sql('$h')}"  # the person's opinions
FILES = ("hotline_2025.csv", "zalo_oa_2025.jsonl", "tiep_xuc_cu_tri_202511_202610.xlsx")


def _identifiers(paths: list[Path]) -> pl.DataFrame:
    frames = []
    for path in paths:
        tables, _ = read_file(path)
        for table in tables:
            cols = [c for c in ("citizen_phone", "citizen_id") if c in table.frame.columns]
            if cols:
                frames.append(
                    table.frame.select(*(pl.col(c) for c in cols)).with_columns(pl.lit(path.name).alias("file"))
                )
    return pl.concat(frames, how="diagonal")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONT_DATA_DIR", str(root / "data"))
        mp.setenv("FRONT_PII_KEY", "privacy-test-key")
        demo.write_demo(root / "all", "tiny", seed=7)
        raw = root / "raw"
        raw.mkdir()
        for name in (*FILES, "README.txt"):
            shutil.copy(root / "all" / name, raw / name)
        assert main(["load", str(raw / FILES[0]), "--json"]) == 0  # generation 1
        assert main(["load", str(raw / FILES[1]), str(raw / FILES[2]), "--json"]) == 0  # generation 2
        audit.append("view", identity="analyst@mattran.vn", role="analyst", page="tong-quan", filters={})
        yield root, _identifiers([raw / name for name in FILES])


def _digits(text: str) -> set[str]:
    return set(re.findall(r"\d{9,12}", re.sub(r"[\s.\-]", "", text)))


def test_no_demo_phone_or_id_number_in_warehouse_logs_or_audit(loaded, monkeypatch):
    root, people = loaded
    monkeypatch.setenv("FRONT_DATA_DIR", str(root / "data"))
    numbers: set[str] = set()
    for column in ("citizen_phone", "citizen_id"):
        for value in people[column].drop_nulls().to_list():
            digits = re.sub(r"\D", "", value)
            numbers |= (
                {digits, digits.lstrip("0"), "84" + digits.lstrip("0")} if column == "citizen_phone" else {digits}
            )
    numbers = {n for n in numbers if len(n) >= 9}
    assert len(numbers) > 50
    # every text column of every table of every generation
    for number in warehouse.generations():
        con = duckdb.connect(str(warehouse.generation_path(number)), read_only=True)
        try:
            columns = con.sql(
                "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
            ).fetchall()
            for table, column in columns:
                values = con.sql(
                    f'SELECT DISTINCT "{column}" FROM "{table}" WHERE regexp_matches("{column}", \'\\d{{3}}\')'
                ).fetchall()
                found = set().union(*(_digits(v[0]) for v in values)) if values else set()
                assert not (found & numbers), f"{table}.{column} holds a phone or ID number"
        finally:
            con.close()
    # every other file under the data folder except the raw archive (logs, audit, reports, keys)
    for path in (root / "data").rglob("*"):
        if path.is_file() and config.archive_dir() not in path.parents:
            blob = path.read_bytes().decode("utf-8", errors="ignore")
            assert not (_digits(blob) & numbers), path


def test_forget_removes_the_person_everywhere_and_logs_no_identity(loaded, monkeypatch, capsys):
    root, people = loaded
    monkeypatch.setenv("FRONT_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("FRONT_PII_KEY", "privacy-test-key")
    phone = people.filter(pl.col("file") == FILES[0])["citizen_phone"].drop_nulls()[0]
    hashes = person_hashes(phone=phone)
    before = archive.manifest()
    with duckdb.connect(str(config.current_warehouse()), read_only=True) as con:
        total = con.sql("SELECT count(*) FROM feedback").fetchall()[0][0]
        mine = con.sql(MINE, params={"h": hashes[0]}).fetchall()[0][0]
    assert mine >= 1

    assert main(["forget", "--phone", phone]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["feedback_rows"] == mine
    assert summary["generations_deleted"] == [1, 2] and warehouse.generations() == [summary["generation"]]
    with duckdb.connect(str(config.current_warehouse()), read_only=True) as con:
        assert con.sql(MINE, params={"h": hashes[0]}).fetchall()[0][0] == 0
        assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == total - mine

    # the archive: the file holding them has a new name and hash, the manifest maps old -> new
    after = archive.manifest()
    rewritten = [e for e in after if e.get("replaces")]
    assert len(rewritten) == summary["archive_files_rewritten"] >= 1
    old_names = {e["file"] for e in before}
    for entry in rewritten:
        assert entry["file"] not in old_names and not (config.archive_dir() / f"{entry['replaces']}.csv").exists()
        assert archive.sha256_file(config.archive_dir() / entry["file"]) == entry["sha256"]
    mapping = [json.loads(line) for line in (config.archive_dir() / "forgotten.jsonl").read_text().splitlines()]
    assert {(m["old"], m["new"]) for m in mapping} == {(e["replaces"], e["sha256"]) for e in rewritten}
    digits = re.sub(r"\D", "", phone)
    for entry in after:
        path = config.archive_dir() / entry["file"]
        if path.suffix == ".csv":
            assert digits not in re.sub(r"\D", " ", path.read_text(encoding="utf-8-sig")).split()

    # the audit log says a deletion happened, not who
    events = audit.entries()
    assert events[-1]["event"] == "forget" and audit.verify().ok
    text = config.audit_file().read_text(encoding="utf-8")
    assert digits not in re.sub(r"\D", "", text) or digits not in text
    assert hashes[0] not in text and hashes[0][:16] not in text

    # a rebuild from the archive does not bring them back, and keeps everyone else
    assert main(["rebuild"]) == 0
    with duckdb.connect(str(config.current_warehouse()), read_only=True) as con:
        assert con.sql(MINE, params={"h": hashes[0]}).fetchall()[0][0] == 0
        assert con.sql("SELECT count(*) FROM feedback").fetchall()[0][0] == total - mine


def test_forget_needs_a_phone_or_an_id():
    assert main(["forget"]) == 2
    assert main(["forget", "--phone", "0912", "--id", "0123"]) == 2


def test_every_etl_command_is_in_the_readme():
    from etl.__main__ import _parser

    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    for command in commands:
        assert f"etl {command}" in readme, command
