"""Sign-in: staff and students by email, parents by their login code.

Every attempt costs the same single password hash, whether the account exists, is a parent's
or is expired, so the time an answer takes tells nothing about which accounts exist. The account
is read first; the hash then takes one of the machine's places for sign-in hashes, holding no
database connection (rendezvous.lib.admission.sign_in_hash), so that a burst of sign-ins
cannot take every core, nor every pooled connection, from the bookings.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.sessions import user_read_with_session
from rendezvous.lib.admission import sign_in_hash
from rendezvous.lib.queries import Prepared


def _user_with_organisation(pk: int) -> QuerySet[User]:
    return User.objects.select_related("organisation").filter(pk=pk).order_by()[:1]


# Built once: every request of a signed-in person reads it.
_USER_WITH_ORGANISATION = Prepared(_user_with_organisation)


class NotExpiredMixin:
    """An account past its expiry (a parent after the retention window) is signed out."""

    def user_can_authenticate(self, user) -> bool:
        return not user.is_expired and super().user_can_authenticate(user)

    def get_user(self, user_id):
        """The signed-in person of a request, with their organisation (every page shows its
        clock): read with the request's session when it was (sessions.py), else here."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = user_read_with_session(pk) or next(iter(_USER_WITH_ORGANISATION(pk=pk)), None)
        return found if found is not None and self.user_can_authenticate(found) else None


class StaffEmailBackend(NotExpiredMixin, AuthenticationBackend):
    """Allauth's email sign-in, closed to parents (they sign in with their code).

    Parents and expired accounts are skipped before the password check rather than refused
    by user_can_authenticate: allauth stashes a refused user whose password matched and
    signs them in after all when the account is active. Allauth hashes the password once
    when no account's password was checked, so skipping costs the same time.
    """

    def authenticate(self, request, **credentials):
        if not (credentials.get("email") or credentials.get("username")):
            return None  # a parent's code: ParentCodeBackend's attempt, and its one hash
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is None or user.role == Role.PARENT or user.is_expired:
            return None
        with sign_in_hash():
            return super()._check_password(user, password)

    def _mitigate_timing_attack(self, password) -> None:
        with sign_in_hash():
            super()._mitigate_timing_attack(password)


class ParentCodeBackend(NotExpiredMixin, ModelBackend):
    """A parent's 5-digit code names one account in the whole installation (decision 0004);
    the password is the secret. Exactly one hash is checked per attempt."""

    def authenticate(self, request, login_code: str | None = None, password: str | None = None):
        if not login_code or not password:
            return None
        parent = User.objects.filter(role=Role.PARENT, login_code=login_code).first()
        with sign_in_hash():
            return self._checked(parent, password)

    def _checked(self, parent: User | None, password: str) -> User | None:
        if parent is None or not parent.has_usable_password():
            # The same work for an unknown code, or one whose letter was never sent, as for a
            # parent's password: Django would hash the latter at staff's work factor.
            User(role=Role.PARENT).set_password(password)
            return None
        if parent.check_password(password) and self.user_can_authenticate(parent):
            return parent
        return None
