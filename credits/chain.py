"""The ledger's hash chain: evidence of tampering that the triggers cannot stop.

Each entry stores `previous_hash`, the hash of its household's entry before it (empty for the
opening entry), and `hash`, SHA-256 over a canonical serialisation (JSON, sorted keys) of what the
entry records and that previous hash. The household keeps the newest hash as its chain head
(`Household.chain_head`), written by the ledger's services in the UPDATE that moves its score and
balance, under the lock. Rewriting, removing or inserting an entry breaks the chain (`reconcile`
finds it) unless every later hash is recomputed; and then the fingerprint a village printed
earlier over all its households' heads no longer matches what the books give for that moment.

Versioned: `FIELDS[v]` lists what version v hashes, and an entry keeps the version it was hashed
with. A new field of the ledger that states what was recorded (a new snapshot) goes into a new
version here, so new entries hash it and old entries still verify.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

VERSION = 1
FIELDS: dict[int, tuple[str, ...]] = {
    1: (
        "household_id",
        "kind",
        "points",
        "in_score",
        "rule_id",
        "rule_name",
        "domain_name",
        "rule_standard",
        "occurred_on",
        "note",
        "recorded_by_id",
        "created_at",
        "score_after",
        "balance_after",
        "reverses_id",
    ),
}
# Crockford's base32: no I, L, O or U to misread when a code is read out or copied by hand.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _canonical(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def entry_hash(entry, *, previous: str, version: int = VERSION) -> str:
    """The hash of `entry` (a model instance, or any object with its fields) after `previous`."""
    content = {field: _canonical(getattr(entry, field)) for field in FIELDS[version]}
    payload = json.dumps(
        {"v": version, "previous": previous, "entry": content},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def link(entry, *, household) -> None:
    """Chain a new entry (all its fields set, the time included) to its locked household's head
    and move the head to it; the caller writes both."""
    entry.hash_version = VERSION
    entry.previous_hash = household.chain_head
    entry.hash = entry_hash(entry, previous=entry.previous_hash)
    household.chain_head = entry.hash


def short_code(digest: str) -> str:
    """80 bits of a hex digest as 16 characters in 4 groups, e.g. 7KQ2-M9XD-3FHT-0BWA."""
    number = int(digest[:20], 16)
    chars = "".join(ALPHABET[(number >> shift) & 31] for shift in range(75, -1, -5))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def household_fingerprint(head: str) -> str:
    return short_code(head) if head else ""


def village_fingerprint(heads: Iterable[tuple[int, str]]) -> str:
    """The code over every household's chain head, as (household id, head) in id order."""
    digest = hashlib.sha256("\n".join(f"{pk}:{head}" for pk, head in heads).encode())
    return short_code(digest.hexdigest())


@dataclass(frozen=True)
class Break:
    """Where a household's chain does not hold. `entry_id` is None for the head."""

    household_id: int
    entry_id: int | None
    problem: str  # "rewritten", "removed", "inserted" or "head"


def breaks(household_id: int, entries: Iterable, head: str) -> Iterator[Break]:
    """Walk one household's entries in id order and say where the chain is broken.

    rewritten: the entry's content no longer gives its stored hash.
    removed: its previous hash is no entry's the walk has seen — an entry before it is gone (or
    was rewritten, its hash recomputed).
    inserted: its previous hash is an earlier entry's, not its predecessor's — the entries
    between them were slipped in. The head must be the last entry's hash (else: "head").
    """
    seen: set[str] = set()
    previous = ""
    for entry in entries:
        version = entry.hash_version
        if version not in FIELDS or entry_hash(entry, previous=entry.previous_hash, version=version) != entry.hash:
            yield Break(household_id, entry.id, "rewritten")
        if entry.previous_hash != previous:
            yield Break(household_id, entry.id, "inserted" if entry.previous_hash in seen else "removed")
        seen.add(entry.hash)
        previous = entry.hash
    if head != previous:
        yield Break(household_id, None, "head")
