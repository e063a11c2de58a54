"""Tags of the parent's booking page."""

from datetime import date
from functools import lru_cache

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from rendezvous.lib.dates import weekday_date

register = template.Library()


@lru_cache(maxsize=1024)
def _day_legend(day: date, language: str) -> str:
    """A day's heading in `language` (the active one, named so that it keys the cache),
    escaped: the same few days head every teacher's times."""
    return conditional_escape(weekday_date(day))


@register.simple_tag
def day_choices(days, *, teacher: str, common_room: str = "") -> SafeString:
    """A teacher's free times, one fieldset per day, as radio buttons of one group, each
    labelled with its time and the teacher (and its room when the teacher's rooms differ).

    Drawn here rather than in a template loop: a family's page can offer thousands of times,
    and the template engine spent most of the page's time on them."""
    name = conditional_escape(teacher)
    language = get_language()
    parts = []
    # One required radio makes the group required: the browser asks for a time first.
    required = " required"
    for day, times in days:
        parts.append(f"<fieldset><legend>{_day_legend(day, language)}</legend>")
        parts.append('<div class="time-grid">')
        for time in times:
            local = time.local_start
            label = f"{local.hour:02d}:{local.minute:02d}"
            if time.room and not common_room:
                label = f"{label} · {conditional_escape(time.room)}"
            parts.append(
                f'<label class="time"><input type="radio" name="slot" value="{int(time.pk)}"'
                f'{required}><span>{label}<span class="visually-hidden"> {name}</span></span>'
                "</label>"
            )
            required = ""
        parts.append("</div></fieldset>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
