"""The reports of `python -m analytics <report>`: name -> "module:function" (imported when used).

A report function has the signature
    run(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, role: str, extra: list[str]) -> pl.DataFrame
and must call the same analytics functions as the page that shows those numbers. `extra` holds the
report's own options (e.g. `--level commune`), parsed by the report itself with argparse.
Feature work adds one line here per report.
"""

from __future__ import annotations

REPORTS: dict[str, str] = {
    "overview": "analytics.overview:report",
    "handling": "analytics.protected:handling_report",  # the league table under the role's rule
    "campaign": "analytics.campaign:report",
    "hotspots": "analytics.hotspots:report",
    "emerging": "analytics.emerging:report",
    "trust": "analytics.trust:report",
    "models": "analytics.models:report",
    "membership": "analytics.membership:report",
    "monitoring": "analytics.monitoring:report",
    "outcomes": "analytics.outcomes:report",
    "milestones": "analytics.milestones:report",
}
