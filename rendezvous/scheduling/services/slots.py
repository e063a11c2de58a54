"""Single-slot workflows (E1, E3): overlaps, create, update and delete, with their checks."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rendezvous.accounts.models import User
from rendezvous.bookings.errors import BookerOverlap
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import (
    cancel_slot_bookings,
    check_booker_free,
    lock_booker,
    notify_booker,
)
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import Event, Mode, Slot, SlotStatus, Subject
from rendezvous.scheduling.services.checks import (
    SLOT_PHASES,
    _check_host,
    _is_overlap_violation,
    _within_days,
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


def _check_event_open(event: Event | None) -> None:
    if event is not None and event.phase not in SLOT_PHASES:
        raise errors.EventNotOpenForSlots()


def _check_event(event: Event | None, starts_at: datetime, ends_at: datetime) -> None:
    if event is None:
        return
    _check_event_open(event)
    if not _within_days(starts_at, ends_at, event.starts_on, event.ends_on, event.organisation.tz):
        raise errors.SlotOutsideEvent()


def _refuse_overlaps(host: User, starts_at, ends_at, exclude: Slot | None = None) -> None:
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
        _check_host(host, event)
        _check_times(starts_at, ends_at)
        if starts_at <= timezone.now():
            raise errors.SlotStartInPast()
        _check_event(event, starts_at, ends_at)
        _refuse_overlaps(host, starts_at, ends_at)
        try:
            with transaction.atomic():
                return Slot.objects.create(
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
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
        # A concurrent request won the race; the exclusion constraint caught it.
        _refuse_overlaps(host, starts_at, ends_at)
        raise errors.SlotOverlap([], tz=host.organisation.tz)


def _tell_bookers_of_change(slot: Slot) -> None:
    for booking in slot.bookings.filter(status__in=ACTIVE_STATUSES):
        booking.sequence = F("sequence") + 1
        booking.save(update_fields=["sequence", "updated_at"])
        booking.refresh_from_db()
        notify_booker(booking, "booking_moved")


def check_slot_changeable(*, slot: Slot) -> None:
    """A slot of a closed or archived event, or one that has begun, is history: it can be
    neither edited nor deleted."""
    _check_event_open(slot.event)
    if slot.starts_at <= timezone.now():
        raise errors.SlotInPast()


def _booked_by_people(slot: Slot) -> QuerySet[Booking]:
    return (
        slot.bookings.filter(status__in=ACTIVE_STATUSES, booker__isnull=False)
        .select_related("booker")
        .order_by("booker_id")
    )


def _lock_bookers(slot: Slot) -> None:
    """Taken before the slot row, in the order book_slot and move_booking use (booker, then
    slot), so a move and a booking of one parent wait for each other instead of deadlocking."""
    for booking in _booked_by_people(slot):
        lock_booker(booking.booker)


def _refuse_booker_clashes(slot: Slot, starts_at: datetime, ends_at: datetime) -> None:
    """Invariant 3: the slot's bookers must be free at the new time."""
    clashing = []
    for booking in _booked_by_people(slot):
        # Already held unless they booked between _lock_bookers and the slot lock.
        lock_booker(booking.booker)
        try:
            check_booker_free(booking.booker, starts_at, ends_at, exclude=booking)
        except BookerOverlap:
            clashing.append(booking)
    if clashing:
        raise errors.BookersNotFree(clashing)


def _check_slot_edit(slot: Slot, starts_at: datetime, ends_at: datetime, capacity: int) -> None:
    if slot.is_cancelled:
        raise errors.SlotCancelled()
    check_slot_changeable(slot=slot)
    _check_times(starts_at, ends_at)
    if starts_at <= timezone.now():
        raise errors.SlotStartInPast()
    _check_event(slot.event, starts_at, ends_at)
    if capacity < slot.seats_taken:
        raise errors.CapacityBelowTaken()
    _refuse_overlaps(slot.host, starts_at, ends_at, exclude=slot)
    if (starts_at, ends_at) != (slot.starts_at, slot.ends_at):
        _refuse_booker_clashes(slot, starts_at, ends_at)


def update_slot(
    *,
    slot: Slot,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    mode: str,
    room: str = "",
    video_url: str = "",
    subject: Subject | None = None,
) -> Slot:
    """Same checks as create_slot, none in the past, and the bookers must be free at a new
    time; they are mailed when the time or place changes."""
    with transaction.atomic():
        if (starts_at, ends_at) != (slot.starts_at, slot.ends_at):
            _lock_bookers(slot)
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("event__organisation", "host__organisation")
            .get(pk=slot.pk)
        )
        _check_slot_edit(slot, starts_at, ends_at, capacity)
        before = (slot.starts_at, slot.ends_at, slot.mode, slot.room, slot.video_url)
        slot.starts_at, slot.ends_at, slot.capacity = starts_at, ends_at, capacity
        slot.mode, slot.room, slot.video_url, slot.subject = mode, room, video_url, subject
        try:
            with transaction.atomic():
                slot.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "capacity",
                        "mode",
                        "room",
                        "video_url",
                        "subject",
                    ]
                )
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
            _refuse_overlaps(slot.host, starts_at, ends_at, exclude=slot)
            raise errors.SlotOverlap([], tz=slot.host.organisation.tz) from exc
        if before != (slot.starts_at, slot.ends_at, slot.mode, slot.room, slot.video_url):
            _tell_bookers_of_change(slot)
    return slot


def delete_slot(*, slot: Slot) -> bool:
    """Delete a slot that was never booked. A slot with bookings (of any status) is cancelled
    instead, so the parents' history keeps it; active bookings are cancelled and their bookers
    told. Slots of closed events and slots that have begun are refused. True if deleted."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).select_related("event").get(pk=slot.pk)
        check_slot_changeable(slot=slot)
        if not slot.bookings.exists():
            slot.delete()
            return True
        if not slot.is_cancelled:
            slot.status = SlotStatus.CANCELLED
            slot.save(update_fields=["status"])
            cancel_slot_bookings(slot=slot)
    return False
