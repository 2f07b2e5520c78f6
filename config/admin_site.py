"""The village administration (`/admin/`): Django's admin site, let in only to those with a role in it.

Staff without a model permission (a shopkeeper) would find an empty admin saying they may change
nothing, and anyone logged in without a role would be shown the admin's login form again. Instead a
shopkeeper opening the admin is sent to the counter, and anyone else is told plainly (403) that the
administration is not theirs and where they belong.
"""

import hashlib
from functools import wraps
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

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

    def get_app_list(self, request, app_label=None):
        # Built only when a page reads it: the sidebar reads it only to draw itself afresh.
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))

    def each_context(self, request):
        context = super().each_context(request)
        context["nav_sidebar_key"] = SimpleLazyObject(lambda: self.nav_sidebar_key(request))
        return context

    def nav_sidebar_key(self, request) -> str:
        """What the sidebar on every page shows depends on, for `templates/admin/nav_sidebar.html` to
        keep it drawn: each model the user may reach and how, asked of its admin as Django's app list
        asks, the language, where the admin is (under the site's prefix), and the app and model the
        page is in (marked current).

        Building the app list and drawing it took a third of a statement page's time (issue 17).
        """
        reachable = []
        for model, model_admin in self._registry.items():
            if model_admin.has_module_permission(request):
                perms = model_admin.get_model_perms(request)
                if True in perms.values():
                    reachable.append((model._meta.label, sorted(perms.items())))
        index = quote(reverse("admin:index", current_app=self.name))
        path = quote(request.path)
        section = path.removeprefix(index).split("/")[:2] if path.startswith(index) else path
        key = repr((get_language(), index, section, reachable))
        return hashlib.sha256(key.encode()).hexdigest()

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
