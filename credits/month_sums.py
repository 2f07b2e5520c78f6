"""The months' totals (`credits.models.MonthTotal`) recomputed from the entries: what `reconcile`
compares them with, and what the migration that made the table filled it with.

Each entry counts in its household's village, the year and month of its deed, its kind, its
standing toward the score, the sign of its points and the domain and rule name it recorded.
"""

from dataclasses import dataclass

from django.db import connection

PARTS = {
    "postgresql": (
        "CAST(EXTRACT(YEAR FROM e.occurred_on) AS INTEGER)",
        "CAST(EXTRACT(MONTH FROM e.occurred_on) AS INTEGER)",
    ),
    "sqlite": ("CAST(strftime('%Y', e.occurred_on) AS INTEGER)", "CAST(strftime('%m', e.occurred_on) AS INTEGER)"),
}

SUMS_SQL = """
SELECT h.village_id, {year} AS year, {month} AS month, e.kind, e.in_score, e.points > 0 AS positive,
       e.domain_name, e.rule_name, COUNT(*) AS count, SUM(e.points) AS points
FROM credits_entry e
JOIN households_household h ON h.id = e.household_id
WHERE {where}
GROUP BY h.village_id, {year}, {month}, e.kind, e.in_score, e.points > 0, e.domain_name, e.rule_name
"""

KEY = ("village_id", "year", "month", "kind", "in_score", "positive", "domain_name", "rule_name")

# Two outer joins, not one FULL JOIN, for SQLite versions before 3.39 (as the years' points).
DIFFERENCES_SQL = """
WITH sums AS ({sums})
SELECT {s_key}, COALESCE(t.count, 0), COALESCE(t.points, 0), s.count, s.points
FROM sums s
LEFT JOIN credits_monthtotal t ON {join}
WHERE COALESCE(t.count, 0) <> s.count OR COALESCE(t.points, 0) <> s.points
UNION ALL
SELECT {t_key}, t.count, t.points, 0, 0
FROM credits_monthtotal t
WHERE (t.count <> 0 OR t.points <> 0) AND NOT EXISTS (SELECT 1 FROM sums s WHERE {join})
"""


def sums_sql(vendor: str, where: str = "1 = 1") -> str:
    """The entries grouped by `KEY`, with their count and points (columns in `KEY` order); `where`
    an SQL condition on the entry `e` and its household `h`."""
    year, month = PARTS[vendor]
    return SUMS_SQL.format(year=year, month=month, where=where)


@dataclass(frozen=True)
class MonthDifference:
    village_id: int
    year: int
    month: int
    kind: str
    in_score: bool
    positive: bool
    domain_name: str
    rule_name: str
    cached_count: int
    cached_points: int
    count: int
    points: int


def month_total_differences() -> list[MonthDifference]:
    """Every month's total that disagrees with the entries, or that no entry accounts for."""
    sql = DIFFERENCES_SQL.format(
        sums=sums_sql(connection.vendor),
        s_key=", ".join(f"s.{name}" for name in KEY),
        t_key=", ".join(f"t.{name}" for name in KEY),
        join=" AND ".join(f"t.{name} = s.{name}" for name in KEY),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return sorted(
        (MonthDifference(*row[:4], bool(row[4]), bool(row[5]), *row[6:]) for row in rows),
        key=lambda d: (d.village_id, d.year, d.month, d.kind, d.rule_name),
    )
