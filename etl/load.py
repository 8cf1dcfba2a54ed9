"""`etl load`: read (hashed alongside) -> archive -> validate/normalise -> load, all files of one run into one
new generation.

Row accounting (DESIGN §4.1), for every file or sheet:
rows_read = loaded + updated + duplicates + quarantined + skipped.
A row is compared with what is stored under its key, or with the previous row of the same key in the
same run: no such row -> loaded; same content -> duplicate; changed content -> updated (the newer wins).

No file stops the run: a file the readers refuse (etl/limits.py bounds what they accept) or that fails
while it is loaded is reported `refused` with a reason, its rows undone (each file is one transaction), and
the next file is read. Only what is not the file's fault (the archive or the disk failing) stops the load.
"""

from __future__ import annotations

import hashlib
import json
import sys
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
from tqdm import tqdm

import config
from etl import archive, audit, cases, enrich, limits, warehouse
from etl.items import unknown_items
from etl.kinds import Kind
from etl.limits import excerpt
from etl.normalise import Normalised, Reference, normalise, stored_hash_sql
from etl.read import ROW, FileRefused, RawTable, read_file
from etl.text import printable

SUPPORTED = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".xlsx", ".xlsm", ".xls", ".ods"}  # in folders
SYNTHETIC_MARKERS = (".synthetic", "README.txt")
NEUTRAL_KINDS = frozenset({"correction"})  # an analyst's field correction adds no citizen's data


@dataclass
class FileReport:
    path: str
    kind: str | None = None
    sheet: str | None = None
    status: str = "loaded"
    error: str | None = None
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    addresses: dict[str, int] = field(default_factory=lambda: {"resolved": 0, "ambiguous": 0, "unresolved": 0})
    warnings: list[str] = field(default_factory=list)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, and the supported files inside given folders (sorted, hidden files ignored)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith(".")
                )
            )
        else:
            out.append(path)
    return out


def is_synthetic(path: Path) -> bool:
    """Demo files sit beside a marker saying they are synthetic (`etl demo` writes it)."""
    marker = path.parent / ".synthetic"
    readme = path.parent / "README.txt"
    return marker.exists() or (readme.exists() and "MÔ PHỎNG" in readme.read_text(encoding="utf-8", errors="ignore"))


def load_paths(
    paths: list[Path], kind: str | None = None, progress: bool = True, labels: dict[Path, str] | None = None
) -> dict:
    """Load files into a new warehouse generation; returns the `--json` object of DESIGN §4.1."""
    files = expand_paths(paths)
    with warehouse.write_lock(), warehouse.new_generation() as (generation, con):
        reports = load_into(con, generation, files, kind, progress, labels or {})
    return {"generation": generation, "files": [asdict(r) for r in reports]}


def load_into(
    con: duckdb.DuckDBPyConnection,
    generation: int,
    files: list[Path],
    kind: str | None,
    progress: bool,
    labels: dict[Path, str],
    synthetic_of: Callable[[Path], bool] = is_synthetic,
) -> list[FileReport]:
    """Load `files` through an open writable generation (used by load and rebuild).

    `synthetic_of(path)`: whether a file came from `etl demo`. The warehouse's meta `synthetic` stays "true"
    only while every file ever loaded into it did (demo mode opens only such a warehouse); the first real
    file makes it "false" for good."""
    ref = reference(con)
    key = config.pii_key()
    load_id = uuid.uuid4().hex[:12]
    reports: list[FileReport] = []
    loaded_any, real = False, False
    archive.remove_temporaries()  # left by a load that was killed
    bar = tqdm(files, desc="Nạp dữ liệu", unit="tệp", file=sys.stderr, disable=not progress)
    with ThreadPoolExecutor(max_workers=1) as background:
        for path in bar:
            shown = printable(labels.get(path, str(path)))  # a name that is not UTF-8: its bytes as \xff
            bar.set_postfix_str(Path(shown).name[:40])
            sha, archived = None, None
            try:
                if path.exists() and path.is_file():
                    sha, archived, tables, file_warnings, problem = _read_archiving(path, kind, background)
                    if problem:
                        raise problem
                else:
                    tables, file_warnings = read_file(path, kind)
                loaded = _load_file(
                    con, tables, file_warnings, shown, ref, key, load_id, generation, sha, progress, archived
                )
            except FileRefused as refused:
                report = FileReport(shown, status="refused", error=excerpt(str(refused), 500))
                reports.append(report)
                _log(con, load_id, generation, report, sha)
                continue
            reports += loaded
            loaded_any = True
            real = real or (not synthetic_of(path) and any(t.kind.name not in NEUTRAL_KINDS for t in tables))
    bar.close()
    if any(r.kind in ("feedback", "correction") and (r.loaded or r.updated) for r in reports):
        cases.link_cases(con, load_id)
    stamp = datetime.now().isoformat(timespec="seconds")
    warehouse.set_meta(con, data_as_of=stamp, last_load_id=load_id)
    if (mark := audit.head()) is not None:  # the audit log's end, recorded outside it (etl audit verify)
        warehouse.set_meta(con, audit_seq=str(mark[0]), audit_hash=mark[1])
    latest = con.sql("SELECT strftime(max(received_at), '%Y-%m-%dT%H:%M:%S') FROM feedback").fetchall()[0][0]
    if latest:
        warehouse.set_meta(con, latest_record=latest)
    if loaded_any:
        _mark_synthetic(con, load_id, real)
    return reports


