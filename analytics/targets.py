"""The Front's targets, from ONE configurable file: data/reference/targets.toml (pages state what they use)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import config

TARGETS_FILE = config.REFERENCE_DIR / "targets.toml"


def load_targets(path: Path | None = None) -> dict[str, Any]:
    """The targets as a dict (see the comments in targets.toml for each value's meaning and source)."""
    with open(path or TARGETS_FILE, "rb") as fh:
        return tomllib.load(fh)
