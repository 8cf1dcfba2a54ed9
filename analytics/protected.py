"""The pages' numbers under a role's small-count rule (DESIGN §5), for the pages and the CLI alike: the
Overview, Xử lý & phản hồi, Tháng lắng nghe, Chỉ số niềm tin and the Front's Kết quả and Giám sát pages
(which of the Front's numbers are protected, and why the others are not, is written above `OUTCOME_COUNTS`).

Pure functions of the analytics results: counts below the role's threshold become None with a `suppressed`
flag, rates, medians and indices built on them become None too, and tables whose total is shown (fields,
areas, agencies, days) get complementary suppression. Exact roles (analyst, data officer) get the numbers
unchanged (flags false). Pages pass medium "screen"; commands (`python -m analytics <report> --role R`) and
briefing packs pass "export".

The Overview's numbers (KPIs, trend, top fields, ranking), the Handling page's (summary, league tables), the
Listening Month's (days, baselines, levels, provinces, totals), the map's field changes and hexagons and the
trust index's respondent counts are also perturbed with the ABS cell-key method (analytics.suppress,
docs/disclosure-control.md) for the roles with a threshold, so that differencing two of them gives noise, not
a hidden count: their analytics queries are run with `cell_keys=True` for those roles (hot spots and emerging
rises: analytics.hotspots / analytics.emerging `apply_role`). Kết quả's counts are monthly aggregates without
records: their cell keys are keyed hashes of the cells' identities (analytics.outcomes.cell_key). Giám sát's
dialogue counts: suppression only. Rates and shares of shown cells are recomputed from the perturbed
counts; hidden cells sort last, by code, and carry no rate, share or change.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import polars as pl

from analytics import campaign, handling, hexbins, outcomes, suppress, trust
from analytics.filters import Filters
from analytics.overview import Kpis
from analytics.scope import Scope


@dataclass(frozen=True)
class ShownKpis(Kpis):
    """Kpis whose counts may be None (hidden by the role's rule); shares of hidden counts are None. For the
    roles with a threshold the counts are perturbed (cell-key method) and the change and share are of the
    perturbed counts; the cell keys are not kept."""

    @property
    def change_pct(self) -> float | None:
        if self.opinions is None or self.previous_opinions is None:
            return None
        return super().change_pct

    @property
    def on_time_share(self) -> float | None:
        if self.on_time is None or not self.due:
            return None
        return min(super().on_time_share or 0.0, 1.0)  # perturbed on-time may exceed perturbed due by noise


def needs_keys(role: str, medium: suppress.Medium) -> bool:
    """Whether the role's numbers are perturbed: run the analytics query with `cell_keys=True` then."""
    return suppress.threshold(role, medium) is not None


def kpis(found: Kpis, role: str, medium: suppress.Medium) -> ShownKpis:
    """The headline numbers with every count under the role's rule (perturbed, then thresholded, for the
    roles with a threshold: `found` must come from overview.kpis(..., cell_keys=True))."""
    keyed = needs_keys(role, medium)
    value = lambda n, key: suppress.value(n, role, medium, key=key, keyed=keyed)  # noqa: E731
    return ShownKpis(
        **{
            **found.__dict__,
            "opinions": value(found.opinions, found.opinions_key),
            "previous_opinions": value(found.previous_opinions, found.previous_key),
            "due": value(found.due, found.due_key),
            "on_time": value(found.on_time, found.on_time_key) if found.due else found.on_time,
            "opinions_key": None,
            "previous_key": None,
            "due_key": None,
            "on_time_key": None,
        }
    )


def _hidden_last(frame: pl.DataFrame, by: Sequence[str], descending: Sequence[bool]) -> pl.DataFrame:
    """Shown rows first in `by` order, hidden rows after them (in the `by` columns' tie-break order only, which
    callers choose not to depend on an exact count)."""
    return frame.sort(["suppressed", *by], descending=[False, *descending], nulls_last=True, maintain_order=True)


def top_fields(frame: pl.DataFrame, role: str, medium: suppress.Medium, *, limit: int = 10) -> pl.DataFrame:
    """overview.top_fields with hidden counts and shares; complementary suppression (the total is shown). For
    roles with a threshold (`frame` from top_fields(..., cell_keys=True): every field): counts perturbed, shares
    of the perturbed total, sorted by the perturbed count (ties and hidden fields by field code), and the first
    `limit` of that order kept (the query's own limit would choose them on the exact counts)."""
    if not needs_keys(role, medium):
        out = suppress.protect(frame, role, medium, count="opinions", dependent=["share"], groups=())
        return out.drop("cell_key", "total", "total_key", strict=False)
    if "total_key" not in frame.columns:
        raise ValueError("protected top fields need their cell keys: overview.top_fields(..., cell_keys=True)")
    total = suppress.perturbed(int(frame["total"][0]), int(frame["total_key"][0])) if frame.height else 0
    out = suppress.protect(frame.drop("total", "total_key"), role, medium, count="opinions", groups=(),
                           key="cell_key")  # fmt: skip
    out = out.with_columns(
        (pl.col("opinions") / total if total else pl.lit(None, pl.Float64)).alias("share")
    ).with_columns(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("share")).alias("share"))
    return _hidden_last(out, ["opinions", "field_code"], [True, False]).head(limit)