def _mark_synthetic(con: duckdb.DuckDBPyConnection, load_id: str, real: bool) -> None:
    """meta `synthetic`: "true" while every file loaded so far came from `etl demo`, else "false"."""
    before = con.sql("SELECT any_value(value) FROM meta WHERE key = 'synthetic'").fetchall()[0][0]
    earlier = con.sql(
        "SELECT count(*) FROM load_log WHERE status = 'loaded' AND load_id <> $id", params={"id": load_id}
    ).fetchall()[0][0]
    synthetic = not real and (before == "true" or not earlier)
    warehouse.set_meta(con, synthetic="true" if synthetic else "false")


def _load_file(
    con: duckdb.DuckDBPyConnection,
    tables: list[RawTable],
    file_warnings: list[str],
    shown: str,
    ref: Reference,
    key: bytes,
    load_id: str,
    generation: int,
    sha: str | None,
    progress: bool,
    archived: Future | None,
) -> list[FileReport]:
    """Load every table of one file in one transaction: all of the file, or (it is refused) none of it.

    A failure the file causes (a value no check foresaw, a parser error, memory) undoes its rows and refuses
    it with a reason, and the run goes on with the next file; an error of the archive or the disk stops the run.
    """
    reports: list[FileReport] = []
    con.begin()
    try:
        for table in tables:
            report = FileReport(shown, kind=table.kind.name, sheet=table.sheet)
            report.warnings = file_warnings + table.warnings
            _load_table(con, table, ref, key, report, load_id, sha or "", progress, archived)
            reports.append(report)
            _log(con, load_id, generation, report, sha)
        if archived is not None:
            archived.result()  # (waited for already by its first table; an archive error is never lost)
    except (OSError, duckdb.IOException):
        con.rollback()
        raise
    except Exception as exc:
        con.rollback()
        # Where, for the developers; not the message, which may quote a cell (personal data stays out of logs).
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"Lỗi khi nạp {shown}: {type(exc).__name__} ở {where.filename}:{where.lineno}", file=sys.stderr)
        raise FileRefused(
            f"lỗi khi nạp tệp này ({type(exc).__name__}): không dòng nào của tệp được nạp, các tệp khác vẫn nạp; "
            "hãy gửi tệp cho bộ phận kỹ thuật (internal error while loading this file)"
        ) from exc
    con.commit()
    return reports


def _read_archiving(
    path: Path, kind: str | None, background: ThreadPoolExecutor
) -> tuple[str, Future, list[RawTable], list[str], FileRefused | None]:
    """Read a file's bytes once and archive exactly those bytes (DESIGN: raw is immutable), refused or not.

    The bytes are parsed while the background thread hashes them (hashlib releases the GIL), and written to the
    archive while the rows are validated: `_load_table` waits for that before it writes any row. Returns the
    SHA-256, the archive job, the tables and warnings, and why the file is refused (then archived already)."""
    limits.check_size(path.stat().st_size)  # before the bytes are read into memory
    data = path.read_bytes()
    digest = background.submit(hashlib.sha256, data)
    tables: list[RawTable] = []
    warnings: list[str] = []
    problem = None
    try:
        tables, warnings = read_file(path, kind, data)
    except FileRefused as refused:
        problem = refused
    sha = digest.result().hexdigest()
    synthetic = is_synthetic(path)
    archived = background.submit(archive.archive_file, path, kind=kind, synthetic=synthetic, content=(data, sha))
    if problem:
        archived.result()
    return sha, archived, tables, warnings, problem


