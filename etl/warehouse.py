"""Warehouse generations: every write makes a new DuckDB file and switches the CURRENT pointer atomically.

DuckDB allows one writing process or many reading processes, never both. So a load copies the current
generation to `gen-<N+1>.duckdb.part`, writes there, checkpoints, verifies it opens read-only, renames it
and replaces `CURRENT` with an atomic `os.replace`. Readers keep the file they opened; the next query of
a page sees the new one. Old generations are pruned, keeping `config.GENERATIONS_KEPT`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

import config

_GEN = re.compile(r"^gen-(\d{6})\.duckdb$")


class WarehouseLocked(RuntimeError):
    """Another load holds the warehouse lock (exit code 3)."""


def generation_path(number: int) -> Path:
    return config.warehouse_dir() / f"gen-{number:06d}.duckdb"


def generations() -> list[int]:
    """Numbers of the finished generations on disk, oldest first."""
    folder = config.warehouse_dir()
    if not folder.exists():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _GEN.match(p.name)))


def current_generation() -> int | None:
    path = config.current_warehouse()
    if path is None:
        return None
    match = _GEN.match(path.name)
    return int(match.group(1)) if match else None


def _write_pointer(number: int) -> None:
    folder = config.warehouse_dir()
    tmp = folder / "CURRENT.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(generation_path(number).name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / "CURRENT")
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def write_lock() -> Iterator[None]:
    """Exclusive lock for one writing process; raises WarehouseLocked at once if another holds it."""
    folder = config.warehouse_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseLocked("Kho dữ liệu đang được một lần nạp khác ghi (warehouse locked).") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@cache
def reference_tables() -> dict[str, pl.DataFrame]:
    """The dimension rows and approximate boundaries every new warehouse starts with (pure reference data)."""
    from etl import geo

    communes = geo.commune_rows()
    return {
        "dim_province": geo.province_rows(),
        "dim_commune": communes,
        "dim_legacy_province": geo.legacy_province_rows(),
        "dim_field": pl.read_csv(config.REFERENCE_DIR / "fields.csv", infer_schema=False),
        "dim_channel": pl.read_csv(config.REFERENCE_DIR / "channels.csv", infer_schema=False),
        "dim_organization": pl.read_csv(config.REFERENCE_DIR / "organizations.csv", infer_schema=False),
        "boundary": geo.approximate_boundaries(communes),
    }


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of `etl/schema.sql` and fill the reference dimensions and approximate boundaries."""
    con.execute(config.SCHEMA_SQL.read_text(encoding="utf-8"))
    for table, frame in reference_tables().items():
        replace_rows(con, table, frame)
    set_meta(con, created_at=datetime.now().isoformat(timespec="seconds"))


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> type of a table, in table order."""
    return dict(con.sql(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, where: str = "") -> None:
    """Replace a table's rows (or those matching `where`) by `frame`, matching columns by name."""
    cols = list(column_types(con, table))
    present = [c for c in cols if c in frame.columns]
    con.execute(f"DELETE FROM {table} {('WHERE ' + where) if where else ''}")
    con.register("_frame", frame.select(present).to_arrow())
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(present)}) SELECT {', '.join(present)} FROM _frame")
    finally:
        con.unregister("_frame")


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO meta VALUES ($k, $v)", {"k": key, "v": value})


@contextmanager
def new_generation(fresh: bool = False) -> Iterator[tuple[int, duckdb.DuckDBPyConnection]]:
    """Open generation N+1 for writing (a copy of the current one, or empty when `fresh`), publish on success.

    The caller must hold `write_lock()`. On an exception the half-written file is removed and CURRENT is
    untouched, so readers never see a partial load.
    """
    folder = config.warehouse_dir()
    folder.mkdir(parents=True, exist_ok=True)
    number = max(generations(), default=0) + 1
    part = folder / f"gen-{number:06d}.duckdb.part"
    remove_stale_parts()
    current = config.current_warehouse()
    wal = Path(str(part) + ".wal")
    try:
        if current is not None and not fresh:
            shutil.copyfile(current, part)
        con = duckdb.connect(str(part))
        try:
            if current is None or fresh:
                create_schema(con)
            else:
                # Idempotent: new tables added to schema.sql appear in older warehouses too.
                con.execute(config.SCHEMA_SQL.read_text(encoding="utf-8"))
                upgrade(con)
            yield number, con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _verify(part)
        os.replace(part, generation_path(number))
    except BaseException:  # any failure, Ctrl-C included: no `.part` outlives its load
        part.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        raise
    _write_pointer(number)
    prune()


