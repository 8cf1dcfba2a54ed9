"""The "Tiếng nói nhân dân" explorer: search, one page of opinions, one opinion's detail, what is rising.

Search ignores case and diacritics: the query is folded like the stored `feedback.text_folded`
("dat dai" finds "Đất đai") and matched at the start of a word ("dat" finds "đất", "đất đai", not "khẩn đạt"
inside a word). A field corrected by an analyst is read from the `correction` table first, so filters and
the table show the corrected field as soon as the loader has applied the correction file.
"""

from __future__ import annotations

from datetime import timedelta
from math import log

import duckdb
import polars as pl

from analytics.db import query
from analytics.filters import Filters
from analytics.scope import Scope, scope_predicate
from etl.classify import fold

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000
PHRASE_SAMPLE = 20_000
MIN_PHRASE_COUNT = 15


def search_needle(text: str | None) -> str | None:
    """What a search text must be found as in the folded text: ' dat dai' (a word start: the stored text has a
    space before every word); None when there is nothing to search."""
    folded = fold([text or ""])[0].rstrip()
    return folded if folded.strip() else None


def _where(scope: Scope, filters: Filters, text: str | None) -> tuple[str, dict]:
    """Conditions on `s` (feedback) joined with `c` (correction)."""
    scope_sql, params = scope_predicate(scope, "s")
    clauses = [scope_sql]
    if filters.date_from is not None:
        clauses.append("s.received_at >= $f_from")
        params["f_from"] = filters.date_from
    if filters.date_to is not None:
        clauses.append("s.received_at < $f_to_excl")
        params["f_to_excl"] = filters.date_to + timedelta(days=1)
    if filters.province_code is not None:
        clauses.append("s.province_code = $f_province")
        params["f_province"] = filters.province_code
    if filters.commune_code is not None:
        clauses.append("s.commune_code = $f_commune")
        params["f_commune"] = filters.commune_code
    if filters.fields:
        clauses.append("coalesce(c.field, s.field) IN (SELECT unnest($f_fields::VARCHAR[]))")
        params["f_fields"] = list(filters.fields)
    if filters.channels:
        clauses.append("s.channel IN (SELECT unnest($f_channels::VARCHAR[]))")
        params["f_channels"] = list(filters.channels)
    needle = search_needle(text)
    if needle is not None:
        clauses.append("contains(s.text_folded, $needle)")  # a plain substring test: no pattern to interpret
        params["needle"] = needle
    return " AND ".join(clauses), params


_FROM = """feedback s
    LEFT JOIN correction c ON c.source_system = s.source_system AND c.source_id = s.source_id"""


_SHOWN = """s.source_system, s.source_id, s.received_at, s.province_code, s.commune_code, s.channel, s.field,
    s.field_origin, s.status, s.agency, s.level, s.campaign, s.content"""


