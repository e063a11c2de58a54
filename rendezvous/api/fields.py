"""Dates and times the API accepts: within the years the pages accept, so that arithmetic
and time zone conversion cannot overflow; a time without an offset is the organisation's."""

from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from django.utils import timezone
from pydantic import AfterValidator, Field, StringConstraints

from rendezvous.api.errors import InvalidInput
from rendezvous.lib.views import MAX_ID
from rendezvous.scheduling.forms import FIRST_YEAR, LAST_YEAR, is_plausible_day
from rendezvous.scheduling.patterns import local_to_utc


def _plausible(value: date) -> date:
    if not is_plausible_day(value):
        raise ValueError(f"choose a date between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_plausible)]
# A name as typed, without the spaces around it ("" is then refused where a name is needed).
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
# A row's id: what the database's 64-bit keys can hold.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[datetime, AfterValidator(_plausible)]


def aware(moment: datetime, field: str = "") -> datetime:
    """A time as sent, or, without an offset, on the clock of the organisation's zone; a time
    the clock skips (spring forward) is refused, one it shows twice is the first."""
    if timezone.is_aware(moment):
        return moment
    utc = local_to_utc(moment, timezone.get_current_timezone())
    if utc is None:
        message = "the clock skips this time in the organisation's zone"
        raise InvalidInput(details={"fields": [{"field": field, "message": message}]})
    return utc


def aware_span(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """Start and end; two times on the clock last as long as the clock face says, even across
    a clock change (as the pages' slot form)."""
    start = aware(starts_at, "body.starts_at")
    if timezone.is_naive(starts_at) and timezone.is_naive(ends_at):
        return start, start + (ends_at - starts_at)
    return start, aware(ends_at, "body.ends_at")


def _known_language(code: str) -> str:
    codes = [known for known, _name in settings.LANGUAGES]
    if code and code not in codes:
        raise ValueError(f"one of {', '.join(codes)}")
    return code


Language = Annotated[str, AfterValidator(_known_language)]
LANGUAGE = Field("", description="de, en or ru; by default the organisation's")
