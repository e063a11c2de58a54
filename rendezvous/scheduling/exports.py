"""The slots as rows of a CSV file (rendezvous.lib.csv_export): times in the current time zone
(the organisation's), the header in the current language."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rendezvous.lib.csv_export import streamed_rows, time_cells
from rendezvous.scheduling.models import Slot


def slot_header() -> list[str]:
    return [
        _("Date"),
        _("Start"),
        _("End"),
        _("Teacher"),
        pgettext("school subject", "Subject"),
        _("Mode"),
        _("Room"),
        _("Places"),
        _("Places taken"),
        _("Status"),
    ]


def slot_rows(slots: QuerySet[Slot]) -> Iterator[list]:
    return streamed_rows(slots.select_related("host", "subject"), _row)


def _row(slot: Slot) -> list:
    return [
        *time_cells(slot.starts_at, slot.ends_at),
        slot.host.full_name,
        slot.subject.name if slot.subject else "",
        slot.get_mode_display(),
        slot.room,
        slot.capacity,
        slot.seats_taken,
        slot.get_status_display(),
    ]
