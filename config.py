"""One place for paths and settings; everything else asks here.

Paths come from this file's location and can be overridden by environment variables (DESIGN §4.1):
`FRONT_DATA_DIR` (inbox, archive, warehouse generations), `FRONT_PII_KEY` (secret for keyed hashes),
`FRONT_AUDIT_KEY` (secret of the audit log's hash chain), `FRONT_AUDIT_CHECKPOINT` (where the audit log's
checkpoint lives), `FRONT_DEMO` (`1`: demo mode, only on a synthetic warehouse), `FRONT_SHARED_DIR` (the
team's shared reference folder, for tests and development).
Functions, not constants: a test or a second instance changes the environment and is obeyed at once.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REFERENCE_DIR = ROOT / "data" / "reference"
SCHEMA_SQL = ROOT / "etl" / "schema.sql"
TIMEZONE = "Asia/Ho_Chi_Minh"
GENERATIONS_KEPT = 5


def data_dir() -> Path:
    """The data folder: `$FRONT_DATA_DIR` or `data/` in the project."""
    return Path(os.environ.get("FRONT_DATA_DIR") or ROOT / "data").resolve()


PRIVATE_UMASK = 0o077  # files at rest: owner only (archive, warehouse, audit, keys, inbox)


def private_files() -> Path:
    """Make every file and folder this process creates from now on owner-only (umask 077) and create the data
    folder (mode 0700). The entry points call it first: `python -m etl`, `python -m analytics`, app.py."""
    os.umask(PRIVATE_UMASK)
    folder = data_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def demo_requested() -> bool:
    """True when `FRONT_DEMO=1` (set by `make run`): the only way into demo mode (no login, role switcher)."""
    return os.environ.get("FRONT_DEMO", "").strip() == "1"


def inbox_dir() -> Path:
    return data_dir() / "inbox"


def archive_dir() -> Path:
    return data_dir() / "archive"


def warehouse_dir() -> Path:
    return data_dir() / "warehouse"


def raw_dir() -> Path:
    """Where `etl demo` writes its raw export files by default."""
    return data_dir() / "raw"


def shared_dir() -> Path:
    """The team's shared folder (`$FRONT_SHARED_DIR`, default `../shared` beside the project)."""
    return Path(os.environ.get("FRONT_SHARED_DIR") or ROOT.parent / "shared").resolve()


def pii_key(create: bool = True) -> bytes:
    """The secret for keyed hashes of phone and ID numbers.

    `$FRONT_PII_KEY` wins. Otherwise demo mode keeps its own key in `$FRONT_DATA_DIR/.pii_key` (mode 0600),
    created on first use.
    """
    env = os.environ.get("FRONT_PII_KEY")
    if env:
        return env.encode("utf-8")
    path = data_dir() / ".pii_key"
    if path.exists():
        key = path.read_bytes().strip()
        try:
            key.decode("utf-8")  # the keyed hashes take a text key (etl.normalise.keyed_hash)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: khóa phải là văn bản UTF-8 (the key must be UTF-8 text)") from exc
        return key
    if not create:
        raise RuntimeError("FRONT_PII_KEY is not set and no local demo key exists")
    return _new_local_key(path)


def _new_local_key(path: Path) -> bytes:
    """A new demo key at `path`, published whole in one step (written aside, then hard-linked into place), so
    that processes or threads starting together all end up with the one key that won, never an empty file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_bytes().strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def pii_key_is_local() -> bool:
    """True when the key is the demo's local one (the CLI says so)."""
    return not os.environ.get("FRONT_PII_KEY")


def audit_key() -> bytes:
    """The secret of the audit log's hash chain: `$FRONT_AUDIT_KEY`, never the PII key.

    Otherwise demo mode keeps its own key in `$FRONT_DATA_DIR/.audit_key` (mode 0600), created on first use.
    A key equal to `FRONT_PII_KEY` is refused: every ETL operator holds that one.
    """
    env = os.environ.get("FRONT_AUDIT_KEY")
    if env:
        key = env.encode("utf-8")
        if key == (os.environ.get("FRONT_PII_KEY") or "").encode("utf-8"):
            raise ValueError("FRONT_AUDIT_KEY phải khác FRONT_PII_KEY (the audit key must differ from the PII key)")
        return key
    path = data_dir() / ".audit_key"
    if path.exists():
        return path.read_bytes().strip()
    return _new_local_key(path)


def current_warehouse() -> Path | None:
    """The DuckDB file of the current generation, read from `warehouse/CURRENT`; None before the first load."""
    pointer = warehouse_dir() / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = warehouse_dir() / name
    return path if name and path.exists() else None


def roles_file() -> Path | None:
    """The role file (`identity, role, scope` CSV) named by `$FRONT_ROLES_FILE`; None when unset."""
    env = os.environ.get("FRONT_ROLES_FILE")
    return Path(env).expanduser().resolve() if env else None


def audit_file() -> Path:
    """The append-only audit log (hash chain): `$FRONT_DATA_DIR/audit/audit.jsonl`."""
    return data_dir() / "audit" / "audit.jsonl"


def audit_checkpoint() -> Path:
    """The audit log's checkpoint (one `seq hash` line per entry, append-only), kept apart from the log:
    `$FRONT_AUDIT_CHECKPOINT`, default `$FRONT_DATA_DIR/audit/audit.checkpoint`."""
    env = os.environ.get("FRONT_AUDIT_CHECKPOINT")
    return Path(env).expanduser().resolve() if env else data_dir() / "audit" / "audit.checkpoint"
