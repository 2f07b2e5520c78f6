"""The accounts' pages: the login's 429 page on a lockout, and a user's own API tokens."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.tokens import api_token_revoke, api_tokens_revoke, user_tokens


def lockout_page(login_view):
    """Wrap a login view (the site's, the admin's): a locked-out attempt gets the 429 page, not the form."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        locked = getattr(form, "locked", None)
        if locked is None:
            return response
        page = render(request, "accounts/locked.html", {"until": locked.clock()}, status=429)
        page["Retry-After"] = locked.retry_after()
        return page

    return view


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """A user's own API tokens: when each was made and expires, and a button to revoke it."""
    if request.method == "POST":
        if request.POST.get("revoke_all"):
            api_tokens_revoke(user=request.user)
            messages.success(request, _("All your API tokens were revoked."))
        elif api_token_revoke(user=request.user, token_key=request.POST.get("revoke", "")):
            messages.success(request, _("The token was revoked."))
        else:
            messages.error(request, _("You have no such token; it may have been revoked already."))
        return redirect("api_tokens")
    context = {"tokens": user_tokens(request.user), "days": settings.XIANGFENG_API_TOKEN_DAYS}
    return render(request, "accounts/tokens.html", context)
