"""Sign-in: staff and students by email, parents by their login code."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from rendezvous.accounts.models import Role, User


def _password_spellings(password: str) -> list[str]:
    """As typed, and without the dashes that group a generated password for reading."""
    compact = "".join(password.split()).replace("-", "")
    return [password] if compact == password else [password, compact]


def _expired(user) -> bool:
    return bool(user.expires_at and user.expires_at <= timezone.now())


class NotExpiredMixin:
    """An account past its expiry (a parent after the retention window) is signed out."""

    def user_can_authenticate(self, user) -> bool:
        return not _expired(user) and super().user_can_authenticate(user)


class StaffEmailBackend(NotExpiredMixin, AuthenticationBackend):
    """Allauth's email sign-in, closed to parents (they sign in with their code).

    Parents and expired accounts are skipped before the password check rather than refused
    by user_can_authenticate: allauth stashes a refused user whose password matched and
    signs them in after all when the account is active.
    """

    def _check_password(self, user, password):
        if user is not None and (user.role == Role.PARENT or _expired(user)):
            return None
        return super()._check_password(user, password)


class ParentCodeBackend(NotExpiredMixin, ModelBackend):
    """A parent's 5-digit code is unique per organisation, not across the installation.

    The password is the secret: each parent holding the code is tried, and the generated
    passwords are strong enough that two organisations' parents never share one.
    """

    def authenticate(self, request, login_code: str | None = None, password: str | None = None):
        if not login_code or not password:
            return None
        candidates = User.objects.filter(role=Role.PARENT, login_code=login_code)
        passwords = _password_spellings(password)
        matched = None
        for parent in candidates:
            if any(map(parent.check_password, passwords)) and self.user_can_authenticate(parent):
                matched = parent
        if matched is None and not candidates:
            User().set_password(password)  # same work for an unknown code
        return matched
