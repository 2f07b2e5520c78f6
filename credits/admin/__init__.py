"""The ledger's part of the clerk's admin, one module per page family.

Importing the package registers them all: the rule catalogue, the read-only ledger, and the
household admin extended with opening, statement, recording and batches.
"""

from credits.admin import catalogue, entry, household

__all__ = ["catalogue", "entry", "household"]
