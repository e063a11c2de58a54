"""The teacher's choice of mails about new requests, and the daily summary.

- A teacher who chose to hear of each request at once gets a mail about it from the worker
  (booking_mails.send_request_mails).
- The summary goes out once a day at DIGEST_HOUR o'clock in the organisation's time zone and
  lists the requests made since the previous one that are still waiting. Each teacher's
  summary is claimed by moving `digest_sent_at` on with a conditional UPDATE, so however many
  workers run, one sends it. It is a worker job (registered in BookingsConfig.ready()).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, RequestMails, User
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services.notify import teacher_home_url
from rendezvous.notifications.services import queue_email

BATCH = 50
DEFAULT_DIGEST_HOUR = 7


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
