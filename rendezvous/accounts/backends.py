"""Sign-in: staff and students by email, parents by their login code."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from rendezvous.accounts.models import Role, User


class StaffEmailBackend(AuthenticationBackend):
    """Allauth's email sign-in, closed to parents (they sign in with their code)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.role != Role.PARENT


class ParentCodeBackend(ModelBackend):
    """A parent's 5-digit code is unique per organisation, not across the installation.

    The password is the secret: each parent holding the code is tried, and the generated
    passwords are strong enough that two organisations' parents never share one.
    """

    def authenticate(self, request, login_code: str | None = None, password: str | None = None):
        if not login_code or not password:
            return None
        candidates = User.objects.filter(role=Role.PARENT, login_code=login_code)
        matched = None
        for parent in candidates:
            if parent.check_password(password) and self.user_can_authenticate(parent):
                matched = parent
        if matched is None and not candidates:
            User().set_password(password)  # same work for an unknown code
        return matched

    def user_can_authenticate(self, user) -> bool:
        if user.expires_at and user.expires_at <= timezone.now():
            return False
        return super().user_can_authenticate(user)
