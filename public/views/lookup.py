"""The villagers' lookup (`/lookup/`): a household's record on a phone, with no account.

Two ways in. The household card's link, /lookup/c/<token>/, shows the record at once: the card's
unguessable code is the permission, and issuing a new card revokes the old link. Or the household
number and the PIN the clerk set: a right PIN leaves a short-lived grant in the session and
redirects to /lookup/me/, until the villager leaves or the grant runs out; guessing is held back
by `public.services.lookup_by_pin`. Every answer is `Cache-Control: private, no-store`, so a shared
phone's back button cannot bring a record back after leaving. The record never shows a phone,
an address, the PIN, the card code or who recorded an entry.

A closed household's record is still shown, with a note: its history is the villager's to read,
but it takes part in no ranking, so no rank is shown.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.addresses import client_address
from activities.selectors import household_signups, open_for_signup
from cases.models import Case
from cases.selectors import HOUSEHOLD_CASES, household_cases
from cases.services import case_object, finalise_due
from claims.selectors import household_claims, household_reports
from credits.models import Entry
from credits.selectors import fingerprint_time, household_fingerprint, standing, statement, year_points_by_domain
from evidence.access import evidence_grant
from evidence.selectors import evidence_by_entry
from exchange.selectors import household_redemptions
from households.errors import DomainError
from households.models import Household, Village
from households.selectors import star_levels, stars_for_year, with_year_points, year_points_of
from public.errors import LookupLocked
from public.forms import LookupForm, ObjectionForm
from public.services import lookup_by_pin
from years.selectors import latest_closed_year

GRANT = "lookup"
PAGE_SIZE = 20
RECENT_REDEMPTIONS = 3
ACTIVITIES_SHOWN = 10
CARD_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,43}")


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_form(request):
    villages = list(Village.objects.select_related("town").order_by("town__name", "name"))
    retry_after = None
    if request.method == "POST":
        form = LookupForm(request.POST, villages=villages)
        if form.is_valid():
            try:
                household = lookup_by_pin(**form.cleaned_data, address=client_address(request))
            except LookupLocked as error:
                form.add_error(None, error.message)
                retry_after = max(1, int((error.until - timezone.now()).total_seconds()))
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                _grant(request, household)
                return redirect("lookup_me")
    else:
        code = request.GET.get("village", "")
        form = LookupForm(villages=villages, initial={"village": code} if code in {v.code for v in villages} else {})
    response = render(
        request,
        "public/lookup_form.html",
        {
            "form": form,
            "open_record": _granted_household_id(request) is not None,
            "max_failures": settings.XIANGFENG_LOOKUP_MAX_FAILURES,
            "lock_minutes": settings.XIANGFENG_LOOKUP_LOCK_MINUTES,
        },
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def pin_lookup_record(request):
    """The record a right PIN opened; a POST is the "Leave" button."""
    if request.method == "POST":
        village = request.session.get(GRANT, {}).get("village", "")
        # Everything the session held goes, and its key with it: the phone may be passed on.
        request.session.flush()
        messages.info(request, _("You have left the household's record."))
        return redirect(f"{reverse('lookup')}?{urlencode({'village': village})}" if village else "lookup")
    year = timezone.localdate().year
    household = _granted_household(request, year=year)
    if household is None:
        if request.session.pop(GRANT, None) is not None:
            messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _record(request, household, year=year, by_pin=True)


@never_cache
@require_http_methods(["GET"])
def card_lookup(request, token):
    """The record a household card opens; an old card's link answers "not found"."""
    year = timezone.localdate().year
    household = None
    if CARD_TOKEN.fullmatch(token):
        household = _with_year_points(year).filter(card_token=token).first()
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _record(request, household, year=year, by_pin=False)


@never_cache
@require_POST
def card_objection(request, token, case_id):
    """An objection (申诉) to one of the household's cases in notice, from the card's page."""
    household = None
    if CARD_TOKEN.fullmatch(token):
        household = Household.objects.select_related("village").filter(card_token=token).first()
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _object(request, household, case_id, back=reverse("lookup_card", args=[token]))


