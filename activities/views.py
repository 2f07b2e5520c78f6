"""The organiser's check-in page (`/activities/<id>/check-in/`), made for a phone at the activity.

The organiser scans a household card's QR code with the phone's camera (static/xiangfeng/check_in.js),
or types a household number; either way the form posts the code and the page answers with the
household's name and what happened: checked in, already checked in, or a walk-in checked in on the
spot (a household that did not sign up still gets its place if there is room). The village's clerks
and the activity's named organisers only; anyone else gets a 404.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from activities.forms import HouseholdCodeForm
from activities.selectors import activities_organised_by, with_counts
from activities.services import check_in, household_for_code
from households.errors import DomainError

RECENT = 8


@login_required
@require_http_methods(["GET", "POST"])
def check_in_page(request, activity_id: int):
    activity = _get_activity_for_organiser(request.user, activity_id)
    result = None
    last_code = ""
    form = HouseholdCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = _check_in(request, activity, form.cleaned_data["code"])
        last_code = form.cleaned_data["code"]
        form = HouseholdCodeForm()
    activity = _get_activity_for_organiser(request.user, activity_id)
    recent = (
        activity.signups.filter(checked_in_at__isnull=False)
        .select_related("household")
        .order_by("-checked_in_at", "-id")[:RECENT]
    )
    response = render(
        request,
        "activities/check_in.html",
        {
            "activity": activity,
            "form": form,
            "result": result,
            "recent": recent,
            # The camera starts again by itself after a scan: the organiser keeps scanning.
            "autostart": request.POST.get("via") == "camera" and request.method == "POST",
            # ... but the card just read is likely still before it: the script lets it be for a moment.
            "last_code": last_code,
        },
    )
    # This one page may use the camera; every other page keeps it off (config/headers.py).
    response["Permissions-Policy"] = settings.PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
    return response


def _get_activity_for_organiser(user, activity_id: int):
    return get_object_or_404(
        with_counts(activities_organised_by(user)).select_related("village", "rule"), pk=activity_id
    )


def _check_in(request, activity, code: str) -> dict:
    """What the page says about one scan or number: the household and the outcome, or the refusal."""
    household = None
    try:
        household = household_for_code(activity=activity, code=code)
        walk_in = not activity.signups.filter(household=household).exists()
        signup = check_in(activity=activity, household=household, by=request.user)
    except DomainError as error:
        return {"kind": "refused", "household": household, "message": error.message}
    if signup.already:
        kind = "already"
    elif walk_in:
        kind = "walk_in"
    else:
        kind = "checked_in"
    return {"kind": kind, "household": household, "signup": signup}
