"""The hexagon layer and the outstanding concerns of the Digital Map, recomputed from the fixture rows."""

from __future__ import annotations

from datetime import date, datetime

import h3
import polars as pl

from analytics import concerns, db, hexbins
from analytics.filters import Filters
from analytics.scope import Scope

PERIOD = Filters(date(2025, 10, 1), date(2026, 3, 31))


def _in_period(frame: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    return frame.filter(
        (pl.col("received_at") >= datetime.combine(filters.date_from, datetime.min.time()))
        & (pl.col("received_at") < datetime.combine(filters.date_to, datetime.max.time()))
    )


def test_to_cells_sums_points_per_hexagon():
    points = pl.DataFrame({"lat": [21.0285, 21.0286, 10.77], "lon": [105.8542, 105.8543, 106.70], "n": [3, 4, 5]})
    cells = hexbins.to_cells(points, 7)
    assert dict(cells.iter_rows()) == {
        h3.latlng_to_cell(21.0285, 105.8542, 7): 7,
        h3.latlng_to_cell(10.77, 106.70, 7): 5,
    }


def test_density_counts_every_located_opinion_once(warehouse):
    con = db.open_warehouse(warehouse.path)
    try:
        country = hexbins.density(con, Scope.all(), PERIOD)
        province = hexbins.density(con, Scope.all(), Filters(PERIOD.date_from, PERIOD.date_to, province_code="79"))
    finally:
        con.close()
    rows = _in_period(warehouse.feedback, PERIOD)
    placed = rows.filter(pl.col("commune_code").is_not_null()).height  # the fixture has no own coordinates
    assert country.resolution == hexbins.COUNTRY_RESOLUTION and province.resolution == hexbins.PROVINCE_RESOLUTION
    assert int(country.cells["count"].sum()) == placed == country.commune_centroid
    assert country.own_location == 0 and country.not_placed == rows.height - placed
    assert all(h3.get_resolution(h) == hexbins.COUNTRY_RESOLUTION for h in country.cells["hex"])
    assert (
        int(province.cells["count"].sum())
        == rows.filter((pl.col("province_code") == "79") & pl.col("commune_code").is_not_null()).height
    )


def test_field_changes_compare_with_the_previous_period(warehouse):
    con = db.open_warehouse(warehouse.path)
    try:
        changes = concerns.field_changes(con, Scope.all(), PERIOD, limit=3)
        examples = concerns.example_opinions(con, Scope("01"), PERIOD, limit=4)
    finally:
        con.close()
    now = _in_period(warehouse.feedback, PERIOD).group_by("field").len()
    before = _in_period(warehouse.feedback, PERIOD.previous_period()).group_by("field").len()
    top = changes.row(0, named=True)
    assert top["opinions"] == now["len"].max()
    previous = before.filter(pl.col("field").eq_missing(top["field_code"]))["len"][0]
    assert top["previous"] == previous
    assert abs(top["change_pct"] - 100 * (top["opinions"] - previous) / previous) < 1e-9
    assert examples.height == 4 and examples["received_at"].is_sorted(descending=True)


def test_mask_text_hides_numbers_and_emails():
    masked = concerns.mask_text("Gọi 0912 345 678 hoặc a.b@example.vn, CCCD 001234567890, nhà số 12")
    assert "0912" not in masked and "example" not in masked and "001234567890" not in masked
    assert "nhà số 12" in masked
