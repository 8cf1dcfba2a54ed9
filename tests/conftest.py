"""Shared fixtures: isolated data folder, the fixture warehouse, and clean Streamlit caches per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st

from tests.fixtures.warehouse import FixtureWarehouse, build_warehouse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Every test starts with an empty data folder of its own and a test PII key: the real data/ is never used.
    Page tests run the app in demo mode (FRONT_DEMO=1, as `make run`; the fixture warehouses are synthetic);
    a test of the other modes removes it. app.py sets umask 077 in this process: restored after each test."""
    monkeypatch.setenv("FRONT_DATA_DIR", str(tmp_path / "empty-data"))
    monkeypatch.setenv("FRONT_PII_KEY", "test-pii-key")
    monkeypatch.setenv("FRONT_DEMO", "1")
    for name in ("FRONT_ROLES_FILE", "FRONT_AUDIT_KEY", "FRONT_AUDIT_CHECKPOINT"):
        monkeypatch.delenv(name, raising=False)
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Streamlit caches outlive an AppTest run; a test must never pass thanks to a previous test's cache."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> FixtureWarehouse:
    """The fixture warehouse (built once per session, read-only afterwards)."""
    return build_warehouse(tmp_path_factory.mktemp("front-data"))


@pytest.fixture
def warehouse(fixture_warehouse: FixtureWarehouse, monkeypatch: pytest.MonkeyPatch) -> FixtureWarehouse:
    """The fixture warehouse as the current data folder (FRONT_DATA_DIR points at it)."""
    monkeypatch.setenv("FRONT_DATA_DIR", str(fixture_warehouse.data_dir))
    return fixture_warehouse
