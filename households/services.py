"""Changes to households that do not touch the ledger.

Opening a household writes its opening entry, so it lives with the ledger in
`credits.services.household_open`; closing and editing live here.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from households.errors import NotYours
from households.models import Household
from households.selectors import may_change_village


def initials_of(name: str) -> str:
    """应美凤 → ymf; Latin letters and digits pass through in lower case."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(letter for letter in letters if letter.strip()).lower()[:50]


def ensure_may_change(*, user, village_id: int) -> None:
    """Refuse unless `user` keeps this village: the last line of defence behind every page."""
    if not may_change_village(user, village_id):
        raise NotYours()


def household_update(
    *, household: Household, by, head_name: str, group: str = "", address: str = "", phone: str = ""
) -> Household:
    ensure_may_change(user=by, village_id=household.village_id)
    household.head_name = head_name.strip()
    household.head_initials = initials_of(household.head_name)
    household.group = group.strip()
    household.address = address.strip()
    household.phone = phone.strip()
    household.save(update_fields=["head_name", "head_initials", "group", "address", "phone"])
    return household


def household_close(*, household: Household, by, on: date | None = None) -> Household:
    """Close a household: its history stays, and it accepts no new entries."""
    ensure_may_change(user=by, village_id=household.village_id)
    closed_on = on or timezone.localdate()
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).update(active=False, closed_on=closed_on)
    household.active, household.closed_on = False, closed_on
    return household


def household_reopen(*, household: Household, by) -> Household:
    ensure_may_change(user=by, village_id=household.village_id)
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).update(active=True, closed_on=None)
    household.active, household.closed_on = True, None
    return household
