"""Telling bookers: the mail about a change, with the updated calendar invitation."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rendezvous.accounts.models import User
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


def booking_summary(booking: Booking) -> str:
    """The calendar entry's title, in the active language."""
    return _("Appointment with %(teacher)s") % {"teacher": booking.host.full_name}


def booking_calendar(booking: Booking) -> str:
    """The booking's invitation (.ics), in the active language."""
    slot = booking.slot
    return invitation_ics(
        Invitation(
            uid=calendar_uid("booking", booking.pk),
            sequence=booking.sequence,
            stamp=booking.updated_at or timezone.now(),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            summary=booking_summary(booking),
            status=ENTRY_STATUS[BookingStatus(booking.status)],
            location=slot.video_link or slot.room,
            organizer=Person(email=slot.host.email, name=slot.host.full_name),
            attendee=Person(email=booking.contact_email, name=booking.booker_name),
        )
    )


def appointments_url(recipient: User | None) -> str:
    path = reverse("bookings:parent-appointments") if recipient and recipient.is_parent else "/"
    return f"{settings.SITE_URL}{path}"


def notify_booker(booking: Booking, template: str) -> None:
    """Mail the booker about a change, in their language, with the updated invitation."""
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
            "appointments_url": appointments_url(recipient),
        },
        ics=ics,
    )
