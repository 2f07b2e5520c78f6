"""django-auditlog's middleware, reading the client's address as the rest of the site does."""

from auditlog.middleware import AuditlogMiddleware

from accounts.addresses import client_address


class HistoryMiddleware(AuditlogMiddleware):
    """Records the signed-in user and the address with each change a request makes.

    auditlog's own reading takes the first X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request) or None
