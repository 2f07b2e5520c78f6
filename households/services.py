"""Changes to households that do not touch the ledger.

Opening a household writes its opening entry, so it lives with the ledger in
`credits.services.household_open`; closing and editing live here.
"""

import re
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from history.context import acting
from history.models import Change
from history.services import changes_record_bulk
from households.errors import BadPin, NotYours
from households.models import Household, Village, new_card_token
from households.selectors import may_change_village, villages_for

# Characters read one way as a surname and another in ordinary words (曾 zēng, not céng): a
# name's first character is read as a surname, so 曾国藩 is found by "zgf".
SURNAME_INITIALS = {
    "曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "翟": "z", "乐": "y",
    "覃": "q", "种": "c", "秘": "b", "繁": "p", "召": "s", "员": "y", "隗": "w", "冼": "x",
}  # fmt: skip


def initials_of(name: str) -> str:
    """应美凤 → ymf; Latin letters and digits pass through in lower case."""
    name = name.strip()
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    if len(name) > 1 and name[0] in SURNAME_INITIALS:
        letters[0] = SURNAME_INITIALS[name[0]]
    return "".join(letter for letter in letters if letter.strip()).lower()[:50]


def ensure_may_change(*, user, village_id: int) -> None:
    """Refuse unless `user` keeps this village: the last line of defence behind every page."""
    if not may_change_village(user, village_id):
        raise NotYours()


def village_set_earliest_deed_on(*, village: Village, earliest_deed_on: date | None, by) -> Village:
    """The village's lower bound for the date of a deed (None: no bound beyond each household's opening)."""
    ensure_may_change(user=by, village_id=village.pk)
    village.earliest_deed_on = earliest_deed_on
    village.save(update_fields=["earliest_deed_on"])
    return village


def household_update(
    *, household: Household, by, head_name: str, group: str = "", address: str = "", phone: str = ""
) -> Household:
    ensure_may_change(user=by, village_id=household.village_id)
    household.head_name = head_name.strip()
    household.head_initials = initials_of(household.head_name)
    household.group = group.strip()
    household.address = address.strip()
    household.phone = phone.strip()
    with acting(by):
        household.save(update_fields=["head_name", "head_initials", "group", "address", "phone"])
    return household


def household_update_batch(*, households: list[Household], by) -> list[Household]:
    """Save the edited own fields of many households at once (a roster import), all or nothing.

    The households carry their new head's name, group, address and phone; the ledger, the number
    and the village are never touched. A fixed number of queries whatever the number of households.
    """
    village_ids = {household.village_id for household in households}
    if villages_for(by, write=True).filter(pk__in=village_ids).count() != len(village_ids):
        raise NotYours()
    for household in households:
        household.head_name = household.head_name.strip()
        household.head_initials = initials_of(household.head_name)
        household.group = household.group.strip()
        household.address = household.address.strip()
        household.phone = household.phone.strip()
    before = Household.objects.in_bulk([household.pk for household in households])
    with transaction.atomic():
        fields = ["head_name", "head_initials", "group", "address", "phone"]
        Household.objects.bulk_update(households, fields, batch_size=500)
        pairs = [(before[household.pk], household) for household in households]
        changes_record_bulk(pairs=pairs, action=Change.Action.UPDATE, by=by)
    return households


def household_close(*, household: Household, by, on: date | None = None) -> Household:
    """Close a household: its history stays, and it accepts no new entries."""
    ensure_may_change(user=by, village_id=household.village_id)
    household.active, household.closed_on = False, on or timezone.localdate()
    with acting(by):
        household.save(update_fields=["active", "closed_on"])
    return household


def household_reopen(*, household: Household, by) -> Household:
    ensure_may_change(user=by, village_id=household.village_id)
    household.active, household.closed_on = True, None
    with acting(by):
        household.save(update_fields=["active", "closed_on"])
    return household


PIN = re.compile(r"[0-9]{4,6}")


def household_set_pin(*, household: Household, pin: str, by) -> None:
    """Set or reset the PIN a villager types on the lookup page; only its hash is kept."""
    ensure_may_change(user=by, village_id=household.village_id)
    if not PIN.fullmatch(pin):
        raise BadPin()
    household.pin_hash = make_password(pin)
    # The history keeps that the PIN changed, never the PIN or its hash (`history.tracked`).
    with acting(by):
        household.save(update_fields=["pin_hash"])


def household_card_reissue(*, household: Household, by) -> Household:
    """Issue a new card code: the old card's link and QR code stop working at once."""
    ensure_may_change(user=by, village_id=household.village_id)
    household.card_token = new_card_token()
    with acting(by):
        household.save(update_fields=["card_token"])
    return household
