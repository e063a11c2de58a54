"""Reads for the teacher calendar and the office's event page."""

from datetime import date

from django.db.models import Count, QuerySet, Sum

from rendezvous.accounts.models import User
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus


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
