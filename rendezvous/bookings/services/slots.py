"""Editing and deleting slots that may be booked: the bookers must be free at a new time, are
told of every change, and keep their history when a booked slot goes."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet

from rendezvous.bookings.errors import BookerOverlap
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services.booking import (
    cancel_slot_bookings,
    check_booker_free,
    lock_booker,
)
from rendezvous.bookings.services.notify import notify_booker
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import SLOT_FIELDS, Mode, Slot, SlotStatus, Subject
from rendezvous.scheduling.services import (
    check_slot_changeable,
    check_slot_edit,
    lock_slot,
    save_slot,
)

# A change to any of these is news for the bookers.
NEWSWORTHY = ("starts_at", "ends_at", "mode", "room", "video_url")


def _tell_bookers_of_change(slot: Slot) -> None:
    for booking in slot.bookings.filter(status__in=ACTIVE_STATUSES):
        booking.sequence = F("sequence") + 1
        booking.save(update_fields=["sequence", "updated_at"])
        booking.refresh_from_db()
        notify_booker(booking, "booking_moved")


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
    """The slot's bookers must be free at the new time: nobody's appointments overlap."""
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


def update_slot(
    *,
    slot: Slot,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    mode: str = Mode.ON_SITE,
    room: str = "",
    video_url: str = "",
    subject: Subject | None = None,
) -> Slot:
    """Same checks as create_slot, none in the past, and the bookers must be free at a new
    time; they are mailed when the time or place changes."""
    changes = dict(
        zip(
            SLOT_FIELDS,
            (starts_at, ends_at, capacity, mode, room, video_url, subject),
            strict=True,
        )
    )
    moving = (starts_at, ends_at) != (slot.starts_at, slot.ends_at)
    with transaction.atomic():
        if moving:
            _lock_bookers(slot)
        slot = lock_slot(slot)
        check_slot_edit(slot, starts_at, ends_at, capacity, mode, video_url)
        if moving:
            _refuse_booker_clashes(slot, starts_at, ends_at)
        before = [getattr(slot, name) for name in NEWSWORTHY]
        for name, value in changes.items():
            setattr(slot, name, value)
        save_slot(slot, update_fields=SLOT_FIELDS)
        if before != [getattr(slot, name) for name in NEWSWORTHY]:
            _tell_bookers_of_change(slot)
    return slot


def delete_slot(*, slot: Slot) -> bool:
    """Delete a slot that was never booked. A slot with bookings (of any status) is cancelled
    instead, so the parents' history keeps it; active bookings are cancelled and their bookers
    told. Slots of closed events and slots that have begun are refused. True if deleted."""
    with transaction.atomic():
        slot = lock_slot(slot)
        check_slot_changeable(slot=slot)
        if not slot.bookings.exists():
            slot.delete()
            return True
        if not slot.is_cancelled:
            slot.status = SlotStatus.CANCELLED
            slot.save(update_fields=["status"])
            cancel_slot_bookings(slot=slot)
    return False
