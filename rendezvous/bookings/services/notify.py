"""Telling people about bookings: the booker's mail about a change, with the updated calendar
invitation, and the teacher's mail about a new request or a parent's note."""

from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rendezvous.accounts.models import RequestMails, User
from rendezvous.bookings.invitations import booking_calendar
from rendezvous.bookings.models import Booking
from rendezvous.notifications.services import queue_email


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
