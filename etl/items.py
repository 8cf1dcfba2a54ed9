"""The trust-survey item catalogue (`data/reference/trust_items.toml`): which `q_<code>` columns are known.

The catalogue is reference data shipped with the project and documented in docs/trust-index.md. This module
only reads it; the statistics that use it live in `analytics.trust`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import config

CATALOGUE_PATH = config.REFERENCE_DIR / "trust_items.toml"
ITEM_PREFIX = "q_"


@dataclass(frozen=True)
class Item:
    code: str  # the survey column, e.g. "q_trust_front"
    dimension: str
    low: float
    high: float
    direction: int  # +1: higher = more trust; -1: reverse-coded
    text_vi: str
    text_en: str


@dataclass(frozen=True)
class Dimension:
    code: str
    name_vi: str
    name_en: str
    expert_weight: float
    order: int


@dataclass(frozen=True)
class Break:
    wave: str
    kind: str  # "method" (from the catalogue) or "merger" (added by analytics.trust)
    note_vi: str
    note_en: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    min_respondents: int
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    breaks: tuple[Break, ...]

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]

    @property
    def dimension_codes(self) -> list[str]:
        return [d.code for d in self.dimensions]

    def expert_weights(self) -> dict[str, float]:
        """Expert weights per dimension, normalised to sum 1."""
        total = sum(d.expert_weight for d in self.dimensions)
        return {d.code: d.expert_weight / total for d in self.dimensions}


def parse_catalogue(raw: dict) -> Catalogue:
    """A catalogue from its parsed TOML; raises ValueError on an inconsistent catalogue."""
    dimensions = tuple(
        sorted(
            (
                Dimension(code, d["name_vi"], d["name_en"], float(d["expert_weight"]), int(d["order"]))
                for code, d in raw["dimensions"].items()
            ),
            key=lambda d: d.order,
        )
    )
    known = {d.code for d in dimensions}
    items = []
    for code, i in raw["items"].items():
        if not code.startswith(ITEM_PREFIX):
            raise ValueError(f"item {code!r} must start with {ITEM_PREFIX!r}")
        if i["dimension"] not in known:
            raise ValueError(f"item {code!r}: unknown dimension {i['dimension']!r}")
        if not float(i["min"]) < float(i["max"]) or int(i["direction"]) not in (1, -1):
            raise ValueError(f"item {code!r}: bad scale or direction")
        items.append(
            Item(
                code, i["dimension"], float(i["min"]), float(i["max"]), int(i["direction"]), i["text_vi"], i["text_en"]
            )
        )
    empty = known - {i.dimension for i in items}
    if empty:
        raise ValueError(f"dimensions without items: {sorted(empty)}")
    breaks = tuple(Break(b["wave"], b.get("kind", "method"), b["note_vi"], b["note_en"]) for b in raw.get("breaks", []))
    return Catalogue(str(raw["version"]), int(raw.get("min_respondents", 30)), dimensions, tuple(items), breaks)


@cache
def _load(path: Path) -> Catalogue:
    with open(path, "rb") as fh:
        return parse_catalogue(tomllib.load(fh))


def catalogue(path: Path | None = None) -> Catalogue:
    """The shipped item catalogue (or the one at `path`)."""
    return _load(Path(path or CATALOGUE_PATH))


def unknown_items(items: list[str], path: Path | None = None) -> list[str]:
    """The `q_` columns of a survey file that the catalogue does not know (sorted, each once).

    For the load summary: such columns are stored but ignored by the trust index.
    """
    known = set(catalogue(path).item_codes)
    return sorted({i for i in items if i.startswith(ITEM_PREFIX) and i not in known})
