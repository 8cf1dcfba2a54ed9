"""Case groups: the same concern raised by the same citizen through several channels.

Opinions of the same person (keyed hash of the ID number, else of the phone), in the same field and commune,
each received within `WINDOW_DAYS` of the previous one, form one case. The opinions stay as they are; the
analytics layer can count "by opinion" or "by case" (`feedback_case`). Recomputed after every load that
touched feedback (a few seconds at millions of rows), so late-arriving records join the right case.
"""

from __future__ import annotations

import duckdb

WINDOW_DAYS = 14


def link_cases(con: duckdb.DuckDBPyConnection, window_days: int = WINDOW_DAYS) -> int:
    """Rebuild `feedback_case`; returns the number of cases that link two or more opinions."""
    con.execute(
        """CREATE OR REPLACE TABLE feedback_case AS
           WITH person AS (
               SELECT source_system, source_id, coalesce(id_hash, phone_hash) AS who, field, commune_code,
                      received_at, channel
               FROM feedback
               WHERE coalesce(id_hash, phone_hash) IS NOT NULL AND field IS NOT NULL AND commune_code IS NOT NULL
           ),
           starts AS (
               SELECT *, CASE WHEN lag(received_at) OVER w IS NULL
                               OR received_at - lag(received_at) OVER w > to_days($days) THEN 1 ELSE 0 END AS opens
               FROM person
               WINDOW w AS (PARTITION BY who, field, commune_code ORDER BY received_at, source_system, source_id)
           ),
           numbered AS (
               SELECT *, sum(opens) OVER (PARTITION BY who, field, commune_code
                                          ORDER BY received_at, source_system, source_id
                                          ROWS UNBOUNDED PRECEDING) AS seq
               FROM starts
           )
           SELECT source_system, source_id,
                  md5(who || '|' || field || '|' || commune_code || '|' || seq::VARCHAR) AS case_id,
                  count(*) OVER g AS case_size,
                  count(DISTINCT channel) OVER g AS case_channels
           FROM numbered
           WINDOW g AS (PARTITION BY who, field, commune_code, seq)""",
        {"days": window_days},
    )
    return con.sql("SELECT count(DISTINCT case_id) FROM feedback_case WHERE case_size > 1").fetchall()[0][0]
