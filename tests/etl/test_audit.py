"""The audit log's hash chain: appends chain up, and any silent edit, deletion or re-hash is detected."""

from __future__ import annotations

import hashlib
import json
import threading

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
    import pytest

    with pytest.raises(ValueError):
        audit.append("coffee")
