"""Invitations: one UID per booking, unique across installations; every change raises
SEQUENCE; a cancellation is METHOD:CANCEL; a downloaded file is METHOD:PUBLISH; the title
names teacher, child and school, the place room and address."""

import icalendar
import pytest
from django.urls import reverse

from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import (
    book_slot,
    booking_calendar,
    cancel_booking,
    decide_booking,
    move_booking,
)
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Mode, Slot
from rendezvous.scheduling.tests.factories import SlotFactory


def booked_and_mailed(parent, pupil, slot):
    """A booking, and the parent's mail about it queued by the worker's next round."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()
    return booking


def invitation(template: str):
    calendar = icalendar.Calendar.from_ical(OutgoingEmail.objects.get(template=template).ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.django_db
def test_a_moved_booking_keeps_its_uid_with_a_higher_sequence(
    organisation, teacher, event, parent, pupil, slot
):
    later = SlotFactory(organisation=organisation, host=teacher, event=event)
    booking = booked_and_mailed(parent, pupil, slot)

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
    booking = booked_and_mailed(parent, pupil, slot)

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
    booking = booked_and_mailed(parent, pupil, slot)
    decide_booking(booking=booking, confirm=True)
    assert invitation("booking_received")[1]["STATUS"] == "TENTATIVE"
    assert invitation("booking_confirmed")[1]["STATUS"] == "CONFIRMED"


@pytest.mark.django_db
def test_the_invitation_names_the_teacher_and_the_booker(teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    event = icalendar.Calendar.from_ical(booking_calendar(booking)).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == f"mailto:{teacher.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{parent.email}"
    assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0


def entry(booking, **kwargs):
    return icalendar.Calendar.from_ical(booking_calendar(booking, **kwargs)).walk("VEVENT")[0]


@pytest.mark.django_db
def test_the_title_names_teacher_child_and_school(organisation, teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)

    assert entry(booking)["SUMMARY"] == f"{teacher.full_name} – {pupil} – Goethe-Gymnasium"


@pytest.mark.django_db
def test_a_booking_without_a_child_names_teacher_and_school(teacher, slot):
    booking = Booking.objects.create(
        organisation=slot.organisation, slot=slot, host=teacher, guest_name="Guest"
    )

    assert entry(booking)["SUMMARY"] == f"{teacher.full_name} – Goethe-Gymnasium"


@pytest.mark.django_db
def test_the_place_is_the_room_and_the_schools_address(organisation, parent, pupil, slot):
    organisation.address = "Goethe-Gymnasium\nSchillerstraße 1\n\n10115 Berlin"
    organisation.save(update_fields=["address"])
    Slot.objects.filter(pk=slot.pk).update(room="R 101")
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)

    assert entry(booking)["LOCATION"] == "R 101, Goethe-Gymnasium, Schillerstraße 1, 10115 Berlin"


@pytest.mark.django_db
def test_an_online_meeting_is_at_its_video_link(organisation, parent, pupil, slot):
    organisation.address = "Schillerstraße 1"
    organisation.save(update_fields=["address"])
    Slot.objects.filter(pk=slot.pk).update(
        mode=Mode.ONLINE, room="", video_url="https://meet.example.org/abc"
    )
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)

    assert entry(booking)["LOCATION"] == "https://meet.example.org/abc"


@pytest.mark.django_db
def test_uids_are_unique_and_never_change_with_the_site(
    settings, parent, pupil, second_child, slot, make_slot
):
    settings.SITE_URL = "https://termine.example.org"
    first = book_slot(booker=parent, slot=slot, pupil=pupil)
    second = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
    uid = str(entry(first)["UID"])

    settings.SITE_URL = "https://rendezvous.example.com"

    assert uid.endswith("@termine.example.org")
    assert not uid.startswith("booking-")
    assert str(entry(first)["UID"]) == uid
    assert str(entry(second)["UID"]) != uid


@pytest.mark.django_db
def test_a_booking_from_before_keeps_the_uid_its_invitations_carry(settings, parent, pupil, slot):
    settings.SITE_URL = "https://termine.example.org"
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    Booking.objects.filter(pk=booking.pk).update(ical_uid="")
    booking.refresh_from_db()

    assert str(entry(booking)["UID"]) == f"booking-{booking.pk}@termine.example.org"


@pytest.mark.django_db
def test_the_download_is_published_and_the_mail_an_invitation(client, parent, pupil, slot):
    booking = booked_and_mailed(parent, pupil, slot)
    client.force_login(parent)

    r = client.get(reverse("bookings:parent-booking-ics", args=[booking.pk]))

    downloaded = icalendar.Calendar.from_ical(r.content)
    mailed, mailed_entry = invitation("booking_received")
    (downloaded_entry,) = downloaded.walk("VEVENT")
    assert r["Content-Type"].startswith("text/calendar")
    assert downloaded["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in downloaded_entry
    assert mailed["METHOD"] == "REQUEST"
    assert downloaded_entry["UID"] == mailed_entry["UID"]
    assert downloaded_entry["SUMMARY"] == mailed_entry["SUMMARY"]
