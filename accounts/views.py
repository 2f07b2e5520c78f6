"""The login pages' answer to a lockout: the site's 429 page, saying until when and where to go next."""

from functools import wraps

from django.shortcuts import render


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
