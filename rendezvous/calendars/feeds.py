"""Personal iCal feeds: started, renewed and stopped by their owner; the address works without
a session for as long as the owner's account does."""

import secrets

from django.db import transaction

from rendezvous.accounts.models import User
from rendezvous.calendars.models import CalendarFeed


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def renew_feed(*, user: User) -> CalendarFeed:
    """The user's feed under a new address; the old address, if any, stops working."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"key": _new_key()}
    )
    if not _created:
        feed.key = _new_key()
        feed.save(update_fields=["key"])
    return feed


def stop_feed(*, user: User) -> None:
    """The address stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()


def feed_owner(key: str) -> User | None:
    """The active owner of the feed with this key; None for any other key."""
    feed = CalendarFeed.objects.select_related("user__organisation").filter(key=key).first()
    if feed is None or not feed.user.is_active or feed.user.is_expired:
        return None
    return feed.user
