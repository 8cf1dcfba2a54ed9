"""Small-count rules per role (DESIGN §5), as pure helpers shared by pages and commands.

| role                 | on screen                 | exports, briefing packs |
|----------------------|---------------------------|-------------------------|
| analyst, data_officer| exact                     | exact (logged)          |
| leader               | counts < 5 shown as "<5"  | counts < 10 suppressed  |
| presenter, public    | counts < 10 suppressed    | counts < 10 suppressed  |

A suppressed cell is empty (null) with `suppressed` = true; rates and indices built on it are nulled too.
Unknown roles get the strictest rule.

Differencing (two overlapping queries, a total minus its shown parts, sort order, a change % beside a hidden
count) is countered with the ABS cell-key method (docs/disclosure-control.md): every record has a permanent
record key (0–255, a keyed hash of its receipt time), a cell's key is the sum of its records' keys
mod 256, and for the roles with a threshold each count is shown as count + noise(count, cell key) from the
fixed perturbation table below, the threshold applying to the perturbed count. The same records always give
the same value; two overlapping cells differ by their own noise, not by the exact count between them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Literal

import polars as pl

import config

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


# Cell-key perturbation (ABS; Fraser & Wooton 2005, Thompson, Broadfoot & Elazar 2013) ---------------------

KEY_MODULUS = 256
NOISE_BOUND = 2  # |shown - true| never exceeds this for a perturbed count
KEY = "cell_key"  # the column (or `<count>_key`) an analytics query adds beside a count for protected roles
# The perturbation table (p-table): noise by cell key, one row for counts >= 2 and one for a count of 1 (0 stays
# 0). Each row holds its noise values in fixed proportions — symmetric, hence zero mean; variance 310/256 = 1.21
# (n >= 2) and 0.5 (n = 1); never below zero — laid out over the 256 keys in a fixed pseudo-random order
# (SHA-256 of the position), so cells whose keys differ by any fixed amount (a cell and the same cell with a
# few more records) get unrelated noise.
_WIDE = (-2,) * 26 + (-1,) * 51 + (0,) * 102 + (1,) * 51 + (2,) * 26
_ONE = (-1,) * 64 + (0,) * 128 + (1,) * 64
_ORDER = sorted(range(256), key=lambda i: hashlib.sha256(b"front p-table %d" % i).digest())
P_TABLE: dict[int, tuple[int, ...]] = {
    1: tuple(_ONE[_ORDER[k]] for k in range(256)),
    2: tuple(_WIDE[_ORDER[k]] for k in range(256)),  # every n >= 2
}


def noise(n: int, key: int) -> int:
    """The perturbation of a cell with `n` records and cell key `key` (0–255), from the p-table."""
    if n <= 0:
        return 0
    return P_TABLE[min(n, 2)][key % KEY_MODULUS]


def perturbed(n: int | None, key: int | None) -> int | None:
    """`n` + noise(n, key): what a protected role is shown before its threshold applies (None stays None)."""
    if n is None:
        return None
    if key is None:
        raise ValueError("a protected count needs its cell key: query it with cell_keys=True")
    return n + noise(int(n), int(key))


def key_salt() -> int:
    """The secret in every record key: 62 bits of an HMAC of the installation's PII key (record keys cannot be
    recomputed from the records alone; rotating the PII key re-draws all noise once)."""
    try:
        secret = config.pii_key(create=False)
    except RuntimeError:
        secret = b"front-cell-key"  # no key on this machine yet (nothing was loaded): a fixed salt
    return int.from_bytes(hmac.new(secret, b"cell-key", hashlib.sha256).digest()[:8], "big") >> 2


def record_key_sql(alias: str = "f") -> str:
    """SQL for a feedback record's permanent key, 0–255: a salted hash of the time it was received (needs the
    `cell_key_salt` parameter: key_params()). The receipt time never changes when the opinion is forwarded,
    answered or corrected, and hashing one timestamp costs a sixth of hashing the text ids (docs/benchmarks.md
    budget); opinions received in the same second share a key (docs/disclosure-control.md)."""
    return f"(hash({alias}.received_at, $cell_key_salt) & 255)::INTEGER"


def cell_key_sql(alias: str = "f", where: str | None = None) -> str:
    """SQL aggregate for the cell key of the rows grouped (optionally only those matching `where`): the sum of
    their record keys mod 256 (0 for no rows)."""
    rows = f" FILTER (WHERE {where})" if where else ""
    return f"(coalesce(sum({record_key_sql(alias)}){rows}, 0) % {KEY_MODULUS})::INTEGER"


def key_params() -> dict[str, int]:
    """The parameters record_key_sql / cell_key_sql need."""
    return {"cell_key_salt": key_salt()}


def identity_key(*parts: object) -> int:
    """A cell key for a fixed cell whose records the query does not see (e.g. a survey province-wave): a keyed
    hash of the cell's identity, 0–255. The same cell always gets the same key."""
    text = "\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")
    return hmac.new(key_salt().to_bytes(8, "big"), text, hashlib.sha256).digest()[0]


