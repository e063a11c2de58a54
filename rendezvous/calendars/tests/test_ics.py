from datetime import UTC, datetime, timedelta

import icalendar

from rendezvous.calendars.ics import EntryStatus, Invitation, Person, calendar_uid, invitation_ics

START = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)


def invitation(**changes) -> Invitation:
    fields = {
        "uid": calendar_uid("booking", 7),
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


def test_an_invitation_carries_its_uid_sequence_times_and_people(settings):
    settings.SITE_URL = "https://termine.example.org"
    calendar, entry = parsed(invitation_ics(invitation(uid=calendar_uid("booking", 7))))

    assert calendar["METHOD"] == "REQUEST"
    assert entry["UID"] == "booking-7@termine.example.org"
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
