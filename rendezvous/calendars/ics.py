"""iCalendar invitations: one UID per booking, SEQUENCE raised on every change (N3)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from rendezvous.bookings.models import Booking, BookingStatus


def booking_uid(booking: Booking) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rendezvous"
    return f"booking-{booking.pk}@{host}"


def event_status(booking: Booking) -> str:
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        return "CANCELLED"
    if booking.status == BookingStatus.PENDING:
        return "TENTATIVE"
    return "CONFIRMED"


def booking_calendar(booking: Booking, *, summary: str, description: str = "") -> str:
    """The invitation for a booking; METHOD:CANCEL once it is cancelled or rejected, so the
    entry disappears from the booker's calendar. Every change raises booking.sequence."""
    slot = booking.slot
    status = event_status(booking)
    cancelled = status == "CANCELLED"
    cal = Calendar()
    cal.add("prodid", "-//Rendezvous//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", booking.updated_at or timezone.now())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    location = slot.video_url or slot.room
    if location:
        event.add("location", location)
    event.add("status", status)
    if slot.host.email:
        organizer = vCalAddress(f"mailto:{slot.host.email}")
        organizer.params["cn"] = vText(slot.host.full_name)
        event.add("organizer", organizer)
    if booking.contact_email:
        attendee = vCalAddress(f"mailto:{booking.contact_email}")
        attendee.params["cn"] = vText(booking.booker_name)
        if not cancelled:
            attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical().decode()
