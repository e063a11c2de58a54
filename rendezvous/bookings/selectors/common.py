"""Reads shared by the booking pages, services and the API: who a parent may meet, which slots
are free and bookable, which bookings are active."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.school.models import Pupil, SchoolClass


def teachers_of_class(school_class: SchoolClass | int) -> Q:
    """A filter on users: the class teachers and subject teachers of the class."""
    return Q(classes_led=school_class) | Q(classes_taught=school_class)


def teachers_of_pupil(pupil: Pupil) -> QuerySet[User]:
    """The class teachers and subject teachers of the pupil's class."""
    return teachers_of_class_id(pupil.school_class_id)


def teachers_of_class_id(school_class_id: int) -> QuerySet[User]:
    """The active class teachers and subject teachers of a class, by name."""
    return (
        User.objects.filter(
            teachers_of_class(school_class_id), role__in=STAFF_ROLES, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# A filter on slots: hosted by a member of staff whose account is active (a teacher who has
# left keeps their slots, deactivated, and can no longer be booked).
ACTIVE_HOST = Q(host__is_active=True, host__role__in=STAFF_ROLES)


def hosted_by_teacher_of(school_class_id: int) -> Q:
    """A filter on slots: hosted by an active class teacher or subject teacher of the class.

    It probes the slot's own host rather than listing the class's teachers, so that the one plan
    PostgreSQL keeps for a prepared statement stays a few index lookups."""
    led = SchoolClass.class_teachers.through.objects.filter(
        user_id=OuterRef("host_id"), schoolclass_id=school_class_id
    )
    taught = SchoolClass.subject_teachers.through.objects.filter(
        user_id=OuterRef("host_id"), schoolclass_id=school_class_id
    )
    return ACTIVE_HOST & (Exists(led) | Exists(taught))


def children_of(parent: User) -> QuerySet[Pupil]:
    return Pupil.objects.filter(guardianships__parent=parent).select_related("school_class")


def booking_not_over(now: datetime, through: str = "") -> Q:
    """A filter on events (or, `through` "event__", on rows of one): in the open phase and
    taking bookings at `now` or later; the booking page announces those that open later."""
    return Q(**{f"{through}phase": Phase.OPEN, f"{through}booking_closes_at__gt": now})


def booking_open(now: datetime, through: str = "") -> Q:
    """Event.is_bookable(now) as a filter: taking bookings at `now`."""
    return booking_not_over(now, through) & Q(**{f"{through}booking_opens_at__lte": now})


def free_at(now: datetime) -> Q:
    """A filter on slots: open, with a place left, starting after `now`."""
    return Q(status=SlotStatus.OPEN, seats_taken__lt=F("capacity"), starts_at__gt=now)


def bookable_at(now: datetime) -> Q:
    """A filter on slots: those a family may book at `now`, as book_slot checks the slot
    itself: free, with an active host, and in no event or in one taking bookings. Which
    child's teacher and event it is, the caller's access function decides."""
    return free_at(now) & ACTIVE_HOST & (Q(event__isnull=True) | booking_open(now, "event__"))


def free_slots(*, event: Event, teacher: User) -> QuerySet[Slot]:
    return Slot.objects.filter(free_at(timezone.now()), event=event, host=teacher).order_by(
        "starts_at"
    )


def active_bookings_of_slot(slot: Slot) -> QuerySet[Booking]:
    return Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES)


def active_bookings_of_event(event: Event) -> QuerySet[Booking]:
    return Booking.objects.filter(event=event, status__in=ACTIVE_STATUSES)


def active_bookings_of(booker: User) -> QuerySet[Booking]:
    return Booking.objects.filter(booker=booker, status__in=ACTIVE_STATUSES)


def family_filter(parent: User | int) -> Q:
    """The bookings a parent may read: those for their children, whichever parent booked
    them, and their own without a child. The same rule as access.bookings_visible_to, written
    with a subquery so that a child with two parents does not list a booking twice."""
    children = Pupil.objects.filter(guardianships__parent=parent).values("pk")
    return Q(pupil__in=children) | Q(pupil__isnull=True, booker=parent)


def bookings_of_parent(parent: User | int) -> QuerySet[Booking]:
    """The family's bookings, in any status, by time: the other parent's bookings for a shared
    child too, but none for a child the parent is no longer a parent of."""
    return (
        Booking.objects.filter(family_filter(parent))
        .select_related("slot__subject", "host", "pupil", "event", "booker")
        .order_by("slot__starts_at", "pk")
    )


def booker_may_change(booking: Booking, at: datetime | None = None) -> bool:
    """The booker may cancel or move an active booking until the event's cutoff before it."""
    if not booking.is_active:
        return False
    at = at or timezone.now()
    deadline = booking.slot.starts_at
    if booking.event is not None:
        deadline -= booking.event.change_cutoff
    return at < deadline


def overlaps(slot: Slot, bookings) -> bool:
    return any(
        b.slot.starts_at < slot.ends_at and b.slot.ends_at > slot.starts_at for b in bookings
    )
