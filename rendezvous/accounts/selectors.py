"""Reads for the office's people pages."""

from django.db.models import Prefetch, QuerySet

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Event
from rendezvous.school.models import Pupil, SchoolClass


def staff_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation, role__in=STAFF_ROLES).order_by(
        "last_name", "first_name"
    )


def parents_of(
    organisation: Organisation,
    *,
    school_class: SchoolClass | None = None,
    event: Event | None = None,
    without_credentials: bool = False,
) -> QuerySet[User]:
    """Parents of the organisation, of one class, or of the classes of an event."""
    parents = User.objects.filter(organisation=organisation, role=Role.PARENT)
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
