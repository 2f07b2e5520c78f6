"""The selection of titles in the admin: the clerk's selection pages, the officers' nominees,
the titles held, quotas and the nine-star scheme."""

from titles.admin.officers import NominationAdmin, QuotaAdmin  # noqa: F401
from titles.admin.selection import SelectionAdmin  # noqa: F401
from titles.admin.titles import NamedStarAdmin, TitleAdmin  # noqa: F401
