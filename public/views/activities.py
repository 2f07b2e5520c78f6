"""A household signs itself up for its village's activities (活动) from its lookup page, and withdraws.

The household is the one the page was opened for, by its card's link or by the PIN's grant in the
session, as for a claim: nothing posted names a household, so no one can sign up another. The
services decide (the deadline, the places left, a closed or cancelled activity); a refusal is a
message on the record and changes nothing.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from activities.errors import NotSignedUp
from activities.models import Activity, Signup
from activities.services import signup_cancel, signup_create
from households.errors import DomainError
from households.models import Household
from public.views.lookup import CARD_TOKEN, _granted_household


@never_cache
@require_POST
def card_signup(request, token, activity_id):
    household = _card_household(token)
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _sign_up(request, household, activity_id, back=reverse("lookup_card", args=[token]))


@never_cache
@require_POST
def card_withdraw(request, token, activity_id):
    household = _card_household(token)
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _withdraw(request, household, activity_id, back=reverse("lookup_card", args=[token]))


@never_cache
@require_POST
def pin_signup(request, activity_id):
    household = _granted_household(request)
    if household is None:
        messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _sign_up(request, household, activity_id, back=reverse("lookup_me"))


@never_cache
@require_POST
def pin_withdraw(request, activity_id):
    household = _granted_household(request)
    if household is None:
        messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _withdraw(request, household, activity_id, back=reverse("lookup_me"))


def _card_household(token) -> Household | None:
    if not CARD_TOKEN.fullmatch(token):
        return None
    return Household.objects.select_related("village").filter(card_token=token).first()


def _activity(request, household: Household, activity_id: int) -> Activity | None:
    """The activity, if it is one of the household's village; otherwise a message and None."""
    activity = Activity.objects.filter(pk=activity_id, village_id=household.village_id).first()
    if activity is None:
        messages.error(request, _("There is no such activity in your village."))
    return activity


def _sign_up(request, household: Household, activity_id: int, *, back: str):
    activity = _activity(request, household, activity_id)
    if activity is not None:
        try:
            signup_create(activity=activity, household=household)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You are signed up for “%(title)s” on %(date)s. Come with your household card.")
                % {"title": activity.title, "date": formats.date_format(activity.held_on)},
            )
    return redirect(f"{back}#lk-activities")


def _withdraw(request, household: Household, activity_id: int, *, back: str):
    activity = _activity(request, household, activity_id)
    if activity is not None:
        signup = Signup.objects.filter(activity=activity, household=household).select_related("household").first()
        try:
            if signup is None:
                raise NotSignedUp(number=household.number, title=activity.title)
            signup_cancel(signup=signup)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You have withdrawn from “%(title)s”.") % {"title": activity.title})
    return redirect(f"{back}#lk-activities")
