"""The hash chain's check in PostgreSQL's own SQL: the same findings as `chain.breaks`, without
bringing every entry into Python.

Each entry's hash is recomputed with `sha256()` over the payload `chain.entry_hash` serialises (the
JSON of version 1, its keys sorted, no spaces, text escaped as `json.dumps(ensure_ascii=False)` does,
as `to_json` does too); the previous hash is compared with the household's entry before it (a window
over the household's entries in id order), and the last entry's hash with the household's head.
Only the entries that break come back, so Python's work is theirs alone. `chain_breaks` uses it
while version 1 is the only one (`chain.FIELDS`); a new version must be written here too, or the
check falls back to the walk in Python. tests/credits/test_chain.py holds it to the walk's findings.
"""

from django.db import connection, transaction

from credits import chain


def _json_text(column: str) -> str:
    return f"to_json(e.{column})::text"


def _number(column: str) -> str:
    return f"COALESCE(e.{column}::text, 'null')"


# Version 1's payload, field by field, in the sorted order `json.dumps(sort_keys=True)` writes.
PAYLOAD_V1 = {
    "balance_after": _number("balance_after"),
    "created_at": "'\"' || to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00\"'",
    "domain_name": _json_text("domain_name"),
    "household_id": _number("household_id"),
    "in_score": "CASE WHEN e.in_score THEN 'true' ELSE 'false' END",
    "kind": _json_text("kind"),
    "note": _json_text("note"),
    "occurred_on": "'\"' || to_char(e.occurred_on, 'YYYY-MM-DD') || '\"'",
    "points": _number("points"),
    "recorded_by_id": _number("recorded_by_id"),
    "reverses_id": _number("reverses_id"),
    "rule_id": _number("rule_id"),
    "rule_name": _json_text("rule_name"),
    "rule_standard": _json_text("rule_standard"),
    "score_after": _number("score_after"),
}


def payload_sql() -> str:
    fields = " || ',' || ".join(f"'\"{name}\":' || {sql}" for name, sql in sorted(PAYLOAD_V1.items()))
    return f"""'{{"entry":{{' || {fields} || '}},"previous":' || to_json(e.previous_hash)::text || ',"v":1}}'"""


def usable() -> bool:
    """Whether this check knows every version of the chain (else the walk in Python runs)."""
    return connection.vendor == "postgresql" and set(chain.FIELDS) == {1} and set(chain.FIELDS[1]) == set(PAYLOAD_V1)


BREAKS_SQL = """
WITH c AS (
    SELECT e.id, e.household_id, e.hash, e.previous_hash,
           e.hash_version <> 1 OR encode(sha256(convert_to({payload}, 'UTF8')), 'hex') <> e.hash AS rewritten,
           e.previous_hash <> LAG(e.hash, 1, '') OVER w AS unlinked,
           LEAD(e.id) OVER w IS NULL AS last
    FROM credits_entry e
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.id)
)
SELECT c.household_id, c.id, c.rewritten, c.unlinked,
       c.unlinked AND EXISTS (SELECT 1 FROM credits_entry x WHERE x.household_id = c.household_id
                              AND x.id < c.id AND x.hash = c.previous_hash) AS inserted,
       c.last AND c.hash <> h.chain_head AS head
FROM c
JOIN households_household h ON h.id = c.household_id
WHERE c.rewritten OR c.unlinked OR (c.last AND c.hash <> h.chain_head)
ORDER BY c.household_id, c.id
"""


def breaks() -> list[chain.Break]:
    """Every break of every household's chain that has entries, as `chain.breaks` names them, in
    household and entry order."""
    found: list[chain.Break] = []
    with transaction.atomic(), connection.cursor() as cursor:
        # The window sorts the whole ledger: in memory, not on disk; no JIT for a one-off scan.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(BREAKS_SQL.format(payload=payload_sql()))
        for household_id, entry_id, rewritten, unlinked, inserted, head in cursor.fetchall():
            if rewritten:
                found.append(chain.Break(household_id, entry_id, "rewritten"))
            if unlinked:
                found.append(chain.Break(household_id, entry_id, "inserted" if inserted else "removed"))
            if head:
                found.append(chain.Break(household_id, None, "head"))
    return found
