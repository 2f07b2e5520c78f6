"""The hash chain's check in PostgreSQL's own SQL: the same findings as `chain.breaks`, without
bringing every entry into Python.

Two passes over the entries, each cheaper than one that does both:

- the hashes: each entry's SHA-256 recomputed with `sha256()` over the payload `chain.entry_hash`
  serialises (the JSON of version 1, its keys sorted, no spaces, text escaped as
  `json.dumps(ensure_ascii=False)` does, as `to_json` does too). It needs no order, so PostgreSQL
  scans the entries with parallel workers. Most entries' text needs no escaping, so the payload
  is built by plain concatenation, quotes around the text; one `to_json` over all of an entry's
  text tells which entries do (escaping lengthens the text), and only those take the `to_json` of
  each field. Either way the bytes are the walk's.
- the links: each entry's previous hash compared with the household's entry before it (a window
  over the household's entries in id order), and the last entry's hash with the household's head.
  The window sorts the ledger, so it carries only the ids and the two hashes.

Only the entries that break come back, so Python's work is theirs alone. `chain_breaks` uses it
while version 1 is the only one (`chain.FIELDS`); a new version must be written here too, or the
check falls back to the walk in Python. tests/credits/test_chain.py holds it to the walk's findings.
"""

from django.db import connection, transaction

from credits import chain

# Version 1's fields by how they are written: text (a JSON string), numbers (null when empty), the
# two dates and the flag. The time and the date rely on the session settings `breaks` sets.
TEXT = ("domain_name", "kind", "note", "rule_name", "rule_standard")
NUMBERS = ("balance_after", "household_id", "points", "recorded_by_id", "reverses_id", "rule_id", "score_after")
OTHERS = {
    "created_at": ("'\"' || to_char(e.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00\"'"),
    "occurred_on": "'\"' || e.occurred_on::text || '\"'",
    "in_score": "CASE WHEN e.in_score THEN 'true' ELSE 'false' END",
}
FIELDS_V1 = {*TEXT, *NUMBERS, *OTHERS}
SESSION = (
    "SET LOCAL TimeZone = 'UTC'",  # the time as `chain._canonical` writes it, in UTC
    "SET LOCAL DateStyle = 'ISO'",  # the date as `date.isoformat()` writes it
    "SET LOCAL jit = off",  # compiling a one-off scan costs more than it saves
)


def _text(column: str, *, escaped: bool) -> str:
    return f"to_json(e.{column})::text" if escaped else f"'\"' || e.{column} || '\"'"


def _payload(*, escaped: bool) -> str:
    fields = []
    for name in sorted(FIELDS_V1):
        if name in TEXT:
            value = _text(name, escaped=escaped)
        elif name in NUMBERS:
            value = f"COALESCE(e.{name}::text, 'null')"
        else:
            value = OTHERS[name]
        fields.append(f"'\"{name}\":' || {value}")
    previous = _text("previous_hash", escaped=escaped)
    sql = f"""'{{"entry":{{' || {" || ',' || ".join(fields)} || '}},"previous":' || {previous} || ',"v":1}}'"""
    # Adjacent literals written as one, so each entry costs as few concatenations as it can.
    return sql.replace("' || '", "")


def payload_sql() -> str:
    """The entry `e`'s payload, as SQL."""
    every = (*TEXT, "previous_hash")
    lengths = " + ".join(f"octet_length(e.{c})" for c in every)
    plain = f"octet_length(to_json({' || '.join(f'e.{c}' for c in every)})::text) = {lengths} + 2"
    return f"CASE WHEN {plain} THEN {_payload(escaped=False)} ELSE {_payload(escaped=True)} END"


def usable() -> bool:
    """Whether this check knows every version of the chain (else the walk in Python runs)."""
    return connection.vendor == "postgresql" and set(chain.FIELDS) == {1} and set(chain.FIELDS[1]) == FIELDS_V1


REWRITTEN_SQL = """
SELECT e.household_id, e.id
FROM credits_entry e
WHERE e.hash_version <> 1 OR encode(sha256(convert_to({payload}, 'UTF8')), 'hex') <> e.hash
"""

LINKS_SQL = """
WITH c AS (
    SELECT e.id, e.household_id, e.hash, e.previous_hash,
           e.previous_hash <> LAG(e.hash, 1, '') OVER w AS unlinked,
           LEAD(e.id) OVER w IS NULL AS last
    FROM credits_entry e
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.id)
)
SELECT c.household_id, c.id, c.unlinked,
       c.unlinked AND EXISTS (SELECT 1 FROM credits_entry x WHERE x.household_id = c.household_id
                              AND x.id < c.id AND x.hash = c.previous_hash) AS inserted,
       c.last AND c.hash <> h.chain_head AS head
FROM c
JOIN households_household h ON h.id = c.household_id
WHERE c.unlinked OR (c.last AND c.hash <> h.chain_head)
"""

