"""Personal access tokens: made, listed and revoked by their owner; a request that sends one
acts as its owner, read-only tokens for reading only.

A token is 40 random URL-safe characters after the prefix `rdv_`. Guessing one is hopeless,
so a plain SHA-256 digest is enough to keep it (bcrypt would cost every API call 0.05 s or
more), and the lookup is one unique index.
"""

import hashlib
import secrets
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rendezvous.accounts.models import AccessToken, TokenScope, User

PREFIX = "rdv_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    *, user: User, name: str, scope: str = TokenScope.READ, expires_at: datetime | None = None
) -> tuple[AccessToken, str]:
    """A new token of `user`, and the token itself, which is never available again."""
    token = PREFIX + secrets.token_urlsafe(30)
    access = AccessToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=token[: len(PREFIX) + 4],
        digest=_digest(token),
    )
    return access, token


def _working() -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def tokens_of(user: User) -> QuerySet[AccessToken]:
    """The user's tokens that still work."""
    if not user.is_authenticated:
        return AccessToken.objects.none()
    return _working().filter(user=user)


def get_token_for_user(user: User, token_id: int) -> AccessToken:
    """One of the user's own working tokens; 404 for any other."""
    access = tokens_of(user).filter(pk=token_id).first()
    if access is None:
        raise Http404
    return access


def revoke_token(*, access: AccessToken) -> None:
    """The token stops working at once."""
    AccessToken.objects.filter(pk=access.pk).update(revoked_at=timezone.now())


def holder_of(token: str) -> tuple[User, str] | None:
    """The active owner of a working token, and the token's scope; None for anything else."""
    if not token.startswith(PREFIX):
        return None
    access = _working().select_related("user__organisation").filter(digest=_digest(token)).first()
    if access is None or not access.user.is_active or access.user.is_expired:
        return None
    return access.user, access.scope
