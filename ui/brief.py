"""The briefing's slides as views: title, figures (label, formatted value), the app's own chart, source note
with denominators, and speaker notes defining every number. The PPTX, the PDF and presentation mode all
show these same views. Pure (no Streamlit session needed): the CLI and the renderers call it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import polars as pl

from analytics import hotspots, suppress
from analytics.brief import Briefing, Number, Section
from ui.i18n import fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_period, fmt_q, text

FAMILIES = ("coverage_", "model_", "concern_", "milestones_")
CITIZEN_COUNTS = {"on_time", "due", "n"}  # counts of people/opinions inside definitions: the small-count rule


def _count_text(value: object, lang: str, role: str) -> str:
    """A count of people or opinions as text, "<10" under the role's export threshold."""
    if not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    limit = suppress.threshold(role, "export")
    if limit is not None and value < limit:
        return f"<{limit}"
    return fmt_int(value, lang)


@dataclass
class SlideView:
    """One slide, in one language."""

    key: str
    title: str
    subtitle: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value as shown)
    chart: go.Figure | None = None
    bullets: list[str] = field(default_factory=list)
    source: str = ""
    notes: str = ""
    skipped: bool = False


def _family(key: str) -> str:
    for prefix in FAMILIES:
        if key.startswith(prefix):
            return prefix.rstrip("_")
    return key


def _names(number: Number, lang: str, briefing: Briefing) -> dict[str, Any]:
    """Display arguments for a number's label and definition."""
    a = dict(number.args)
    if "org" in a:
        a["org"] = text(f"front.org.{a['org']}", lang)
    if "kind" in a:
        a["kind"] = text(f"front.kind.{a['kind']}", lang)
    if "outcome" in a:
        a["outcome"] = text(f"front.outcome.{a['outcome']}", lang)
    if "evidence" in a:
        a["evidence"] = text(f"front.evidence.{a['evidence']}", lang)
    if number.key.startswith("milestones_"):
        a["status"] = text(f"front.status.{number.key.removeprefix('milestones_')}", lang)
    if number.key.startswith("concern_") and lang == "en" and a.get("field_en"):
        a["field"] = a["field_en"]
    a["province"] = briefing.province_name or ""
    if number.key.startswith("model_"):
        a["few"] = text("brief.few_adopters", lang, n=a.get("adopters")) if a.get("few_adopters") else ""
    for name in CITIZEN_COUNTS & a.keys():
        a[name] = _count_text(a[name], lang, briefing.role)
    for name, value in list(a.items()):
        if name in ("low", "high", "simple") and isinstance(value, float):
            a[name] = fmt_num(value, lang, 3 if number.kind == "num3" else 1)
        elif name in ("target", "share") and isinstance(value, float):
            a[name] = fmt_pct(value, lang)
        elif name == "change":
            a[name] = fmt_pct(value, lang, signed=True) if value is not None else "—"
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            a[name] = fmt_int(value, lang)
        elif name == "pretrend_p" and isinstance(value, float):
            a[name] = fmt_q(value, lang, 2)
        elif isinstance(value, float) and name not in ("low", "high", "simple"):
            a[name] = fmt_int(value, lang) if value.is_integer() else fmt_num(value, lang)
        elif hasattr(value, "hour"):
            a[name] = fmt_datetime(value, lang)
        elif hasattr(value, "day"):
            a[name] = fmt_date(value, lang)
        elif value is None:
            a[name] = "—"
    return a


def format_value(number: Number, lang: str, role: str) -> str:
    """A number as the slide shows it: "<10" when suppressed, "—" when undefined."""
    if number.suppressed:
        return suppress.small_count_label(role, "export") or "—"
    if number.value is None:
        return "—"
    if number.kind == "pct":
        return fmt_pct(number.value, lang)
    if number.kind == "change":
        return fmt_pct(number.value, lang, signed=True)
    if number.kind == "num":
        return fmt_num(number.value, lang)
    if number.kind == "num3":
        return fmt_num(number.value, lang, 3)
    return fmt_int(number.value, lang)


def label(number: Number, lang: str, briefing: Briefing) -> str:
    return text(f"brief.n.{_family(number.key)}", lang, **_names(number, lang, briefing))


def definition(number: Number, lang: str, briefing: Briefing) -> str:
    """The speaker-note line: label = value: what it counts, over which denominator."""
    args = _names(number, lang, briefing)
    args |= {"from_": fmt_date(briefing.filters.date_from, lang), "to": fmt_date(briefing.filters.date_to, lang)}
    args["value"] = format_value(number, lang, briefing.role)
    line = f"{label(number, lang, briefing)} = {args['value']}: " + text(f"brief.d.{_family(number.key)}", lang, **args)
    if number.suppressed:
        line += " (" + text("brief.suppressed_note", lang, limit=suppress.threshold(briefing.role, "export")) + ")"
    return line


