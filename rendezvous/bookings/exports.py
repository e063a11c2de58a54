"""The bookings as rows of a CSV file (rendezvous.lib.csv_export): times in the current time
zone (the organisation's), the header in the current language."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from rendezvous.bookings.models import Booking

CHUNK = 2000  # rows read from the database at a time


def booking_header() -> list[str]:
    return [
        _("Date"),
        _("Start"),
        _("End"),
        _("Teacher"),
        _("Room"),
        _("Child"),
        _("Class"),
        _("Booked by"),
        _("Status"),
        _("Places"),
    ]


def booking_rows(bookings: QuerySet[Booking]) -> Iterator[list]:
    """The rows, read in chunks as they are sent. The language and time zone are those in
    force now: a streamed response is read after the request's middleware has returned."""
    zone, language = timezone.get_current_timezone(), translation.get_language()
    rows = bookings.select_related("slot", "host", "booker", "pupil__school_class")
    return _rows(rows.iterator(chunk_size=CHUNK), zone, language)


def _rows(bookings: Iterator[Booking], zone, language: str) -> Iterator[list]:
    for booking in bookings:
        starts = timezone.localtime(booking.slot.starts_at, zone)
        ends = timezone.localtime(booking.slot.ends_at, zone)
        pupil = booking.pupil
        with translation.override(language):
            yield [
                formats.date_format(starts, "SHORT_DATE_FORMAT"),
                starts.strftime("%H:%M"),
                ends.strftime("%H:%M"),
                booking.host.full_name,
                booking.slot.room,
                f"{pupil.first_name} {pupil.last_name}" if pupil else booking.guest_name,
                pupil.school_class.name if pupil else "",
                booking.booker.full_name if booking.booker else "",
                booking.get_status_display(),
                booking.seats,
            ]
