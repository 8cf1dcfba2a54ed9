"""The Overview's numbers under a role's small-count rule (DESIGN §5), for the pages and the CLI alike.

Pure functions of the analytics results: counts below the role's threshold become None with a `suppressed`
flag, rates and shares built on them become None too, and tables whose total is shown (fields, areas) get
complementary suppression. Exact roles (analyst, data officer) get the numbers unchanged (flags false).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics import suppress
from analytics.overview import Kpis


@dataclass(frozen=True)
class ShownKpis(Kpis):
    """Kpis whose counts may be None (hidden by the role's rule); shares of hidden counts are None."""

    @property
    def change_pct(self) -> float | None:
        if self.opinions is None or self.previous_opinions is None:
            return None
        return super().change_pct

    @property
    def on_time_share(self) -> float | None:
        if self.on_time is None or not self.due:
            return None
        return super().on_time_share


def kpis(found: Kpis, role: str, medium: suppress.Medium) -> ShownKpis:
    """The headline numbers with every count under the role's rule."""
    return ShownKpis(
        **{
            **found.__dict__,
            "opinions": suppress.value(found.opinions, role, medium),
            "previous_opinions": suppress.value(found.previous_opinions, role, medium),
            "due": suppress.value(found.due, role, medium),
            "on_time": suppress.value(found.on_time, role, medium) if found.due else found.on_time,
        }
    )


def top_fields(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """overview.top_fields with hidden counts and shares; complementary suppression (the total is shown)."""
    return suppress.protect(frame, role, medium, count="opinions", dependent=["share"], groups=())


def rate_by_area(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """overview.rate_by_area with hidden counts and rates; complementary suppression (the areas add up to the
    total shown beside them)."""
    return suppress.protect(frame, role, medium, count="opinions", dependent=["rate_per_100k"], groups=())


def monthly_trend(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """overview.monthly_trend with hidden small months (no total is shown for the window)."""
    return suppress.protect(frame, role, medium, count="opinions")
