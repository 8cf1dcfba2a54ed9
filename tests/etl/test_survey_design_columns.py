"""The survey's optional design columns reach the warehouse: `stratum_population` (Vietnamese `dan_so_tang`)
is loaded as a number, and a warehouse from before the column existed gains it at the next load."""

from __future__ import annotations

import json

import duckdb
import pytest

import config
from etl import warehouse
from etl.__main__ import main


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("FRONT_DATA_DIR", str(folder))
    monkeypatch.delenv("FRONT_PII_KEY", raising=False)
    return folder


def _load(path, capsys) -> dict:
    assert main(["load", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["files"][0]


def test_stratum_population_is_loaded_in_either_language(data_dir, tmp_path, capsys):
    english = tmp_path / "survey.csv"
    english.write_text(
        "response_id,wave,province_code,weight,stratum,psu,stratum_population,q_trust_front\n"
        "S1,2026Q3,79,1200,79-U,26734,51,4\nS2,2026Q3,79,1200,79-U,26737,51,3\n",
        encoding="utf-8",
    )
    vietnamese = tmp_path / "khao_sat.csv"
    vietnamese.write_text(
        "ma_phieu,dot_khao_sat,ma_tinh,trong_so,tang,don_vi_mau,dan_so_tang,q_trust_front\n"
        "S3,2026Q3,01,900,01-R,00097,0.5,4\n",  # below 1: not a population size
        encoding="utf-8",
    )
    assert _load(english, capsys)["loaded"] == 2
    refused = _load(vietnamese, capsys)
    assert refused["loaded"] == 0 and refused["quarantined"] == 1
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    stored = con.sql("SELECT response_id, stratum_population FROM survey_response ORDER BY 1").fetchall()
    assert stored == [("S1", 51.0), ("S2", 51.0)]


def test_an_older_warehouse_gains_the_stratum_population_column(data_dir, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_text("response_id,wave,province_code,q_trust_front\nS1,2026Q3,79,4\n", encoding="utf-8")
    _load(path, capsys)
    with warehouse.write_lock(), warehouse.new_generation() as (_, con):  # as a version before 2026-12 left it
        con.execute("ALTER TABLE survey_response DROP COLUMN stratum_population")
    again = tmp_path / "again.csv"
    again.write_text("response_id,wave,province_code,stratum_population\nS2,2026Q3,79,40\n", encoding="utf-8")
    assert _load(again, capsys)["loaded"] == 1
    con = duckdb.connect(str(config.current_warehouse()), read_only=True)
    stored = con.sql("SELECT response_id, stratum_population FROM survey_response ORDER BY 1").fetchall()
    assert stored == [("S1", None), ("S2", 40.0)]
