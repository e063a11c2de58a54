"""The office's reminder to families that have booked nothing for a parents' evening."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import Conflict
from rendezvous.notifications.services import queue_email
from rendezvous.reports.selectors import event_summary
from rendezvous.scheduling.models import Event


class BookingNotOpen(Conflict):
    code = "booking_closed"
    message = _("Booking is not open for this event, so there is nothing to remind families of.")


@transaction.atomic
def remind_families(*, event: Event) -> int:
    """Mail every family of the event's classes that has not booked yet and has an address,
    in the parent's language; the number of mails queued."""
    if not event.is_bookable():
        raise BookingNotOpen()
    book_url = settings.SITE_URL + reverse("bookings:parent-home")
    parents = event_summary(event).reachable_not_booked
    for parent in parents:
        queue_email(
            template="booking_reminder",
            to=parent.email,
            context={"recipient": parent, "event": event, "book_url": book_url},
            language=parent.language,
            organisation=event.organisation,
        )
    return len(parents)
