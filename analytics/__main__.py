"""`python -m analytics <report> [--province CODE] [--from DATE] [--to DATE] [--field F] [--role R] [--format csv|json]`.
`python -m analytics brief --province CODE|all [--from DATE --to DATE] --out FILE.pptx|FILE.pdf` (a file).

The same numbers the pages show, for scripts and schedules (DESIGN §4.1). Exit codes: 0 ok, 2 usage error,
4 no warehouse yet.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import date

import config
from analytics.db import open_warehouse
from analytics.filters import Filters
from analytics.reports import REPORTS
from analytics.scope import Scope
from etl import export

ROLES = ("leader", "analyst", "data_officer", "presenter", "public")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Mặt Trận Số Analytics — báo cáo")
    parser.add_argument("report", choices=sorted(REPORTS))
    parser.add_argument("--province", default=None, help="mã tỉnh 2025 (2 chữ số)")
    parser.add_argument("--commune", default=None, help="mã xã 2025 (5 chữ số)")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None)
    parser.add_argument("--field", action="append", default=[], help="lĩnh vực (có thể lặp lại)")
    parser.add_argument("--channel", action="append", default=[], help="kênh (có thể lặp lại)")
    parser.add_argument("--role", choices=ROLES, default="analyst")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["brief"]:  # writes a file (PPTX/PDF) under the presenter's rules: ui/brief_render.py
        from ui.brief_render import main as brief_main

        return brief_main(argv[1:])
    try:
        args, extra = _parser().parse_known_args(argv)
        filters = Filters(
            args.date_from, args.date_to, args.province, args.commune, tuple(args.field), tuple(args.channel)
        )
    except SystemExit as exc:
        return 0 if not exc.code else 2
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    path = config.current_warehouse()
    if path is None:
        print("Lỗi: chưa có kho dữ liệu — hãy chạy `python -m etl load ...` (no warehouse yet)", file=sys.stderr)
        return 4
    module_name, function_name = REPORTS[args.report].split(":")
    run = getattr(importlib.import_module(module_name), function_name)
    con = open_warehouse(path)
    try:
        frame = run(con, Scope.all(), filters, args.role, extra)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    _audit_export(args, frame.height)
    if args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        sys.stdout.write(export.csv_text(frame))
    return 0


def _audit_export(args: argparse.Namespace, rows: int) -> None:
    """Every report is an export: it goes into the audit log (who ran it, which role's rules, which filters)."""
    import getpass

    from etl import audit

    filters = {"province": args.province, "commune": args.commune, "from": str(args.date_from or ""),
               "to": str(args.date_to or ""), "fields": args.field, "channels": args.channel}  # fmt: skip
    try:
        audit.append("export", identity=getpass.getuser(), role=args.role, export=f"analytics {args.report}",
                     filters=filters, rows=rows, mode="cli")  # fmt: skip
    except OSError as exc:
        print(f"Cảnh báo: không ghi được nhật ký truy cập ({exc})", file=sys.stderr)


if __name__ == "__main__":
    config.private_files()  # umask 077: whatever this writes (the audit log) is owner-only
    sys.exit(main())
