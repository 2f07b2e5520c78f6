"""Who may open an evidence file: staff of the household's village, or the villager's own session.

Staff read what `villages_for` gives them (the village's clerks, the town's officers, superusers)
and need `evidence.view_evidence`. A villager has no account: whenever the lookup page shows a
household's record (by its card or by its PIN), it calls `evidence_grant`, and the browser session
may then open that household's files for as long as a PIN's grant lasts. The grant is bound to the
household's PIN and card as they are: a PIN reset or a new card ends it. A file's URL copied into
another browser opens nothing there.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from evidence.models import Evidence
from households.models import Household
from households.selectors import villages_for

SESSION_KEY = "evidence"
# Households one browser may hold open at once; the oldest grant goes first.
MAX_GRANTS = 20
# A grant given this recently is not given again: paging through the record, or reloading it,
# would otherwise write the session at every page for a minute's difference.
REGRANT_AFTER_SECONDS = 60


def evidence_grant(request, household: Household) -> None:
    """Let this browser's session open `household`'s evidence for the lookup's grant minutes."""
    now = timezone.now().timestamp()
    lasts = settings.XIANGFENG_LOOKUP_GRANT_MINUTES * 60
    held = _grants(request)
    given = held.get(str(household.pk))
    if (
        isinstance(given, dict)
        and given.get("until", 0) - now > max(lasts - REGRANT_AFTER_SECONDS, 0)
        and constant_time_compare(str(given.get("mark", "")), _mark(household))
    ):
        return
    grants = {key: grant for key, grant in held.items() if grant.get("until", 0) > now}
    grants.pop(str(household.pk), None)
    grants[str(household.pk)] = {
        "until": now + lasts,
        "mark": _mark(household),
    }
    request.session[SESSION_KEY] = dict(list(grants.items())[-MAX_GRANTS:])


def session_may_read(request, household: Household) -> bool:
    grant = _grants(request).get(str(household.pk))
    if not isinstance(grant, dict) or grant.get("until", 0) <= timezone.now().timestamp():
        return False
    return constant_time_compare(str(grant.get("mark", "")), _mark(household))


def may_read(request, evidence: Evidence, *, user=None) -> bool:
    """`user` (the request's unless another system's token named one) or the browser's lookup grant."""
    user = user or request.user
    if (
        user.is_authenticated
        and user.has_perm("evidence.view_evidence")
        and villages_for(user).filter(pk=evidence.household.village_id).exists()
    ):
        return True
    return session_may_read(request, evidence.household)


def _grants(request) -> dict:
    grants = request.session.get(SESSION_KEY)
    return grants if isinstance(grants, dict) else {}


def _mark(household: Household) -> str:
    return salted_hmac("xiangfeng.evidence.grant", f"{household.pin_hash}|{household.card_token}").hexdigest()[:20]
