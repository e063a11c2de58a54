"""Appointments that lower apps' deletions must respect: the bookings app adds these to the
guards that school and accounts run (see BookingsConfig.ready)."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from rendezvous.accounts.models import User
from rendezvous.bookings.errors import HasAppointments
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.school.models import Pupil

TEACHER_HAS_APPOINTMENTS = _(
    "This teacher still has appointments. Deactivate the account instead, "
    "or cancel the appointments first."
)


def _active() -> QuerySet[Booking]:
    return Booking.objects.filter(status__in=ACTIVE_STATUSES)


def refuse_pupils_with_appointments(pupils: Iterable[Pupil]) -> None:
    count = _active().filter(pupil__in=pupils).count()
    if count:
        raise HasAppointments(count=count)


def refuse_links_with_appointments(links: Iterable[tuple[Pupil, User]]) -> None:
    """A parent keeps a child's appointments only while they are the child's parent, so a link
    with active appointments booked through it stays until those are cancelled."""
    for pupil, parent in links:
        count = _active().filter(pupil=pupil, booker=parent).count()
        if count:
            message = ngettext_lazy(
                "%(parent)s still has %(count)d active appointment for %(pupil)s. "
                "Cancel it before unlinking them.",
                "%(parent)s still has %(count)d active appointments for %(pupil)s. "
                "Cancel them before unlinking them.",
                "count",
            ) % {"count": count, "parent": str(parent), "pupil": str(pupil)}
            raise HasAppointments(message, count=count)


def refuse_parent_with_appointments(parent: User) -> None:
    count = _active().filter(booker=parent).count()
    if count:
        raise HasAppointments(count=count)


def refuse_teacher_with_appointments(user: User) -> None:
    count = _active().filter(host=user).count()
    if count:
        raise HasAppointments(TEACHER_HAS_APPOINTMENTS, count=count)
