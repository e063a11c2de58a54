"""The bookings as rows of a CSV file (rendezvous.lib.csv_export): times in the current time
zone (the organisation's), the header in the current language."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rendezvous.bookings.models import Booking
from rendezvous.lib.csv_export import streamed_rows, time_cells


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
    rows = bookings.select_related("slot", "host", "booker", "pupil__school_class")
    return streamed_rows(rows, _row)


def _row(booking: Booking) -> list:
    pupil = booking.pupil
    return [
        *time_cells(booking.slot.starts_at, booking.slot.ends_at),
        booking.host.full_name,
        booking.slot.room,
        f"{pupil.first_name} {pupil.last_name}" if pupil else booking.guest_name,
        pupil.school_class.name if pupil else "",
        booking.booker.full_name if booking.booker else "",
        booking.get_status_display(),
        booking.seats,
    ]
