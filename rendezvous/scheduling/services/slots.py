"""Single-slot workflows and checks: overlaps, create, and the pieces that editing and deleting
a slot use (those workflows touch bookings, so they live in bookings.services.slots)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rendezvous.accounts.models import User
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import Event, Mode, Slot, SlotStatus, Subject
from rendezvous.scheduling.services.checks import (
    SLOT_PHASES,
    check_host,
    check_place,
    is_overlap_violation,
    within_days,
)


def find_overlaps(
    host: User, starts_at: datetime, ends_at: datetime, exclude: Slot | None = None
) -> QuerySet[Slot]:
    """The host's live (not cancelled) slots that overlap [starts_at, ends_at)."""
    slots = Slot.objects.filter(host=host, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=SlotStatus.CANCELLED
    )
    if exclude is not None:
        slots = slots.exclude(pk=exclude.pk)
    return slots.order_by("starts_at")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise errors.SlotTimesInvalid()
    if starts_at <= timezone.now():
        raise errors.SlotStartInPast()


def _check_event_open(event: Event | None) -> None:
    if event is not None and event.phase not in SLOT_PHASES:
        raise errors.EventNotOpenForSlots()


def _check_event(event: Event | None, starts_at: datetime, ends_at: datetime) -> None:
    if event is None:
        return
    _check_event_open(event)
    if not within_days(starts_at, ends_at, event.starts_on, event.ends_on, event.organisation.tz):
        raise errors.SlotOutsideEvent()


def refuse_overlaps(host: User, starts_at, ends_at, exclude: Slot | None = None) -> None:
    clashes = list(find_overlaps(host, starts_at, ends_at, exclude))
    if clashes:
        raise errors.SlotOverlap(clashes, tz=host.organisation.tz)


def create_slot(
    *,
    host: User,
    event: Event | None,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int = 1,
    mode: str = Mode.ON_SITE,
    room: str = "",
    video_url: str = "",
    subject: Subject | None = None,
) -> Slot:
    with transaction.atomic():
        check_host(host, event)
        check_place(mode, video_url)
        _check_times(starts_at, ends_at)
        _check_event(event, starts_at, ends_at)
        refuse_overlaps(host, starts_at, ends_at)
        slot = Slot(
            organisation_id=host.organisation_id,
            host=host,
            event=event,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            mode=mode,
            room=room,
            video_url=video_url,
            subject=subject,
        )
        save_slot(slot)
    return slot


def check_slot_changeable(*, slot: Slot) -> None:
    """A slot of a closed or archived event, or one that has begun, is history: it can be
    neither edited nor deleted."""
    _check_event_open(slot.event)
    if slot.starts_at <= timezone.now():
        raise errors.SlotInPast()


def check_slot_edit(
    slot: Slot,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    mode: str = Mode.ON_SITE,
    video_url: str = "",
) -> None:
    """What create_slot checks, for a slot that exists: not cancelled, not history, no overlap,
    and no fewer places than are taken."""
    if slot.is_cancelled:
        raise errors.SlotCancelled()
    check_slot_changeable(slot=slot)
    check_place(mode, video_url)
    _check_times(starts_at, ends_at)
    _check_event(slot.event, starts_at, ends_at)
    if capacity < slot.seats_taken:
        raise errors.CapacityBelowTaken()
    refuse_overlaps(slot.host, starts_at, ends_at, exclude=slot)


def lock_slot(slot: Slot) -> Slot:
    """The slot's row, locked for the rest of the transaction (PostgreSQL)."""
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("event__organisation", "host__organisation")
        .get(pk=slot.pk)
    )


def save_slot(slot: Slot, update_fields: tuple[str, ...] | None = None) -> None:
    """Save; a concurrent overlapping slot that the exclusion constraint (PostgreSQL) caught
    becomes the same SlotOverlap the service checks raise."""
    try:
        with transaction.atomic():
            slot.save(update_fields=update_fields)
    except IntegrityError as exc:
        if not is_overlap_violation(exc):
            raise
        refuse_overlaps(slot.host, slot.starts_at, slot.ends_at, exclude=slot)
        raise errors.SlotOverlap([], tz=slot.host.organisation.tz) from exc
