"""Time a database connection's COMMITs: imports nothing, so both `posting.py` (Xiangfeng's
process) and `posting_hordak.py` (hordak's, in its own virtual environment) can use it."""

import time


def time_commits(connection) -> list[float]:
    """Time what `connection`'s COMMITs take (the server flushing the transaction's WAL to disk, for
    the most part): a list that each commit adds its seconds to."""
    connection.ensure_connection()
    raw, spent = connection.connection, []
    commit = raw.commit

    def timed():
        started = time.perf_counter()
        try:
            return commit()
        finally:
            spent.append(time.perf_counter() - started)

    raw.commit = timed
    return spent