def reference(con: duckdb.DuckDBPyConnection) -> Reference:
    provinces = frozenset(r[0] for r in con.sql("SELECT province_code FROM dim_province").fetchall())
    communes = dict(con.sql("SELECT commune_code, province_code FROM dim_commune").fetchall())
    return Reference(provinces, communes)


def _load_table(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    ref: Reference,
    key: bytes,
    report: FileReport,
    load_id: str,
    sha: str,
    progress: bool,
    archived: Future | None = None,
) -> None:
    """Validate and write one table; `archived`: the archive job of its file, finished before any row is written."""
    report.rows_read = table.rows_read
    report.skipped = table.skipped
    if progress and table.rows_read > 100_000:
        print(f"  {report.path}: {table.rows_read:,} dòng — kiểm tra và chuẩn hóa…", file=sys.stderr)
    if table.items:
        unknown = unknown_items(table.items)
        if unknown:
            report.warnings.append(
                f"bỏ qua {len(unknown)} câu hỏi không có trong danh mục (unknown survey items ignored): {', '.join(unknown)}"
            )
            table.items = [i for i in table.items if i not in unknown]
            table.frame = table.frame.drop(unknown)
    result = normalise(table, ref, key)
    report.addresses = result.addresses
    report.quarantined = result.bad.height
    report.reasons = (
        dict(sorted(result.bad.get_column("reason_code").value_counts().iter_rows())) if result.bad.height else {}
    )
    if archived is not None:
        archived.result()
    if result.bad.height:
        _quarantine(con, result.bad, table, report, load_id, sha)
    loaded, updated, duplicates = upsert(con, table.kind, result, load_id)
    report.loaded, report.updated, report.duplicates = loaded, updated, duplicates
    total = report.loaded + report.updated + report.duplicates + report.quarantined + report.skipped
    if total != report.rows_read:  # the contract of DESIGN §4.1; never silently lose a row
        raise AssertionError(f"row accounting broken for {report.path}: {total} != {report.rows_read}")


