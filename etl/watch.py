"""`etl watch [DIR]`: load files dropped into the inbox within seconds, one generation per batch.

A file is taken once its size has stayed the same for one scan (so half-copied files wait). After the load
it is moved to `$FRONT_DATA_DIR/processed/` (the archive keeps the original under its SHA-256), or to
`$FRONT_DATA_DIR/failed/` when it was refused, each beside a `<name>.report.json` sidecar with the load
report of that file (counts, reasons, warnings, or the one-line error); a refused file also gets a
`<name>.reason.txt` saying why in words.

No file stops the watcher. The readers refuse what is beyond their limits (etl/limits.py) and a file that
fails while loading is refused by the loader; what could still end the process (the system killing it) is
caught on the next start: the inbox's `.loading.json` names the files of the batch in flight, each is then
loaded alone, and a file in flight at two such ends in a row is moved to `failed/` with its reason, unread,
so a restarted watcher never dies again on the same file and the files beside it load.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import config
from etl import archive, load, warehouse
from etl.text import printable, printable_tree

IN_FLIGHT = ".loading.json"  # in the inbox: {file path in the inbox: loads started with it in flight}
CRASHES_TO_FAIL = 2  # a file in flight when the loader ended this many times is moved to failed/
STALE_UPLOAD_SECONDS = 3600  # an upload's hidden temporary file older than this was abandoned

CRASH_REASON = (
    "Trình nạp dừng đột ngột {n} lần khi đang nạp tệp này (hết bộ nhớ hoặc bị hệ thống dừng): tệp không được nạp. "
    "Hãy mở tệp bằng Excel, lưu lại, hoặc chia nhỏ rồi gửi lại.\n"
    "The loader stopped {n} times while loading this file (out of memory or killed): the file was not loaded. "
    "Open it in Excel and save it again, or split it, then send it again.\n"
)


def scan(folder: Path) -> dict[Path, int]:
    """The size of each file in `folder` (a file gone since it was listed is left out: seen on the next scan)."""
    try:
        paths = load.expand_paths([folder])
    except OSError:  # a folder removed while it was listed
        return {}
    sizes: dict[Path, int] = {}
    for path in paths:
        try:
            sizes[path] = path.stat().st_size
        except OSError:
            continue
    return sizes


def process_batch(files: list[Path], started: dict[Path, int] | None = None, inbox: Path | None = None) -> dict:
    """Load a batch and move each file out of the inbox (`inbox`: the watched folder, where the batch in flight
    is noted; default the configured inbox).

    `started`: how many loads each file was already in flight in (a previous watcher ended during them)."""
    started = started or {}
    inbox = inbox or config.inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    _write_in_flight(inbox, {p: started.get(p, 0) + 1 for p in files})
    try:
        result = load.load_paths(files, progress=False)
    except BaseException:  # the process goes on (or ends by itself): nothing is in flight any more
        _clear_in_flight(inbox)
        raise
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    by_path: dict[str, list[dict]] = {}
    for report in result["files"]:
        by_path.setdefault(report["path"], []).append(report)
    unmoved: list[Path] = []  # loaded (or refused) but still in the inbox: not to be loaded again
    for path in files:
        reports = by_path.get(printable(str(path)), [])  # (as the loader shows it)
        refused = [r for r in reports if r["status"] == "refused"]
        reason = "".join(f"{r['error']}\n" for r in refused)
        sidecar = {"generation": result["generation"], "file": path.name, "reports": reports}
        if not _move_or_say(path, stamp, sidecar, reason):
            unmoved.append(path)
    _clear_in_flight(inbox)
    return {**result, "unmoved": unmoved}


def _move(path: Path, stamp: str, sidecar: dict, reason: str = "") -> Path:
    """Move a file out of the inbox: to failed/ with its reason when there is one, else to processed/."""
    target_dir = config.data_dir() / ("failed" if reason else "processed")
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{stamp}-{path.name}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".report.json").write_text(
        json.dumps(printable_tree(sidecar), ensure_ascii=False, indent=2), encoding="utf-8"
    )  # (a name's undecodable bytes as \xff: the sidecar is UTF-8)
    if reason:
        target.with_name(target.name + ".reason.txt").write_text(printable(reason), encoding="utf-8")
    return target


def _move_or_say(path: Path, stamp: str, sidecar: dict, reason: str = "") -> bool:
    """`_move`, but a file that cannot be moved (the disk, permissions, a name the file system refuses) is only
    reported, never raised: whether it was moved."""
    try:
        _move(path, stamp, sidecar, reason)
    except Exception as exc:
        print(f"Không chuyển được {printable(path.name)} ra khỏi thư mục nhận ({type(exc).__name__})", file=sys.stderr)
        return False
    return True


def _fail(path: Path, why: str) -> bool:
    """Move a file that made the load fail to failed/ with its reason; whether it was moved (never raises)."""
    reason = f"Tệp không được nạp: {why}.\nThe file was not loaded: it made the load fail.\n"
    report = {"path": str(path), "status": "refused", "error": reason.splitlines()[0]}
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if not _move_or_say(path, stamp, {"generation": None, "file": path.name, "reports": [report]}, reason):
        return False
    print(f"Đã chuyển {printable(path.name)} sang failed/: {why}", file=sys.stderr)
    return True


def _write_in_flight(inbox: Path, started: dict[Path, int]) -> None:
    tmp = inbox / (IN_FLIGHT + ".tmp")
    names = {str(p.relative_to(inbox)) if p.is_relative_to(inbox) else str(p): n for p, n in started.items()}
    tmp.write_text(json.dumps(names), encoding="utf-8")  # ASCII escapes: a name that is not UTF-8 round-trips
    tmp.replace(inbox / IN_FLIGHT)


def _clear_in_flight(inbox: Path) -> None:
    (inbox / IN_FLIGHT).unlink(missing_ok=True)


def recover(folder: Path) -> dict[Path, int]:
    """After a watcher ended during a load: the files it had in flight, with the loads they were in flight in.

    A file in flight CRASHES_TO_FAIL times is moved to failed/ with its reason (and left out); the others are
    returned, to be loaded one by one. Files no longer in the inbox are forgotten."""
    marker = folder / IN_FLIGHT
    if not marker.exists():
        return {}
    try:
        started = {folder / name: int(n) for name, n in json.loads(marker.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        started = {}
    suspects: dict[Path, int] = {}
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for path, times in started.items():
        if not path.is_file():
            continue
        if times >= CRASHES_TO_FAIL:
            reason = CRASH_REASON.format(n=times)
            report = {"path": str(path), "status": "refused", "error": reason.splitlines()[0]}
            if _move_or_say(path, stamp, {"generation": None, "file": path.name, "reports": [report]}, reason):
                print(
                    f"Đã chuyển {printable(path.name)} sang failed/: trình nạp dừng {times} lần khi nạp tệp này",
                    file=sys.stderr,
                )
            else:
                suspects[path] = times  # still loaded alone, never with others
        else:
            suspects[path] = times
    marker.unlink(missing_ok=True)
    return suspects


def remove_leftovers(folder: Path) -> None:
    """What a killed process left: half-written generations and archive copies (only if no load is running),
    and upload temporaries in the inbox abandoned for an hour."""
    try:
        with warehouse.write_lock():
            warehouse.remove_stale_parts()
            archive.remove_temporaries()
    except warehouse.WarehouseLocked:
        pass  # a load is running: it cleans up when it starts
    now = time.time()
    for stale in folder.glob(".*.part"):
        try:
            if now - stale.stat().st_mtime > STALE_UPLOAD_SECONDS:
                stale.unlink(missing_ok=True)
        except OSError:  # renamed by its upload meanwhile, or not ours to remove
            continue


def watch(folder: Path, interval: float = 2.0, max_batches: int | None = None) -> None:
    """Poll `folder` forever (or for `max_batches` loads), loading stable new files."""
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Đang theo dõi {folder} (mỗi {interval:g} giây)…", file=sys.stderr)
    remove_leftovers(folder)
    suspects = recover(folder)
    failures: dict[Path, int] = {}  # loads of a file alone that ended in an error (not a refusal)
    stuck: dict[Path, int] = {}  # files done with that could not be moved out of the inbox: their size then
    previous: dict[Path, int] = {}
    batches = 0
    while max_batches is None or batches < max_batches:
        current = scan(folder)
        stable = sorted(
            p for p, size in current.items() if previous.get(p) == size and size > 0 and stuck.get(p) != size
        )
        # Files in flight when a previous watcher ended are loaded alone, so one of them cannot take others along.
        groups = [[p] for p in stable if p in suspects] + [[p for p in stable if p not in suspects]]
        for group in (g for g in groups if g):
            if max_batches is not None and batches >= max_batches:
                break
            try:
                result = process_batch(group, {p: suspects[p] for p in group if p in suspects}, folder)
            except warehouse.WarehouseLocked:
                print("Kho đang bận, thử lại sau…", file=sys.stderr)
                break
            except Exception as exc:  # not a refusal (the loader refuses bad files): the disk, the archive…
                what = f"{type(exc).__name__}: {exc}" if isinstance(exc, OSError) else type(exc).__name__  # no cell
                print(f"Lỗi khi nạp ({what}); thử lại sau…", file=sys.stderr)
                if len(group) > 1:  # which file? Each is tried alone next time
                    suspects.update(dict.fromkeys(group, 0))
                elif not isinstance(exc, OSError):  # the same file failing alone again: it is the file
                    failures[group[0]] = failures.get(group[0], 0) + 1
                    if failures[group[0]] >= CRASHES_TO_FAIL:
                        why = f"lỗi khi nạp ({type(exc).__name__}), {failures.pop(group[0])} lần"
                        if not _fail(group[0], why) and group[0] in current:
                            stuck[group[0]] = current[group[0]]  # not tried again until it changes
                break
            for path in group:
                suspects.pop(path, None)
            for path in result["unmoved"]:  # done: a move that failed must not load it again on every scan
                stuck[path] = current.get(path, -1)
            summary = [
                {k: f[k] for k in ("path", "status", "loaded", "updated", "quarantined")} for f in result["files"]
            ]
            print(
                json.dumps({"generation": result["generation"], "files": summary}, ensure_ascii=False), file=sys.stderr
            )
            batches += 1
        current = scan(folder)
        previous = current
        time.sleep(interval)
