"""iCalendar invitations: one UID per appointment, SEQUENCE raised on every change.

This module knows calendars, not appointments: callers describe what to send in an Invitation.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText


class EntryStatus(StrEnum):
    TENTATIVE = "TENTATIVE"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    stamp: datetime
    starts_at: datetime
    ends_at: datetime
    summary: str
    status: EntryStatus
    description: str = ""
    location: str = ""
    organizer: Person | None = None
    attendee: Person | None = None


def calendar_uid(kind: str, pk: int) -> str:
    """A UID that stays the same for the life of one row, e.g. "booking-12@termine.example"."""
    host = urlsplit(settings.SITE_URL).hostname or "rendezvous"
    return f"{kind}-{pk}@{host}"


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    return address


def _entry(invitation: Invitation) -> Event:
    entry = Event()
    entry.add("uid", invitation.uid)
    entry.add("sequence", invitation.sequence)
    entry.add("dtstamp", invitation.stamp)
    entry.add("dtstart", invitation.starts_at)
    entry.add("dtend", invitation.ends_at)
    entry.add("summary", invitation.summary)
    if invitation.description:
        entry.add("description", invitation.description)
    if invitation.location:
        entry.add("location", invitation.location)
    entry.add("status", str(invitation.status))
    if invitation.organizer and invitation.organizer.email:
        entry.add("organizer", _address(invitation.organizer))
    if invitation.attendee and invitation.attendee.email:
        attendee = _address(invitation.attendee)
        if invitation.status != EntryStatus.CANCELLED:
            attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        entry.add("attendee", attendee)
    return entry


def invitation_ics(invitation: Invitation) -> str:
    """The .ics text; METHOD:CANCEL for a cancelled entry, so it disappears from the calendar
    it was added to."""
    cal = Calendar()
    cal.add("prodid", "-//Rendezvous//EN")
    cal.add("version", "2.0")
    cancelled = invitation.status == EntryStatus.CANCELLED
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    cal.add_component(_entry(invitation))
    return cal.to_ical().decode()
