"""The session store: Django's database sessions, kept in accounts.Session with the signed-in
person's id beside the data, so that every request reads its session and its person (with
their organisation) in one query, built once per process.

Django's auth still decides who is signed in, from the session's data: the backend is handed
the person read with the session only while the request's user is being looked up, and only
when it is the person the session's data names (signed_in_user, NotExpiredMixin.get_user).
"""

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends import db
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from rendezvous.accounts.models import Session, User
from rendezvous.lib.queries import Prepared


def _session_with_user(key: str, now):
    return Session.objects.filter(session_key=key, expire_date__gt=now).select_related(
        "user__organisation"
    )


# Every request that carries a session reads it: built once, not once per request.
_SESSION = Prepared(_session_with_user)


def user_id_of(data: dict) -> int | None:
    """The id of the person the session's data signs in, if any."""
    try:
        return int(data[auth.SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(db.SessionStore):
    """As Django's, but the session's row carries the person's id, and the read on every
    request also reads the person."""

    user_read: User | None = None  # the person named by the row, read with the session

    @classmethod
    def get_model_class(cls):
        return Session

    def load(self):
        self.user_read = None
        if self.session_key is None:
            return {}
        rows = _SESSION(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return {}
        self.user_read = rows[0].user
        return self.decode(rows[0].session_data)

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_id_of(data)
        return session


# The session store of the request whose user is being looked up, while it is.
_looking_up: ContextVar[SessionStore | None] = ContextVar("session_looking_up", default=None)


def user_read_with_session(pk: int) -> User | None:
    """The person the session of the request being signed in was read with, if that is `pk`."""
    user = getattr(_looking_up.get(), "user_read", None)
    return user if user is not None and user.pk == pk else None


def signed_in_user(request):
    """auth.get_user(request), once per request, with the person read with the session at
    hand for the backend."""
    if not hasattr(request, "_cached_user"):
        token = _looking_up.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _looking_up.reset(token)
    return request._cached_user


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, looking the user up with signed_in_user."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: signed_in_user(request))
