"""iCalendar invitations: one UID per appointment, SEQUENCE raised on every change.

This module knows calendars, not appointments: callers describe what to send in an Invitation.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vDuration, vText


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
    free: bool = False  # a time still open: shown, but it does not make the person busy


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "rendezvous"


def new_calendar_uid() -> str:
    """A UID no other installation can have, e.g. "3f2b…-…@termine.example": a random UUID
    plus the site's host. Store it with the row: worked out again later, it would change
    whenever the site's address does, and calendars would show the entry twice."""
    return f"{uuid.uuid4()}@{_site_host()}"


def calendar_uid(kind: str, pk: int) -> str:
    """The UID of rows from before UIDs were stored, e.g. "booking-12@termine.example": their
    invitations went out with it, so updates must keep using it."""
    return f"{kind}-{pk}@{_site_host()}"


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    return address


def _entry(invitation: Invitation, *, with_attendee: bool) -> Event:
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
    if invitation.free:
        entry.add("transp", "TRANSPARENT")
    if invitation.organizer and invitation.organizer.email:
        entry.add("organizer", _address(invitation.organizer))
    if with_attendee and invitation.attendee and invitation.attendee.email:
        attendee = _address(invitation.attendee)
        if invitation.status != EntryStatus.CANCELLED:
            attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        entry.add("attendee", attendee)
    return entry


FEED_REFRESH = timedelta(hours=1)


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Rendezvous//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    return cal


def feed_ics(name: str, entries: Iterable[Invitation], *, time_zone: str) -> str:
    """A calendar to subscribe to: every entry published (no attendees), named for the
    calendar app's list, and refreshed about hourly."""
    cal = _calendar("PUBLISH")
    cal.add("name", name)  # RFC 7986
    cal.add("x-wr-calname", name)  # what Apple, Google and Outlook read
    cal.add("x-wr-timezone", time_zone)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"value": "DURATION"})
    cal.add("x-published-ttl", vDuration(FEED_REFRESH))
    for entry in entries:
        cal.add_component(_entry(entry, with_attendee=False))
    return cal.to_ical().decode()


def invitation_ics(invitation: Invitation, *, publish: bool = False) -> str:
    """The .ics text. Mailed, it is an invitation (METHOD:REQUEST), or METHOD:CANCEL for a
    cancelled entry, so that it disappears from the calendar it was added to.

    `publish=True` is for a file the person downloads and opens: METHOD:PUBLISH, which
    calendars simply add (or update, by UID) instead of asking for a reply to an invitation.
    A published entry names no attendee, as iTIP (RFC 5546) requires.
    """
    if publish:
        method = "PUBLISH"
    else:
        method = "CANCEL" if invitation.status == EntryStatus.CANCELLED else "REQUEST"
    cal = _calendar(method)
    cal.add_component(_entry(invitation, with_attendee=not publish))
    return cal.to_ical().decode()
