"""The session store: Django's database sessions, read by a prepared query."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from rendezvous.lib.queries import Prepared


def _session_data(key: str, now):
    return Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data", flat=True
    )


# Every request that carries a session reads it: built once, not once per request.
_SESSION_DATA = Prepared(_session_data)


class SessionStore(db.SessionStore):
    """As Django's, but the read on every request is built once per process."""

    def load(self):
        if self.session_key is None:
            return {}
        rows = _SESSION_DATA(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0])
