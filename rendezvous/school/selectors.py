"""Reads of the school's people for the office's pages."""

from django.db.models import Prefetch, QuerySet

from rendezvous.accounts.models import User
from rendezvous.school.models import Pupil, SchoolClass


def parents_of(
    parents: QuerySet[User],
    *,
    school_class: SchoolClass | None = None,
    event=None,
    without_credentials: bool = False,
) -> QuerySet[User]:
    """Of these parents, those of one class or of the classes of a parents' evening."""
    if school_class is not None:
        parents = parents.filter(children__school_class=school_class)
    if event is not None:
        parents = parents.filter(children__school_class__events=event)
    if without_credentials:
        parents = parents.filter(credentials_sent_at__isnull=True)
    return parents.distinct().order_by("last_name", "first_name", "pk")


def with_children(parents: QuerySet[User]) -> QuerySet[User]:
    children = Pupil.objects.select_related("school_class").order_by("first_name")
    return parents.prefetch_related(Prefetch("children", queryset=children))
