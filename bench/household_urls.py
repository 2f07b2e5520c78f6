"""The counter bench's URLconf: the site's, plus a logged-in view that reads one household.

The view is the yardstick the redemption's CPU is read against (the issue: a POST ≤ 2.5 × the CPU
of "a logged-in view that reads one household"); it lives here, not on the site.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from config.urls import urlpatterns as site
from households.models import Household


@login_required
def one_household(request, pk: int):
    household = get_object_or_404(Household, pk=pk)
    text = f"{household.number} {household.head_name} {household.score} {household.balance}"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


urlpatterns = [*site, path("bench/household/<int:pk>/", one_household)]
