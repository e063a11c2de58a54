"""Reads for the teacher calendar and the office's event page."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from rendezvous.accounts.models import User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def calendar_days(host: User, first_day: date, last_day: date, tz: ZoneInfo):
    """[(day, [slots with bookings prefetched])] for each local day from first_day to last_day."""
    slots = (
        Slot.objects.filter(
            host=host,
            starts_at__gte=local_midnight(first_day, tz),
            starts_at__lt=local_midnight(last_day + timedelta(days=1), tz),
        )
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.select_related("booker", "pupil__school_class").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("starts_at")
    )
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(tz).date(), []).append(slot)
    count = (last_day - first_day).days + 1
    days = (first_day + timedelta(days=n) for n in range(count))
    return [(day, by_day.get(day, [])) for day in days]


def next_event_day(organisation_id: int, today: date) -> date | None:
    """The first day of the organisation's next running or coming event."""
    event = (
        Event.objects.filter(
            organisation_id=organisation_id,
            phase__in=[Phase.DRAFT, Phase.OPEN],
            ends_on__gte=today,
        )
        .order_by("starts_on")
        .first()
    )
    return event.starts_on if event else None


def events_for_slots(user: User) -> QuerySet[Event]:
    """Events a staff member may add slots to."""
    return Event.objects.filter(
        organisation_id=user.organisation_id, phase__in=[Phase.DRAFT, Phase.OPEN]
    ).order_by("starts_on")


def slot_counts_per_teacher(event: Event) -> QuerySet:
    """Per host: live slots, places and places taken."""
    return (
        Slot.objects.filter(event=event)
        .exclude(status=SlotStatus.CANCELLED)
        .values("host", "host__first_name", "host__last_name")
        .annotate(slots=Count("pk"), places=Sum("capacity"), taken=Sum("seats_taken"))
        .order_by("host__last_name", "host__first_name")
    )


def events_with_counts(organisation_id: int) -> QuerySet[Event]:
    return Event.objects.filter(organisation_id=organisation_id).annotate(
        live_slots=Count("slots", filter=~Q(slots__status=SlotStatus.CANCELLED), distinct=True),
        active_bookings=Count(
            "bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES), distinct=True
        ),
    )
