"""What a person's iCal feed shows (rendezvous.calendars.feeds): a parent, the family's
appointments; a teacher (or anyone who hosts times), their appointments and their free times.
From FEED_PAST before now on, at most FEED_LIMIT entries of each kind, the soonest first."""

from dataclasses import replace
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rendezvous.accounts.models import User
from rendezvous.bookings.invitations import SEPARATOR, booking_invitation
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.selectors.common import bookings_of_parent
from rendezvous.calendars.ics import EntryStatus, Invitation, Person, calendar_uid
from rendezvous.scheduling.models import Slot, SlotStatus

FEED_PAST = timedelta(days=60)
FEED_LIMIT = 2000


def _bookings(bookings: QuerySet[Booking], since: datetime) -> list[Booking]:
    rows = bookings.filter(status__in=ACTIVE_STATUSES, slot__ends_at__gte=since)
    rows = rows.select_related("organisation", "slot__host", "pupil__school_class", "booker")
    return list(rows.order_by("slot__starts_at", "pk")[:FEED_LIMIT])


def _host_summary(booking: Booking) -> str:
    """The title in the host's calendar: whom they meet, and who booked."""
    pupil = booking.pupil
    met = f"{pupil}, {pupil.school_class.name}" if pupil else booking.guest_name
    names = [met, booking.booker.full_name if booking.booker and pupil else ""]
    return SEPARATOR.join(name for name in names if name)


def _free_time(slot: Slot) -> Invitation:
    name = slot.event.name if slot.event else ""
    return Invitation(
        uid=calendar_uid("slot", slot.pk),
        sequence=0,
        stamp=slot.created_at,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=SEPARATOR.join(part for part in (_("Free time"), name) if part),
        status=EntryStatus.TENTATIVE,
        location=slot.room,
        organizer=Person(email=slot.host.email, name=slot.host.full_name),
        free=True,
    )


def _free_times(host: User, since: datetime) -> list[Invitation]:
    slots = Slot.objects.filter(
        host=host, status=SlotStatus.OPEN, seats_taken=0, ends_at__gte=since
    ).select_related("host", "event")
    return [_free_time(slot) for slot in slots.order_by("starts_at", "pk")[:FEED_LIMIT]]


def feed_entries(person: User, now: datetime) -> list[Invitation]:
    """The entries of the person's feed, in the active language. Each appointment keeps the
    UID and SEQUENCE of its invitation, so a moved one is updated in place."""
    since = now - FEED_PAST
    if person.is_parent:
        return [booking_invitation(b) for b in _bookings(bookings_of_parent(person), since)]
    hosted = _bookings(Booking.objects.filter(host=person), since)
    entries = [replace(booking_invitation(b), summary=_host_summary(b)) for b in hosted]
    return entries + _free_times(person, since)
