"""The only way views obtain bookings, pupils and slots: 404 for what the user may not see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.bookings.models import Booking
from rendezvous.bookings.selectors import children_of, hosted_by_teacher_of
from rendezvous.lib.queries import Prepared, by_key
from rendezvous.scheduling.access import published
from rendezvous.scheduling.models import Slot
from rendezvous.school.models import Pupil


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """Admins: their organisation's bookings. Teachers: those of their slots. Parents: those
    for their children (whoever of the parents booked) and their own without a child. Anyone
    else: their own."""
    if not user.is_authenticated or user.organisation_id is None:
        return Booking.objects.none()
    bookings = Booking.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return bookings
    if user.role == Role.TEACHER:
        return bookings.filter(host=user)
    if user.role == Role.PARENT:
        return bookings.filter(
            Q(pupil__guardianships__parent=user) | Q(pupil__isnull=True, booker=user)
        ).distinct()
    return bookings.filter(booker=user)


def _may_change(user: User, booking: Booking) -> bool:
    """Staff change what they see; a parent only what they booked themselves."""
    return user.role in STAFF_ROLES or booking.booker_id == user.pk


def get_booking_for_user(user: User, booking_id: int, *, write: bool = False) -> Booking:
    """404 for a booking the user may not see; 403 for a write to one they may only read (a
    child's appointment that the other parent booked)."""
    booking = by_key(
        bookings_visible_to(user)
        .select_related("slot", "event", "host", "booker", "pupil", "organisation")
        .filter(pk=booking_id)
    )
    if booking is None:
        raise Http404
    if write and not _may_change(user, booking):
        raise PermissionDenied
    return booking


def get_move_target(user: User, booking: Booking, slot_id: int) -> Slot:
    """A slot the booking may move to: the same teacher and event, in the user's organisation.

    Whether that slot is free and open is the service's question, so that a clear message says.
    """
    slot = by_key(
        Slot.objects.filter(
            pk=slot_id,
            organisation_id=user.organisation_id,
            host_id=booking.host_id,
            event_id=booking.event_id,
        ).select_related("event", "host")
    )
    if slot is None or booking.organisation_id != user.organisation_id:
        raise Http404
    return slot


def _child(parent: int, pupil: int) -> QuerySet[Pupil]:
    return children_of(parent).filter(pk=pupil).order_by()[:1]


def _parents_slot(slot: int, organisation: int, school_class: int) -> QuerySet[Slot]:
    """A slot of one of the class's teachers in an event of the class (not a draft)."""
    return Slot.objects.filter(
        hosted_by_teacher_of(school_class),
        published("event__"),
        pk=slot,
        organisation_id=organisation,
        event__classes=school_class,
    ).order_by()[:1]


# Built once: a parent's every booking asks these again.
_CHILD, _PARENTS_SLOT = Prepared(_child), Prepared(_parents_slot)


def get_child_for_parent(user: User, pupil_id: int) -> Pupil:
    if user.organisation_id is None:
        raise Http404
    found = _CHILD(parent=user.pk, pupil=pupil_id)
    if not found:
        raise Http404
    return found[0]


def get_slot_for_parent(user: User, pupil: Pupil, slot_id: int) -> Slot:
    """A slot of one of the child's teachers in an event of the child's class (not a draft).

    Whether booking is open is the service's question, so that the parent gets a clear message.
    """
    found = _PARENTS_SLOT(
        slot=slot_id, organisation=user.organisation_id, school_class=pupil.school_class_id
    )
    if not found:
        raise Http404
    return found[0]
