"""The mails of a new booking, queued by the worker: the booker's, with the calendar invitation,
and the teacher's about a new request.

The booking only marks them due, in the row it inserts (`Booking.booker_mail_due`,
`Booking.request_mail_due`). A worker job (registered in BookingsConfig.ready()) takes a few
marked bookings in one transaction: it clears their marks, reads them as they are then, and
queues the mail of each one that still needs it; the same worker round delivers it, so it goes
out within seconds. On PostgreSQL the rows taken are locked and other workers pass over them; on
SQLite the transaction holds the database from its start, so it is begun only when a mark is
set. Either way, however many workers run, each mail is queued once.

- The booker hears of the booking as it then stands: received, or confirmed when its event
  confirms by itself. A change the booker is told of before the worker came (a decision, a move,
  a cancellation) supersedes the mail (notify.notify_booker clears the mark in the change's own
  transaction), so that their invitations still arrive in the order of the changes.
- The teacher hears of a request that still waits for them, if they chose when it came in to
  hear of each one at once (notify.request_mail_due): a request made just before they switched
  to the daily summary is not lost between the two.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from rendezvous.bookings.models import Booking
from rendezvous.bookings.services.notify import notify_booker_of_booking, notify_host_of_request
from rendezvous.lib.database import log_failure
from rendezvous.lib.queries import Prepared

log = logging.getLogger(__name__)

# Mails queued in one transaction: rendering them holds SQLite's write lock meanwhile.
MAILS_AT_ONCE = 10


def _bookings(bookings: list[int]) -> QuerySet[Booking]:
    """Bookings with what their mails show."""
    parts = ("organisation", "slot__event", "slot__host", "host", "booker", "pupil__school_class")
    return Booking.objects.select_related(*parts).filter(pk__in=bookings).order_by("pk")


# Built once: the worker reads every new booking it mails about.
_BOOKINGS = Prepared(_bookings)


def send_booker_mails() -> int:
    """The worker's job: the bookers' mails about their new bookings; returns how many bookings
    it took (their mails queued, or needed no more)."""
    return _send_marked("booker_mail_due", notify_booker_of_booking, "booker's mail")


def send_request_mails() -> int:
    """The worker's job: the mails of new requests to teachers who hear of each one at once;
    returns how many requests it took (their mails queued, or needed no more)."""
    return _send_marked("request_mail_due", notify_host_of_request, "request mail")


def _send_marked(mark: str, notify: Callable[[Booking], None], what: str) -> int:
    due = Booking.objects.filter(**{mark: True})
    if not due.exists():
        return 0
    with transaction.atomic():
        due = due.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.values_list("pk", flat=True)[:MAILS_AT_ONCE])
        if not claimed:
            return 0  # other workers hold them
        Booking.objects.filter(pk__in=claimed, **{mark: True}).update(**{mark: False})
        for booking in _BOOKINGS(bookings=claimed):
            _mail(booking, notify, what)
    return len(claimed)


def _mail(booking: Booking, notify: Callable[[Booking], None], what: str) -> None:
    """Queue one booking's mail. A mail that cannot be written (a template's fault) is logged
    and left: retried, it would fail again and hold up the bookings after it. The mail's row,
    its one write, is stored once it is written, so such a fault leaves nothing to undo and
    needs no savepoint (two more round trips for every mail). A database error ends the whole
    batch, whose marks come back with its rollback."""
    try:
        notify(booking)
    except DatabaseError:
        raise
    except Exception as error:
        log_failure(log, f"{what} of booking {booking.pk}", error)
