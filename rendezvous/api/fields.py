"""Dates and times the API accepts: within the years the pages accept, so that arithmetic
and time zone conversion cannot overflow; a time without an offset is the organisation's."""

from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from django.utils import timezone
from pydantic import AfterValidator, Field

from rendezvous.lib.views import MAX_ID
from rendezvous.scheduling.forms import FIRST_YEAR, LAST_YEAR, is_plausible_day


def _plausible(value: date) -> date:
    if not is_plausible_day(value):
        raise ValueError(f"choose a date between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_plausible)]
# A row's id: what the database's 64-bit keys can hold.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[datetime, AfterValidator(_plausible)]


def aware(moment: datetime) -> datetime:
    """A time as sent, or, without an offset, on the clock of the organisation's zone."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _known_language(code: str) -> str:
    codes = [known for known, _name in settings.LANGUAGES]
    if code and code not in codes:
        raise ValueError(f"one of {', '.join(codes)}")
    return code


Language = Annotated[str, AfterValidator(_known_language)]
LANGUAGE = Field("", description="de, en or ru; by default the organisation's")
