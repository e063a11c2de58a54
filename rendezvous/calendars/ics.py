"""iCalendar invitations: one UID per booking, SEQUENCE raised on every change (N3)."""

from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from rendezvous.bookings.models import Booking, BookingStatus


def booking_uid(booking: Booking) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rendezvous"
    return f"booking-{booking.pk}@{host}"


def booking_calendar(booking: Booking, *, summary: str, description: str = "") -> str:
    slot = booking.slot
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED)
    cal = Calendar()
    cal.add("prodid", "-//Rendezvous//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", booking.updated_at)
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    location = slot.video_url or slot.room
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if slot.host.email:
        organizer = vCalAddress(f"mailto:{slot.host.email}")
        organizer.params["cn"] = vText(slot.host.full_name)
        event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical().decode()
