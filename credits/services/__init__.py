"""The only writers of the ledger and its rule catalogue.

`ledger` records entries (awards, deductions, adjustments, reversals, spending, refunds), `openings`
opens households with their opening entries, `catalogue` keeps each village's catalogue, its
versions and rules. Callers import from here: `from credits.services import entry_record`.
"""

from credits.services.catalogue import (
    DOMAIN_FIELDS,
    MAX_RULE_CAP,
    MAX_RULE_MONTH_CAP,
    MAX_RULE_POINTS,
    RULE_FIELDS,
    catalogue_adopt_template,
    catalogue_create,
    domain_create,
    domain_update,
    ensure_keeps,
    minutes_suffix,
    rule_create,
    rule_update,
    version_adopt,
    version_attach_minutes,
    version_draft,
)
from credits.services.ledger import (
    entry_adjust,
    entry_record,
    entry_record_batch,
    entry_refund,
    entry_reverse,
    entry_spend,
)
from credits.services.openings import NewHousehold, household_open, household_open_batch
from credits.services.posting import insert_sql
from credits.services.year_start import entry_expire, entry_year_restart

__all__ = [
    "DOMAIN_FIELDS",
    "MAX_RULE_CAP",
    "MAX_RULE_MONTH_CAP",
    "MAX_RULE_POINTS",
    "RULE_FIELDS",
    "NewHousehold",
    "catalogue_adopt_template",
    "catalogue_create",
    "domain_create",
    "domain_update",
    "ensure_keeps",
    "entry_adjust",
    "entry_expire",
    "entry_record",
    "entry_record_batch",
    "entry_refund",
    "entry_reverse",
    "entry_spend",
    "entry_year_restart",
    "household_open",
    "household_open_batch",
    "insert_sql",
    "minutes_suffix",
    "rule_create",
    "rule_update",
    "version_adopt",
    "version_attach_minutes",
    "version_draft",
]
