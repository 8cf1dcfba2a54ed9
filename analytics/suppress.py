"""Small-count rules per role (DESIGN §5), as pure helpers shared by pages and commands.

| role                 | on screen                 | exports, briefing packs |
|----------------------|---------------------------|-------------------------|
| analyst, data_officer| exact                     | exact (logged)          |
| leader               | counts < 5 shown as "<5"  | counts < 10 suppressed  |
| presenter, public    | counts < 10 suppressed    | counts < 10 suppressed  |

A suppressed cell is empty (null) with `suppressed` = true; rates and indices built on it are nulled too.
Unknown roles get the strictest rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

Medium = Literal["screen", "export"]
ROLES = ("leader", "analyst", "data_officer", "presenter", "public")
EXACT_ROLES = frozenset({"analyst", "data_officer"})
STRICT_THRESHOLD = 10
_THRESHOLDS: dict[tuple[str, str], int] = {
    ("leader", "screen"): 5,
    ("leader", "export"): 10,
    ("presenter", "screen"): 10,
    ("presenter", "export"): 10,
    ("public", "screen"): 10,
    ("public", "export"): 10,
}


def threshold(role: str, medium: Medium) -> int | None:
    """The smallest count `role` may see exactly on `medium`; None when every count is shown."""
    if role in EXACT_ROLES:
        return None
    if medium not in ("screen", "export"):
        raise ValueError(f"unknown medium {medium!r}")
    return _THRESHOLDS.get((role, medium), STRICT_THRESHOLD)


def suppress(
    frame: pl.DataFrame,
    role: str,
    medium: Medium,
    *,
    count: str = "count",
    dependent: Sequence[str] = (),
) -> pl.DataFrame:
    """Null `count` and the `dependent` columns (rates, indices) of rows whose count is below the role's
    threshold (zero counts included: "0" is a small count too) and add a boolean `suppressed` column."""
    limit = threshold(role, medium)
    hidden = pl.lit(False) if limit is None else pl.col(count).fill_null(0) < limit
    flagged = frame.with_columns(hidden.alias("suppressed"))
    return flagged.with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in (count, *dependent)
    )


def small_count_label(role: str, medium: Medium) -> str | None:
    """What a suppressed cell shows on screen ("<5", "<10"); None when nothing is suppressed."""
    limit = threshold(role, medium)
    return None if limit is None else f"<{limit}"


def complementary(
    frame: pl.DataFrame,
    *,
    count: str = "count",
    dependent: Sequence[str] = (),
    groups: Sequence[str] = (),
) -> pl.DataFrame:
    """Complementary suppression for a table whose total is shown (DESIGN §5).

    `frame` has been through `suppress` (it has a `suppressed` column). Within each group of rows adding up to
    a shown total (`groups` columns; none = the whole table) where exactly one cell is hidden, the smallest
    shown cell (first by position on ties) is hidden too, so the hidden one cannot be recomputed as the total
    minus the rest. Adds a boolean `complementary` column for the cells hidden for this reason (their
    `suppressed` is true as well; on screen they read "ẩn", not "<5"). Show the total itself through `value`.
    """
    if "suppressed" not in frame.columns:
        raise ValueError("run suppress() first: the frame has no `suppressed` column")
    hidden = frame["suppressed"].to_list()
    values = frame[count].fill_null(0).to_list()
    keys = list(zip(*(frame[g].to_list() for g in groups), strict=True)) if groups else [()] * frame.height
    members: dict[tuple, list[int]] = {}
    for row, key in enumerate(keys):
        members.setdefault(key, []).append(row)
    extra = [False] * frame.height
    for rows in members.values():
        shown = [r for r in rows if not hidden[r]]
        if len(rows) - len(shown) == 1 and shown:
            extra[min(shown, key=lambda r: (values[r], r))] = True
    flagged = frame.with_columns(pl.Series("complementary", extra, dtype=pl.Boolean))
    return flagged.with_columns(
        (pl.col("suppressed") | pl.col("complementary")).alias("suppressed"),
        *(pl.when(pl.col("complementary")).then(None).otherwise(pl.col(c)).alias(c) for c in (count, *dependent)),
    )


def protect(
    frame: pl.DataFrame,
    role: str,
    medium: Medium,
    *,
    count: str = "count",
    dependent: Sequence[str] = (),
    groups: Sequence[str] | None = None,
) -> pl.DataFrame:
    """`suppress`, then — when the table's total is shown (`groups` given, `()` = one total for the whole
    table) — `complementary`. Roles that see exact numbers get the frame back with false flags."""
    out = suppress(frame, role, medium, count=count, dependent=dependent)
    if groups is None:
        return out
    if threshold(role, medium) is None:
        return out.with_columns(pl.lit(False).alias("complementary"))
    return complementary(out, count=count, dependent=dependent, groups=groups)


def value(n: int | None, role: str, medium: Medium) -> int | None:
    """One count (a total, a KPI) under the role's rule: None when hidden."""
    limit = threshold(role, medium)
    if n is None or (limit is not None and n < limit):
        return None
    return n


def share(numerator: int | None, denominator: int | None, role: str, medium: Medium) -> float | None:
    """numerator / denominator, or None when either count is hidden by the role's rule (or nothing is due)."""
    top, bottom = value(numerator, role, medium), value(denominator, role, medium)
    if top is None or not bottom:
        return None
    return top / bottom
