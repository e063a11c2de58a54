"""Reads for the start pages: the office's progress of the next parents' evening, and the
teacher's day. Every read goes through the access functions, so a page shows only what its
viewer may see, and each takes a fixed number of queries however big the school is."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.access import bookings_visible_to
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking, BookingStatus
from rendezvous.scheduling.access import events_visible_to, slots_visible_to
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.school.access import pupils_visible_to

# How many appointments after today the teacher's page lists.
COMING_UP = 5


def next_event(user: User, today: date) -> Event | None:
    """The event running now or coming next (not yet archived), for the start pages."""
    return (
        events_visible_to(user)
        .exclude(phase=Phase.ARCHIVED)
        .filter(ends_on__gte=today)
        .order_by("starts_on", "pk")
        .first()
    )


@dataclass(frozen=True)
class EventProgress:
    """How far an event's booking has come, as the office's start page shows it.

    A family is counted per pupil: appointments are booked for a child, so a pupil of the
    event's classes with at least one active appointment is a family that has booked (two
    parents booking for one child count once; siblings count once each).
    """

    event: Event
    pupils: int
    pupils_booked: int
    teachers_full: int
    teachers_without_slots: list[User]
    pending: int

    @property
    def booked_percent(self) -> int:
        return round(100 * self.pupils_booked / self.pupils) if self.pupils else 0


def _pupils(user: User, event: Event) -> dict:
    booked = Q(bookings__event=event, bookings__status__in=ACTIVE_STATUSES)
    return (
        pupils_visible_to(user)
        .filter(school_class__events=event)
        .aggregate(
            total=Count("pk", distinct=True), booked=Count("pk", filter=booked, distinct=True)
        )
    )


def _live_slots(user: User, event: Event) -> QuerySet[Slot]:
    return slots_visible_to(user).filter(event=event).exclude(status=SlotStatus.CANCELLED)


def _teachers_full(user: User, event: Event, now: datetime) -> int:
    """Teachers with slots in the event and no free place left in any that is still ahead."""
    ahead = Q(starts_at__gt=now, status=SlotStatus.OPEN)
    per_teacher = (
        _live_slots(user, event)
        .values("host")
        .annotate(free=Sum(F("capacity") - F("seats_taken"), filter=ahead))
        .order_by()
    )
    return sum(1 for row in per_teacher if not row["free"])


def _teachers_without_slots(user: User, event: Event) -> list[User]:
    """The active teachers of the event's classes who have no live slot in it yet."""
    teaching = Q(classes_led__events=event) | Q(classes_taught__events=event)
    return list(
        people_visible_to(user, roles=STAFF_ROLES)
        .filter(teaching, is_active=True)
        .exclude(pk__in=_live_slots(user, event).values("host"))
        .distinct()
        .order_by("last_name", "first_name")
    )


def event_progress(user: User, event: Event) -> EventProgress:
    pupils = _pupils(user, event)
    pending = bookings_visible_to(user).filter(event=event, status=BookingStatus.PENDING)
    return EventProgress(
        event=event,
        pupils=pupils["total"],
        pupils_booked=pupils["booked"],
        teachers_full=_teachers_full(user, event, timezone.now()),
        teachers_without_slots=_teachers_without_slots(user, event),
        pending=pending.count(),
    )


# The teacher's start page.


def _hosted(user: User) -> QuerySet[Booking]:
    return (
        bookings_visible_to(user)
        .filter(host=user)
        .select_related("slot", "booker", "pupil__school_class")
        .order_by("slot__starts_at", "pk")
    )


def appointments_between(user: User, start: datetime, end: datetime) -> list[Booking]:
    """The teacher's active appointments starting in [start, end), in order."""
    return list(
        _hosted(user).filter(
            status__in=ACTIVE_STATUSES, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
    )


def coming_up(user: User, after: datetime, limit: int = COMING_UP) -> list[Booking]:
    return list(
        _hosted(user).filter(status__in=ACTIVE_STATUSES, slot__starts_at__gte=after)[:limit]
    )


def requests_to_decide(user: User, now: datetime) -> list[Booking]:
    """The teacher's pending requests for times still ahead, soonest first."""
    return list(_hosted(user).filter(status=BookingStatus.PENDING, slot__ends_at__gt=now))


@dataclass(frozen=True)
class FreeTimes:
    slots: int  # live slots still ahead
    free: int  # of which at least one place is free
    places: int  # free places in all of them


def free_times(user: User, event: Event, now: datetime) -> FreeTimes:
    """What is left of the teacher's own times in the event."""
    counts = (
        slots_visible_to(user)
        .filter(host=user, event=event, status=SlotStatus.OPEN, starts_at__gt=now)
        .aggregate(
            slots=Count("pk"),
            free=Count("pk", filter=Q(seats_taken__lt=F("capacity"))),
            places=Sum(F("capacity") - F("seats_taken")),
        )
    )
    return FreeTimes(slots=counts["slots"], free=counts["free"], places=counts["places"] or 0)