def search(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    text: str | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> pl.DataFrame:
    """One page of matching opinions, newest first: source_system, source_id, received_at, province_code,
    commune_code, channel, field, field_origin, status, agency, level, campaign, content."""
    where, params = _where(scope, filters, text)
    page_params = {**params, "limit": page_size, "offset": max(page, 0) * page_size}
    # A corrected field decides membership: join the corrections before ranking. Otherwise rank on the opinions
    # alone (DuckDB's top-N then skips row groups) and join the page only.
    source = _FROM if filters.fields else "feedback s"
    ranked = f"""SELECT {_SHOWN} FROM {source} WHERE {where}
                 ORDER BY s.received_at DESC, s.source_id DESC LIMIT $limit OFFSET $offset"""
    return query(
        con,
        f"""SELECT s.source_system, s.source_id, s.received_at, s.province_code, s.commune_code, s.channel,
                   coalesce(c.field, s.field) AS field,
                   CASE WHEN c.field IS NOT NULL THEN 'correction' ELSE s.field_origin END AS field_origin,
                   s.status, s.agency, s.level, s.campaign, s.content
            FROM ({ranked}) s
            LEFT JOIN correction c ON c.source_system = s.source_system AND c.source_id = s.source_id
            ORDER BY s.received_at DESC, s.source_id DESC""",
        page_params,
    )


def count(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, text: str | None = None) -> int:
    """How many opinions match (for the pager and the export)."""
    where, params = _where(scope, filters, text)
    return int(query(con, f"SELECT count(*) AS n FROM {_FROM} WHERE {where}", params)["n"][0])


def export(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, text: str | None = None) -> pl.DataFrame:
    """Every matching opinion (up to EXPORT_LIMIT), in the table's order and columns, for the CSV export."""
    return search(con, scope, filters, text, page=0, page_size=EXPORT_LIMIT)


def detail(con: duckdb.DuckDBPyConnection, scope: Scope, source_system: str, source_id: str) -> dict | None:
    """One opinion in the scope: its row (content masked at load), status history and case group.

    History: one row per step with a time (received, forwarded, answered, resolved) plus an analyst's
    correction. Case group: the other opinions of its case in `feedback_case` (etl/cases.py: the same person,
    field and commune within a few days, across channels)."""
    where, params = scope_predicate(scope, "f")
    rows = query(
        con,
        f"""SELECT f.* EXCLUDE (text_folded, phone_hash, id_hash), c.field AS corrected_field, c.corrected_at, c.corrected_by
            FROM feedback f
            LEFT JOIN correction c ON c.source_system = f.source_system AND c.source_id = f.source_id
            WHERE f.source_system = $system AND f.source_id = $id AND {where}""",
        {**params, "system": source_system, "id": source_id},
    )
    if not rows.height:
        return None
    row = rows.row(0, named=True)
    steps = [
        ("received", row["received_at"]),
        ("forwarded", row["forwarded_at"]),
        ("answered", row["answered_at"]),
        ("resolved", row["resolved_at"]),
        ("corrected", row["corrected_at"]),
    ]
    history = pl.DataFrame(
        [(s, t) for s, t in steps if t is not None], schema={"step": pl.String, "at": pl.Datetime("us")}, orient="row"
    ).sort("at")
    field = row["corrected_field"] or row["field"]
    group = query(
        con,
        f"""SELECT f.source_system, f.source_id, f.received_at, f.channel, f.status, f.content
            FROM feedback_case k
            JOIN feedback_case o ON o.case_id = k.case_id
            JOIN feedback f ON f.source_system = o.source_system AND f.source_id = o.source_id
            WHERE k.source_system = $system AND k.source_id = $id AND {where}
              AND NOT (o.source_system = $system AND o.source_id = $id)
            ORDER BY f.received_at
            LIMIT 50""",
        {**params, "system": source_system, "id": source_id},
    )
    return {"opinion": row | {"field": field}, "history": history, "case_group": group}


def rising_fields(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters) -> pl.DataFrame:
    """Opinions per field in the period and the previous period of equal length: field, current, previous,
    change (current − previous), ratio ((current+1)/(previous+1)); most risen first."""
    periods = []
    for name, f in (("current", filters), ("previous", filters.previous_period())):
        where, params = _where(scope, f, None)
        periods.append(
            query(
                con,
                f"""SELECT coalesce(c.field, s.field, '') AS field, count(*) AS {name}
                    FROM {_FROM} WHERE {where} GROUP BY ALL""",
                params,
            )
        )
    joined = periods[0].join(periods[1], on="field", how="full", coalesce=True).fill_null(0)
    return joined.with_columns(
        (pl.col("current") - pl.col("previous")).alias("change"),
        ((pl.col("current") + 1) / (pl.col("previous") + 1)).alias("ratio"),
    ).sort(["change", "field"], descending=[True, False])


def _bigrams(texts: pl.Series) -> pl.DataFrame:
    words = pl.DataFrame({"w": texts.str.strip_chars().str.split(" ")}).with_row_index("doc")
    pairs = words.select(
        "doc", pl.col("w").list.slice(0, pl.col("w").list.len() - 1).alias("a"), pl.col("w").list.slice(1).alias("b")
    ).explode("a", "b")
    return (
        pairs.drop_nulls()
        .filter((pl.col("a").str.len_chars() > 1) & (pl.col("b").str.len_chars() > 1))
        .select("doc", pl.concat_str("a", pl.lit(" "), "b").alias("phrase"))
        .unique()
        .group_by("phrase")
        .agg(pl.len().alias("n"))
    )


def rising_phrases(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, top: int = 15) -> pl.DataFrame:
    """Two-word phrases (folded) whose share of opinions grew most against the previous period, on seeded
    samples of up to PHRASE_SAMPLE opinions per period: phrase, current_share, previous_share, log_ratio.
    Only phrases in at least MIN_PHRASE_COUNT sampled opinions of the current period are ranked."""
    samples = []
    for f in (filters, filters.previous_period()):
        where, params = _where(scope, f, None)
        texts = query(
            con,
            f"""SELECT s.text_folded FROM {_FROM} WHERE {where}
                USING SAMPLE reservoir({PHRASE_SAMPLE} ROWS) REPEATABLE (7)""",
            params,
        )["text_folded"]
        samples.append((texts.len(), _bigrams(texts)))
    (n_cur, cur), (n_prev, prev) = samples
    if n_cur == 0:
        return pl.DataFrame(
            schema={
                "phrase": pl.String,
                "current_share": pl.Float64,
                "previous_share": pl.Float64,
                "log_ratio": pl.Float64,
            }
        )
    joined = cur.join(prev, on="phrase", how="left", suffix="_prev").fill_null(0)
    return (
        joined.filter(pl.col("n") >= MIN_PHRASE_COUNT)
        .select(
            "phrase",
            (pl.col("n") / n_cur).alias("current_share"),
            (pl.col("n_prev") / max(n_prev, 1)).alias("previous_share"),
            (((pl.col("n") + 1) / (n_cur + 1)) / ((pl.col("n_prev") + 1) / (n_prev + 1))).log().alias("log_ratio"),
        )
        .filter(pl.col("log_ratio") > log(1.2))
        .sort(["log_ratio", "phrase"], descending=[True, False])
        .head(top)
    )