def _period(briefing: Briefing, lang: str) -> str:
    return fmt_period(briefing.filters.date_from, briefing.filters.date_to, lang)


def _area(briefing: Briefing, lang: str) -> str:
    return briefing.province_name or text("brief.country", lang)


def title_view(briefing: Briefing, lang: str) -> SlideView:
    """The title slide: area, period, data-as-of time, synthetic mark."""
    info = briefing.info
    bullets = [text("brief.area", lang, area=_area(briefing, lang), period=_period(briefing, lang))]
    if info.as_of:
        bullets.append(text("brief.as_of", lang, as_of=fmt_datetime(info.as_of, lang)))
    if info.synthetic:
        bullets.append(text("brief.synthetic", lang))
    limit = suppress.threshold(briefing.role, "export")
    rules = text("brief.rules", lang, limit=limit, label=f"<{limit}") if limit else ""
    return SlideView(
        key="title",
        title=f"{text('brief.s.title', lang)} — {_area(briefing, lang)}",
        subtitle=_period(briefing, lang),
        bullets=bullets,
        source=text("brief.generated", lang, at=fmt_datetime(briefing.generated_at, lang)),
        notes=rules,
    )


def _chart(section: Section, briefing: Briefing, lang: str) -> go.Figure | None:
    """The same figure the section's page shows, from the page's own ui builder."""
    from ui import charts

    d, period = section.data, _period(briefing, lang)
    if section.key == "kpis":
        return charts.monthly_trend_line(d["trend"], lang=lang)
    if section.key == "map":
        from ui import map_charts

        key = "map.title_province" if d["level"] == "province" else "map.title_commune"
        title = text(key, lang, period=period, area=_area(briefing, lang))
        figure = map_charts.hotspot_map(
            d["table"], d["boundaries"], title=title, lang=lang, emerging=d["rises"],
            small_label=suppress.small_count_label(briefing.role, "export"),
        )  # fmt: skip
        return figure or charts.rate_bar(d["table"].rename({"count": "opinions"}), title=title, lang=lang)
    if section.key == "concerns":
        from ui import map_charts

        previous = briefing.filters.previous_period()
        title = text(
            "map.concerns_title", lang, previous=fmt_period(previous.date_from, previous.date_to, lang), period=period
        )
        return map_charts.field_change_bar(d["changes"], title=title, lang=lang)
    if section.key == "handling":
        from ui import charts_voices

        f = briefing.filters
        return charts_voices.funnel(d["funnel"], date_from=f.date_from, date_to=f.date_to, lang=lang)
    if section.key == "trust" and d.get("wave"):
        from analytics import trust
        from ui import charts_trust

        result, province = d["result"], d.get("province")
        names = charts_trust.province_names(result.provinces)
        if province:
            return charts_trust.trend_chart(
                result.national, result.breaks, lang=lang, province=trust.province_trend(result, province),
                province_name=briefing.province_name, peers=trust.peer_trends(result, province),
            )  # fmt: skip
        return charts_trust.caterpillar(
            result.index.filter(pl.col("wave") == d["wave"]), names, wave=d["wave"], lang=lang
        )
    if section.key == "membership" and d.get("period"):
        from ui import charts_front

        by_org, goal = d["by_org"], d["goal"]
        return charts_front.bars(
            [text(f"front.org.{o}", lang) for o in by_org["organization"]],
            [m / e if e else None for m, e in by_org.select("members", "eligible").iter_rows()],
            targets=[goal.get(o) for o in by_org["organization"]],
            percent=True,
            title=text("membership.coverage_title", lang, period=d["period"]),
            lang=lang,
        )
    if section.key == "models" and d["first"].height:
        from ui import charts_front

        first = d["first"]
        span = f"{fmt_date(first['adopted_at'].min(), lang)}–{fmt_date(first['adopted_at'].max(), lang)}"
        title = text("models.timeline_title", lang, n=first["province_code"].n_unique(), period=span)
        return charts_front.adoption_timeline(first, title=title, lang=lang)
    if section.key == "monitoring" and d.get("chain") is not None:
        from ui import charts_front

        return charts_front.chain_funnel(
            d["chain"], title=text("monitoring.chain_title", lang, period=period), lang=lang
        )
    if section.key == "milestones" and d.get("counts") is not None:
        from ui import charts_front

        names = {"national": text("milestones.national", lang)} | d["names"]
        total = int(d["counts"]["milestones"].sum())
        return charts_front.status_stack(
            d["counts"], title=text("milestones.status_title", lang, n=total), lang=lang, scope_names=names
        )
    return None


