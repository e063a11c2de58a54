"""Telling people about bookings: the booker's mail about a change, with the updated calendar
invitation, and the teacher's mail about a new request or a parent's note.

The booker's mail about a later change is queued with the change, so that their invitations
arrive in the order of the changes. The mails of a new booking, the booker's and the teacher's,
are queued by the worker (booking_mails): the booking only marks them due."""

from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rendezvous.accounts.models import RequestMails, User
from rendezvous.bookings.invitations import booking_calendar
from rendezvous.bookings.models import Booking, BookingStatus
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
    booking's decision message is quoted as `note_from`'s.

    A mail about the new booking that the worker has not queued yet is left out: this one tells
    of the booking as it now stands, and the other would come after it."""
    if booking.booker_mail_due:
        Booking.objects.filter(pk=booking.pk).update(booker_mail_due=False)
        booking.booker_mail_due = False
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


def booker_mail_due(booker: User) -> bool:
    """Whether the booker of a new booking is to be mailed about it: one who has an address."""
    return bool(booker.email)


def notify_booker_of_booking(booking: Booking) -> None:
    """Mail the booker about their new booking (booker_mail_due) as it stands: received, or
    confirmed when its event confirms by itself. One no longer active needs no mail."""
    if booking.is_active:
        confirmed = booking.status == BookingStatus.CONFIRMED
        notify_booker(booking, "booking_confirmed" if confirmed else "booking_received")


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


def request_mail_due(host: User, status: str) -> bool:
    """Whether a new booking is a request to be mailed to its teacher on its own: one that waits
    for them, to a teacher who chose to hear of each at once (the daily summary and "never"
    are the digest job's business)."""
    return status == BookingStatus.PENDING and host.request_mails == RequestMails.IMMEDIATELY


def notify_host_of_request(booking: Booking) -> None:
    """Mail the teacher a request that is due (request_mail_due) and still waits for them: one
    decided or withdrawn meanwhile needs no mail any more."""
    if booking.is_pending:
        _mail_host(booking, "booking_request_for_teacher")


def notify_host_of_note(booking: Booking) -> None:
    """A parent who cancels may leave the teacher a note. Somebody wrote it for the teacher, so
    it is delivered whatever the teacher chose for the automatic request mails."""
    if booking.decision_message:
        _mail_host(booking, "booking_cancelled_for_teacher")
