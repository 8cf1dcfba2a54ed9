"""Digital Map speed: hot spots and emerging issues at 10M opinions, and the map's size in the browser.

Targets (Digital Map issue): commune-level statistics for one province ≤ 1 s; national province level ≤ 1 s;
the map's data sent to the browser ≤ 3 MB at commune level for the whole country. "Statistics" = the hot-spot
table (counts, populations, EB smoothing, weights, Gi*, FDR) plus the emerging-issues scan, uncached, best of 3
runs (the first pays the one-off import of esda/libpysal). `MAP_BENCH_ROWS` overrides the 10M rows.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from analytics import emerging, hotspots, overview
from analytics.filters import Filters
from analytics.scope import Scope
from bench.__main__ import build_overview_warehouse, timed, verdict
from ui import map_charts

ROWS = int(os.environ.get("MAP_BENCH_ROWS", 10_000_000))
PROVINCE = "79"


def run(root: Path) -> str:
    path = build_overview_warehouse(root, ROWS)
    con = duckdb.connect(str(path), read_only=True)
    scope = Scope.all()
    filters = Filters(date(2026, 8, 1), date(2026, 10, 31))
    province = Filters(filters.date_from, filters.date_to, province_code=PROVINCE)
    try:
        figures = {
            "province_hotspots": timed(lambda: hotspots.hotspots(con, scope, province, "commune", PROVINCE)),
            "province_emerging": timed(lambda: emerging.emerging(con, scope, province)),
            "national_hotspots": timed(lambda: hotspots.hotspots(con, scope, filters, "province")),
            "national_emerging": timed(lambda: emerging.emerging(con, scope, filters)),
            "national_communes": timed(lambda: hotspots.hotspots(con, scope, filters, "commune"), repeat=2),
        }
        table = hotspots.hotspots(con, scope, filters, "commune")
        shapes = hotspots._all_commune_boundaries(con, scope)
        found = emerging.emerging(con, scope, filters)
        figure = map_charts.hotspot_map(table, shapes, title="bench", lang="vi", emerging=found.rises)
        size_mb = len(figure.to_json().encode()) / 1e6 if figure is not None else float("nan")
        communes_in_province = overview.communes(con, scope, PROVINCE).height
    finally:
        con.close()
    province_total = figures["province_hotspots"] + figures["province_emerging"]
    national_total = figures["national_hotspots"] + figures["national_emerging"]
    lines = [
        "## Digital Map (Bản đồ số)",
        "",
        f"{ROWS:,} opinions over 24 months (warehouse generated in SQL, approximate boundaries, commune populations",
        "estimated); period 01/08/2026–31/10/2026; best of 3 uncached runs (the first pays the one-off esda import).",
        "",
        "| figure | value | target | |",
        "|---|---|---|---|",
        f"| Commune-level statistics, one province ({PROVINCE}, {communes_in_province} communes): hot spots + emerging "
        f"| {province_total:.2f} s ({figures['province_hotspots']:.2f} + {figures['province_emerging']:.2f}) "
        f"| ≤ 1 s | {verdict(province_total <= 1)} |",
        f"| National, province level: hot spots + emerging | {national_total:.2f} s "
        f"({figures['national_hotspots']:.2f} + {figures['national_emerging']:.2f}) | ≤ 1 s | {verdict(national_total <= 1)} |",
        f"| National, commune level: hot spots (3,321 communes) | {figures['national_communes']:.2f} s | | |",
        f"| Map data sent to the browser, commune level, whole country (plotly JSON) | {size_mb:.2f} MB | ≤ 3 MB "
        f"| {verdict(size_mb <= 3)} |",
        "",
    ]
    return "\n".join(lines)
