"""Checks and constants that more than one kind of scheduling write needs."""

from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.lib.errors import NotAllowed
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import Event, Mode, Phase

OVERLAP_CONSTRAINT = "slot_host_no_overlap"  # migration scheduling 0002, PostgreSQL only
SLOT_PHASES = (Phase.DRAFT, Phase.OPEN)


def within_days(starts_at, ends_at, first: date, last: date, tz: ZoneInfo) -> bool:
    start_day = timezone.localtime(starts_at, tz).date()
    end_day = timezone.localtime(ends_at, tz).date()
    return first <= start_day and end_day <= last


def check_host(host: User, event: Event | None) -> None:
    if host.organisation_id is None or host.role not in STAFF_ROLES:
        raise NotAllowed()
    if event is not None and event.organisation_id != host.organisation_id:
        raise NotAllowed()


def check_place(mode: str, url: str) -> None:
    """An online slot needs its link, and only web addresses: the link is shown in pages and
    mails, where a javascript: address would run when clicked."""
    if mode == Mode.ONLINE and not url:
        raise errors.VideoLinkMissing()
    if url and urlsplit(url).scheme.lower() not in ("http", "https"):
        raise errors.VideoLinkInvalid()


def is_overlap_violation(exc: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(exc)
