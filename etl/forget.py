"""`python -m etl forget --phone ... | --id ...`: a person's right to erasure (DESIGN §2, §5).

The person is found by the keyed hash of their phone or ID number (normalised as at load time), never by the
number itself. Then, holding the warehouse lock:
1. a new warehouse generation without their opinions (feedback, its case groups, quarantined rows
   carrying their hash), compacted by copying into a fresh file so the deleted rows leave no trace in it;
2. every older generation that still holds them is deleted (the others stay for rollback);
3. every archived raw file holding them is rewritten without their rows under a new SHA-256 (`archive/
   manifest.jsonl` then names the new file; `archive/forgotten.jsonl` maps old -> new), and the copies in
   `processed/` are rewritten in place.
The audit log records that a deletion happened and how many rows and files it touched — not who.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

import config
from etl import archive, audit, warehouse
from etl.kinds import ID_NUMBER, PHONE
from etl.normalise import keyed_hash, normalise_phone, person_match_sql
from etl.read import ERROR, ROW, FileRefused, RawTable, read_file


@dataclass
class Forgotten:
    """What a deletion touched (counts only: the summary names nobody)."""

    generation: int | None = None
    feedback_rows: int = 0
    quarantine_rows: int = 0
    generations_deleted: list[int] = field(default_factory=list)
    archive_files_rewritten: int = 0
    processed_files_rewritten: int = 0


def person_hashes(phone: str | None = None, id_number: str | None = None, key: bytes | None = None) -> list[str]:
    """The keyed hashes the loader stored for this phone and/or ID number."""
    key = key or config.pii_key(create=False)
    values: list[str] = []
    if phone:
        normalised = pl.select(normalise_phone(pl.lit(phone))).item()
        if not normalised:
            raise ValueError("số điện thoại không hợp lệ (no digits in the phone number)")
        values.append(normalised)
    if id_number:
        digits = "".join(ch for ch in id_number if ch.isdigit())
        if not digits:
            raise ValueError("số định danh không hợp lệ (no digits in the ID number)")
        values.append(digits)
    if not values:
        raise ValueError("cần --phone hoặc --id (give --phone or --id)")
    return keyed_hash(pl.Series("v", values), key).to_list()


def _holds(path: Path, hashes: list[str]) -> bool:
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = con.sql(f"SELECT count(*) FROM feedback WHERE {person_match_sql(con)}", params={"h": hashes})
        return bool(found.fetchall()[0][0])
    finally:
        con.close()


def _delete_person(con: duckdb.DuckDBPyConnection, hashes: list[str], result: Forgotten) -> None:
    params = {"h": hashes}
    person = person_match_sql(con)
    con.execute(f"CREATE TEMP TABLE gone AS SELECT source_system, source_id FROM feedback WHERE {person}", params)
    result.feedback_rows = con.sql("SELECT count(*) FROM gone").fetchall()[0][0]
    con.execute(
        "DELETE FROM feedback_case WHERE (source_system, source_id) IN (SELECT (source_system, source_id) FROM gone)"
    )
    con.execute(f"DELETE FROM feedback WHERE {person}", params)
    # quarantined rows keep 'hmac:' + the first 16 hex digits of the hash in place of the number
    prefixes = [f"%hmac:{h[:16]}%" for h in hashes]
    before = con.sql("SELECT count(*) FROM quarantine").fetchall()[0][0]
    con.execute("DELETE FROM quarantine WHERE list_has_any([original LIKE p FOR p IN $p], [true])", {"p": prefixes})
    result.quarantine_rows = before - con.sql("SELECT count(*) FROM quarantine").fetchall()[0][0]
    if result.feedback_rows:
        from etl import cases

        cases.link_cases(con)


def _new_generation_without(hashes: list[str], result: Forgotten) -> None:
    """Write generation N+1 = current minus the person, compacted, and switch CURRENT to it."""
    current = config.current_warehouse()
    if current is None:
        return
    folder = config.warehouse_dir()
    number = max(warehouse.generations(), default=0) + 1
    scratch = folder / f"gen-{number:06d}.forget.tmp"
    part = folder / f"gen-{number:06d}.duckdb.part"
    for path in (scratch, part):
        path.unlink(missing_ok=True)
    try:
        shutil.copyfile(current, scratch)
        con = duckdb.connect(str(scratch))
        try:
            _delete_person(con, hashes, result)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH '{scratch}' AS src (READ_ONLY)")
            con.execute(f"ATTACH '{part}' AS dst")
            con.execute("COPY FROM DATABASE src TO dst")
            con.execute("DETACH dst")
        finally:
            con.close()
        warehouse._verify(part)
        os.replace(part, warehouse.generation_path(number))
        warehouse._write_pointer(number)
        result.generation = number
    finally:
        for path in (scratch, Path(str(scratch) + ".wal"), part, Path(str(part) + ".wal")):
            path.unlink(missing_ok=True)


def _person_rows(table: RawTable, hashes: list[str], key: bytes) -> pl.Series:
    """Which rows of a raw table belong to the person (by the keyed hash of their phone or ID column)."""
    frame = table.frame
    hit = pl.Series("hit", [False] * frame.height)
    for col in table.kind.columns:
        if col.type not in (PHONE, ID_NUMBER) or col.name not in frame.columns:
            continue
        if col.type == PHONE:
            prepared = frame.select(normalise_phone(pl.col(col.name))).to_series()
        else:
            prepared = frame.select(pl.col(col.name).str.replace_all(r"\D", "")).to_series()
        hit = hit | keyed_hash(prepared, key).is_in(hashes).fill_null(False)
    return hit


def _write_tables(tables: list[tuple[RawTable, pl.DataFrame]], target: Path) -> None:
    """Write the kept rows with the canonical (English) headers in the file's own format."""
    suffix = target.suffix.lower()
    frames = [(table, kept.drop([c for c in (ROW, ERROR) if c in kept.columns])) for table, kept in tables]
    if suffix in (".jsonl", ".ndjson", ".json"):
        frames[0][1].write_ndjson(target)
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        import xlsxwriter

        with xlsxwriter.Workbook(str(target)) as book:
            for index, (table, kept) in enumerate(frames):
                kept.write_excel(book, worksheet=(table.sheet or f"Sheet{index + 1}")[:31], autofit=False)
    else:
        frames[0][1].write_csv(target, include_bom=True)


