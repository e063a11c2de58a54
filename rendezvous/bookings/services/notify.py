"""Telling people about bookings: the booker's mail about a change, with the updated calendar
invitation, and the teacher's mail about a new request or a parent's note."""

from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from rendezvous.accounts.models import RequestMails, User
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.calendars.ics import EntryStatus, Invitation, Person, calendar_uid, invitation_ics
from rendezvous.notifications.services import queue_email

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


def appointments_url(recipient: User | None) -> str:
    path = reverse("bookings:parent-appointments") if recipient and recipient.is_parent else "/"
    return f"{settings.SITE_URL}{path}"


def teacher_home_url() -> str:
    return f"{settings.SITE_URL}{reverse('bookings:teacher-home')}"


class NoteFrom(StrEnum):
    """Who wrote the booking's decision message, so that the booker's mail says whose it is."""

    BOOKER = "booker"
    TEACHER = "teacher"
    SCHOOL = "school"


def note_from(booking: Booking, actor: User) -> NoteFrom:
    if booking.booker_id is not None and booking.booker_id == actor.pk:
        return NoteFrom.BOOKER
    return NoteFrom.TEACHER if booking.host_id == actor.pk else NoteFrom.SCHOOL


def notify_booker(
    booking: Booking, template: str, *, note_from: NoteFrom = NoteFrom.TEACHER
) -> None:
    """Mail the booker about a change, in their language, with the updated invitation; the
    booking's decision message is quoted as `note_from`'s."""
    to = booking.contact_email
    if not to:
        return
    recipient = booking.booker
    language = recipient.language if recipient else booking.organisation.language
    with translation.override(language):
        ics = booking_calendar(booking)
    queue_email(
        template=template,
        to=to,
        language=language,
        organisation=booking.organisation,
        context={
            "booking": booking,
            "slot": booking.slot,
            "recipient": recipient,
            "note_from": str(note_from),
            "appointments_url": appointments_url(recipient),
        },
        ics=ics,
    )


def _mail_host(booking: Booking, template: str) -> None:
    host = booking.host
    if not host.email or not host.is_active:
        return
    queue_email(
        template=template,
        to=host.email,
        language=host.language,
        organisation=booking.organisation,
        context={
            "booking": booking,
            "slot": booking.slot,
            "recipient": host,
            "teacher_home_url": teacher_home_url(),
        },
    )


def notify_host_of_request(booking: Booking) -> None:
    """A new request waits for the teacher: mail them now if that is what they chose (the
    daily summary and "never" are the digest job's business)."""
    if booking.is_pending and booking.host.request_mails == RequestMails.IMMEDIATELY:
        _mail_host(booking, "booking_request_for_teacher")


def notify_host_of_note(booking: Booking) -> None:
    """A parent who cancels may leave the teacher a note. Somebody wrote it for the teacher, so
    it is delivered whatever the teacher chose for the automatic request mails."""
    if booking.decision_message:
        _mail_host(booking, "booking_cancelled_for_teacher")
