"""The sessions: Django's database sessions, saved in one statement when they change.

Django saves a changed session inside `transaction.atomic()`, so updating one costs three round
trips (BEGIN, UPDATE, COMMIT) where the UPDATE alone, committed on its own, does the same. The
lookup page changes its visitor's session on every visit (the evidence grant), so it paid that on
every request. A new session is still created Django's way: its INSERT must fail cleanly if the
key is taken, and that needs the savepoint.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        # One UPDATE is atomic by itself; none updated means the session was deleted meanwhile
        # (a logout elsewhere), which Django's own save reports the same way.
        updated = (
            self.model.objects.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not updated:
            raise UpdateError