def upsert(con: duckdb.DuckDBPyConnection, kind: Kind, result: Normalised, load_id: str) -> tuple[int, int, int]:
    """Insert new keys, replace changed ones, count (loaded, updated, duplicates)."""
    good = result.good
    if good.height == 0:
        return 0, 0, 0
    target = warehouse.column_types(con, kind.table)
    content = [c for c in target if c in good.columns and c not in ("row_hash", "load_id")]
    if kind.item_prefix and result.answers is not None:
        signature = (
            result.answers.sort(ROW, "item")
            .group_by(ROW, maintain_order=True)
            .agg((pl.col("item") + "=" + pl.col("value").cast(pl.String)).str.join(";").alias("_items"))
        )
        good = good.join(signature, on=ROW, how="left")
    else:
        good = good.with_columns(pl.lit("").alias("_items"))
    if kind.name == "feedback":
        good = good.with_columns(pl.when(pl.col("field").is_not_null()).then(pl.lit("source")).alias("field_origin"))
        good = enrich.before_upsert(con, good)
        content = [c for c in target if c in good.columns and c not in ("row_hash", "load_id")]
    keys = list(kind.key)
    # Opinions are stored in time order within each load, so a date filter skips whole row groups (zone maps)
    # whatever order the export came in. Sorted here (polars moves 16-byte string views, DuckDB's ORDER BY
    # would copy every text), and only when the export is not in time order already; the insert keeps it.
    if "received_at" in content and not good.get_column("received_at").is_sorted():
        good = good.sort("received_at", maintain_order=True)
    # Arrow string views are polars' own layout: no conversion (the default large strings copy every text).
    arriving = good.select(*content, "_items", ROW)
    con.register("incoming", arriving.to_arrow(compat_level=pl.CompatLevel.newest()))
    # A warehouse from before 2026-11-23 stores the row hash as text: compare and write it in the stored type.
    stored_as = "" if target["row_hash"] == "UBIGINT" else "::VARCHAR"
    row_hash = (
        "hash(" + ", ".join(_source_value(c, content) for c in content if c not in DERIVED) + f", _items){stored_as}"
    )
    on = " AND ".join(f"s.{k} = t.{k}" for k in keys)
    part = ", ".join(keys)
    # A key twice in the file? Counted on the keys' 64-bit hashes (half the time of comparing the texts): equal
    # keys hash alike, so no repeat is missed; a collision only takes the slower path, right for any file.
    repeated = good.select(pl.struct(keys).hash().n_unique()).item() < good.height
    # Only keys, row numbers and hashes are staged; the rows themselves are read once more from `incoming`
    # (an Arrow view, no copy) when they are written. Usually every key is new or appears once: then only the
    # rows whose key is already stored need a look (none in a new export), the others are simply loaded.
    if repeated:  # the same record twice in one file: compare each row with the previous one of its key
        window = f"""lag(row_hash) OVER (PARTITION BY {part} ORDER BY {ROW}) AS prev_in_file,
                     row_number() OVER (PARTITION BY {part} ORDER BY {ROW} DESC) AS newest"""
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE staged AS
                WITH h AS (SELECT {part}, {ROW}, {row_hash} AS row_hash FROM incoming),
                     s AS (SELECT h.*, {window} FROM h)
                SELECT s.*, t.row_hash AS stored_hash, coalesce(s.prev_in_file, t.row_hash) AS prev
                FROM s LEFT JOIN {kind.table} t ON {on}"""
        )
    else:  # only rows with a stored key are hashed: found on the key columns alone (none in a new export)
        stored = con.sql(f"SELECT s.{ROW}, t.row_hash AS stored_hash FROM incoming s JOIN {kind.table} t ON {on}").pl()
        # Joining `incoming` itself would make DuckDB read every column of every row before the join.
        con.register("known", arriving.join(stored, on=ROW).to_arrow(compat_level=pl.CompatLevel.newest()))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE staged AS
                SELECT {part}, {ROW}, {row_hash} AS row_hash, NULL AS prev_in_file, 1 AS newest, stored_hash,
                       stored_hash AS prev
                FROM known"""
        )
        con.unregister("known")
    staged, loaded, updated, duplicates = con.sql(
        """SELECT count(*), count(*) FILTER (WHERE prev IS NULL),
                  count(*) FILTER (WHERE prev IS NOT NULL AND prev <> row_hash),
                  count(*) FILTER (WHERE prev = row_hash)
           FROM staged"""
    ).fetchall()[0]
    loaded += good.height - staged  # rows not staged: new keys, once each
    cols = ", ".join(content)
    # Keyed hashes arrive as hex (the row hash is computed over that text) and are stored as 128-bit numbers.
    values = ", ".join(stored_hash_sql(c) if target[c] == "UHUGEINT" else c for c in content)
    replaced = "s.newest = 1 AND s.stored_hash IS NOT NULL AND s.stored_hash <> s.row_hash"
    key_match = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    if updated:
        con.execute(f"DELETE FROM {kind.table} t USING staged s WHERE {replaced} AND {key_match}")
        if kind.item_prefix and result.answers is not None:
            con.execute(
                f"""DELETE FROM survey_answer t USING staged s
                    WHERE {replaced} AND t.wave = s.wave AND t.response_id = s.response_id"""
            )
    # Which incoming rows (alias i) are written: the newest of their key in the file, unless stored unchanged.
    if loaded + updated == good.height:  # nothing to leave out (a new export: the usual case)
        written = "TRUE"
    elif repeated:
        written = f"""i.{ROW} IN (SELECT {ROW} FROM staged s
                      WHERE s.newest = 1 AND (s.stored_hash IS NULL OR s.stored_hash <> s.row_hash))"""
    else:  # only the duplicates stay out
        written = f"i.{ROW} NOT IN (SELECT {ROW} FROM staged s WHERE s.stored_hash = s.row_hash)"
    con.execute(
        f"""INSERT INTO {kind.table} ({cols}, row_hash, load_id)
            SELECT {values}, {row_hash}, $load_id FROM incoming i WHERE {written}""",
        {"load_id": load_id},
    )
    if kind.item_prefix and result.answers is not None and result.answers.height:
        con.register("answers", result.answers.to_arrow())
        con.execute(
            f"""INSERT INTO survey_answer
                SELECT i.wave, i.response_id, a.item, a.value
                FROM answers a JOIN incoming i ON a.{ROW} = i.{ROW} WHERE {written}"""
        )
        con.unregister("answers")
    if kind.name == "correction":
        con.execute(
            """UPDATE feedback f SET field = c.field, field_origin = 'correction', field_confidence = 1.0
               FROM correction c WHERE f.source_system = c.source_system AND f.source_id = c.source_id"""
        )
    con.unregister("incoming")
    con.execute("DROP TABLE staged")
    return loaded, updated, duplicates


