"""Evidence files, served only to who may see the household (`evidence.access`); 404 to anyone else.

Never from a public media URL: the files are read from storage here, after the check, with headers
that keep them out of shared caches and stop a browser from reading them as anything else. Staff
are recognised by their session, or by an API token for other systems following the API's links.
"""

import logging
from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from evidence.access import may_read
from evidence.models import Evidence, evidence_storage

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD"])
def display_copy(request, public_id):
    """A photo's reduced copy, for pages; a document itself."""
    return _serve(request, public_id, original=False)


@require_http_methods(["GET", "HEAD"])
def original(request, public_id):
    return _serve(request, public_id, original=True)


def _serve(request, public_id, *, original: bool):
    evidence = Evidence.objects.select_related("household").filter(public_id=public_id).first()
    if evidence is None or not may_read(request, evidence, user=_token_user(request)):
        raise Http404
    if evidence.display and not original:
        name, content_type = evidence.display.name, "image/jpeg"
        filename = f"{PurePosixPath(evidence.original_name).stem}.jpg"
    else:
        name, content_type = evidence.file.name, evidence.content_type
        filename = _with_extension(evidence.original_name, content_type)
    try:
        stream = evidence_storage().open(name, "rb")
    except FileNotFoundError:
        logger.error("Evidence %s: the file %s is missing from storage", evidence.public_id, name)
        raise Http404 from None
    response = FileResponse(stream, content_type=content_type, filename=filename)
    # Only this browser may keep it, a short while; a shared proxy never.
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_vary_headers(response, ["Authorization"])
    return response


def _token_user(request):
    """The owner of an API token sent as `Authorization: Token …`, for other systems following the
    API's file links; None without one. A wrong or expired token opens nothing (a plain 404)."""
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" not in request.META:
        return None
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def _with_extension(name: str, content_type: str) -> str:
    """The sender's name with the extension of what is served (an HEIC photo is kept as JPEG)."""
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[content_type]
    path = PurePosixPath(name)
    if path.suffix.lower() in ({".jpg", ".jpeg"} if extension == ".jpg" else {extension}):
        return name
    return f"{path.stem or 'file'}{extension}"
