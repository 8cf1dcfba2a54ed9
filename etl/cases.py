"""Case groups: the same concern raised by the same citizen through several channels.

Opinions of the same person (keyed hash of the ID number, else of the phone), in the same field and commune,
each received within `WINDOW_DAYS` of the previous one, form one case. The opinions stay as they are; the
analytics layer can count "by opinion" or "by case" (`feedback_case`). Recomputed after every load that
touched feedback, so late-arriving records join the right case. Most people write once about a concern:
their opinion is its own case without the window pass, which is where the time would go.
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
           repeated AS (SELECT who, field, commune_code FROM person GROUP BY ALL HAVING count(*) > 1),
           alone AS (SELECT * FROM person ANTI JOIN repeated USING (who, field, commune_code)),
           several AS (SELECT * FROM person SEMI JOIN repeated USING (who, field, commune_code)),
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
                  case_size, case_channels
           FROM numbered JOIN sized USING (who, field, commune_code, seq)
           UNION ALL
           SELECT source_system, source_id, md5(who || '|' || field || '|' || commune_code || '|1') AS case_id,
                  1::BIGINT AS case_size, 1::BIGINT AS case_channels
           FROM alone""",
        {"days": window_days},
    )
    return con.sql("SELECT count(DISTINCT case_id) FROM feedback_case WHERE case_size > 1").fetchall()[0][0]
