"""Pages of the project itself, outside every app."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """For load balancers, uptime monitors and `bench/counter.py`: the process is up and answering.

    It touches neither the database nor the session, so it measures the web stack alone.
    """
    return HttpResponse("ok", content_type="text/plain")
