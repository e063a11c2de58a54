from datetime import UTC, datetime, timedelta

import icalendar

from rendezvous.calendars.ics import (
    EntryStatus,
    Invitation,
    Person,
    calendar_uid,
    invitation_ics,
    new_calendar_uid,
)

START = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)


def invitation(**changes) -> Invitation:
    fields = {
        "uid": "3c0f3b1e-5d7a-4d0e-9a53-2f6f4b8f1c11@termine.example.org",
        "sequence": 2,
        "stamp": START - timedelta(days=1),
        "starts_at": START,
        "ends_at": START + timedelta(minutes=10),
        "summary": "Appointment with Anna Becker",
        "status": EntryStatus.CONFIRMED,
        "location": "R101",
        "organizer": Person(email="anna@example.org", name="Anna Becker"),
        "attendee": Person(email="parent@example.org", name="Sandra Müller"),
    }
    return Invitation(**{**fields, **changes})


def parsed(text: str):
    calendar = icalendar.Calendar.from_ical(text)
    (entry,) = calendar.walk("VEVENT")
    return calendar, entry


def test_an_invitation_carries_its_uid_sequence_times_and_people():
    calendar, entry = parsed(invitation_ics(invitation()))

    assert calendar["METHOD"] == "REQUEST"
    assert entry["UID"] == "3c0f3b1e-5d7a-4d0e-9a53-2f6f4b8f1c11@termine.example.org"
    assert entry["SEQUENCE"] == 2
    assert entry.decoded("DTSTART") == START
    assert entry.decoded("DTEND") - entry.decoded("DTSTART") == timedelta(minutes=10)
    assert entry["LOCATION"] == "R101"
    assert str(entry["ORGANIZER"]) == "mailto:anna@example.org"
    assert entry["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_cancelled_entry_is_a_cancel_without_acceptance():
    calendar, entry = parsed(invitation_ics(invitation(status=EntryStatus.CANCELLED)))

    assert calendar["METHOD"] == "CANCEL"
    assert entry["STATUS"] == "CANCELLED"
    assert "PARTSTAT" not in entry["ATTENDEE"].params


def test_people_without_an_address_are_left_out():
    _calendar, entry = parsed(invitation_ics(invitation(attendee=Person(email="", name="Guest"))))

    assert "ATTENDEE" not in entry


def test_a_published_entry_is_added_as_it_is_without_attendees():
    calendar, entry = parsed(invitation_ics(invitation(), publish=True))

    assert calendar["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in entry
    assert str(entry["ORGANIZER"]) == "mailto:anna@example.org"
    assert entry["STATUS"] == "CONFIRMED"


def test_a_published_cancelled_entry_stays_a_publish():
    calendar, entry = parsed(
        invitation_ics(invitation(status=EntryStatus.CANCELLED), publish=True)
    )

    assert calendar["METHOD"] == "PUBLISH"
    assert entry["STATUS"] == "CANCELLED"


def test_new_uids_differ_and_name_the_sites_host(settings):
    settings.SITE_URL = "https://termine.example.org"

    first, second = new_calendar_uid(), new_calendar_uid()

    assert first != second
    assert first.endswith("@termine.example.org") and second.endswith("@termine.example.org")
    assert len(first.split("@")[0]) == 36  # a UUID


def test_the_uid_of_rows_from_before_keeps_its_form(settings):
    settings.SITE_URL = "https://termine.example.org"

    assert calendar_uid("booking", 7) == "booking-7@termine.example.org"
