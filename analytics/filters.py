"""The user's selection in the filter bar, and the SQL it turns into.

Filters narrow what a person looks at; the `Scope` (what they may see) is applied separately and always.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Period (both ends inclusive), place, fields and channels; empty tuples mean "all"."""

    date_from: date | None = None
    date_to: date | None = None
    province_code: str | None = None
    commune_code: str | None = None
    fields: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "channels", tuple(self.channels))

    def with_period(self, date_from: date | None, date_to: date | None) -> Filters:
        return replace(self, date_from=date_from, date_to=date_to)

    def previous_period(self) -> Filters:
        """The same filters over the period of equal length just before this one."""
        if self.date_from is None or self.date_to is None:
            raise ValueError("a previous period needs both ends of the period")
        days = (self.date_to - self.date_from).days + 1
        return self.with_period(self.date_from - timedelta(days=days), self.date_from - timedelta(days=1))


def filter_predicate(
    filters: Filters, alias: str, *, dates: bool = True, place: bool = True, commune: bool = True
) -> tuple[str, dict[str, Any]]:
    """SQL condition and parameters for feedback-like table `alias` (columns received_at, province_code,
    commune_code, field, channel). `dates`/`place`/`commune` switch parts off for comparisons."""
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if dates and filters.date_from is not None:
        clauses.append(f"{alias}.received_at >= $f_from")
        params["f_from"] = filters.date_from
    if dates and filters.date_to is not None:
        clauses.append(f"{alias}.received_at < $f_to_excl")
        params["f_to_excl"] = filters.date_to + timedelta(days=1)
    if place and filters.province_code is not None:
        clauses.append(f"{alias}.province_code = $f_province")
        params["f_province"] = filters.province_code
    if place and commune and filters.commune_code is not None:
        clauses.append(f"{alias}.commune_code = $f_commune")
        params["f_commune"] = filters.commune_code
    if filters.fields:
        clauses.append(f"{alias}.field IN (SELECT unnest($f_fields::VARCHAR[]))")
        params["f_fields"] = list(filters.fields)
    if filters.channels:
        clauses.append(f"{alias}.channel IN (SELECT unnest($f_channels::VARCHAR[]))")
        params["f_channels"] = list(filters.channels)
    return (" AND ".join(clauses) or "TRUE"), params
