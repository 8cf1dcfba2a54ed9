"""Case groups: the same concern raised by the same citizen through several channels.

Opinions of the same person (keyed hash of the ID number, else of the phone), in the same field and commune,
each received within `WINDOW_DAYS` of the previous one, form one case. The opinions stay as they are; the
analytics layer can count "by opinion" or "by case". `feedback_case` holds the opinions of a person who
raised the same field in the same commune more than once (a lone opinion is a case of its own and would
only repeat `feedback`): opinions by case = opinions − Σ (case_size − 1) over the distinct cases
(`cases_sql`); a case may span several channels (`case_channels`).

After a load only the groups (person, field, commune) it touched are recomputed — the groups of the rows it
wrote or corrected, before and after — so a small file dropped into a warehouse of millions costs a
fraction of a second, and late-arriving records still join the right case. A first or very large load
recomputes everything (the same query without the restriction). Most people write once about a concern:
their opinion is its own case without the window pass.
"""

from __future__ import annotations

import duckdb

from etl import warehouse

WINDOW_DAYS = 14
GROUP = "who, field, commune_code"
FULL_SHARE = 0.3  # a load that wrote more than this share of all opinions recomputes everything

_CASES = """
   WITH person AS (
       SELECT source_system, source_id, coalesce(id_hash, phone_hash) AS who, field, commune_code,
              received_at, channel
       FROM feedback
       WHERE coalesce(id_hash, phone_hash) IS NOT NULL AND field IS NOT NULL AND commune_code IS NOT NULL
   ),
   scoped AS (SELECT * FROM person {restrict}),
   -- people who wrote more than once at all, first: grouping by the person alone (a number) is cheap
   writers AS (SELECT who FROM scoped GROUP BY who HAVING count(*) > 1),
   repeated AS (SELECT who, field, commune_code FROM scoped SEMI JOIN writers USING (who)
                GROUP BY ALL HAVING count(*) > 1),
   several AS (SELECT * FROM scoped SEMI JOIN repeated USING (who, field, commune_code)),
   starts AS (
       SELECT *, CASE WHEN lag(received_at) OVER w IS NULL
                       OR received_at - lag(received_at) OVER w > to_days($days) THEN 1 ELSE 0 END AS opens
       FROM several
       WINDOW w AS (PARTITION BY who, field, commune_code ORDER BY received_at, source_system, source_id)
   ),
   numbered AS (
       SELECT *, sum(opens) OVER (PARTITION BY who, field, commune_code
                                  ORDER BY received_at, source_system, source_id
                                  ROWS UNBOUNDED PRECEDING) AS seq
       FROM starts
   ),
   sized AS (
       SELECT who, field, commune_code, seq, count(*) AS case_size, count(DISTINCT channel) AS case_channels
       FROM numbered GROUP BY ALL
   )
   SELECT source_system, source_id,
          md5(who || '|' || field || '|' || commune_code || '|' || seq::VARCHAR) AS case_id,
          case_size, case_channels, who, field, commune_code
   FROM numbered JOIN sized USING (who, field, commune_code, seq)"""


def link_cases(con: duckdb.DuckDBPyConnection, load_id: str | None = None, window_days: int = WINDOW_DAYS) -> int:
    """Bring `feedback_case` up to date after load `load_id` (None: recompute all); returns the number of
    cases that link two or more opinions."""
    params = {"days": window_days}
    if load_id is None or _needs_full(con, load_id):
        con.execute(f"CREATE OR REPLACE TABLE feedback_case AS {_CASES.format(restrict='')}", params)
    else:
        # The groups this load touched: those of the rows it wrote or corrected now, and the ones they were in.
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _touched_keys AS
                SELECT source_system, source_id FROM feedback WHERE load_id = $load_id
                UNION SELECT source_system, source_id FROM correction WHERE load_id = $load_id""",
            {"load_id": load_id},
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _touched AS
                SELECT coalesce(f.id_hash, f.phone_hash) AS who, f.field, f.commune_code
                FROM feedback f SEMI JOIN _touched_keys k USING (source_system, source_id)
                WHERE coalesce(f.id_hash, f.phone_hash) IS NOT NULL AND f.field IS NOT NULL
                  AND f.commune_code IS NOT NULL
                UNION SELECT {GROUP} FROM feedback_case c SEMI JOIN _touched_keys k USING (source_system, source_id)"""
        )
        con.execute(
            """DELETE FROM feedback_case c USING _touched t
               WHERE c.who = t.who AND c.field = t.field AND c.commune_code = t.commune_code"""
        )
        con.execute(
            """DELETE FROM feedback_case c USING _touched_keys k
               WHERE c.source_system = k.source_system AND c.source_id = k.source_id"""
        )
        restrict = f"SEMI JOIN _touched USING ({GROUP})"
        con.execute(f"INSERT INTO feedback_case {_CASES.format(restrict=restrict)}", params)
        con.execute("DROP TABLE _touched")
        con.execute("DROP TABLE _touched_keys")
    return con.sql("SELECT count(DISTINCT case_id) FROM feedback_case WHERE case_size > 1").fetchall()[0][0]


def _needs_full(con: duckdb.DuckDBPyConnection, load_id: str) -> bool:
    """An older warehouse without the group columns, an empty case table, or a load that wrote much of all."""
    columns = warehouse.column_types(con, "feedback_case")
    if "who" not in columns:
        return True
    total, written = con.sql(
        "SELECT count(*), count(*) FILTER (WHERE load_id = $load_id) FROM feedback", params={"load_id": load_id}
    ).fetchall()[0]
    cases = con.sql("SELECT count(*) FROM feedback_case").fetchall()[0][0]
    return cases == 0 or written > FULL_SHARE * total


def cases_sql(opinions: str = "feedback") -> str:
    """SQL for the number of cases among the opinions of `opinions` (a table or subquery with the keys):
    every opinion is one case, less the repeats linked into a case with others."""
    return f"""SELECT (SELECT count(*) FROM {opinions}) - coalesce((
                   SELECT sum(n - 1) FROM (
                       SELECT count(*) AS n FROM feedback_case k
                       SEMI JOIN {opinions} o USING (source_system, source_id) GROUP BY case_id)), 0) AS cases"""
