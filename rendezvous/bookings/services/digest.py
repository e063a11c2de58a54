"""The teacher's choice of mails about new requests, and the worker jobs that send them: one
mail per request, or a daily summary.

Both are worker jobs (registered in BookingsConfig.ready()).

- A request to a teacher who chose to hear of each one at once is marked due when it is made
  (`Booking.request_mail_due`, in the booking's own transaction). The job queues its mail within
  a worker round or two, unless the request was decided or withdrawn meanwhile. It clears the
  mark in the transaction that queues the mail, on rows it holds (send_request_mails), so
  however many workers run, the mail is queued once. The choice the teacher had when the
  request came in counts: a request made just before they switched to the summary is not lost
  between the two.
- The summary goes out once a day at DIGEST_HOUR o'clock in the organisation's time zone and
  lists the requests made since the previous one that are still waiting. Each teacher's
  summary is claimed by moving `digest_sent_at` on with a conditional UPDATE, so however many
  workers run, one sends it.
"""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, RequestMails, User
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services.notify import notify_host_of_request, teacher_home_url
from rendezvous.lib.database import log_failure
from rendezvous.lib.queries import Prepared
from rendezvous.notifications.services import queue_email

log = logging.getLogger(__name__)

BATCH = 50
# Request mails queued in one transaction: rendering them holds SQLite's write lock meanwhile.
REQUEST_MAILS_AT_ONCE = 10
DEFAULT_DIGEST_HOUR = 7


def _requests(bookings: list[int]) -> QuerySet[Booking]:
    """Requests with what their mails show."""
    parts = ("organisation", "slot__event", "host", "booker", "pupil__school_class")
    return Booking.objects.select_related(*parts).filter(pk__in=bookings).order_by("pk")


# Built once: the worker reads every request it mails.
_REQUESTS = Prepared(_requests)


def send_request_mails() -> int:
    """The worker's job: the mails of new requests to teachers who hear of each one at once;
    returns how many requests it took (their mails queued, or needed no more).

    A few at a time, in one transaction: the requests are claimed (their marks cleared), read as
    they are then, and their mails queued. On PostgreSQL the claimed rows are locked and other
    workers pass over them; on SQLite the transaction holds the database from its start, so it
    is begun only when something is due. Either way a second worker finds them no longer due."""
    due = Booking.objects.filter(request_mail_due=True)
    if not due.exists():
        return 0
    with transaction.atomic():
        due = due.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.values_list("pk", flat=True)[:REQUEST_MAILS_AT_ONCE])
        if not claimed:
            return 0  # other workers hold them
        Booking.objects.filter(pk__in=claimed, request_mail_due=True).update(
            request_mail_due=False
        )
        for booking in _REQUESTS(bookings=claimed):
            _mail_request(booking)
    return len(claimed)


def _mail_request(booking: Booking) -> None:
    """Queue one request's mail. A mail that cannot be written (a template's fault) is logged
    and left: retried, it would fail again and hold up the requests after it. A database error
    ends the whole batch, whose marks come back with its rollback."""
    try:
        with transaction.atomic():
            notify_host_of_request(booking)
    except DatabaseError:
        raise
    except Exception as error:
        log_failure(log, f"request mail of booking {booking.pk}", error)


def digest_hour() -> int:
    hour = getattr(settings, "DIGEST_HOUR", DEFAULT_DIGEST_HOUR)
    if not 0 <= hour <= 23:
        raise ImproperlyConfigured(f"DIGEST_HOUR must be an hour from 0 to 23, not {hour}.")
    return hour


def set_request_mails(*, user: User, choice: str) -> User:
    """Choosing the daily summary starts it from now: what the teacher was mailed about one
    by one, or chose not to hear of, does not come again in their first summary."""
    user.request_mails = RequestMails(choice)
    fields = ["request_mails"]
    if choice == RequestMails.DAILY:
        user.digest_sent_at = timezone.now()
        fields.append("digest_sent_at")
    user.save(update_fields=fields)
    return user


def last_digest_time(now: datetime, tz: ZoneInfo) -> datetime:
    """The latest DIGEST_HOUR o'clock, local time in `tz`, at or before `now`."""
    local = now.astimezone(tz)
    today = datetime(local.year, local.month, local.day, digest_hour(), tzinfo=tz)
    return today if today <= local else today - timedelta(days=1)


def _due_teachers(now: datetime) -> list[User]:
    """Teachers who chose the summary and have not had today's since its hour struck, in every
    time zone the organisations use."""
    daily = User.objects.filter(
        request_mails=RequestMails.DAILY,
        role__in=STAFF_ROLES,
        is_active=True,
        organisation__isnull=False,
    ).exclude(email="")
    zones = set(daily.values_list("organisation__time_zone", flat=True).distinct())
    due = Q(pk__in=[])
    for zone in zones:
        struck = last_digest_time(now, ZoneInfo(zone))
        due |= Q(organisation__time_zone=zone) & (
            Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=struck)
        )
    return list(daily.filter(due).select_related("organisation").order_by("pk")[:BATCH])


def new_requests_for(teacher: User, *, since: datetime | None, until: datetime):
    requests = Booking.objects.filter(
        host=teacher, status=BookingStatus.PENDING, created_at__lte=until
    )
    if since is not None:
        requests = requests.filter(created_at__gt=since)
    return requests.select_related("slot", "booker", "pupil__school_class").order_by(
        "slot__starts_at", "pk"
    )


def _send_digest(teacher: User, now: datetime) -> int:
    """Claim the teacher's summary and queue it, in one transaction: 1 if a mail was queued."""
    with transaction.atomic():
        claimed = User.objects.filter(pk=teacher.pk, digest_sent_at=teacher.digest_sent_at).update(
            digest_sent_at=now
        )
        if not claimed:
            return 0  # another worker has sent it
        requests = list(new_requests_for(teacher, since=teacher.digest_sent_at, until=now))
        if not requests:
            return 0  # nothing new: no mail, and the next summary starts from here
        waiting = Booking.objects.filter(host=teacher, status=BookingStatus.PENDING).count()
        queue_email(
            template="booking_requests_digest",
            to=teacher.email,
            language=teacher.language,
            organisation=teacher.organisation,
            context={
                "recipient": teacher,
                "requests": requests,
                "count": len(requests),
                "earlier": waiting - len(requests),
                "teacher_home_url": teacher_home_url(),
            },
        )
    return 1


def send_request_digests() -> int:
    """The worker's job: the daily summaries that are due; returns how many were queued."""
    now = timezone.now()
    return sum(_send_digest(teacher, now) for teacher in _due_teachers(now))
