"""Reads for the calendars: slots with their bookings, day by day in a time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from rendezvous.bookings.models import Booking
from rendezvous.scheduling.models import Slot


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def calendar_days(slots: QuerySet[Slot], first_day: date, last_day: date, tz: ZoneInfo):
    """[(day, [slots with bookings prefetched])] for each local day from first_day to last_day."""
    slots = (
        slots.filter(
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
