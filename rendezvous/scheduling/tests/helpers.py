"""Small helpers for the scheduling tests: local Berlin times and a fixed future event."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rendezvous.scheduling.models import Phase
from rendezvous.scheduling.tests.factories import EventFactory

BERLIN = ZoneInfo("Europe/Berlin")
EVENING = date(2030, 3, 14)  # a Thursday, well in the future
NOW = datetime(2030, 3, 7, 8, 0, tzinfo=UTC)  # a week before: the shared event opened yesterday


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=BERLIN)


def fixed_event(organisation, *, days: int = 1, phase: str = Phase.DRAFT, **fields):
    return EventFactory(
        organisation=organisation,
        starts_on=EVENING,
        ends_on=EVENING + timedelta(days=days - 1),
        booking_opens_at=at(EVENING - timedelta(days=14), "08:00"),
        booking_closes_at=at(EVENING - timedelta(days=1), "12:00"),
        phase=phase,
        **fields,
    )
