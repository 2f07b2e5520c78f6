"""Pages of the project itself, outside every app: the probes a load balancer and a monitor call,
and the page for a form sent with a stale security token."""

from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness, for load balancers, uptime monitors and `bench/counter.py`: the process answers.

    It touches neither the database nor the session, so it measures the web stack alone.
    """
    return HttpResponse("ok", content_type="text/plain")


@cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    # The code of a running process does not change, so the graph is read from disk once.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@never_cache
@require_safe
def readyz(request):
    """Readiness: this server can take requests, because the database answers with our schema.

    A server started before `migrate` ran on a new release, or cut off from the database, answers
    503 so the proxy sends its requests elsewhere. One query; no session.
    """
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if missing := _migrations_on_disk() - applied:
        return HttpResponse(f"migrations not applied: {len(missing)}", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale security token: say so plainly, and how to send it again."""
    return render(request, "403_csrf.html", status=403)
