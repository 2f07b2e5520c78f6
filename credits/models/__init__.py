"""The rule catalogue and the points ledger.

Each village keeps its own catalogue of rules in dated versions (`credits.models.catalogue`); the
ledger service applies the version in force on the day of the deed.

Design overview
---------------
Each household has one signed ledger, read like a bank book (存折). An `Entry` records one change: its
signed `points`, its `kind`, the rule it applied (with the rule's name, points, domain and standard
copied, so a later version of the catalogue never rewrites history), the date of the deed, a note,
who recorded it and when, and the household's `score_after` and `balance_after`. The score measures
standing and is the sum of every entry that counts toward it (`in_score`); the balance is what may
be spent at the shop and is the sum of every entry. Redemptions lower the balance only, so they are
recorded with `in_score` false. Entries are never updated or deleted — database triggers
(`credits/sql/`) refuse it below the ORM — and a mistake is undone by a reversal entry pointing at
the entry it reverses, at most once. `households.Household.score` and `.balance` cache the latest
`*_after` values; only `credits.services` writes entries and those caches, together, in one
transaction.
"""

from credits.models.catalogue import Catalogue, CatalogueVersion, Domain, Rule
from credits.models.ledger import Entry, MonthTotal, YearScore
from credits.models.roster import RosterImport

__all__ = ["Catalogue", "CatalogueVersion", "Domain", "Entry", "MonthTotal", "RosterImport", "Rule", "YearScore"]
