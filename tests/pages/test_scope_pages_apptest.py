"""The Front's pages for a commune viewer (a role-file scope such as `79/25747`): each runs without an
exception on the scope fixture warehouse, whose communes have their own models, activities and membership
rows, and the monitoring page shows the commune's own committee as the only unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.access import Viewer
from analytics.scope import Scope
from tests.fixtures.scope import scope_warehouse_once

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["models.py", "membership.py", "monitoring.py", "outcomes.py", "milestones.py", "data_health.py"]


@pytest.fixture
def commune_viewer(tmp_path_factory, monkeypatch):
    """The scope warehouse as the data folder and the demo's viewer replaced by an analyst of one commune."""
    from ui import auth

    wh = scope_warehouse_once(tmp_path_factory)
    monkeypatch.setenv("FRONT_DATA_DIR", str(wh.data_dir))
    viewer = Viewer(None, "data_officer", Scope("79", wh.a79), "demo")
    monkeypatch.setattr(auth, "_demo_viewer", lambda: viewer)
    return viewer


@pytest.mark.parametrize("name", PAGES)
def test_a_commune_viewer_opens_the_page(name, commune_viewer):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(f"app_pages/{name}").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title
