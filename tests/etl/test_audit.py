"""The audit log's hash chain: appends chain up, and any silent edit, deletion or re-hash is detected —
also truncation, emptying, deleting the file and re-chaining (the checkpoint outside the log)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import stat
import threading

import pytest

import config
from etl import audit
from etl.__main__ import main


def _lines():
    return config.audit_file().read_text(encoding="utf-8").splitlines()


def _write(lines):
    config.audit_file().write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fill(n=5):
    for i in range(n):
        audit.append(
            "view", identity=f"user{i}@mattran.vn", role="leader", page="tong-quan", filters={"province": "79"}
        )


def test_appends_chain_and_verify_passes(capsys):
    _fill()
    entries = audit.entries()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == audit.GENESIS
    assert all(b["prev"] == a["hash"] for a, b in zip(entries, entries[1:], strict=False))
    assert audit.verify().ok and audit.verify().entries == 5
    assert main(["audit", "verify"]) == 0
    assert "chuỗi nguyên vẹn" in capsys.readouterr().out


def test_an_edited_entry_is_detected(capsys):
    _fill()
    lines = _lines()
    entry = json.loads(lines[2])
    entry["identity"] = "someone.else@mattran.vn"
    lines[2] = json.dumps(entry, ensure_ascii=False)
    _write(lines)
    verdict = audit.verify()
    assert not verdict.ok and verdict.line == 3 and verdict.entries == 2
    assert main(["audit", "verify"]) == 1
    assert "dòng 3" in capsys.readouterr().out


def test_a_deleted_entry_is_detected():
    _fill()
    lines = _lines()
    _write(lines[:1] + lines[2:])
    assert audit.verify().line == 2


def test_rehashing_without_the_servers_key_is_detected():
    """Recomputing plain SHA-256 hashes after an edit (what a forger without the key can do) fails."""
    _fill(3)
    forged, previous = [], audit.GENESIS
    for line in _lines():
        entry = json.loads(line)
        entry["role"] = "analyst"
        entry["prev"] = previous
        body = {k: v for k, v in entry.items() if k != "hash"}
        entry["hash"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        previous = entry["hash"]
        forged.append(json.dumps(entry))
    _write(forged)
    assert audit.verify().line == 1


def test_concurrent_appends_keep_the_chain():
    threads = [threading.Thread(target=_fill, args=(10,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert audit.verify().ok and audit.verify().entries == 40


def test_unknown_events_are_refused():
    with pytest.raises(ValueError):
        audit.append("coffee")


def _rechain(entries, key):
    """What a forger holding `key` does after deleting entries: renumber, re-link and re-hash the rest."""
    forged, previous = [], audit.GENESIS
    for seq, entry in enumerate(entries, start=1):
        entry = {**entry, "seq": seq, "prev": previous}
        entry["hash"] = audit.entry_hash(entry, key)
        previous = entry["hash"]
        forged.append(json.dumps(entry, ensure_ascii=False))
    return forged


def test_removing_the_last_entries_is_detected(capsys):
    _fill()
    _write(_lines()[:3])
    verdict = audit.verify()
    assert not verdict.ok and verdict.entries == 3 and "bị cắt" in verdict.problem and "mục 5" in verdict.problem
    assert main(["audit", "verify"]) == 1
    assert "nhật ký bị cắt" in capsys.readouterr().out


def test_an_emptied_log_is_detected(capsys):
    _fill()
    config.audit_file().write_text("", encoding="utf-8")
    verdict = audit.verify()
    assert not verdict.ok and verdict.entries == 0 and "xóa trắng" in verdict.problem
    assert main(["audit", "verify"]) == 1
    assert "xóa trắng" in capsys.readouterr().out


def test_a_deleted_log_file_is_detected(capsys):
    _fill()
    config.audit_file().unlink()
    verdict = audit.verify()
    assert not verdict.ok and "đã bị xóa" in verdict.problem
    assert main(["audit", "verify"]) == 1
    assert "tệp nhật ký đã bị xóa" in capsys.readouterr().out


def test_rechaining_with_the_pii_key_is_detected():
    """The old chain key came from FRONT_PII_KEY, which every ETL operator holds: it no longer signs the log."""
    _fill()
    pii_derived = hmac.new(config.pii_key(), b"front-audit-log-v1", hashlib.sha256).digest()
    kept = [json.loads(line) for i, line in enumerate(_lines()) if i != 1]
    _write(_rechain(kept, pii_derived))
    verdict = audit.verify()
    assert not verdict.ok and verdict.line == 1 and "mã băm" in verdict.problem


def test_rechaining_with_the_audit_key_itself_is_caught_by_the_checkpoint(capsys):
    _fill()
    kept = [json.loads(line) for i, line in enumerate(_lines()) if i != 1]  # entry 2 removed
    _write(_rechain(kept, audit._key()))
    verdict = audit.verify()
    assert not verdict.ok and verdict.line == 2 and verdict.checkpoint_line == 2
    assert "mốc kiểm tra" in verdict.problem
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "dòng 2 của" in out and "audit.checkpoint" in out


def test_a_lost_or_cut_checkpoint_is_reported():
    _fill()
    checkpoint = config.audit_checkpoint()
    lines = checkpoint.read_text(encoding="ascii").splitlines()
    checkpoint.write_text("\n".join(lines[:2]) + "\n", encoding="ascii")
    assert "thiếu 3 mục cuối" in audit.verify().problem
    checkpoint.unlink()
    assert "mất tệp mốc kiểm tra" in audit.verify().problem


def test_the_newest_entry_may_lack_its_mark_after_a_crash():
    _fill(3)
    checkpoint = config.audit_checkpoint()
    lines = checkpoint.read_text(encoding="ascii").splitlines()
    checkpoint.write_text("\n".join(lines[:2]) + "\n", encoding="ascii")  # died between the two writes
    assert audit.verify().ok
    _fill(2)
    verdict = audit.verify()
    assert verdict.ok and verdict.entries == 5 and verdict.checkpoints == 4


def test_the_checkpoint_can_live_elsewhere(tmp_path, monkeypatch):
    elsewhere = tmp_path / "other-volume" / "front.checkpoint"
    monkeypatch.setenv("FRONT_AUDIT_CHECKPOINT", str(elsewhere))
    _fill(2)
    assert [line.split()[0] for line in elsewhere.read_text(encoding="ascii").splitlines()] == ["1", "2"]
    assert not (config.audit_file().parent / "audit.checkpoint").exists()
    _write(_lines()[:1])
    assert not audit.verify().ok


def test_the_audit_key_is_its_own_secret(monkeypatch):
    """Demo mode keeps a local 0600 key beside the data; FRONT_AUDIT_KEY wins and may not be the PII key."""
    _fill(1)
    local = config.data_dir() / ".audit_key"
    assert local.exists() and stat.S_IMODE(local.stat().st_mode) == 0o600
    assert local.read_bytes().strip() != config.pii_key()
    monkeypatch.setenv("FRONT_AUDIT_KEY", "another-secret")
    assert not audit.verify().ok  # the log was chained with the local key, not this one
    monkeypatch.setenv("FRONT_AUDIT_KEY", os.environ["FRONT_PII_KEY"])
    with pytest.raises(ValueError, match="FRONT_AUDIT_KEY"):
        audit.append("view", page="tong-quan")
    assert main(["audit", "verify"]) == 2


def _load_something(tmp_path):
    from etl.load import load_paths

    export = tmp_path / "fb.csv"
    export.write_text(
        "source_id,received_at,channel,province_code,field,content\nA1,2026-03-10 08:00,app,79,dat_dai,Đường ngập\n",
        encoding="utf-8",
    )
    load_paths([export], progress=False)


def test_removing_the_log_and_its_checkpoint_together_is_caught_by_the_warehouse(tmp_path, capsys):
    """Each load records the log's end in the new generation's meta: `rm -rf audit/` no longer verifies."""
    _fill(3)
    _load_something(tmp_path)
    assert audit.verify().ok
    shutil.rmtree(config.audit_file().parent)
    verdict = audit.verify()
    assert not verdict.ok and "gen-000001.duckdb" in verdict.problem and "tới mục 3" in verdict.problem
    assert main(["audit", "verify"]) == 1
    assert "nhật ký đã bị cắt" in capsys.readouterr().out


def test_a_log_rewritten_with_its_checkpoint_is_caught_by_the_warehouse(tmp_path):
    """Someone holding the audit key rewrites both files consistently: the warehouse still has the old hash."""
    _fill(3)
    _load_something(tmp_path)
    entries = [json.loads(line) for line in _lines()]
    entries[0]["identity"] = "someone.else@mattran.vn"
    forged = _rechain(entries, audit._key())
    _write(forged)
    config.audit_checkpoint().write_text(
        "".join(f"{json.loads(line)['seq']} {json.loads(line)['hash']}\n" for line in forged), encoding="ascii"
    )
    verdict = audit.verify()
    assert not verdict.ok and verdict.line == 3 and "gen-000001.duckdb" in verdict.problem
