"""Tags of the parent's booking page."""

import uuid
from datetime import date
from functools import lru_cache

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from rendezvous.bookings.templatetags.booking_tags import teacher_meta
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


@register.simple_tag(takes_context=True)
def offer_chooser(context, offer, child) -> SafeString:
    """A teacher the child may still book: the row that opens (reopened after a failed
    booking), and in it the form with the teacher's free times, a fresh booking key and the
    Book button.

    Drawn here like day_choices: the template engine spent three quarters of the booking
    page's rendering on these rows, of which a page has one per child and teacher."""
    key = conditional_escape(offer.key)
    teacher = offer.teacher.full_name
    name = conditional_escape(teacher)
    meta = conditional_escape(teacher_meta(offer.subject, offer.is_class_teacher, offer.room))
    is_open = " open" if offer.key == context.get("open_offer") else ""
    book_for = gettext("book with %(teacher)s for %(child)s") % {
        "teacher": teacher,
        "child": child.pupil.first_name,
    }
    parts = [
        f'<details class="chooser" id="offer-{key}"{is_open}>',
        '<summary class="offer-row"><span class="offer-teacher">',
        f'<span class="teacher-name">{name}</span><span class="teacher-meta">{meta}</span>',
        f'</span><span class="chooser-toggle">{conditional_escape(gettext("Choose a time"))}',
        '</span></summary><div class="chooser-body">',
        f'<form method="post" action="{conditional_escape(context["book_url"])}"'
        ' class="offer-form">',
        '<input type="hidden" name="csrfmiddlewaretoken"'
        f' value="{conditional_escape(context["csrf_token"])}">',
        f'<input type="hidden" name="pupil" value="{int(child.pupil.pk)}">',
        f'<input type="hidden" name="idempotency_key" value="{uuid.uuid4().hex}">',
        '<input type="hidden" name="next"'
        f' value="{conditional_escape(context["home_url"])}?open={key}">',
        day_choices(offer.days, teacher=teacher, common_room=offer.room),
        '<button type="submit"><span aria-hidden="true">',
        f'{conditional_escape(gettext("Book"))}</span><span class="visually-hidden">',
        f"{conditional_escape(book_for)}</span></button></form>",
    ]
    if offer.hidden_clashes:
        clashes = ngettext(
            "%(counter)s time is not shown because it clashes with another of your appointments.",
            "%(counter)s times are not shown because they clash with your other appointments.",
            offer.hidden_clashes,
        ) % {"counter": offer.hidden_clashes}
        parts.append(f'<p class="muted">{conditional_escape(clashes)}</p>')
    parts.append("</div></details>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
