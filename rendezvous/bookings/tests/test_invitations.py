"""Invitations: one UID per booking; every change raises SEQUENCE; a cancellation is
METHOD:CANCEL."""

import icalendar
import pytest

from rendezvous.bookings.services import (
    book_slot,
    booking_calendar,
    cancel_booking,
    decide_booking,
    move_booking,
)
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.tests.factories import SlotFactory


def invitation(template: str):
    calendar = icalendar.Calendar.from_ical(OutgoingEmail.objects.get(template=template).ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.django_db
def test_a_moved_booking_keeps_its_uid_with_a_higher_sequence(
    organisation, teacher, event, parent, pupil, slot
):
    later = SlotFactory(organisation=organisation, host=teacher, event=event)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)

    move_booking(booking=booking, to_slot=later, actor=parent)

    _, first = invitation("booking_received")
    calendar, moved = invitation("booking_moved")
    assert calendar["METHOD"] == "REQUEST"
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved.decoded("DTSTART") == later.starts_at
    assert first.decoded("DTSTART") == slot.starts_at


@pytest.mark.django_db
def test_a_cancelled_booking_is_a_cancel_of_the_same_event(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)

    cancel_booking(booking=booking, actor=parent)

    _, first = invitation("booking_received")
    calendar, cancelled = invitation("booking_cancelled")
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == first["UID"]
    assert cancelled["SEQUENCE"] > first["SEQUENCE"]


@pytest.mark.django_db
def test_a_rejected_booking_withdraws_the_invitation(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=booking, confirm=False)
    calendar, rejected = invitation("booking_rejected")
    assert calendar["METHOD"] == "CANCEL"
    assert rejected["STATUS"] == "CANCELLED"


@pytest.mark.django_db
def test_a_pending_booking_is_tentative_and_a_confirmed_one_confirmed(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=booking, confirm=True)
    assert invitation("booking_received")[1]["STATUS"] == "TENTATIVE"
    assert invitation("booking_confirmed")[1]["STATUS"] == "CONFIRMED"


@pytest.mark.django_db
def test_the_invitation_names_the_teacher_and_the_booker(teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    event = icalendar.Calendar.from_ical(booking_calendar(booking)).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == f"mailto:{teacher.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{parent.email}"
    assert event["SUMMARY"] == f"Appointment with {teacher.full_name}"
    assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0
