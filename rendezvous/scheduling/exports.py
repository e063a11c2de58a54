"""The slots as rows of a CSV file (rendezvous.lib.csv_export): times in the current time zone
(the organisation's), the header in the current language."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from rendezvous.scheduling.models import Slot

CHUNK = 2000  # rows read from the database at a time


def slot_header() -> list[str]:
    return [
        _("Date"),
        _("Start"),
        _("End"),
        _("Teacher"),
        _("Subject"),
        _("Mode"),
        _("Room"),
        _("Places"),
        _("Places taken"),
        _("Status"),
    ]


def slot_rows(slots: QuerySet[Slot]) -> Iterator[list]:
    """The rows, read in chunks as they are sent. The language and time zone are those in
    force now: a streamed response is read after the request's middleware has returned."""
    zone, language = timezone.get_current_timezone(), translation.get_language()
    rows = slots.select_related("host", "subject")
    return _rows(rows.iterator(chunk_size=CHUNK), zone, language)


def _rows(slots: Iterator[Slot], zone, language: str) -> Iterator[list]:
    for slot in slots:
        starts = timezone.localtime(slot.starts_at, zone)
        ends = timezone.localtime(slot.ends_at, zone)
        with translation.override(language):
            yield [
                formats.date_format(starts, "SHORT_DATE_FORMAT"),
                starts.strftime("%H:%M"),
                ends.strftime("%H:%M"),
                slot.host.full_name,
                slot.subject.name if slot.subject else "",
                slot.get_mode_display(),
                slot.room,
                slot.capacity,
                slot.seats_taken,
                slot.get_status_display(),
            ]
