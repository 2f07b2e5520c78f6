"""The village administration (`/admin/`): Django's admin site, let in only to those with a role in it.

Staff without a model permission (a shopkeeper) would find an empty admin saying they may change
nothing, and anyone logged in without a role would be shown the admin's login form again. Instead a
shopkeeper opening the admin is sent to the counter, and anyone else is told plainly (403) that the
administration is not theirs and where they belong.
"""

from functools import wraps

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.forms import AdminLoginForm
from exchange.selectors import shops_for

# Headings Django's admin hides for screen readers (its index table) and ships without Chinese;
# marked here so our catalogue translates them.
ADMIN_WORDS_WITHOUT_CHINESE = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]


def may_use_admin(user) -> bool:
    """Active staff with at least one permission of a role (clerk, officer), or a superuser."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.get_all_permissions())


class AdminSite(admin.AdminSite):
    site_header = site_title = gettext_lazy("Xiangfeng points")
    index_title = gettext_lazy("Village points ledger")
    # Failures count toward the same lockout as the site's login (accounts/guards.py).
    login_form = AdminLoginForm

    def has_permission(self, request):
        return may_use_admin(request.user)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def inner(request, *args, **kwargs):
            if self._turned_away(request) and request.path != reverse("admin:logout", current_app=self.name):
                return self._elsewhere(request)
            return guarded(request, *args, **kwargs)

        return inner

    def login(self, request, extra_context=None):
        # Posting the form still logs in as someone else.
        if request.method == "GET" and self._turned_away(request):
            return self._elsewhere(request)
        return super().login(request, extra_context)

    def _turned_away(self, request) -> bool:
        return request.user.is_authenticated and not self.has_permission(request)

    def _elsewhere(self, request):
        """Someone logged in who has no role here: a shopkeeper opening the admin goes to the
        counter; any other page, or anyone else, is refused saying why."""
        if shops_for(request.user).exists():
            said = _("The village administration is for clerks and town officers; you serve at the counter.")
            if request.path in (
                reverse("admin:index", current_app=self.name),
                reverse("admin:login", current_app=self.name),
            ):
                messages.info(request, said)
                return redirect("counter:home")
            raise PermissionDenied(said)
        raise PermissionDenied(
            _("Your account has no role in the village administration; the village's administrator gives roles.")
        )
