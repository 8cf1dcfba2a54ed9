"""Map builders: the choropleth names its denominator and period, hot spots are outlined by class with only
their own polygons, hidden areas are grey and say "<5", clicks map to codes, the national commune map stays
under 3 MB, the emerging list prints q < 0.0001 as such (never "0"), and the hexagon view is an offline pydeck
Deck."""

from __future__ import annotations

import json

import polars as pl
import pydeck

from analytics import hotspots
from tests.fixtures.digital_map import areas, cluster_codes, lattice
from ui import map_charts


def _table(role: str = "analyst") -> tuple[pl.DataFrame, pl.DataFrame]:
    grid = lattice(12, 12)
    planted = cluster_codes(grid, [(5, 5)])
    table = hotspots.hotspot_table(areas(grid, 3, planted), grid.boundaries).rename({"opinions": "count"})
    table = table.with_columns(
        (pl.col("count") * 100_000 / pl.col("population")).alias("rate_per_100k"),
        pl.lit(False).alias("population_estimated"),
        pl.when(pl.col("code") == grid.code(0, 0)).then(3).otherwise(pl.col("count")).alias("count"),
        pl.lit(True).alias("perturbed"),  # (as hotspots(..., perturbed=True) marks it: this tests the drawing only)
    )
    return hotspots.apply_role(table, role, "screen"), grid.boundaries


def test_hot_spots_are_outlined_by_class_with_their_own_polygons():
    table, shapes = _table()
    fig = map_charts.hotspot_map(table, shapes, title="Tỷ lệ trên 100.000 dân, 01/01/2026–31/03/2026", lang="vi")
    base, *layers = fig.data
    assert list(base.locations) == table["code"].to_list()
    assert "ranh giới gần đúng" in fig.layout.title.text and "100.000 dân" in fig.layout.title.text
    assert fig.layout.map.style == "white-bg"
    hot = {layer.name: set(layer.locations) for layer in layers}
    colours = {layer.name: layer.marker.line.color for layer in layers}
    assert hot, "the planted cluster must be outlined"
    for hotspot, (colour, _) in map_charts.OUTLINES.items():
        members = set(table.filter(pl.col("hotspot") == hotspot)["code"])
        name = map_charts.class_label(hotspot, "vi")
        assert hot.get(name, set()) == members
        if members:
            assert colours[name] == colour
    for layer in layers:
        assert {f["id"] for f in layer.geojson["features"]} == set(layer.locations)
    assert "Dân số (mẫu số)" in base.hovertemplate and "Điểm nóng" in base.hovertemplate


def test_hidden_areas_are_grey_and_say_less_than_five():
    table, shapes = _table("leader")
    fig = map_charts.hotspot_map(table, shapes, title="t", lang="vi", small_label="<5")
    grey = [trace for trace in fig.data if trace.name == map_charts.class_label("suppressed", "vi")]
    assert len(grey) == 1 and "00000" in grey[0].locations
    row = list(grey[0].locations).index("00000")
    assert grey[0].customdata[row][0] == "<5"
    assert "00000" not in fig.data[0].locations


def test_emerging_markers_and_english_labels():
    table, shapes = _table()
    rising = pl.DataFrame(
        {"commune": ["Xã A"], "field_vi": ["Môi trường"], "field_en": ["Environment"], "lat": [10.55],
         "lon": [105.55], "recent": [12], "window_days": [7]}
    )  # fmt: skip
    fig = map_charts.hotspot_map(table, shapes, title="t", lang="en", emerging=rising)
    marker = fig.data[-1]
    assert marker.name == "Emerging issue" and "Environment" in marker.text[0]
    assert "Population (denominator)" in fig.data[0].hovertemplate


def test_emerging_table_prints_tiny_q_values_as_less_than_not_zero():
    rising = pl.DataFrame(
        {"commune": ["Xã A", "Xã B", "Xã C"], "province": "Tỉnh", "field_vi": "Môi trường", "field_en": "Environment",
         "window_days": 7, "recent": [40, 12, 9], "expected": 3.0, "ratio": [13.3, 4.0, 3.0],
         "q_value": [3e-9, 0.01234, 0.049], "weekly": [[1, 2]] * 3}
    )  # fmt: skip
    assert map_charts.emerging_table(rising, "vi")["q (FDR)"].to_list() == ["< 0,0001", "0,0123", "0,0490"]
    english = map_charts.emerging_table(rising, "en")
    assert english["q (FDR)"].to_list() == ["< 0.0001", "0.0123", "0.0490"]
    assert english.columns[-2:] == ["q (FDR)", "Last 12 weeks"]


def test_selected_code_reads_the_clicked_location():
    assert map_charts.selected_code({"points": [{"location": "79", "z": 3}]}) == "79"
    assert map_charts.selected_code({"points": [{"lat": 1}]}) is None
    assert map_charts.selected_code(None) is None


def test_national_commune_map_is_small_enough():
    from etl import geo

    communes = geo.commune_rows()
    shapes = geo.approximate_boundaries(communes).filter(pl.col("level") == "commune")
    table = (
        communes.select(
            pl.col("commune_code").alias("code"),
            pl.col("name_vi").alias("name"),
            pl.lit(25).alias("count"),
            pl.lit(20_000).alias("population"),
            pl.lit(True).alias("population_estimated"),
            pl.lit(125.0).alias("rate_per_100k"),
            pl.lit(125.0).alias("smoothed_rate"),
        )
        .with_row_index()
        .with_columns(
            pl.when(pl.col("index") % 20 == 0)
            .then(pl.lit("hot_95"))
            .otherwise(pl.lit("not_significant"))
            .alias("hotspot")
        )
    )
    fig = map_charts.hotspot_map(table, shapes, title="t", lang="vi")
    size = len(fig.to_json().encode())
    assert size <= 3_000_000, size


def test_hexagon_deck_is_offline_with_one_hexagon_per_cell():
    table, shapes = _table()
    cells = pl.DataFrame({"hex": ["87658c4a8ffffff", "87658c4abffffff"], "count": [10, 1]})
    deck = map_charts.hexagon_deck(cells, shapes, lang="vi")
    assert isinstance(deck, pydeck.Deck)
    spec = json.loads(deck.to_json())
    hexagons = next(layer for layer in spec["layers"] if layer["@@type"] == "H3HexagonLayer")
    assert [(d["hex"], d["label"]) for d in hexagons["data"]] == [
        ("87658c4a8ffffff", "10 ý kiến"),
        ("87658c4abffffff", "1 ý kiến"),
    ]
    assert hexagons["data"][0]["color"] != hexagons["data"][1]["color"]
    assert deck.map_provider is None
