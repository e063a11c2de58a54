"""The only way views obtain user accounts: 404 for anything outside one's organisation."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rendezvous.accounts.models import Role, User
from rendezvous.lib.queries import by_key


def people_visible_to(user: User, *, roles: Iterable[str] | None = None) -> QuerySet[User]:
    """The people of the viewer's organisation (optionally of the given roles)."""
    if not user.is_authenticated or user.organisation_id is None:
        return User.objects.none()
    people = User.objects.filter(organisation_id=user.organisation_id)
    if roles is not None:
        people = people.filter(role__in=list(roles))
    return people


def get_user_for_user(
    user: User, user_id: int, *, write: bool = False, roles: Iterable[str] | None = None
) -> User:
    """A person of the viewer's organisation (optionally of the given roles).

    Only admins change other people's accounts; others get 403 for a write.
    """
    found = by_key(
        people_visible_to(user, roles=roles).select_related("organisation").filter(pk=user_id)
    )
    if found is None:
        raise Http404
    if write and user.role != Role.ADMIN:
        raise PermissionDenied
    return found


def get_parents_for_user(user: User, parent_ids: Iterable[int]) -> list[User]:
    """The admin's organisation's parents with these ids; 404 if any is not one of them."""
    ids = set(parent_ids)
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    if user.role != Role.ADMIN:
        raise PermissionDenied
    parents = list(
        User.objects.filter(organisation_id=user.organisation_id, role=Role.PARENT, pk__in=ids)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    if len(parents) != len(ids):
        raise Http404
    return parents
