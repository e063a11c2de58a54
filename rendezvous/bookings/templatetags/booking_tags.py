import uuid
from datetime import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    """A fresh key for one booking form: sending that form twice books once."""
    return uuid.uuid4().hex


@register.filter
def long_date(value) -> str:
    """ "Tuesday, 3 March 2026" in the active language; datetimes in the active time zone."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{formats.date_format(value, 'l')}, {formats.date_format(value, 'DATE_FORMAT')}"
