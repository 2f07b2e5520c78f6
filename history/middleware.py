"""django-auditlog's middleware, reading the client's address as the rest of the site does."""

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


def client_address(request) -> str:
    """The client's address; see XIANGFENG_TRUST_X_FORWARDED_FOR in settings."""
    if settings.XIANGFENG_TRUST_X_FORWARDED_FOR:
        # The last entry is the one our own proxy appended; the ones before it, the client wrote.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


class HistoryMiddleware(AuditlogMiddleware):
    """Records the signed-in user and the address with each change a request makes.

    auditlog's own reading takes the first X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request) or None
