"""Personal iCal feeds (K2): a secret address that works without a session, shows the family's
or the teacher's appointments under their invitations' UIDs, and stops when renewed or
stopped."""

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import book_slot, cancel_booking, move_booking
from rendezvous.calendars.feeds import renew_feed, stop_feed
from rendezvous.calendars.ics import calendar_uid
from rendezvous.calendars.models import CalendarFeed
from rendezvous.scheduling.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def feed_path(person) -> str:
    return reverse("bookings:calendar-feed", args=[CalendarFeed.objects.get(user=person).key])


def entries(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    found = {}
    for entry in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):  # RFC 5545
            assert required in entry, required
        assert "ATTENDEE" not in entry  # published, not an invitation
        found[str(entry["UID"])] = entry
    return found


def test_a_parent_starts_a_feed_on_the_page_and_reads_it_without_a_session(
    client, parent, pupil, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(parent)
    page = reverse("calendar-feed-page")
    assert b"feed-url" not in client.get(page).content

    assert client.post(page, {"action": "renew"}).status_code == 302

    shown = client.get(page).content.decode()
    path = feed_path(parent)
    assert path in shown and "webcal://" in shown
    found = entries(Client().get(path))
    assert list(found) == [booking.ical_uid]
    assert found[booking.ical_uid]["STATUS"] == "TENTATIVE"


def test_a_moved_booking_keeps_its_uid_with_a_higher_sequence(
    organisation, teacher, event, parent, pupil, slot
):
    later = SlotFactory(organisation=organisation, host=teacher, event=event)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    renew_feed(user=parent)
    before = entries(Client().get(feed_path(parent)))[booking.ical_uid]

    move_booking(booking=booking, to_slot=later, actor=parent)

    after = entries(Client().get(feed_path(parent)))[booking.ical_uid]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == later.starts_at != before.decoded("DTSTART")


def test_the_feed_shows_the_family_only_and_drops_cancelled_appointments(
    organisation, teacher, event, parent, pupil, other_parent, other_pupil, slot
):
    mine = book_slot(booker=parent, slot=slot, pupil=pupil)
    other_slot = SlotFactory(organisation=organisation, host=teacher, event=event)
    theirs = book_slot(booker=other_parent, slot=other_slot, pupil=other_pupil)
    renew_feed(user=parent)
    assert set(entries(Client().get(feed_path(parent)))) == {mine.ical_uid}

    cancel_booking(booking=mine, actor=parent)

    assert entries(Client().get(feed_path(parent))) == {}
    assert theirs.ical_uid not in entries(Client().get(feed_path(parent)))


def test_a_teachers_feed_shows_whom_they_meet_and_their_free_times(
    organisation, teacher, other_teacher, event, parent, pupil, slot
):
    free = SlotFactory(organisation=organisation, host=teacher, event=event)
    SlotFactory(organisation=organisation, host=other_teacher, event=event)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    renew_feed(user=teacher)

    found = entries(Client().get(feed_path(teacher)))

    free_uid = calendar_uid("slot", free.pk)
    assert set(found) == {booking.ical_uid, free_uid}
    assert str(pupil) in str(found[booking.ical_uid]["SUMMARY"])
    assert parent.full_name in str(found[booking.ical_uid]["SUMMARY"])
    assert found[free_uid]["TRANSP"] == "TRANSPARENT"


def test_renewing_or_stopping_ends_the_old_address(parent, pupil, slot):
    old = reverse("bookings:calendar-feed", args=[renew_feed(user=parent).key])
    renew_feed(user=parent)
    assert Client().get(old).status_code == 404
    assert Client().get(feed_path(parent)).status_code == 200
    current = feed_path(parent)
    stop_feed(user=parent)
    assert Client().get(current).status_code == 404


def test_a_deactivated_account_or_an_unknown_key_opens_nothing(parent, pupil, slot):
    path = reverse("bookings:calendar-feed", args=[renew_feed(user=parent).key])
    parent.is_active = False
    parent.save(update_fields=["is_active"])
    assert Client().get(path).status_code == 404
    unknown = reverse("bookings:calendar-feed", args=["x" * 43])
    assert Client().get(unknown).status_code == 404


def test_the_feed_is_in_the_owners_language(parent, pupil, slot, teacher):
    parent.language = "ru"
    parent.save(update_fields=["language"])
    renew_feed(user=teacher)
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    found = entries(Client().get(feed_path(teacher)))
    assert str(next(iter(found.values()))["SUMMARY"]).startswith("Freie Zeit")


def test_the_feed_reads_a_fixed_number_of_queries(organisation, teacher, event, parent, pupil):
    renew_feed(user=parent)
    path = feed_path(parent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            entries(Client().get(path))
        return len(captured)

    book_slot(
        booker=parent,
        pupil=pupil,
        slot=SlotFactory(organisation=organisation, host=teacher, event=event),
    )
    few = queries()
    for _ in range(4):  # more appointments, outside the event
        more = SlotFactory(organisation=organisation, host=teacher, seats_taken=1)
        Booking.objects.create(
            organisation=organisation, slot=more, host=teacher, pupil=pupil, booker=parent
        )
    assert queries() == few