# Reconcile's pass in chain order: the links and the head (as LINKS_SQL) and, in the same window,
# what `selectors.RECONCILE_SQL` proves (the sums and the *_after chain), so the ledger is sorted
# once for both. A household comes back when either finds something.
BOOKS_SQL = """
WITH c AS (
    SELECT e.household_id, e.id, e.points, e.in_score, e.hash,
           e.score_after <> LAG(e.score_after, 1, 0) OVER w + CASE WHEN e.in_score THEN e.points ELSE 0 END
               OR e.balance_after <> LAG(e.balance_after, 1, 0) OVER w + e.points AS broken,
           e.previous_hash <> LAG(e.hash, 1, '') OVER w AS unlinked,
           LEAD(e.id) OVER w IS NULL AS last
    FROM credits_entry e
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.id)
), sums AS (
    SELECT household_id,
           SUM(CASE WHEN in_score THEN points ELSE 0 END) AS score_sum,
           SUM(points) AS balance_sum,
           COUNT(*) FILTER (WHERE broken) AS breaks,
           array_agg(id) FILTER (WHERE unlinked) AS unlinked,
           MIN(hash) FILTER (WHERE last) AS last_hash
    FROM c
    GROUP BY household_id
)
SELECT h.id, v.code, h.number, h.score, h.balance,
       COALESCE(s.score_sum, 0), COALESCE(s.balance_sum, 0), COALESCE(s.breaks, 0),
       s.unlinked, s.last_hash <> h.chain_head
FROM households_household h
JOIN households_village v ON v.id = h.village_id
LEFT JOIN sums s ON s.household_id = h.id
WHERE h.score <> COALESCE(s.score_sum, 0)
   OR h.balance <> COALESCE(s.balance_sum, 0)
   OR COALESCE(s.breaks, 0) > 0
   OR s.unlinked IS NOT NULL
   OR s.last_hash <> h.chain_head
ORDER BY h.id
"""

# Whether an unlinked entry's previous hash is an earlier entry's of its household (inserted) or
# no entry's (removed), for the few that break.
INSERTED_SQL = """
SELECT c.id FROM credits_entry c
WHERE c.id = ANY(%s) AND EXISTS (SELECT 1 FROM credits_entry x WHERE x.household_id = c.household_id
                                 AND x.id < c.id AND x.hash = c.previous_hash)
"""

# Where each finding sorts among its household's, as the walk yields them: by entry, the head
# after every entry, and at one entry its hash before its link.
_ORDER = {"rewritten": 0, "removed": 1, "inserted": 1, "head": 2}


def _rewritten(cursor) -> list[chain.Break]:
    for setting in SESSION:
        cursor.execute(setting)
    # Only the broken entries come back, which the planner cannot know: without this it counts
    # every entry's trip from the workers and keeps the hashing on one core.
    cursor.execute("SET LOCAL parallel_tuple_cost = 0")
    cursor.execute(REWRITTEN_SQL.format(payload=payload_sql()))
    return [chain.Break(household_id, entry_id, "rewritten") for household_id, entry_id in cursor.fetchall()]


def _in_order(found: list[chain.Break]) -> list[chain.Break]:
    return sorted(found, key=lambda b: (b.household_id, b.entry_id is None, b.entry_id or 0, _ORDER[b.problem]))


def breaks() -> list[chain.Break]:
    """Every break of every household's chain that has entries, as `chain.breaks` names them, in
    household and entry order."""
    with transaction.atomic(), connection.cursor() as cursor:
        found = _rewritten(cursor)
        # The window sorts the whole ledger: in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(LINKS_SQL)
        for household_id, entry_id, unlinked, inserted, head in cursor.fetchall():
            if unlinked:
                found.append(chain.Break(household_id, entry_id, "inserted" if inserted else "removed"))
            if head:
                found.append(chain.Break(household_id, None, "head"))
    return _in_order(found)


def books() -> tuple[list[tuple], list[chain.Break]]:
    """What `selectors.ledger_differences` and `breaks` find, in two passes over the entries instead
    of three: each household that differs (a row of `selectors.LedgerDifference`'s fields), and the
    chain's breaks in household and entry order."""
    differences: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        found = _rewritten(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(BOOKS_SQL)
        unlinked: dict[int, int] = {}
        for *difference, entry_ids, head in cursor.fetchall():
            household_id, _code, _number, score, balance, score_sum, balance_sum, after_breaks = difference
            if score != score_sum or balance != balance_sum or after_breaks:
                differences.append(tuple(difference))
            unlinked.update(dict.fromkeys(entry_ids or (), household_id))
            if head:
                found.append(chain.Break(household_id, None, "head"))
        inserted: set[int] = set()
        if unlinked:
            cursor.execute(INSERTED_SQL, [list(unlinked)])
            inserted = {entry_id for (entry_id,) in cursor.fetchall()}
        found += [
            chain.Break(household_id, entry_id, "inserted" if entry_id in inserted else "removed")
            for entry_id, household_id in unlinked.items()
        ]
    return differences, _in_order(found)