def perturb(frame: pl.DataFrame, role: str, medium: Medium, *, count: str = "count", key: str = KEY) -> pl.DataFrame:
    """`count` replaced by its perturbed value for roles with a threshold (the `key` column is required then);
    the key column is dropped for every role (with the table, noise could be subtracted)."""
    if threshold(role, medium) is None:
        return frame.drop(key, strict=False)
    if key not in frame.columns:
        raise ValueError(f"protected counts need their cell keys: column {key!r} is missing (cell_keys=True)")
    shown = [perturbed(n, k) for n, k in zip(frame[count].to_list(), frame[key].to_list(), strict=True)]
    return frame.with_columns(pl.Series(count, shown, dtype=frame.schema[count])).drop(key)


def suppress(
    frame: pl.DataFrame,
    role: str,
    medium: Medium,
    *,
    count: str = "count",
    dependent: Sequence[str] = (),
    key: str | None = None,
) -> pl.DataFrame:
    """Null `count` and the `dependent` columns (rates, indices) of rows whose count is below the role's
    threshold (zero counts included: "0" is a small count too) and add a boolean `suppressed` column.
    With `key` (a cell-key column), the count is perturbed first (`perturb`) and the threshold applies to the
    perturbed count; recompute rates built on it from the perturbed count."""
    if key is not None:
        frame = perturb(frame, role, medium, count=count, key=key)
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
    key: str | None = None,
) -> pl.DataFrame:
    """`suppress` (perturbing first with `key`), then — when the table's total is shown (`groups` given, `()`
    = one total for the whole table) — `complementary`. Roles that see exact numbers get the frame back with
    false flags."""
    out = suppress(frame, role, medium, count=count, dependent=dependent, key=key)
    if groups is None:
        return out
    if threshold(role, medium) is None:
        return out.with_columns(pl.lit(False).alias("complementary"))
    return complementary(out, count=count, dependent=dependent, groups=groups)


def value(n: int | None, role: str, medium: Medium, *, key: int | None = None, keyed: bool = False) -> int | None:
    """One count (a total, a KPI) under the role's rule: None when hidden. `keyed`: perturb it with its cell
    `key` first (roles with a threshold; the threshold applies to the perturbed count)."""
    limit = threshold(role, medium)
    if n is None or limit is None:
        return n
    if keyed:
        n = perturbed(n, key)
        assert n is not None
    return None if n < limit else n


def share(
    numerator: int | None,
    denominator: int | None,
    role: str,
    medium: Medium,
    *,
    keys: tuple[int | None, int | None] | None = None,
) -> float | None:
    """numerator / denominator, or None when either count is hidden by the role's rule (or nothing is due).
    With `keys` (their cell keys), both counts are perturbed first and the share is of the perturbed counts."""
    top_key, bottom_key = keys or (None, None)
    top = value(numerator, role, medium, key=top_key, keyed=keys is not None)
    bottom = value(denominator, role, medium, key=bottom_key, keyed=keys is not None)
    if top is None or not bottom:
        return None
    return min(top / bottom, 1.0) if keys is not None else top / bottom  # a part's noise may lift it over its whole