def remove_stale_parts() -> list[Path]:
    """Delete the half-written generations (`*.part`, and their `.wal`) of a load that was killed; returns them.

    A load removes its own `.part` on any error; only a killed process leaves one. The caller must hold
    `write_lock()` (no other load is writing its `.part`)."""
    folder = config.warehouse_dir()
    stale = sorted(folder.glob("*.part*")) if folder.exists() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a warehouse written by an older version to the current schema: columns added or retyped since."""
    columns = column_types(con, "feedback")
    if "text_folded" not in columns:
        from etl import search_index  # the explorer's folded text used to live in a separate table

        con.execute("ALTER TABLE feedback ADD COLUMN text_folded VARCHAR USING COMPRESSION uncompressed")
        search_index.fill_missing(con)
    con.execute("DROP TABLE IF EXISTS feedback_search")
    if columns["phone_hash"] == "VARCHAR":  # keyed hashes were stored as 64 hex digits before 2026-11-23
        from etl import cases
        from etl.normalise import stored_hash_sql

        for column in ("phone_hash", "id_hash"):
            con.execute(f"ALTER TABLE feedback ALTER {column} TYPE UHUGEINT USING {stored_hash_sql(column)}")
        cases.link_cases(con)  # the case groups are keyed by the hash too: regrouped from scratch
    if "stratum_population" not in column_types(con, "survey_response"):  # finite-population correction, 2026-12
        con.execute("ALTER TABLE survey_response ADD COLUMN stratum_population DOUBLE")


def _verify(path: Path) -> None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.sql("SELECT count(*) FROM meta").fetchall()
        con.sql("SELECT count(*) FROM dim_commune").fetchall()
    finally:
        con.close()


def prune(keep: int = config.GENERATIONS_KEPT) -> list[int]:
    """Delete all but the newest `keep` generations (never the current one); returns what was deleted."""
    current = current_generation()
    gens = generations()
    doomed = [g for g in gens[:-keep] if g != current] if keep > 0 else []
    for number in doomed:
        generation_path(number).unlink(missing_ok=True)
    return doomed


def rollback(number: int | None = None) -> int:
    """Point CURRENT at generation `number` (default: the one before the current). Returns it."""
    gens = generations()
    current = current_generation()
    if number is None:
        older = [g for g in gens if current is None or g < current]
        if not older:
            raise ValueError("Không có thế hệ cũ hơn để quay lại (no older generation to roll back to).")
        number = older[-1]
    if number not in gens:
        raise ValueError(f"Không có thế hệ {number} (generation {number} does not exist; have {gens}).")
    with write_lock():
        _write_pointer(number)
    return number


def connect_current(read_only: bool = True) -> duckdb.DuckDBPyConnection | None:
    path = config.current_warehouse()
    return None if path is None else duckdb.connect(str(path), read_only=read_only)


def status() -> dict:
    """The `etl status --json` object: generation, warehouse path, row counts per table, recent loads."""
    path = config.current_warehouse()
    if path is None:
        return {"generation": None, "warehouse": None, "tables": {}, "loads": [], "generations": generations()}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
        counts = {t: con.sql(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        loads = con.sql(
            """SELECT load_id, generation, strftime(loaded_at, '%Y-%m-%dT%H:%M:%S') AS loaded_at, path, sha256,
                      kind, sheet, status, error, rows_read, loaded, updated, duplicates, quarantined, skipped
               FROM load_log ORDER BY loaded_at DESC, path LIMIT 50"""
        ).pl()
        meta = dict(con.sql("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()
    return {
        "generation": current_generation(),
        "warehouse": str(path),
        "tables": counts,
        "provinces": counts.get("dim_province", 0),
        "communes": counts.get("dim_commune", 0),
        "meta": meta,
        "generations": generations(),
        "loads": json.loads(loads.write_json()) if loads.height else [],
    }