def _source(section: Section, briefing: Briefing, lang: str) -> str:
    d, period, role = section.data, _period(briefing, lang), briefing.role
    if section.key == "kpis":
        k = d["kpis"]
        return text("brief.src.kpis", lang, period=period, due=_count_text(k.due, lang, role), days=k.deadline_days)
    if section.key == "map":
        tested = section.number("hot_areas").args["tested"]
        return text(
            "brief.src.map", lang, period=period, tested=fmt_int(tested, lang),
            suppressed=fmt_int(d["suppressed_areas"], lang), permutations=fmt_int(hotspots.PERMUTATIONS, lang),
        )  # fmt: skip
    if section.key == "concerns":
        previous = briefing.filters.previous_period()
        return text(
            "brief.src.concerns", lang, period=period, previous=fmt_period(previous.date_from, previous.date_to, lang)
        )
    if section.key == "handling":
        s = d["summary"]
        return text(
            "brief.src.handling", lang, period=period, due=_count_text(s.due, lang, role),
            answered=_count_text(s.answered, lang, role), rated=_count_text(s.rated, lang, role),
        )  # fmt: skip
    if section.key == "trust" and d.get("wave"):
        from ui.charts_trust import level_text

        nat = section.number("trust_national")
        source = text(
            "brief.src.trust", lang, wave=d["wave"], n=_count_text(nat.args["n"], lang, role),
            min_n=d["result"].catalogue.min_respondents,
        )  # fmt: skip
        groups = "" if d.get("province") else " " + text("brief.src.trust_groups", lang, level=level_text(lang))
        return source + groups  # the national slide shows the groups (caterpillar), a province's its trend
    if section.key == "membership" and d.get("period"):
        from analytics.targets import load_targets

        source = load_targets()["membership"][f"source_{lang}"]
        return text("brief.src.membership", lang, period=d["period"], source=source)
    if section.key == "models":
        return text("brief.src.models", lang)
    if section.key == "monitoring" and section.numbers:
        return text(
            "brief.src.monitoring", lang, period=period, as_of=fmt_date(d["as_of"], lang),
            issued=fmt_int(section.number("recommendations").value, lang),
        )  # fmt: skip
    if section.key == "milestones" and section.numbers:
        total = section.numbers[0].args["total"]
        return text("brief.src.milestones", lang, as_of=fmt_date(d["as_of"], lang), total=fmt_int(total, lang))
    return ""


def _bullets(section: Section, lang: str) -> list[str]:
    """Extra lines a slide lists (no citizen text: agencies and counts only)."""
    if section.key == "monitoring" and section.data.get("agencies") is not None:
        return [
            text(
                "brief.overdue_agency",
                lang,
                agency=r["agency"] or "—",
                n=fmt_int(r["overdue"], lang),
                days=fmt_int(r["oldest_days"] or 0, lang),
            )  # fmt: skip
            for r in section.data["agencies"].iter_rows(named=True)
        ]
    return []


def section_view(section: Section, briefing: Briefing, lang: str) -> SlideView:
    """One section as a slide view; a skipped section becomes a placeholder saying so."""
    title = text(f"brief.s.{section.key}", lang)
    subtitle = f"{_area(briefing, lang)} · {_period(briefing, lang)}"
    if section.error is not None:
        return SlideView(
            key=section.key,
            title=text("brief.skipped", lang, title=title),
            subtitle=subtitle,
            bullets=[text("brief.skipped_body", lang, error=section.error[:200])],
            skipped=True,
        )
    figures = [(label(n, lang, briefing), format_value(n, lang, briefing.role)) for n in section.numbers]
    notes = "\n".join(
        [text("brief.notes_header", lang)] + [f"• {definition(n, lang, briefing)}" for n in section.numbers]
    )
    try:
        chart = _chart(section, briefing, lang)
    except Exception:  # a builder being rewritten must not sink the pack: the slide keeps its numbers
        chart = None
    bullets = _bullets(section, lang)
    if not section.numbers:
        bullets = [text("brief.empty", lang)]
    return SlideView(
        key=section.key,
        title=title,
        subtitle=subtitle,
        figures=figures,
        chart=chart,
        bullets=bullets,
        source=_source(section, briefing, lang),
        notes=notes,
    )


def slide_views(briefing: Briefing, lang: str = "vi") -> list[SlideView]:
    """The whole pack: the title slide, then one slide per section."""
    return [title_view(briefing, lang)] + [section_view(s, briefing, lang) for s in briefing.sections]


def presentation_figure(figure: go.Figure, scale: float = 1.35) -> go.Figure:
    """A copy of a chart with larger type for a projector."""
    big = go.Figure(figure)
    big.update_layout(font={"size": round(12 * scale)}, title_font={"size": round(15 * scale)})
    return big
