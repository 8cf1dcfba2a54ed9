"""`etl boundaries FILE`: official polygons replace the approximate ones in a new generation."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import archive, geo, warehouse


def apply_boundaries(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, list[str], str]:
    """Replace the boundaries of the level the file holds; returns (features used, warnings, level)."""
    provinces = con.sql("SELECT * FROM dim_province").pl()
    rows, warnings = geo.read_boundaries(path, provinces)
    level = rows.get_column("level").unique().to_list()
    for name in level:
        warehouse.replace_rows(con, "boundary", rows.filter(rows["level"] == name), where=f"level = '{name}'")
    return rows.height, warnings, ",".join(level)


def load_boundaries(path: Path) -> dict:
    """Archive the file, then write a new generation with its polygons. Returns a JSON-able summary."""
    if not path.is_file():
        raise ValueError(f"không tìm thấy tệp ranh giới (boundary file not found): {path}")
    with warehouse.write_lock():
        if path.suffix.lower() != ".zip":
            sha, _ = archive.archive_file(path, purpose="boundaries")
        else:
            sha = archive.sha256_file(path)
        with warehouse.new_generation() as (generation, con):
            count, warnings, level = apply_boundaries(con, path)
            warehouse.set_meta(con, boundaries_source=path.name)
    return {
        "generation": generation,
        "file": str(path),
        "sha256": sha,
        "level": level,
        "features": count,
        "warnings": warnings,
    }
