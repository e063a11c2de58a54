"""The filter for times that can be booked now and the booking service agree: every time the
filter leaves out, book_slot refuses, and the one it keeps, book_slot books."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rendezvous.bookings.selectors import bookable_at
from rendezvous.bookings.services import book_slot
from rendezvous.lib.errors import DomainError
from rendezvous.scheduling.models import Phase, Slot, SlotStatus


def in_event(slot, **fields):
    for name, value in fields.items():
        setattr(slot.event, name, value)
    slot.event.save(update_fields=list(fields))


def on_slot(slot, **fields):
    for name, value in fields.items():
        setattr(slot, name, value)
    slot.save(update_fields=list(fields))


def teacher_left(slot):
    slot.host.is_active = False
    slot.host.save(update_fields=["is_active"])


HOUR = timedelta(hours=1)
REFUSED = {
    "event closed": lambda slot: in_event(slot, phase=Phase.CLOSED),
    "event archived": lambda slot: in_event(slot, phase=Phase.ARCHIVED),
    "booking opens later": lambda slot: in_event(slot, booking_opens_at=timezone.now() + HOUR),
    "booking closed": lambda slot: in_event(
        slot,
        booking_opens_at=timezone.now() - 2 * HOUR,
        booking_closes_at=timezone.now() - HOUR,
    ),
    "teacher left": teacher_left,
    "taken": lambda slot: on_slot(slot, seats_taken=1),
    "cancelled": lambda slot: on_slot(slot, status=SlotStatus.CANCELLED),
    "tentative": lambda slot: on_slot(slot, status=SlotStatus.TENTATIVE),
    "past": lambda slot: on_slot(
        slot, starts_at=timezone.now() - HOUR, ends_at=timezone.now() - HOUR / 2
    ),
}


def bookable(slot) -> bool:
    return Slot.objects.filter(bookable_at(timezone.now()), pk=slot.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("change", REFUSED.values(), ids=REFUSED.keys())
def test_a_time_the_service_refuses_is_not_bookable(change, parent, pupil, slot):
    change(slot)
    slot.refresh_from_db()

    assert not bookable(slot)
    with pytest.raises(DomainError):
        book_slot(booker=parent, slot=slot, pupil=pupil)


@pytest.mark.django_db
def test_a_bookable_time_is_booked(parent, pupil, slot):
    assert bookable(slot)
    assert book_slot(booker=parent, slot=slot, pupil=pupil).is_active
