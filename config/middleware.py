"""Requests refused before any view reads them, and the API's answers when a view could not give one.

A NUL byte is never part of anything a person types, and PostgreSQL cannot store or even compare
text holding one, so a NUL anywhere in a request's path, query or form fields (or a JSON body's
strings) is refused with a 400 that says so; an uploaded file's content is the view's business
(the roster import names the row). Under `/api/` every answer is JSON in the API's error shape:
the refusals here, a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (413), a database out of reach (503)
and any other failure (500), which Django would otherwise answer with an HTML page.
"""

import json
import logging
import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from api.errors import database_unavailable, error_response, is_api

logger = logging.getLogger("django.request")
ESCAPED_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _holds_nul(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            if not is_api(request):
                raise  # Django's own 400 for the pages
            message = _("The request is too large.")
            return error_response("request_too_large", message, status=413)
        if refused:
            message = _("The request contains a NUL character (U+0000), which no name, number or text may hold.")
            if is_api(request):
                return error_response("nul_character", message, status=400)
            html = render_to_string("bad_request.html", {"message": message}, request=None)
            return HttpResponseBadRequest(html)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", exception, exc_info=exception)
            return database_unavailable()
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return error_response("server_error", _("Something went wrong on the server."), status=500)


def _holds_nul(request) -> bool:
    if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS") or not int(request.META.get("CONTENT_LENGTH") or 0):
        return False
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # The form's fields and the uploaded files' names; never the files' contents.
        fields = [value for _key, values in request.POST.lists() for value in values]
        fields += [*request.POST.keys(), *(upload.name or "" for upload in request.FILES.values())]
        return any("\x00" in value for value in fields)
    body = request.body
    if b"\x00" in body:
        return True
    if ESCAPED_NUL.search(body) and request.content_type == "application/json":
        try:
            return _json_holds_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the view says so
    return False


def _json_holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_holds_nul(key) or _json_holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_holds_nul(item) for item in value)
    return False
