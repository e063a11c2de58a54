"""What a parent's sign-in letter and email show beyond the credentials themselves: the
parents' evenings they are for, the sign-in address with the login code filled in, and its
QR code. Letters and emails are rendered in several places (the office page, the worker, the
management command), so they ask for these here rather than in each caller."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode

from rendezvous.lib.qr import qr_data_uri
from rendezvous.school.selectors import upcoming_events_of

register = template.Library()


@register.simple_tag
def letter_events(parent, event=None) -> list:
    """The evening the office chose, or else those ahead of the parent's children's classes.
    (A template that names no event passes "".)"""
    if event:
        return [event]
    today = timezone.localdate(timezone=parent.organisation.tz)
    return upcoming_events_of(parent, today)


@register.simple_tag
def sign_in_link(login_url: str, login_code: str) -> str:
    """The sign-in address with the login code filled in; never the password."""
    return f"{login_url}?{urlencode({'login': login_code})}"


@register.filter
def qr_image(text: str) -> str:
    """A data: address of the QR code of `text`, for an <img>."""
    return qr_data_uri(text)


@register.filter
def on_site(path: str) -> str:
    """A path of this site as a full address, for a page opened from disk."""
    return f"{settings.SITE_URL}{path}"
