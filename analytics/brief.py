"""The congress briefing pack's content: the numbers and frames of every slide, for one province or the
country, under the presenter's rules (DESIGN §5: no citizen text; counts < 10 suppressed in packs).

Pure of rendering: `collect` calls the same analytics functions as the pages (so the pack and the pages
agree) and returns a `Briefing` of `Section`s holding `Number`s (value, kind, what it counts and over what
denominator) and the frames the slide's chart is drawn from. Wording lives in the i18n catalogue
(`brief.*` keys); ui/brief.py turns sections into slide views, ui/brief_render.py into PPTX/PDF.

A section whose module is missing or raises is kept with `error` set (and logged), so the pack still builds
with a placeholder slide saying what was skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from analytics import overview, suppress
from analytics.filters import Filters
from analytics.scope import Scope

log = logging.getLogger(__name__)

ROLE = "presenter"
MEDIUM: suppress.Medium = "export"
SECTIONS = ("kpis", "map", "concerns", "handling", "trust", "membership", "models", "monitoring", "milestones")


@dataclass(frozen=True)
class Number:
    """One figure of a slide. `key` names it in the catalogue (`brief.n.<key>` label, `brief.d.<key>`
    definition, formatted with `args`); `value` is None when suppressed or undefined (no denominator)."""

    key: str
    value: float | None
    kind: str = "int"  # int | pct (0–1 share) | num (one decimal) | change (percent change, signed)
    suppressed: bool = False
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One slide's content; `error` set when the section could not be built (the slide says so)."""

    key: str
    numbers: tuple[Number, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def number(self, key: str) -> Number:
        """The number called `key` (KeyError when absent)."""
        for n in self.numbers:
            if n.key == key:
                return n
        raise KeyError(key)


@dataclass(frozen=True)
class Briefing:
    """Everything the pack shows for one area and period."""

    scope: Scope
    filters: Filters  # both ends of the period filled
    role: str
    province_code: str | None
    province_name: str | None
    info: overview.DataInfo
    generated_at: datetime
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def hide_small(value: float | None, role: str = ROLE) -> tuple[float | None, bool]:
    """A count under the role's export threshold becomes (None, True); other values pass unchanged."""
    limit = suppress.threshold(role, MEDIUM)
    if limit is not None and value is not None and value < limit:
        return None, True
    return value, False


def count_number(key: str, value: float | None, role: str, **args: Any) -> Number:
    """A count, suppressed below the role's threshold."""
    shown, hidden = hide_small(value, role)
    return Number(key, shown, "int", hidden, args)


def share_number(key: str, part: int, whole: int, role: str, **args: Any) -> Number:
    """part ÷ whole; suppressed when either count is (the share would reveal a hidden cell), None when whole=0."""
    _, part_hidden = hide_small(part, role)
    _, whole_hidden = hide_small(whole, role)
    if part_hidden or whole_hidden:
        return Number(key, None, "pct", True, args)
    return Number(key, part / whole if whole else None, "pct", False, args)


def _suppress_counts(frame: pl.DataFrame, count: str, role: str, dependent: tuple[str, ...] = ()) -> pl.DataFrame:
    return suppress.suppress(frame, role, MEDIUM, count=count, dependent=dependent)


# Sections --------------------------------------------------------------------------------------------------


def _kpis(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import protected

    keyed = protected.needs_keys(role, MEDIUM)
    found = overview.kpis(con, scope, filters, cell_keys=keyed)
    k = protected.kpis(found, role, MEDIUM)  # perturbed (cell-key method), then the threshold
    opinions = Number("opinions", k.opinions, "int", k.opinions is None)
    previous = Number(
        "previous_opinions", k.previous_opinions, "int", k.previous_opinions is None,
        {"previous_from": k.previous_from, "previous_to": k.previous_to},
    )  # fmt: skip
    hidden_change = opinions.suppressed or previous.suppressed
    change = Number("change", None if hidden_change else k.change_pct, "change", hidden_change)
    due = suppress.perturbed(found.due, found.due_key) if keyed else found.due  # "nothing due" of the shown count
    hidden_share = k.on_time_share is None and bool(due)
    on_time = Number(
        "on_time_share", k.on_time_share, "pct", hidden_share,
        {"on_time": k.on_time, "due": k.due, "days": overview.ON_TIME_DAYS},
    )  # fmt: skip
    trend = protected.monthly_trend(overview.monthly_trend(con, scope, filters, cell_keys=keyed), role, MEDIUM)
    return Section("kpis", (opinions, previous, change, on_time), {"kpis": k, "trend": trend})


def _map(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import emerging, hotspots

    level, province = overview.area_level(scope, filters)
    keyed = suppress.threshold(role, MEDIUM) is not None  # counts perturbed as the page shows them
    table = hotspots.hotspots(con, scope, filters, level, province, perturbed=keyed)
    table = hotspots.apply_role(table, role, MEDIUM)
    found = emerging.emerging(con, scope, filters, cell_keys=keyed)
    rises = emerging.apply_role(found.rises, role, MEDIUM)
    tested = table.filter(pl.col("gi_z").is_not_null())
    numbers = (
        Number("hot_areas", int(tested["hotspot"].str.starts_with("hot").sum()), args={"tested": tested.height}),
        Number("cold_areas", int(tested["hotspot"].str.starts_with("cold").sum()), args={"tested": tested.height}),
        Number("emerging", rises.height, args={"tested": found.tested, "end": found.end}),
    )
    data = {
        "table": table,
        "boundaries": overview.boundaries(con, scope, level, province),
        "rises": rises,
        "level": level,
        "province": province,
        "suppressed_areas": int(table["suppressed"].sum()),
    }
    return Section("map", numbers, data)


def _concerns(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    """The top fields with their change. For roles with a threshold both periods' counts are perturbed (a
    field's count in the previous period is the cell the previous period's pack shows, with the same value),
    the change % is of the perturbed counts and a field hidden in either period has no change % at all."""
    from analytics import concerns, protected

    keyed = protected.needs_keys(role, MEDIUM)
    changes = protected.field_changes(concerns.field_changes(con, scope, filters, cell_keys=keyed), role, MEDIUM)
    numbers = tuple(
        Number(
            f"concern_{i + 1}",
            row["opinions"],
            "int",
            row["suppressed"],
            {
                "field": row["name_vi"] or row["field_code"] or "",
                "field_en": row["name_en"] or "",
                "change": row["change_pct"],
                "share": row["share"],
            },
        )  # fmt: skip
        for i, row in enumerate(changes.iter_rows(named=True))
    )
    return Section("concerns", numbers, {"changes": changes.filter(~pl.col("suppressed"))})


def _handling(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    """The Handling page's headline numbers under the role's export rule (analytics.protected.handling_summary:
    perturbed for the roles with a threshold, the page showing a presenter the same values)."""
    from analytics import handling, protected

    keyed = protected.needs_keys(role, MEDIUM)
    s = protected.handling_summary(handling.summary(con, scope, filters, cell_keys=keyed), role, MEDIUM)
    share_hidden = s.on_time_share is None and bool(s.due or s.due is None)
    numbers = (
        Number("received", s.opinions, "int", s.opinions is None),
        Number("handling_on_time", s.on_time_share, "pct", share_hidden, {"on_time": s.on_time, "due": s.due}),
        Number("median_days", s.median_days, "num", s.answered is None, {"n": s.answered}),
        Number("overdue", s.overdue, "int", s.overdue is None, {"as_of": s.as_of}),
        Number("satisfaction", s.satisfaction, "num", s.rated is None, {"n": s.rated}),
    )
    return Section("handling", numbers, {"summary": s, "funnel": protected.handling_funnel(s)})


def _trust(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import protected, trust

    result = protected.trust_result(trust.trust_index(con, scope), role, MEDIUM)  # n < 10: no n, no index
    wave = result.latest_wave()
    if wave is None:
        return Section("trust", (), {"result": result, "wave": None})
    nat = result.national.filter(pl.col("wave") == wave).row(0, named=True)
    numbers = [
        Number(
            "trust_national",
            nat["index"],
            "num",
            nat["n"] is None,
            args={"wave": wave, "low": nat["ci_low"], "high": nat["ci_high"], "n": nat["n"]},
        )  # fmt: skip
    ]
    province = filters.province_code
    if province:
        rows = result.index.filter((pl.col("wave") == wave) & (pl.col("province_code") == province))
        row = rows.row(0, named=True) if rows.height else None
        scored = result.index.filter((pl.col("wave") == wave) & pl.col("index").is_not_null()).height
        scored_row = row is not None and row["index"] is not None
        numbers.append(
            Number(
                "trust_province",
                row["index"] if scored_row else None,
                "num",
                args={
                    "wave": wave,
                    "n": row["n"] if row else 0,
                    "min_n": result.catalogue.min_respondents,
                    "low": row["ci_low"] if scored_row else None,
                    "high": row["ci_high"] if scored_row else None,
                },
            )
        )
        if scored_row:
            numbers.append(
                Number(
                    "trust_rank",
                    row["rank"],
                    "int",
                    args={
                        "total": scored,
                        "low": row["rank_low"],
                        "high": row["rank_high"],
                        "wave": wave,
                        "joint_low": row["rank_low_joint"],
                        "joint_high": row["rank_high_joint"],
                        "level": f"{trust.RANK_LEVEL:.0%}",  # the same in both languages
                    },
                )  # fmt: skip
            )
    return Section("trust", tuple(numbers), {"result": result, "wave": wave, "province": province})


def _membership(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import membership
    from analytics.targets import load_targets

    period = membership.snapshot_period(con, scope, filters)
    if period is None:
        return Section("membership", (), {"period": None})
    goal = load_targets()["membership"]["coverage_target"]
    flags = membership.inverted_cone(con, scope, filters, period)
    by_org = flags.group_by("organization").agg(pl.col("members", "eligible").sum()).sort("organization")
    numbers = [
        Number(
            f"coverage_{org}",
            members / eligible if eligible else None,
            "pct",
            args={"org": org, "target": goal.get(org), "members": members, "eligible": eligible, "period": period},
        )
        for org, members, eligible in by_org.select("organization", "members", "eligible").iter_rows()
    ]
    inverted = flags.filter(pl.col("inverted_cone"))
    numbers.append(Number("inverted_cones", inverted.height, args={"provinces": inverted["province_code"].n_unique()}))
    return Section("membership", tuple(numbers), {"period": period, "by_org": by_org, "goal": goal})


def _models(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import models

    adoptions = models.adoptions(con, scope)
    if adoptions.is_empty():
        return Section("models", (), {"first": adoptions, "table": pl.DataFrame()})
    table = models.table(models.estimates(con, scope)).sort(
        pl.col("evidence").is_in(["better", "worse"]).not_(), "model_kind", "outcome"
    )  # clear findings first: a slide shows the first few, the notes all of them
    numbers = tuple(
        Number(
            f"model_{r['model_kind']}_{r['outcome']}",
            r["estimate"],
            "num3",
            args={
                "kind": r["model_kind"],
                "outcome": r["outcome"],
                "low": r["ci_low"],
                "high": r["ci_high"],
                "simple": r["simple"],
                "pretrend_p": r["pretrend_p"],
                "few_adopters": r["few_adopters"],
                "adopters": r["n_adopters"],
                "comparison": r["n_comparison"],
                "evidence": r["evidence"],
                "first": r["first_period"],
                "last": r["last_period"],
            },
        )  # fmt: skip
        for r in table.iter_rows(named=True)
    )
    return Section("models", numbers, {"first": models.first_adoption(adoptions), "table": table})


def _monitoring(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import monitoring
    from analytics.targets import load_targets

    as_of = monitoring.as_of_date(con, scope)
    recs = monitoring.recommendations(con, scope, filters, as_of)
    if recs.is_empty():
        return Section("monitoring", (), {"as_of": as_of, "chain": None})
    overdue = monitoring.overdue_by_agency(recs, load_targets()["recommendations"]["overdue_buckets"])
    late = int((recs["stage"] == "answered_late").sum())
    numbers = (
        Number("recommendations", recs.height),
        Number("recommendations_overdue", int(overdue["overdue"].sum()), args={"as_of": as_of}),
        Number("recommendations_late", late),
    )
    agencies = (
        overdue.group_by("agency")
        .agg(pl.col("overdue").sum(), pl.col("oldest_days").max())
        .sort(["overdue", "agency"], descending=[True, False])
        .head(5)
    )
    return Section("monitoring", numbers, {"as_of": as_of, "chain": monitoring.chain(recs), "agencies": agencies})


def _milestones(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str) -> Section:
    from analytics import milestones, monitoring

    as_of = monitoring.as_of_date(con, scope)
    frame = milestones.milestones(con, scope, filters, as_of)
    if frame.is_empty():
        return Section("milestones", (), {"as_of": as_of, "counts": None})
    numbers = tuple(
        Number(f"milestones_{status}", int((frame["status"] == status).sum()), args={"total": frame.height})
        for status in milestones.STATUSES
    )
    names = dict(frame.filter(pl.col("scope_name").is_not_null()).select("scope", "scope_name").unique().iter_rows())
    return Section("milestones", numbers, {"as_of": as_of, "counts": milestones.status_counts(frame), "names": names})


BUILDERS: dict[str, Callable[[duckdb.DuckDBPyConnection, Scope, Filters, str], Section]] = {
    "kpis": _kpis,
    "map": _map,
    "concerns": _concerns,
    "handling": _handling,
    "trust": _trust,
    "membership": _membership,
    "models": _models,
    "monitoring": _monitoring,
    "milestones": _milestones,
}


def build_section(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, key: str) -> Section:
    """One section; a missing module or an error becomes a Section with `error` (logged), never an exception."""
    try:
        return BUILDERS[key](con, scope, filters, role)
    except Exception as exc:  # a module being written or a failing query must not sink the whole pack
        log.warning("briefing: slide %r skipped: %s: %s", key, type(exc).__name__, exc)
        return Section(key, error=f"{type(exc).__name__}: {exc}")


def heading(
    con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str = ROLE, now: datetime | None = None
) -> Briefing:
    """The briefing without its sections: area, resolved period, data info, time of generation."""
    filters = overview.resolve_period(con, scope, filters)  # as the pages do
    province = scope.province_code or filters.province_code
    name = None
    if province:
        match = overview.provinces(con, scope).filter(pl.col("province_code") == province)
        name = match["name_vi"][0] if match.height else province
    return Briefing(
        scope=scope,
        filters=filters,
        role=role,
        province_code=province,
        province_name=name,
        info=overview.data_info(con, scope),
        generated_at=now or datetime.now(),
        sections=(),
    )


def collect(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    role: str = ROLE,
    sections: tuple[str, ...] = SECTIONS,
    now: datetime | None = None,
    on_section: Callable[[Briefing, Section], None] | None = None,
) -> Briefing:
    """The briefing for `filters` (province_code None = the whole country) under `role`'s export rule.

    `on_section(heading, section)` is called as each section is built, so a caller can draw its chart
    while the next sections are computed (the pack's renderer does)."""
    head = heading(con, scope, filters, role, now)
    built = []
    for key in sections:
        section = build_section(con, scope, head.filters, role, key)
        if on_section is not None:
            on_section(head, section)
        built.append(section)
    return replace(head, sections=tuple(built))
