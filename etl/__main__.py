"""`python -m etl <command>`: demo, load, status, watch, rebuild, rollback, boundaries (DESIGN §4.1), train-classifier,
audit verify, forget --phone|--id."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import config

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Mặt Trận Số Analytics — nạp dữ liệu (ETL)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="ghi tệp dữ liệu mô phỏng của mọi loại (write synthetic raw exports)")
    demo.add_argument("--out", type=Path, default=None, help="thư mục ghi (default: $FRONT_DATA_DIR/raw)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--size", choices=["small", "medium", "full"], default="small")
    load = sub.add_parser("load", help="nạp tệp hoặc thư mục (load files or folders)")
    load.add_argument("paths", nargs="+", type=Path)
    load.add_argument("--kind", default=None, help="loại dữ liệu, nếu không tự nhận được từ dòng tiêu đề")
    load.add_argument("--json", action="store_true", help="in một đối tượng JSON ra stdout")
    status = sub.add_parser("status", help="thế hệ kho hiện tại, số dòng mỗi bảng, các lần nạp")
    status.add_argument("--json", action="store_true")
    watch = sub.add_parser("watch", help="theo dõi thư mục inbox và nạp tệp mới (watch the inbox)")
    watch.add_argument("dir", nargs="?", type=Path, default=None)
    watch.add_argument("--interval", type=float, default=2.0, help="giây giữa hai lần quét")
    sub.add_parser("rebuild", help="dựng lại kho từ kho lưu trữ tệp gốc (rebuild from the raw archive)")
    rollback = sub.add_parser("rollback", help="quay lại thế hệ kho trước (roll back)")
    rollback.add_argument("generation", nargs="?", type=int, default=None)
    boundaries = sub.add_parser("boundaries", help="nạp ranh giới chính thức (GeoJSON/shapefile/GeoPackage)")
    boundaries.add_argument("file", type=Path)
    sub.add_parser("train-classifier", help="học mô hình phân loại lĩnh vực, phân loại lại (train the field model)")
    audit = sub.add_parser(
        "audit", help="nhật ký truy cập: kiểm tra chuỗi băm và mốc kiểm tra (audit log: verify chain and checkpoint)"
    )
    audit.add_argument("action", choices=["verify"])
    forget = sub.add_parser("forget", help="xóa dữ liệu của một người (erase a person: warehouse, archive)")
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", help="số điện thoại của người yêu cầu xóa")
    who.add_argument("--id", dest="id_number", help="số CCCD/định danh của người yêu cầu xóa")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    from etl import warehouse

    try:
        return _run(args)
    except warehouse.WarehouseLocked as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    from etl import load, warehouse

    if args.command == "demo":
        from etl.demo import write_demo

        out = args.out or config.raw_dir()
        files = write_demo(out, size=args.size, seed=args.seed)
        print(f"Đã ghi {len(files)} tệp dữ liệu MÔ PHỎNG vào {out}", file=sys.stderr)
        return EXIT_OK
    if args.command == "load":
        if args.kind and args.kind not in __import__("etl.kinds").kinds.KINDS:
            print(f"Lỗi: không có loại '{args.kind}'", file=sys.stderr)
            return EXIT_USAGE
        if config.pii_key_is_local():
            print(
                "Lưu ý: FRONT_PII_KEY chưa đặt — dùng khóa cục bộ của chế độ demo ($FRONT_DATA_DIR/.pii_key).",
                file=sys.stderr,
            )
        result = load.load_paths(args.paths, kind=args.kind, progress=sys.stderr.isatty() or not args.json)
        _print_load(result, args.json)
        return EXIT_REFUSED if any(f["status"] == "refused" for f in result["files"]) else EXIT_OK
    if args.command == "status":
        info = warehouse.status()
        if args.json:
            print(json.dumps(info, ensure_ascii=False, default=str))
        else:
            print(f"Thế hệ: {info['generation']}  Kho: {info['warehouse']}")
            for table, rows in info["tables"].items():
                print(f"  {table:<22} {rows:>12,}")
        return EXIT_OK
    if args.command == "watch":
        from etl.watch import watch

        watch(args.dir or config.inbox_dir(), interval=args.interval)
        return EXIT_OK
    if args.command == "rebuild":
        result = load.rebuild(progress=sys.stderr.isatty())
        _print_load(result, as_json=False)
        return EXIT_OK
    if args.command == "rollback":
        number = warehouse.rollback(args.generation)
        print(f"Đã chuyển về thế hệ {number} (current generation is now {number})")
        return EXIT_OK
    if args.command == "boundaries":
        from etl.boundaries import load_boundaries

        summary = load_boundaries(args.file)
        print(json.dumps(summary, ensure_ascii=False))
        return EXIT_OK
    if args.command == "train-classifier":
        from etl.train import train_classifier

        print(json.dumps(train_classifier(progress=True), ensure_ascii=False))
        return EXIT_OK
    if args.command == "audit":
        from etl.audit import verify

        if not os.environ.get("FRONT_AUDIT_KEY"):
            print(
                "Lưu ý: FRONT_AUDIT_KEY chưa đặt — dùng khóa cục bộ của chế độ demo ($FRONT_DATA_DIR/.audit_key).",
                file=sys.stderr,
            )
        verdict = verify()
        places = [f"dòng {verdict.line} của {config.audit_file()}"] if verdict.line else []
        if verdict.checkpoint_line:
            places.append(f"dòng {verdict.checkpoint_line} của {config.audit_checkpoint()}")
        where = f" ({'; '.join(places)})" if places else ""
        print(
            f"{verdict.entries} mục hợp lệ; "
            + (
                f"chuỗi nguyên vẹn, khớp {verdict.checkpoints} mốc kiểm tra (chain intact, matches its checkpoint)"
                if verdict.ok
                else f"LỖI{where}: {verdict.problem}"
            )
        )
        return EXIT_OK if verdict.ok else EXIT_REFUSED
    if args.command == "forget":
        from etl.forget import forget

        print(json.dumps(forget(phone=args.phone, id_number=args.id_number).__dict__, ensure_ascii=False))
        return EXIT_OK
    return EXIT_USAGE


def _print_load(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"Thế hệ kho mới: {result['generation']}")
    for f in result["files"]:
        where = f["path"] + (f" [{f['sheet']}]" if f.get("sheet") else "")
        if f["status"] == "refused":
            print(f"  TỪ CHỐI {where}: {f['error']}")
            continue
        print(
            f"  {where} ({f['kind']}): đọc {f['rows_read']:,} · nạp {f['loaded']:,} · cập nhật {f['updated']:,} · "
            f"trùng {f['duplicates']:,} · cách ly {f['quarantined']:,} · bỏ qua {f['skipped']:,}"
        )
        for code, n in f["reasons"].items():
            print(f"      {code}: {n:,}")


if __name__ == "__main__":
    config.private_files()  # umask 077 before anything is written: archive, warehouse, audit, keys
    sys.exit(main())