# The row hash is DuckDB's 64-bit `hash()` of the typed source columns, stored as a number (several times
# cheaper than md5 of a text concatenation; a number compresses and compares faster than its text). It is
# only ever compared with the stored hash of the same key, so a collision can at worst make one changed
# re-export look like a duplicate (odds about 1 in 1.8e19 per comparison). A DuckDB release that changed
# `hash()` would turn the next re-sent files into "updates" once, losing nothing.
# Columns the loader derives (classification, address resolution): not part of a record's content, so a
# better model or address rule never turns a re-sent identical export into an "update".
DERIVED = {"field_origin", "field_confidence", "address_status", "address_rule", "text_folded"}


def _source_value(column: str, content: list[str]) -> str:
    if column == "field" and "field_origin" in content:
        return "CASE WHEN field_origin = 'source' THEN field END"
    return column


def _quarantine(
    con: duckdb.DuckDBPyConnection, bad: pl.DataFrame, table: RawTable, report: FileReport, load_id: str, sha: str
) -> None:
    frame = bad.select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(sha).alias("sha256"),
        pl.lit(report.path).alias("path"),
        pl.lit(table.sheet, dtype=pl.String).alias("sheet"),
        pl.lit(table.kind.name).alias("kind"),
        pl.col(ROW).alias("row_number"),
        "reason_code",
        "reason",
        "column_name",
        "original",
    )
    con.register("bad_rows", frame.to_arrow())
    con.execute("INSERT INTO quarantine SELECT * FROM bad_rows")
    con.unregister("bad_rows")


def _log(con: duckdb.DuckDBPyConnection, load_id: str, generation: int, report: FileReport, sha: str | None) -> None:
    con.execute(
        """INSERT INTO load_log VALUES ($load_id, $generation, now()::TIMESTAMP, $path, $sha, $kind, $sheet, $status,
                  $error, $rows_read, $loaded, $updated, $duplicates, $quarantined, $skipped, $reasons, $addresses, $warnings)""",
        {
            "load_id": load_id,
            "generation": generation,
            "path": report.path,
            "sha": sha,
            "kind": report.kind,
            "sheet": report.sheet,
            "status": report.status,
            "error": report.error,
            "rows_read": report.rows_read,
            "loaded": report.loaded,
            "updated": report.updated,
            "duplicates": report.duplicates,
            "quarantined": report.quarantined,
            "skipped": report.skipped,
            "reasons": json.dumps(report.reasons, ensure_ascii=False),
            "addresses": json.dumps(report.addresses),
            "warnings": json.dumps(report.warnings, ensure_ascii=False),
        },
    )


def rebuild(progress: bool = True) -> dict:
    """A fresh generation from the raw archive: every archived file replayed in the order first seen."""
    entries = archive.manifest()
    folder = config.archive_dir()
    with warehouse.write_lock(), warehouse.new_generation(fresh=True) as (generation, con):
        reports: list[FileReport] = []
        for entry in entries:
            path = folder / entry["file"]
            if entry["purpose"] == "boundaries":
                from etl.boundaries import apply_boundaries

                apply_boundaries(con, path)
                continue
            synthetic = bool(entry.get("synthetic"))  # the archive's copy no longer sits beside its marker
            reports += load_into(
                con,
                generation,
                [path],
                entry.get("kind"),
                progress,
                {path: entry["original_name"]},
                synthetic_of=lambda _path, synthetic=synthetic: synthetic,
            )
    return {"generation": generation, "files": [asdict(r) for r in reports]}
