"""Reads for the office's pages about bookings."""

from django.db.models import Count, Q, QuerySet

from rendezvous.accounts.models import User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.scheduling.models import Event, SlotStatus


def bookings_for_office(
    *, event: Event, teacher: User | None = None, school_class=None, status: str = ""
) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(event=event).select_related(
        "slot", "host", "booker", "pupil__school_class"
    )
    if teacher is not None:
        bookings = bookings.filter(host=teacher)
    if school_class is not None:
        bookings = bookings.filter(pupil__school_class=school_class)
    if status:
        bookings = bookings.filter(status=status)
    return bookings.order_by("slot__starts_at", "host__last_name", "pk")


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with its live slots and active bookings counted."""
    return events.annotate(
        live_slots=Count("slots", filter=~Q(slots__status=SlotStatus.CANCELLED), distinct=True),
        active_bookings=Count(
            "bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES), distinct=True
        ),
    )
