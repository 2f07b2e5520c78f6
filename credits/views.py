"""The scanned minutes of the meeting that adopted a catalogue version, served only to who may read
them (`credits.selectors.may_read_minutes`); anyone else gets the same 404 as for a missing file.

The file lives in the default storage under an unguessable name and is never linked by its media
address: this view is the only way to it.
"""

from pathlib import PurePath

from csp.constants import SELF
from csp.decorators import csp_replace
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from credits.models import CatalogueVersion
from credits.models.catalogue import MINUTES_TYPES
from credits.selectors import may_read_minutes


@never_cache
# Chromium shows a PDF in its own viewer, an embedded object the site's `object-src 'none'` forbids.
@csp_replace({"object-src": [SELF]})
def minutes(request, pk):
    version = get_object_or_404(CatalogueVersion.objects.select_related("catalogue__village"), pk=pk)
    if not may_read_minutes(request.user, version, on=timezone.localdate()):
        raise Http404
    suffix = PurePath(version.minutes.name).suffix
    try:
        file = version.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    village = version.catalogue.village
    owner = village.code if village else f"catalogue-{version.catalogue_id}"
    name = f"{owner}-v{version.number}-minutes{suffix}"
    return FileResponse(file, content_type=MINUTES_TYPES[suffix], filename=name)