def rate_by_area(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """overview.rate_by_area with hidden counts and rates; complementary suppression (the areas add up to the
    total shown beside them). For roles with a threshold (`frame` from rate_by_area(..., cell_keys=True)):
    counts perturbed, rates of the perturbed counts, ranked on those; hidden areas sort last, by code, with no
    rate (a rank among them, or a rate beside the population shown, would give their counts back)."""
    if not needs_keys(role, medium):
        out = suppress.protect(frame, role, medium, count="opinions", dependent=["rate_per_100k"], groups=())
        return out.drop("cell_key", strict=False)
    out = suppress.protect(frame, role, medium, count="opinions", dependent=["rate_per_100k"], groups=(),
                           key="cell_key")  # fmt: skip
    rate = pl.when(pl.col("population") > 0).then(pl.col("opinions") * 100_000 / pl.col("population"))
    out = out.with_columns(pl.when(pl.col("suppressed")).then(None).otherwise(rate).alias("rate_per_100k"))
    return _hidden_last(out, ["rate_per_100k", "opinions", "code"], [True, True, False])


def monthly_trend(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """overview.monthly_trend with hidden small months; for roles with a threshold every month is perturbed
    (`frame` from monthly_trend(..., cell_keys=True)), so the KPI total minus the shown months is noisy."""
    key = "cell_key" if needs_keys(role, medium) else None
    return suppress.protect(frame, role, medium, count="opinions", key=key).drop("cell_key", strict=False)


def field_changes(changes: pl.DataFrame, role: str, medium: suppress.Medium, *, limit: int = 5) -> pl.DataFrame:
    """concerns.field_changes under the role's rule, with a `suppressed` column (the briefing's concerns and the
    map's concerns chart). For roles with a threshold (`changes` from field_changes(..., cell_keys=True)) both
    periods' counts are perturbed (a field's count in the previous period is the cell the previous period's
    view shows, with the same value), the share is of the perturbed total, the change % is of the perturbed
    counts, and a field hidden in either period has no change % at all; shown fields are ordered by their
    perturbed count, hidden ones after them, and the first `limit` kept (`changes` holds every field then)."""
    keyed, top = needs_keys(role, medium), limit
    if keyed:
        if "total_key" not in changes.columns:
            raise ValueError("protected field changes need their cell keys: field_changes(..., cell_keys=True)")
        total = suppress.perturbed(int(changes["total"][0]), int(changes["total_key"][0])) if changes.height else 0
        changes = suppress.perturb(changes, role, medium, count="opinions", key="cell_key")
        changes = suppress.perturb(changes, role, medium, count="previous", key="previous_key")
        changes = changes.drop("total", "total_key").with_columns(
            (pl.col("opinions") / total if total else pl.lit(None, pl.Float64)).alias("share")
        )
    limit = suppress.threshold(role, medium) or 0
    change = 100.0 * (pl.col("opinions") - pl.col("previous")) / pl.col("previous")
    changes = changes.with_columns(
        (pl.col("opinions") < limit).alias("suppressed"),
        pl.when((pl.col("previous") < limit) | (pl.col("opinions") < limit) | (pl.col("previous") == 0))
        .then(None)
        .otherwise(change)
        .alias("change_pct"),
    ).with_columns(
        *(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in ("opinions", "share")),
        pl.when(pl.col("previous") < limit).then(None).otherwise(pl.col("previous")).alias("previous"),
    )
    if keyed:  # shown fields by their perturbed count, hidden ones after them
        changes = changes.sort(["suppressed", "opinions", "field_code"], descending=[False, True, False],
                               nulls_last=True).head(top)  # fmt: skip
    return changes


def density(found: hexbins.Density, role: str, medium: suppress.Medium) -> hexbins.Density:
    """hexbins.density under the role's rule: for the roles with a threshold (`found` from density(...,
    cell_keys=True)) every hexagon's count and the three counts by origin of the position are perturbed, and
    hexagons whose perturbed count is below the threshold are left off the map (a drawn hexagon without its
    count would still say a few opinions came from there); hidden origin counts are None."""
    if not needs_keys(role, medium):
        return replace(found, cells=found.cells.drop("cell_key", strict=False), keys=None)
    if found.keys is None or "cell_key" not in found.cells.columns:
        raise ValueError("protected hexagons need their cell keys: hexbins.density(..., cell_keys=True)")
    cells = suppress.suppress(found.cells, role, medium, count="count", key="cell_key")
    cells = cells.filter(~pl.col("suppressed")).drop("suppressed").sort(["count", "hex"], descending=[True, False])
    shown = {
        name: suppress.value(getattr(found, name), role, medium, key=found.keys[name], keyed=True)
        for name in ("own_location", "commune_centroid", "not_placed")
    }
    return replace(found, cells=cells, keys=None, **shown)


# Shared helpers ----------------------------------------------------------------------------------------------


def hide_counts(
    frame: pl.DataFrame,
    role: str,
    medium: suppress.Medium,
    counts: Mapping[str, Sequence[str]],
    *,
    main: str,
    totals: Sequence[Sequence[str]] | None = None,
) -> pl.DataFrame:
    """A table with several counts per row under the role's rule: every count column below the threshold is
    nulled with the columns built on it (`counts`: count -> dependent columns); when a table's total is shown
    (`totals`: the group sets whose sums are shown, `[()]` = one grand total), complementary suppression runs on
    the `main` count over every group set until no group has a single hidden cell (a hidden `main` hides the
    row's other numbers too). Adds `suppressed` (the `main` cell is hidden) and `complementary` (hidden only so
    a hidden cell cannot be recomputed): on screen a null cell reads "<5"/"<10", or "ẩn" in complementary rows."""
    limit = suppress.threshold(role, medium)
    if limit is None:
        return frame.with_columns(pl.lit(False).alias("suppressed"), pl.lit(False).alias("complementary"))
    small = {c: frame[c].fill_null(0) < limit for c in counts}
    hidden = small[main]
    if totals is not None:
        hidden = _complement(frame, main, hidden, totals)
    masks: dict[str, pl.Series] = {}  # column -> rows where it is hidden
    for c, deps in counts.items():
        for d in (c, *deps):
            own = small[c] if c != main else hidden
            masks[d] = masks[d] | own if d in masks else own
    masks = {d: m | hidden for d, m in masks.items()}  # a hidden `main` hides the row's numbers
    return frame.with_columns(
        *(pl.when(m).then(None).otherwise(pl.col(d)).alias(d) for d, m in masks.items()),
        hidden.alias("suppressed"),
        (hidden & ~small[main]).alias("complementary"),
    )


def _complement(frame: pl.DataFrame, count: str, hidden: pl.Series, totals: Sequence[Sequence[str]]) -> pl.Series:
    """`suppress.complementary` over each group set in turn, repeated until nothing changes (a cell hidden for
    one total can leave another total with a single hidden cell)."""
    keys = sorted({g for groups in totals for g in groups})
    cells = frame.select(*keys, count).with_columns(hidden.alias("suppressed"))
    while True:
        before = int(cells["suppressed"].sum())
        for groups in totals:
            cells = suppress.complementary(cells, count=count, groups=list(groups)).drop("complementary")
        if int(cells["suppressed"].sum()) == before:
            return cells["suppressed"]


# Xử lý & phản hồi --------------------------------------------------------------------------------------------

LEAGUE_COUNTS: dict[str, tuple[str, ...]] = {
    "received": (),
    "forwarded": (),
    "resolved": (),
    "due": ("on_time_share",),
    "on_time": ("on_time_share",),
    "answered": ("median_days",),
    "overdue": (),
    "rated": ("satisfaction",),
}


@dataclass(frozen=True)
class ShownSummary:
    """handling.Summary under a role's rule: hidden counts are None, and so are the share, median and mean
    built on them (on-time share on `due` and `on_time`, median days on `answered`, satisfaction on `rated`).
    For the roles with a threshold the counts are perturbed (cell-key method) and the share is of the
    perturbed counts; the median days and mean satisfaction of shown counts are statistics, shown exactly."""

    opinions: int | None
    forwarded: int | None
    answered: int | None
    resolved: int | None
    due: int | None
    on_time: int | None
    overdue: int | None
    median_days: float | None
    rated: int | None
    satisfaction: float | None
    as_of: datetime

    @property
    def on_time_share(self) -> float | None:
        if self.on_time is None or not self.due:
            return None
        return min(self.on_time / self.due, 1.0)  # a perturbed on-time may exceed the perturbed due by noise


def handling_summary(found: handling.Summary, role: str, medium: suppress.Medium) -> ShownSummary:
    """The Handling page's headline numbers with every count under the role's rule (perturbed, then
    thresholded, for the roles with a threshold: `found` must come from handling.summary(..., cell_keys=True))."""
    keyed = needs_keys(role, medium)
    if keyed and found.keys is None:
        raise ValueError("protected handling counts need their cell keys: handling.summary(..., cell_keys=True)")
    keys = found.keys or {}
    counts = {
        name: suppress.value(getattr(found, name), role, medium, key=keys.get(name), keyed=keyed)
        for name in ("opinions", "forwarded", "answered", "resolved", "due", "on_time", "overdue", "rated")
    }
    if not found.due:  # nothing due: "0 of 0" hides nothing, the share is undefined anyway
        counts["on_time"] = found.on_time
    return ShownSummary(
        **counts,
        median_days=found.median_days if counts["answered"] is not None else None,
        satisfaction=found.satisfaction if counts["rated"] is not None else None,
        as_of=found.as_of,
    )


def handling_funnel(shown: ShownSummary) -> pl.DataFrame:
    """received → forwarded → answered → resolved of a protected summary (stage, opinions, share of received,
    suppressed): a hidden stage has no count and no share; with received hidden, no share at all. No
    complementary suppression: the stages are nested, not parts of a total (each is its own perturbed cell;
    a share never exceeds 1)."""
    stages = [("received", shown.opinions), ("forwarded", shown.forwarded), ("answered", shown.answered),
              ("resolved", shown.resolved)]  # fmt: skip
    frame = pl.DataFrame(stages, schema={"stage": pl.String, "opinions": pl.Int64}, orient="row", strict=False)
    return frame.with_columns(
        (pl.col("opinions") / shown.opinions if shown.opinions else pl.lit(None, pl.Float64))
        .clip(upper_bound=1.0)
        .alias("share"),
        pl.col("opinions").is_null().alias("suppressed"),
    )


def _league_keys(frame: pl.DataFrame) -> list[str]:
    return [f"{c}_key" for c in LEAGUE_COUNTS if f"{c}_key" in frame.columns]


def league(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """handling.league under the role's rule: each count below the threshold is hidden with what is built on it
    (a hidden `due` or `on_time` hides the on-time share; `answered` the median days; `rated` satisfaction; a
    hidden `received` the whole row). The agencies (or provinces) add up to the received total the page shows,
    so `received` gets complementary suppression; agency × province tables are protected per agency and per
    province. Exact roles keep the order handling.league computed (best on-time share first).

    For the roles with a threshold (`frame` from handling.league(..., cell_keys=True)) every count is perturbed
    first, the on-time share of a ranked row (one handling.league gave a share: enough due) is the perturbed
    on-time over the perturbed due, and rows are ranked on that; ranked rows whose on-time or due count is
    itself hidden come after them, by key (an exact-share order among them would give their counts back)."""
    return _league(frame, role, medium).drop("_rank", "_ranked", strict=False)


def _league(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """`league`, keeping for the roles with a threshold `_ranked` (handling.league ranked the row) and `_rank`
    (the perturbed share it is ranked on; null when its own on-time or due count is hidden)."""
    keyed = needs_keys(role, medium)
    key_columns = _league_keys(frame)
    if keyed:
        if "received_key" not in frame.columns:
            raise ValueError("protected league tables need their cell keys: handling.league(..., cell_keys=True)")
        for c in LEAGUE_COUNTS:
            if c in frame.columns:
                frame = suppress.perturb(frame, role, medium, count=c, key=f"{c}_key")
    frame = frame.drop(key_columns, strict=False)
    ranking = keyed and {"on_time_share", "on_time", "due"} <= set(frame.columns)
    if ranking:
        limit = suppress.threshold(role, medium) or 0
        share = pl.when(pl.col("due") > 0).then(pl.min_horizontal(pl.col("on_time") / pl.col("due"), pl.lit(1.0)))
        ranked = pl.col("on_time_share").is_not_null()
        own_small = (pl.col("on_time").fill_null(0) < limit) | (pl.col("due").fill_null(0) < limit)
        frame = frame.with_columns(
            pl.when(ranked).then(share).alias("on_time_share"),
            ranked.alias("_ranked"),
            pl.when(ranked & ~own_small).then(share).alias("_rank"),
        )
    keys = [k for k in ("agency", "province") if k in frame.columns]
    totals = [[k] for k in keys] if len(keys) > 1 else [[]]
    counts = {c: deps for c, deps in LEAGUE_COUNTS.items() if c in frame.columns}
    counts = {c: tuple(d for d in deps if d in frame.columns) for c, deps in counts.items()}
    out = hide_counts(frame, role, medium, counts, main="received", totals=totals)
    if not ranking:
        return out
    return out.sort(
        [~pl.col("_ranked"), "_rank", *keys], descending=[False, True, *[False] * len(keys)], nulls_last=True
    )


def league_top_bottom(
    frame: pl.DataFrame, role: str, medium: suppress.Medium, n: int = 5
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The n best and n worst ranked rows of handling.league (those with an on-time share: enough due), shown
    under the role's rule: a ranked agency whose share is hidden stays in its place with "<10" instead of
    dropping out of the bottom five. Exact roles: ranked on the exact shares (handling.top_bottom). Roles with
    a threshold (`frame` with cell keys): ranked on the perturbed shares; a ranked row whose own on-time or
    due count is hidden comes last, by key (at the bottom of the worst list), never placed by its share."""
    numbered = frame.with_row_index("_row")
    if not needs_keys(role, medium):
        shown = league(numbered, role, medium)
        best, worst = handling.top_bottom(numbered, n)
        pick = lambda part: part.select("_row").join(shown, on="_row", how="left").drop("_row")  # noqa: E731
        return pick(best), pick(worst)
    shown = _league(numbered, role, medium)
    if "_ranked" not in shown.columns:
        raise ValueError("league_top_bottom needs the on-time share with its on_time and due counts")
    ranked = shown.filter(pl.col("_ranked"))
    best = ranked.filter(pl.col("_rank").is_not_null()).head(n)
    worst = ranked.slice(max(best.height, ranked.height - n)).reverse()
    return tuple(part.drop("_row", "_rank", "_ranked") for part in (best, worst))  # type: ignore[return-value]


def handling_report(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]
) -> pl.DataFrame:
    """`python -m analytics handling [--by agency,province] [--min-due N] [--role R]`: the page's league table
    under the role's export rule (hidden cells empty, `suppressed`/`complementary` flags; counts perturbed for
    the roles with a threshold)."""
    parser = argparse.ArgumentParser(prog="python -m analytics handling")
    parser.add_argument("--by", default="agency,province")
    parser.add_argument("--min-due", type=int, default=20)
    args = parser.parse_args(extra)
    keyed = needs_keys(role, "export")
    table = handling.league(con, scope, filters, by=args.by, min_due=args.min_due, cell_keys=keyed)
    keys = [c for c in ("province", "province_name", "agency") if c in table.columns]
    columns = [*keys, "received", "answered", "due", "on_time", "on_time_share", "median_days", "overdue", "rated",
               "satisfaction"]  # fmt: skip
    columns += [f"{c}_key" for c in columns if keyed and c in LEAGUE_COUNTS]
    return league(table.select(columns), role, "export")


# Tháng lắng nghe ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignTotals:
    """The Listening Month's headline numbers under a role's rule (None = hidden): opinions in the window, the
    baseline for the same days, opinions answered, the population of the provinces in view."""

    opinions: int | None
    baseline: float | None
    answered: int | None
    population: int

    @property
    def per_10k(self) -> float | None:
        if self.opinions is None or not self.population:
            return None
        return self.opinions * campaign.PER_PEOPLE / self.population

    @property
    def answered_share(self) -> float | None:
        if self.answered is None or not self.opinions:
            return None
        return self.answered / self.opinions


def _perturb_counts(frame: pl.DataFrame, role: str, medium: suppress.Medium, counts: Sequence[str]) -> pl.DataFrame:
    """Each of `counts` perturbed with its `<count>_key` for the roles with a threshold (the keys are required
    then: query with cell_keys=True); the key columns dropped for every role."""
    if needs_keys(role, medium):
        for c in counts:
            if f"{c}_key" not in frame.columns:
                raise ValueError(f"protected counts need their cell keys: {c}_key is missing (cell_keys=True)")
            frame = suppress.perturb(frame, role, medium, count=c, key=f"{c}_key")
    return frame.drop([f"{c}_key" for c in counts], strict=False)


def _campaign_daily(daily: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """campaign.daily with each day's opinions and each weekday's baseline opinions perturbed (roles with a
    threshold), the baseline recomputed from the latter."""
    if not needs_keys(role, medium):
        return daily.drop("opinions_key", "baseline_opinions", "baseline_opinions_key", strict=False)
    daily = _perturb_counts(daily, role, medium, ["opinions", "baseline_opinions"])
    return daily.with_columns((pl.col("baseline_opinions") / campaign.BASELINE_WEEKS).alias("baseline")).drop(
        "baseline_opinions"
    )


def _sum_key(frame: pl.DataFrame, key: str) -> int:
    """The cell key of the union of the rows' cells (disjoint): the sum of their keys mod 256."""
    return int(frame[key].cast(pl.Int64).sum() or 0) % suppress.KEY_MODULUS


def campaign_totals(view: Mapping[str, pl.DataFrame], role: str, medium: suppress.Medium) -> CampaignTotals:
    """Totals of an exact campaign view (daily, provinces); the baseline is hidden when the opinions it averages
    (baseline × weeks) are fewer than the threshold, as it would give that small count back. For the roles with
    a threshold (`view` queried with cell_keys=True) the totals are cells of their own (perturbed with the
    key of all their records, not summed from the perturbed days) and the baseline is of the perturbed
    weekday counts."""
    daily, provinces = view["daily"], view["provinces"]
    keyed = needs_keys(role, medium)
    if keyed and not {"opinions_key", "baseline_opinions_key"} <= set(daily.columns):
        raise ValueError("protected campaign totals need their cell keys: campaign.daily(..., cell_keys=True)")
    opinions_key = _sum_key(daily, "opinions_key") if keyed else None
    answered_key = _sum_key(provinces, "answered_key") if keyed else None
    baseline = float(_campaign_daily(daily, role, medium)["baseline"].sum())
    base_count = round(baseline * campaign.BASELINE_WEEKS)
    return CampaignTotals(
        opinions=suppress.value(int(daily["opinions"].sum()), role, medium, key=opinions_key, keyed=keyed),
        baseline=baseline if suppress.value(base_count, role, medium) is not None or base_count == 0 else None,
        answered=suppress.value(int(provinces["answered"].sum()), role, medium, key=answered_key, keyed=keyed),
        population=int(provinces["population"].sum()),
    )


def campaign_view(view: Mapping[str, pl.DataFrame], role: str, medium: suppress.Medium) -> dict[str, pl.DataFrame]:
    """The campaign page's frames under the role's rule. Per day: small counts hidden, and the day's baseline
    when the opinions behind it (baseline × weeks) are few; the days add up to the total shown, hence
    complementary suppression. By level and by province: opinions hidden with their answered count, share and
    rate per 10,000, with complementary suppression (they add up to the total too). Silent communes are
    counts of places, not of people: shown as they are. For the roles with a threshold (`view` queried with
    cell_keys=True) every count is perturbed first (cell-key method) and rates and shares are of the perturbed
    counts."""
    limit = suppress.threshold(role, medium) or 0
    daily = _campaign_daily(view["daily"], role, medium)
    daily = suppress.protect(daily, role, medium, count="opinions", groups=()).with_columns(
        pl.when((pl.col("baseline") * campaign.BASELINE_WEEKS).round() < limit)
        .then(None)
        .otherwise(pl.col("baseline"))
        .alias("baseline")
    )
    return {**view, "daily": daily, "levels": campaign_levels(view["levels"], role, medium),
            "provinces": campaign_provinces(view["provinces"], role, medium)}  # fmt: skip


def _answered_share() -> pl.Expr:
    share = pl.min_horizontal(pl.col("answered") / pl.col("opinions"), pl.lit(1.0))
    return pl.when(pl.col("opinions") > 0).then(share).alias("answered_share")


def campaign_levels(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """campaign.by_level under the role's rule (the levels add up to the total: complementary suppression);
    perturbed first for the roles with a threshold (`frame` from by_level(..., cell_keys=True))."""
    keyed = needs_keys(role, medium)
    frame = _perturb_counts(frame, role, medium, ["opinions", "answered"])
    if keyed:
        frame = frame.with_columns(_answered_share())
    counts = {"opinions": (), "answered": ("answered_share",)}
    return hide_counts(frame, role, medium, counts, main="opinions", totals=[[]])


def campaign_provinces(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """campaign.by_province under the role's rule: opinions with their rate per 10,000 and answered share
    (complementary suppression: the provinces add up to the total shown). For the roles with a threshold
    (`frame` from by_province(..., cell_keys=True)) the counts are perturbed, the rate and share are of the
    perturbed counts and the provinces are ordered on that rate, hidden ones after them by code."""
    keyed = needs_keys(role, medium)
    frame = _perturb_counts(frame, role, medium, ["opinions", "answered"])
    if keyed:
        frame = frame.with_columns(
            (pl.col("opinions") * campaign.PER_PEOPLE / pl.when(pl.col("population") > 0).then(pl.col("population")))
            .cast(pl.Float64)
            .alias("per_10k"),
            _answered_share(),
        )
    counts = {"opinions": ("per_10k",), "answered": ("answered_share",)}
    out = hide_counts(frame, role, medium, counts, main="opinions", totals=[[]])
    return _hidden_last(out, ["per_10k", "province_code"], [True, False]) if keyed else out


# Chỉ số niềm tin ---------------------------------------------------------------------------------------------

TRUST_BUILT_ON_N = ("index", "se", "ci_low", "ci_high", *trust.RANK_COLUMNS)


def trust_result(result: trust.TrustResult, role: str, medium: suppress.Medium) -> trust.TrustResult:
    """The trust index under the role's rule: a province-wave (or the national wave) with fewer respondents
    than the threshold shows no `n` and no index, CI, rank or dimension scores; a dimension cell with too few
    answers shows no estimate; changes into or out of a hidden cell and its sensitivity ranks are dropped.
    (The index itself needs `min_respondents` (30) anyway; this matters for a smaller configured minimum and
    for the respondent counts, which are shown.) Exact roles get `result` unchanged.

    Every respondent count (province-wave, national, per dimension, per wave) is perturbed first with the
    cell-key method, the threshold applying to the perturbed count, so the national n minus the other
    provinces' n is noisy. The survey cells are fixed (province × wave), so their cell key is a keyed hash of
    the cell's respondents' identity — the provinces and wave they are drawn from (suppress.identity_key): the
    national cell of a one-province scope is that province's cell and shows the same value."""
    limit = suppress.threshold(role, medium)
    if limit is None:
        return result
    result = _perturb_trust(result)
    dims = list(result.catalogue.dimension_codes)

    def hide(frame: pl.DataFrame, built: Sequence[str]) -> pl.DataFrame:
        small = pl.col("n").fill_null(0) < limit
        present = [c for c in (*built, "n") if c in frame.columns]
        return frame.with_columns(pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in present)

    hidden = result.index.filter(pl.col("n").fill_null(0) < limit).select("province_code", "wave")
    changes = result.changes.join(hidden, on=["province_code", "wave"], how="anti").join(
        hidden.rename({"wave": "previous_wave"}), on=["province_code", "previous_wave"], how="anti"
    )
    hidden_national = result.national.filter(pl.col("n").fill_null(0) < limit)["wave"].to_list()
    changes = changes.filter(
        pl.col("province_code").is_not_null()
        | ~(pl.col("wave").is_in(hidden_national) | pl.col("previous_wave").is_in(hidden_national))
    )
    waves = result.waves.with_columns(
        pl.when(pl.col("respondents") < limit).then(None).otherwise(pl.col("respondents")).alias("respondents")
    )
    return replace(
        result,
        index=hide(result.index, (*TRUST_BUILT_ON_N, *dims)),
        dimensions=hide(result.dimensions, ("estimate", "se", "ci_low", "ci_high")),
        national=hide(result.national, ("index", "se", "ci_low", "ci_high", *dims)),
        changes=changes,
        waves=waves,
        sensitivity=result.sensitivity.join(hidden, on=["province_code", "wave"], how="anti"),
    )


def _perturb_trust(result: trust.TrustResult) -> trust.TrustResult:
    """trust_result's respondent counts perturbed (cell-key method, keys from the cells' identities)."""
    in_wave = {
        wave: ",".join(sorted(codes))
        for wave, codes in result.index.group_by("wave").agg(pl.col("province_code").drop_nulls()).iter_rows()
    }

    def perturb(frame: pl.DataFrame, column: str, cell: Callable[[dict], tuple]) -> pl.DataFrame:
        if column not in frame.columns or frame.height == 0:
            return frame
        shown = [
            suppress.perturbed(row[column], suppress.identity_key("trust", *cell(row)))
            for row in frame.iter_rows(named=True)
        ]
        return frame.with_columns(pl.Series(column, shown, dtype=frame.schema[column]))

    def dim_cell(row: dict) -> tuple:
        where = row["province_code"] if row.get("level") == "province" else in_wave.get(row["wave"], "")
        return (where, row["wave"], row["dimension"])

    return replace(
        result,
        index=perturb(result.index, "n", lambda row: (row["province_code"], row["wave"], None)),
        national=perturb(result.national, "n", lambda row: (in_wave.get(row["wave"], ""), row["wave"], None)),
        dimensions=perturb(result.dimensions, "n", dim_cell),
        waves=perturb(result.waves, "respondents", lambda row: (in_wave.get(row["wave"], ""), row["wave"], None)),
    )


# Kết quả, Giám sát & phản biện (the Front's pages) -----------------------------------------------------------
#
# Which of the Front's numbers fall under the small-count rule, and why:
# - Kết quả: security incidents, mediation cases (and resolved) and solidarity houses count events in the lives
#   of a few households or people of an area: hidden when small, with the mediation success rate built on them.
#   Money (Fund for the Poor) and population-weighted household rates are not counts of people: shown.
# - Giám sát & phản biện: the opinions raised at dialogues and those received through the dialogue channel come
#   from citizens: hidden when small, with their shares. Supervision contents, units meeting targets and the
#   recommendation chain are the Front's and agencies' own records (documents, not people): shown exactly.
# - Tổ chức (membership): members and eligible people per organisation come from the organisations' own
#   registers, aggregated to province and level; coverage rates are about organisations, not about anyone's
#   opinion: not suppressed.
# - Mô hình: estimates pool province-months of many opinions and respondents; the counts shown are numbers of
#   provinces (adopters, comparison): not suppressed.
# - Lộ trình: milestones are the Front's action-programme records: not suppressed.

OUTCOME_COUNTS = ("solidarity_houses", "security_incidents", "mediation_cases", "mediation_resolved")


def _perturb_outcomes(frame: pl.DataFrame, role: str, medium: suppress.Medium, value: str) -> pl.DataFrame:
    """The count indicators' `value` perturbed with their `cell_key` (roles with a threshold; required then:
    outcomes.*(..., cell_keys=True)); the key dropped for every role."""
    if needs_keys(role, medium):
        if "cell_key" not in frame.columns:
            raise ValueError("protected outcome counts need their cell keys: outcomes.*(..., cell_keys=True)")
        counts = frame["indicator"].is_in(OUTCOME_COUNTS) if "indicator" in frame.columns else None
        shown = [
            float(suppress.perturbed(round(v), k)) if v is not None and (counts is None or counts[i]) else v
            for i, (v, k) in enumerate(zip(frame[value].to_list(), frame["cell_key"].to_list(), strict=True))
        ]
        frame = frame.with_columns(pl.Series(value, shown, dtype=pl.Float64))
    return frame.drop("cell_key", strict=False)


def outcome_summary(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """outcomes.summary under the role's rule: a count indicator's small total is hidden (`suppressed`), and
    the mediation success rate when either of its counts is. For the roles with a threshold (`frame` from
    summary(..., cell_keys=True)) the count totals are perturbed first (cell-key method) and the success rate
    is resolved ÷ cases of the perturbed totals."""
    limit = suppress.threshold(role, medium)
    frame = _perturb_outcomes(frame, role, medium, "total")
    if limit is None:
        return frame.with_columns(pl.lit(False).alias("suppressed"))
    totals = dict(zip(frame["indicator"], frame["total"], strict=True))
    if totals.get("mediation_cases"):
        rate = min((totals.get("mediation_resolved") or 0.0) / totals["mediation_cases"], 1.0)
        frame = frame.with_columns(
            pl.when(pl.col("indicator") == outcomes.DERIVED).then(pl.lit(rate)).otherwise("latest_rate")
            .alias("latest_rate")
        )  # fmt: skip
    small = pl.col("indicator").is_in(OUTCOME_COUNTS) & (pl.col("total").fill_null(0) < limit)
    out = frame.with_columns(small.alias("suppressed"))
    mediation = out.filter(pl.col("indicator").is_in(["mediation_cases", "mediation_resolved"]))
    rate_hidden = bool(mediation["suppressed"].any()) or mediation.height < 2
    return out.with_columns(
        (pl.col("suppressed") | ((pl.col("indicator") == outcomes.DERIVED) & rate_hidden)).alias("suppressed")
    ).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in ("total", "latest_rate")
    )


def outcome_monthly(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """outcomes.monthly under the role's rule: small monthly counts hidden (complementary suppression per
    indicator: the months add up to the total shown); the success rate of a month with few cases hidden. For
    the roles with a threshold (`frame` from monthly(..., cell_keys=True)) each month's count is perturbed
    first (its own cell: the summary total minus the shown months is noisy) and a month's success rate is its
    perturbed resolved ÷ perturbed cases (hidden when either is small), not the exact rate."""
    limit = suppress.threshold(role, medium)
    frame = _perturb_outcomes(frame, role, medium, "value")
    counts = frame.filter(pl.col("indicator").is_in(OUTCOME_COUNTS))
    others = frame.filter(~pl.col("indicator").is_in(OUTCOME_COUNTS))
    counts = suppress.protect(counts, role, medium, count="value", groups=["indicator"]).drop("complementary")
    cases = frame.filter(pl.col("indicator") == "mediation_cases").select("period", pl.col("value").alias("cases"))
    others = others.join(cases, on="period", how="left")
    small = pl.col("cases").fill_null(0) < (limit or 0)
    if limit is not None:  # the rate of the month's perturbed counts, hidden with either of them (as the summary)
        resolved = frame.filter(pl.col("indicator") == "mediation_resolved").select(
            "period", pl.col("value").alias("resolved")
        )
        others = others.join(resolved, on="period", how="left").with_columns(
            pl.when(pl.col("indicator") == outcomes.DERIVED)
            .then(pl.when(pl.col("cases") > 0).then(pl.min_horizontal(pl.col("resolved") / pl.col("cases"), 1.0)))
            .otherwise(pl.col("value"))
            .alias("value")
        )
        small = small | (pl.col("resolved").fill_null(0) < limit)
    others = others.with_columns(((pl.col("indicator") == outcomes.DERIVED) & small).alias("suppressed"))
    others = others.drop("resolved", strict=False)
    others = others.with_columns(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("value")).alias("value"))
    return pl.concat([counts, others.drop("cases")], how="vertical_relaxed").sort("indicator", "period")


def outcome_by_province(frame: pl.DataFrame, indicator: str, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """outcomes.by_province of one indicator under the role's rule: for a count indicator, small province
    totals and their rate per 100,000 hidden, with complementary suppression (the provinces add up to the
    total shown). The mediation success rate of a province is hidden when the cases it is built on are few
    (no total is shown for a rate, so no complement). Household rates and money are shown. For the roles with
    a threshold (`frame` from by_province(..., cell_keys=True)) a count is perturbed first, its rate per
    100,000 is of the perturbed count, and provinces are ordered on it, hidden ones after them by code."""
    if indicator == "mediation_success_rate" and "cases" in frame.columns:
        return _success_by_province(frame, role, medium)
    if indicator not in OUTCOME_COUNTS:
        return frame.with_columns(pl.lit(False).alias("suppressed")).drop("cell_key", strict=False)
    keyed = needs_keys(role, medium)
    frame = _perturb_outcomes(frame, role, medium, "value")
    if keyed and "population" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("population") > 0).then(pl.col("value") * 100_000 / pl.col("population")).alias("per_100k")
        )
    out = suppress.protect(frame, role, medium, count="value", dependent=["per_100k"], groups=()).drop("complementary")
    return _hidden_last(out, ["value", "province_code"], [True, False]) if keyed else out


def _success_by_province(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> pl.DataFrame:
    """The success rate per province: hidden when its counts are few. For the roles with a threshold, resolved
    and cases are perturbed with their cells' keys (the same province-month cells `--by-province
    mediation_cases` shows over that month), the rate is perturbed resolved ÷ perturbed cases (at most 1), and
    neither count is returned (an exact rate beside a perturbed count would give the noise away)."""
    limit = suppress.threshold(role, medium)
    if limit is None:
        small = pl.repeat(False, frame.height, eager=True)
        out = frame.drop("resolved", "resolved_key", "cases_key", strict=False)
        return out.with_columns(small.alias("suppressed"))
    if not {"resolved", "resolved_key", "cases_key"} <= set(frame.columns):
        raise ValueError("a protected success rate needs its counts' cell keys: by_province(..., cell_keys=True)")
    rates, hidden = [], []
    for row in frame.iter_rows(named=True):
        cases = suppress.perturbed(None if row["cases"] is None else round(row["cases"]), row["cases_key"])
        resolved = suppress.perturbed(None if row["resolved"] is None else round(row["resolved"]), row["resolved_key"])
        small = (cases or 0) < limit or (resolved or 0) < limit  # as the summary: rate × cases gives resolved
        hidden.append(small)
        rates.append(None if small or not cases else min((resolved or 0) / cases, 1.0))
    out = frame.drop("value", "cases", "resolved", "resolved_key", "cases_key").with_columns(
        pl.Series("value", rates, dtype=pl.Float64), pl.Series("suppressed", hidden, dtype=pl.Boolean)
    )
    return _hidden_last(out, ["value", "province_code"], [True, False])


def dialogue_totals(frame: pl.DataFrame, role: str, medium: suppress.Medium) -> dict[str, float | int | None]:
    """monitoring.dialogues summed over levels, under the role's rule: dialogues held (meetings, shown), the
    opinions raised and concluded, the opinions of the dialogue channel and those handled (citizens' opinions:
    hidden when small), and the two shares (hidden when a count under them is). For the roles with a threshold
    (`frame` from dialogues(..., cell_keys=True)) the four counts are perturbed first with their cell keys (the
    totals over levels keyed by all their activities) and the shares are of the perturbed counts: two
    overlapping periods differ by noise, not by the exact count between them."""
    opinions = int(frame["opinions"].sum() or 0)
    concluded = int(frame["concluded"].sum() or 0)
    channel = int(frame["channel_opinions"][0] or 0) if frame.height else 0
    handled = int(frame["handled"][0] or 0) if frame.height else 0
    keyed = needs_keys(role, medium)
    keys: dict[str, int | None] = dict.fromkeys(("opinions", "concluded", "channel", "handled"))
    if keyed:
        names = ("opinions_key", "concluded_key", "channel_key", "handled_key")
        if not set(names) <= set(frame.columns):
            raise ValueError(
                "protected dialogue counts need their cell keys: monitoring.dialogues(..., cell_keys=True)"
            )
        keys = {
            "opinions": int(frame["opinions_key"].sum() or 0) % suppress.KEY_MODULUS,
            "concluded": int(frame["concluded_key"].sum() or 0) % suppress.KEY_MODULUS,
            "channel": int(frame["channel_key"][0] or 0) if frame.height else 0,
            "handled": int(frame["handled_key"][0] or 0) if frame.height else 0,
        }

    def shown(n: int, cell: str) -> int | None:
        return suppress.value(n, role, medium, key=keys[cell], keyed=keyed)

    def share(top: int, top_cell: str, bottom: int, bottom_cell: str) -> float | None:
        pair = (keys[top_cell], keys[bottom_cell]) if keyed else None
        return suppress.share(top, bottom, role, medium, keys=pair)

    return {
        "dialogues": int(frame["dialogues"].sum() or 0),
        "opinions": shown(opinions, "opinions"),
        "concluded": shown(concluded, "concluded"),
        "concluded_share": share(concluded, "concluded", opinions, "opinions"),
        "channel_opinions": shown(channel, "channel"),
        "handled": shown(handled, "handled"),
        "handled_share": share(handled, "handled", channel, "channel"),
    }
