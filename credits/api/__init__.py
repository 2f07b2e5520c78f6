"""The ledger's API: the rule catalogues (`catalogue`) and the ledger itself (`ledger`)."""

from credits.api.catalogue import (
    CatalogueDetail,
    CatalogueList,
    DomainList,
    RuleDetail,
    RuleList,
    VersionAdopt,
    VersionDraft,
)
from credits.api.ledger import AdjustmentCreate, EntryBatch, EntryCreate, EntryReverse, HouseholdEntries

__all__ = [
    "AdjustmentCreate",
    "CatalogueDetail",
    "CatalogueList",
    "DomainList",
    "EntryBatch",
    "EntryCreate",
    "EntryReverse",
    "HouseholdEntries",
    "RuleDetail",
    "RuleList",
    "VersionAdopt",
    "VersionDraft",
]
