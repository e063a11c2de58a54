"""Dates as people write them in each language."""

import functools
from datetime import date, datetime, time, timedelta, tzinfo

from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import formats, timezone, translation

# Languages that write the names of weekdays in lower case unless they start a sentence
# (Django's translations give them capitalised, as for a calendar's column headings).
LOWER_CASE_WEEKDAYS = {"ru"}


def weekday_date(value: date | datetime, *, in_sentence: bool = False) -> str:
    """ "Tuesday, 3 March 2026" in the active language, datetimes in the active time zone.

    `in_sentence`: the text goes inside a sentence ("… on вторник, 3 марта 2026 г. at …"),
    not at its start or on its own (a heading, a table cell).
    """
    if isinstance(value, datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return _weekday_date(value, in_sentence, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _weekday_date(day: date, in_sentence: bool, language: str | None) -> str:
    """Worked out once per day, language and place: an evening's pages and mails show the
    same few days again and again, and Django's date formatting costs some 25 µs a time."""
    weekday = formats.date_format(day, "l")
    if in_sentence and (language or "").split("-")[0] in LOWER_CASE_WEEKDAYS:
        weekday = weekday[:1].lower() + weekday[1:]
    return f"{weekday}, {formats.date_format(day, 'DATE_FORMAT')}"


@receiver(setting_changed)
def _forget_dates(**kwargs) -> None:
    """A test's change of languages or formats shows at once."""
    _weekday_date.cache_clear()


def day_bounds(day: date, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The first instant of `day` and of the day after, in `zone` (by default the current
    time zone, the organisation's in a request): a day of 23 or 25 hours where clocks change."""
    zone = zone or timezone.get_current_timezone()
    after = day + timedelta(days=1)
    return datetime.combine(day, time.min, zone), datetime.combine(after, time.min, zone)


def on_days(
    rows: QuerySet, field: str, first: date | None, last: date | None, zone: tzinfo | None = None
) -> QuerySet:
    """Rows whose `field` (a datetime) falls on the days from `first` to `last`, both included,
    in `zone` (by default the organisation's, the request's current one); either may be left
    open."""
    if first:
        rows = rows.filter(**{f"{field}__gte": day_bounds(first, zone)[0]})
    if last:
        rows = rows.filter(**{f"{field}__lt": day_bounds(last, zone)[1]})
    return rows
