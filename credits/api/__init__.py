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
from credits.api.ledger import EntryReverse, HouseholdEntries

__all__ = [
    "CatalogueDetail",
    "CatalogueList",
    "DomainList",
    "EntryReverse",
    "HouseholdEntries",
    "RuleDetail",
    "RuleList",
    "VersionAdopt",
    "VersionDraft",
]
