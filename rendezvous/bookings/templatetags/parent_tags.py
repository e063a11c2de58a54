"""Tags of the parent's booking page."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def time_choices(times, *, teacher: str, common_room: str = "") -> SafeString:
    """One day's free times as radio buttons, each labelled with its time and the teacher (and
    its room when the teacher's rooms differ).

    Drawn here rather than in a template loop: a family's page can offer thousands of times,
    and the template engine spent most of the page's time on them."""
    name = conditional_escape(teacher)
    parts = []
    for number, time in enumerate(times):
        label = time.local_start.strftime("%H:%M")
        if time.room and not common_room:
            label = f"{label} · {conditional_escape(time.room)}"
        # One required radio makes the group required: the browser asks for a time first.
        required = "" if number else " required"
        parts.append(
            f'<label class="time"><input type="radio" name="slot" value="{int(time.pk)}"'
            f'{required}><span>{label}<span class="visually-hidden"> {name}</span></span></label>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
