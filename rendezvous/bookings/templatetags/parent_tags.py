"""Tags of the parent's booking page."""

import secrets
from datetime import date
from functools import lru_cache
from html import escape  # Django's escape of plain text, without its check for lazy text

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


@lru_cache(maxsize=1024)
def _meta(subject: str, is_class_teacher: bool, room: str, language: str) -> str:
    """teacher_meta in `language` (the active one, named so that it keys the cache), escaped:
    a page's teachers share a few subjects and rooms."""
    return escape(teacher_meta(subject, is_class_teacher, room))


def _day_choices(days, *, teacher: str, common_room: str = "") -> SafeString:
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
                label = f"{label} · {escape(time.room)}"
            parts.append(
                f'<label class="time"><input type="radio" name="slot" value="{int(time.pk)}"'
                f'{required}><span>{label}<span class="visually-hidden"> {name}</span></span>'
                "</label>"
            )
            required = ""
        parts.append("</div></fieldset>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


def _times(offer, teacher: str) -> SafeString:
    """The offer's times, drawn once for all the children they are offered to."""
    key = (teacher, offer.room, get_language())
    drawn = offer.days.drawn
    if key not in drawn:
        drawn[key] = _day_choices(offer.days, teacher=teacher, common_room=offer.room)
    return drawn[key]


class _Chooser:
    """Draws the choosers of one child's teachers: what their forms share is escaped once."""

    def __init__(self, context, child):
        self.child = child
        self.open_offer = context.get("open_offer")
        self.form_action = conditional_escape(context["book_url"])
        self.csrf_token = conditional_escape(context["csrf_token"])
        self.next_url = conditional_escape(context["home_url"])
        self.choose = conditional_escape(gettext("Choose a time"))
        self.book = conditional_escape(gettext("Book"))
        self.book_for = gettext("book with %(teacher)s for %(child)s")
        self.language = get_language()

    def draw(self, offer) -> str:
        """A teacher the child may still book: the row that opens (reopened after a failed
        booking), and in it the form with the teacher's free times, a fresh booking key and
        the Book button."""
        key = escape(offer.key)
        teacher = offer.teacher.full_name
        name = escape(teacher)
        meta = _meta(offer.subject, offer.is_class_teacher, offer.room, self.language)
        is_open = " open" if offer.key == self.open_offer else ""
        book_for = self.book_for % {
            "teacher": teacher,
            "child": self.child.pupil.first_name,
        }
        parts = [
            f'<details class="chooser" id="offer-{key}"{is_open}>',
            '<summary class="offer-row"><span class="offer-teacher">',
            f'<span class="teacher-name">{name}</span><span class="teacher-meta">{meta}</span>',
            f'</span><span class="chooser-toggle">{self.choose}',
            '</span></summary><div class="chooser-body">',
            f'<form method="post" action="{self.form_action}" class="offer-form">',
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf_token}">',
            f'<input type="hidden" name="pupil" value="{int(self.child.pupil.pk)}">',
            f'<input type="hidden" name="idempotency_key" value="{secrets.token_hex(16)}">',
            f'<input type="hidden" name="next" value="{self.next_url}?open={key}">',
            _times(offer, teacher),
            f'<button type="submit"><span aria-hidden="true">{self.book}</span>',
            f'<span class="visually-hidden">{escape(book_for)}</span></button></form>',
        ]
        if offer.hidden_clashes:
            clashes = ngettext(
                "%(counter)s time is not shown because it clashes with another of your"
                " appointments.",
                "%(counter)s times are not shown because they clash with your other appointments.",
                offer.hidden_clashes,
            ) % {"counter": offer.hidden_clashes}
            parts.append(f'<p class="muted">{conditional_escape(clashes)}</p>')
        parts.append("</div></details>")
        return "".join(parts)


@register.simple_tag(takes_context=True)
def offer_rows(context, event, child) -> SafeString:
    """The child's teachers in the event, a list item each: the chooser of times for those
    the child may still book; the booked time, or why there is none, from
    _teacher_offer.html for the others.

    Drawn here like _day_choices: the template engine spent three quarters of the booking
    page's rendering on these rows, of which a page has one per child and teacher."""
    chooser = _Chooser(context, child)
    bookable = event.is_bookable()
    rows = []
    for offer in child.teachers:
        if offer.booking is None and bookable and offer.free_count:
            row = chooser.draw(offer)
        else:
            with context.push(offer=offer):
                row = _row_template(context).render(context)
        rows.append(f'<li class="offer">{row}</li>')
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped or a number


def _row_template(context):
    return context.template.engine.get_template("bookings/_teacher_offer.html")
