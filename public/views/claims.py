"""A household's claims (申报) and reports (随手拍), sent from its lookup page.

The household is the one the page was opened for, by its card's link or by the PIN's grant in the
session, exactly as for an objection: a claim is always the household's own. Each form has its own
page, a phone's screen long; what was sent, and what the clerk decided, shows on the record.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from claims.forms import ClaimForm, ReportForm
from claims.selectors import claim_settings, claimable_rules
from claims.services import claim_submit, report_submit
from households.errors import DomainError
from households.models import Household
from public.views.lookup import CARD_TOKEN, _granted_household


@never_cache
@require_http_methods(["GET", "POST"])
def card_claim(request, token):
    household = _card_household(token)
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _claim(request, household, back=reverse("lookup_card", args=[token]))


@never_cache
@require_http_methods(["GET", "POST"])
def pin_claim(request):
    household = _granted_household(request)
    if household is None:
        messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _claim(request, household, back=reverse("lookup_me"))


@never_cache
@require_http_methods(["GET", "POST"])
def card_report(request, token):
    household = _card_household(token)
    if household is None:
        return render(request, "public/lookup_card_gone.html", status=404)
    return _report(request, household, back=reverse("lookup_card", args=[token]))


@never_cache
@require_http_methods(["GET", "POST"])
def pin_report(request):
    household = _granted_household(request)
    if household is None:
        messages.info(request, _("The lookup has ended. Please enter the PIN again."))
        return redirect("lookup")
    return _report(request, household, back=reverse("lookup_me"))


def _card_household(token) -> Household | None:
    if not CARD_TOKEN.fullmatch(token):
        return None
    return Household.objects.select_related("village").filter(card_token=token).first()


def _claim(request, household: Household, *, back: str):
    rules = claimable_rules(household.village_id)
    form = ClaimForm(request.POST or None, request.FILES or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            claim_submit(household=household, files=form.cleaned_data.pop("photos"), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your claim was sent. The village clerk will look at it; the decision shows here.")
            )
            return redirect(f"{back}#lk-claims")
    options = claim_settings(household.village_id)
    return _page(request, "public/lookup_claim.html", household, form=form, back=back, rules=rules, options=options)


def _report(request, household: Household, *, back: str):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_submit(household=household, files=form.cleaned_data.pop("photos"), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your report was sent to the village clerk."))
            return redirect(f"{back}#lk-reports")
    return _page(request, "public/lookup_report.html", household, form=form, back=back)


def _page(request, template, household, **context):
    status = 400 if request.method == "POST" else 200
    response = render(request, template, {"household": household, **context}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
