import uuid

from django import template

from rendezvous.lib.dates import weekday_date

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    """A fresh key for one booking form: sending that form twice books once."""
    return uuid.uuid4().hex


@register.filter
def long_date(value) -> str:
    """ "Tuesday, 3 March 2026" in the active language, datetimes in the active time zone, as
    it stands on its own or starts a sentence (a heading, a table cell)."""
    if not value:
        return ""
    return weekday_date(value)


@register.filter
def long_date_in_sentence(value) -> str:
    """long_date inside a sentence: Russian writes the weekday in lower case there
    ("… на вторник, 3 марта 2026 г."), where German and English keep their capital."""
    if not value:
        return ""
    return weekday_date(value, in_sentence=True)
