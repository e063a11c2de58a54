import uuid

from django import template
from django.utils.translation import gettext

from rendezvous.lib.dates import weekday_date

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    """A fresh key for one booking form: sending that form twice books once."""
    return uuid.uuid4().hex


@register.simple_tag
def teacher_meta(subject: str, is_class_teacher: bool, room: str = "") -> str:
    """What a teacher is to the child, as the parent's pages label them: "Maths · Class
    teacher · Room 101"."""
    parts = [subject] if subject else []
    if is_class_teacher:
        parts.append(gettext("Class teacher"))
    elif not subject:
        parts.append(gettext("Subject teacher"))
    if room:
        parts.append(gettext("Room %(room)s") % {"room": room})
    return " · ".join(parts)


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