@never_cache
@require_POST
def pin_objection(request, case_id):
    """An objection from the record a PIN opened; an ended grant asks for the PIN again."""
    household = _granted_household(request)
    if household is None:
        messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _object(request, household, case_id, back=reverse("lookup_me"))


def _object(request, household: Household, case_id: int, *, back: str):
    case = household.cases.filter(pk=case_id).first()
    if case is None:
        raise Http404
    form = ObjectionForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    try:
        case_object(case=case, text=form.cleaned_data["text"], files=form.cleaned_data["photos"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your objection was received. The village's reviewers will decide it; the decision shows here.")
        )
    return redirect(back)


def _with_year_points(year: int):
    # The household comes with its points of the year, for its stars and rank (no query of their own).
    return with_year_points(Household.objects.select_related("village"), year)


def _record(request, household: Household, *, year: int, by_pin: bool):
    """The household's record: figures, this year by domain, its cases, and its statement or redemptions.

    A fixed number of queries, however long the ledger: each list is one page of rows. Reading the
    record finalises its cases whose notice period has ended (the cron job may not have run yet).
    `household` comes with `year_points`, its points of `year`.
    """
    now = timezone.now()
    cases = household_cases(household, now=now)
    # The published cases hold every case in notice, unless the list is full: only when one of
    # them is due, or it is full, is the database asked for the due ones.
    due = any(case.state == Case.State.NOTICE and case.notice_ends_at <= now for case in cases)
    if (due or len(cases) >= HOUSEHOLD_CASES) and finalise_due(household=household, now=now):
        household.refresh_from_db(fields=["score", "balance", "chain_head"])
        household.year_points = year_points_of([household.pk], year)[household.pk]
        cases = household_cases(household, now=now)
    levels = star_levels(household.village_id)
    stars = stars_for_year(household.year_points, levels)
    most_stars = max((level for level, _min in levels), default=0)
    closed_year = latest_closed_year(household)
    show = "redemptions" if request.GET.get("show") == "redemptions" else "statement"
    # Adjustments (no domain) last, where each database sorts its NULLs.
    by_domain = sorted(year_points_by_domain(household, year=year), key=lambda row: row[0] is None)
    shown_at = fingerprint_time()
    context = {
        "household": household,
        "by_pin": by_pin,
        "year": year,
        # A closed household takes part in no ranking.
        "standing": standing(household, year=year, year_points=household.year_points) if household.active else None,
        "stars": stars,
        "star_marks": "★" * stars + "☆" * max(most_stars - stars, 0),
        # The stars of the latest closed year, as frozen at its close.
        "closed_year": closed_year,
        "closed_year_marks": closed_year and "★" * closed_year.stars + "☆" * max(most_stars - closed_year.stars, 0),
        "by_domain": [(name or _("Adjustments"), points) for name, points in by_domain],
        "year_total": sum(points for _name, points in by_domain),
        "show": show,
        "grant_minutes": settings.XIANGFENG_LOOKUP_GRANT_MINUTES,
        "fingerprint": household_fingerprint(household, at=shown_at),
        "fingerprint_at": shown_at,
        "cases": _with_objection_urls(cases, household, by_pin=by_pin),
        "objection_form": ObjectionForm(),
        "claims": household_claims(household),
        "reports": household_reports(household),
        **_claim_urls(household, by_pin=by_pin),
        # The village's activities open for sign-up, and the household's own sign-ups: a query each.
        "open_activities": list(open_for_signup(household.village_id, household=household)[:ACTIVITIES_SHOWN]),
        "signups": list(household_signups(household)[:ACTIVITIES_SHOWN]),
        "now": now,
    }
    if show == "redemptions":
        page = Paginator(household_redemptions(household), PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, redemptions=page, page_query="show=redemptions&")
    else:
        # The record never shows who recorded an entry.
        page = Paginator(statement(household, recorded_by=False), PAGE_SIZE).get_page(request.GET.get("page"))
        recent = list(household_redemptions(household)[: RECENT_REDEMPTIONS + 1])
        # The photos and documents of the page's entries, in one query.
        evidence = evidence_by_entry(entry.pk for entry in page)
        context.update(
            page=page,
            page_query="",
            entries=[_statement_row(entry, evidence.get(entry.pk, [])) for entry in page],
            redemptions=recent[:RECENT_REDEMPTIONS],
            more_redemptions=len(recent) > RECENT_REDEMPTIONS,
        )
    # This browser may now open the household's photos and documents, and no other browser may.
    evidence_grant(request, household)
    response = render(request, "public/lookup_record.html", context)
    # Not for search engines, whoever pastes a card's link where.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _with_objection_urls(cases, household: Household, *, by_pin: bool):
    # The card's page posts to the card's link, the PIN's to the grant's: neither shows the other.
    for case in cases:
        if by_pin:
            case.object_url = reverse("lookup_me_object", args=[case.pk])
        else:
            case.object_url = reverse("lookup_card_object", args=[household.card_token, case.pk])
    return cases


def _claim_urls(household: Household, *, by_pin: bool) -> dict:
    # Like objections: the card's page sends to the card's link, the PIN's to the grant's.
    if by_pin:
        return {"claim_url": reverse("lookup_me_claim"), "report_url": reverse("lookup_me_report")}
    token = household.card_token
    return {
        "claim_url": reverse("lookup_card_claim", args=[token]),
        "report_url": reverse("lookup_card_report", args=[token]),
    }


def _statement_row(entry: Entry, evidence: list) -> dict:
    """What one line of the statement shows, read here once: the template then looks each value up
    in a dict instead of on the entry, and formats nothing. The text is what the template's
    filters gave: dates as Y-m-d (the recording day in the site's time zone), the points signed."""
    kind = entry.get_kind_display()
    return {
        "entry": entry,
        "title": entry.rule_name or kind,
        # The kind beside a rule's name; an entry without a rule is titled by its kind alone.
        "kind": kind if entry.rule_name else "",
        # Both sides of a reversal come with the page (`statement` selects them): no query per row.
        "reversed": getattr(entry, "reversal", None) is not None,
        "note": entry.note,
        "evidence": evidence,
        "occurred_on": f"{entry.occurred_on:%Y-%m-%d}",
        "recorded_late": entry.recorded_late,
        "recorded_on": f"{timezone.localdate(entry.created_at):%Y-%m-%d}",
        "plus": entry.points >= 0,
        "points": f"{entry.points:+d}",
        "balance_after": str(entry.balance_after),
    }


# The grant a right PIN leaves in the session.


def _grant(request, household: Household) -> None:
    # A new session key for the new permission, so a key planted before the PIN was typed opens nothing.
    request.session.cycle_key()
    until = timezone.now() + timedelta(minutes=settings.XIANGFENG_LOOKUP_GRANT_MINUTES)
    request.session[GRANT] = {
        "household": household.pk,
        "village": household.village.code,
        "until": until.timestamp(),
        "pin": _pin_mark(household),
    }


def _granted_household_id(request) -> int | None:
    grant = request.session.get(GRANT)
    if not isinstance(grant, dict) or grant.get("until", 0) <= timezone.now().timestamp():
        return None
    return grant.get("household")


def _granted_household(request, *, year: int | None = None) -> Household | None:
    """The household the session's grant opens, if it still does; with `year`, with its points of that year."""
    household_id = _granted_household_id(request)
    if household_id is None:
        return None
    households = Household.objects.select_related("village") if year is None else _with_year_points(year)
    household = households.filter(pk=household_id).first()
    # A PIN the clerk has reset since (a lost phone, a stranger who saw it) ends every grant it gave.
    if household is None or not constant_time_compare(request.session[GRANT].get("pin", ""), _pin_mark(household)):
        return None
    return household


def _pin_mark(household: Household) -> str:
    return salted_hmac("xiangfeng.lookup.grant", household.pin_hash).hexdigest()[:20]