def rewrite_without(path: Path, hashes: list[str], key: bytes, target: Path) -> bool:
    """Write `path` without the person's rows to `target`; False (nothing written) when they are not in it."""
    try:
        tables, _ = read_file(path)
    except FileRefused:
        return False
    kept: list[tuple[RawTable, pl.DataFrame]] = []
    found = False
    for table in tables:
        hit = _person_rows(table, hashes, key)
        found = found or bool(hit.any())
        kept.append((table, table.frame.filter(~hit)))
    if not found:
        return False
    _write_tables(kept, target)
    return True


def _rewrite_archive(hashes: list[str], key: bytes, result: Forgotten) -> None:
    folder = config.archive_dir()
    entries = archive.manifest()
    renamed: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if entry.get("purpose", "load") != "load" or entry["sha256"] in renamed:
            continue
        old = folder / entry["file"]
        if not old.exists():
            continue
        tmp = folder / f".forget{old.suffix}"
        tmp.unlink(missing_ok=True)
        if not rewrite_without(old, hashes, key, tmp):
            continue
        sha = archive.sha256_file(tmp)
        new = folder / f"{sha}{old.suffix}"
        os.chmod(tmp, 0o400)  # read-only, and owner-only (files at rest)
        os.replace(tmp, new)
        old.unlink()
        renamed[entry["sha256"]] = (sha, new.name)
        with open(folder / "forgotten.jsonl", "a", encoding="utf-8") as fh:
            stamp = datetime.now().isoformat(timespec="seconds")
            fh.write(json.dumps({"old": entry["sha256"], "new": sha, "file": new.name, "at": stamp}) + "\n")
    if not renamed:
        return
    for entry in entries:
        if entry["sha256"] in renamed:
            entry["replaces"] = entry["sha256"]
            entry["sha256"], entry["file"] = renamed[entry["sha256"]]
    tmp = folder / "manifest.jsonl.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
    os.replace(tmp, folder / "manifest.jsonl")
    result.archive_files_rewritten = len(renamed)


def _rewrite_processed(hashes: list[str], key: bytes, result: Forgotten) -> None:
    folder = config.data_dir() / "processed"
    if not folder.exists():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".jsonl")):
        tmp = path.with_name(f".forget-{path.name}")
        if rewrite_without(path, hashes, key, tmp):
            os.replace(tmp, path)
            result.processed_files_rewritten += 1
        tmp.unlink(missing_ok=True)


def forget(phone: str | None = None, id_number: str | None = None) -> Forgotten:
    """Remove the person with this phone and/or ID number everywhere (see the module docstring)."""
    key = config.pii_key(create=False)
    hashes = person_hashes(phone, id_number, key)
    result = Forgotten()
    with warehouse.write_lock():
        _new_generation_without(hashes, result)
        for number in warehouse.generations():
            if number != result.generation and _holds(warehouse.generation_path(number), hashes):
                warehouse.generation_path(number).unlink()
                Path(str(warehouse.generation_path(number)) + ".wal").unlink(missing_ok=True)
                result.generations_deleted.append(number)
        _rewrite_archive(hashes, key, result)
        _rewrite_processed(hashes, key, result)
    audit.append("forget", **{k: v for k, v in asdict(result).items()})
    return result
