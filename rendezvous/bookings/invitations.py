"""A booking as a calendar entry: the invitation mailed to the booker, the file they save and
the entries of the personal feeds, in the active language."""

from django.utils import timezone

from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.calendars.ics import EntryStatus, Invitation, Person, calendar_uid, invitation_ics

ENTRY_STATUS = {
    BookingStatus.PENDING: EntryStatus.TENTATIVE,
    BookingStatus.CONFIRMED: EntryStatus.CONFIRMED,
    BookingStatus.COMPLETED: EntryStatus.CONFIRMED,
    BookingStatus.NO_SHOW: EntryStatus.CONFIRMED,
    BookingStatus.REJECTED: EntryStatus.CANCELLED,
    BookingStatus.CANCELLED: EntryStatus.CANCELLED,
}

# Between the names in a calendar entry's title; a dash needs no translation.
SEPARATOR = " – "


def booking_summary(booking: Booking) -> str:
    """The calendar entry's title: teacher, child (when there is one) and school, so that it
    can be told apart in a family calendar with several children and schools."""
    names = [booking.host.full_name, str(booking.pupil) if booking.pupil else ""]
    return SEPARATOR.join(name for name in [*names, booking.organisation.name] if name)


def booking_location(booking: Booking) -> str:
    """Where to go: the video link of an online meeting; otherwise the room and the school's
    address on one line, so that a map app can find it."""
    slot = booking.slot
    if slot.is_online and slot.video_link:
        return slot.video_link
    lines = (line.strip() for line in booking.organisation.address.splitlines())
    address = ", ".join(line for line in lines if line)
    return ", ".join(part for part in (slot.room, address) if part)


def booking_uid(booking: Booking) -> str:
    return booking.ical_uid or calendar_uid("booking", booking.pk)


def booking_invitation(booking: Booking) -> Invitation:
    """The booking's calendar entry, in the active language, as the booker's calendar shows
    it."""
    slot = booking.slot
    return Invitation(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        stamp=booking.updated_at or timezone.now(),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=booking_summary(booking),
        status=ENTRY_STATUS[BookingStatus(booking.status)],
        location=booking_location(booking),
        organizer=Person(email=slot.host.email, name=slot.host.full_name),
        attendee=Person(email=booking.contact_email, name=booking.booker_name),
    )


def booking_calendar(booking: Booking, *, download: bool = False) -> str:
    """The booking's calendar entry (.ics), in the active language: an invitation for a mail,
    or with `download=True` a published entry for the file a person saves."""
    return invitation_ics(booking_invitation(booking), publish=download)
