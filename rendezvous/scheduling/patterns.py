"""Bulk slot patterns (E2): local wall-clock times, expanded with zoneinfo and stored in UTC."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from rendezvous.scheduling.errors import PatternInvalid, PatternTooLarge
from rendezvous.scheduling.models import Mode

MAX_PATTERN_DAYS = 366
MAX_PATTERN_SLOTS = 2000

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class SlotPattern:
    """Slots of `slot_minutes` between `window_start` and `window_end` on each chosen day.

    Breaks: after every `break_every` slots a pause of `break_minutes`, and/or at fixed local
    times (`fixed_breaks`: (start, minutes) pairs). Weekdays are 0 (Monday) to 6 (Sunday).
    """

    first_day: date
    window_start: time
    window_end: time
    slot_minutes: int
    last_day: date | None = None
    weekdays: frozenset[int] = frozenset(range(7))
    break_every: int = 0
    break_minutes: int = 0
    fixed_breaks: tuple[tuple[time, int], ...] = ()
    excluded_dates: frozenset[date] = field(default_factory=frozenset)
    capacity: int = 1
    mode: str = Mode.ON_SITE
    room: str = ""
    video_url: str = ""

    @property
    def end_day(self) -> date:
        return self.last_day or self.first_day

    def days(self) -> list[date]:
        count = (self.end_day - self.first_day).days + 1
        every_day = (self.first_day + timedelta(days=n) for n in range(count))
        return [
            day
            for day in every_day
            if day.weekday() in self.weekdays and day not in self.excluded_dates
        ]

    def validate(self) -> None:
        problems = []
        if self.end_day < self.first_day:
            problems.append(_("The last day cannot be before the first day."))
        if (self.end_day - self.first_day).days >= MAX_PATTERN_DAYS:
            problems.append(_("A pattern can cover at most a year."))
        if self.window_end <= self.window_start:
            problems.append(_("The daily window must end after it starts."))
        if self.slot_minutes < 1:
            problems.append(_("A slot must last at least one minute."))
        if self.break_every < 0 or self.break_minutes < 0:
            problems.append(_("Breaks cannot be negative."))
        if any(minutes < 1 for _start, minutes in self.fixed_breaks):
            problems.append(_("A fixed break must last at least one minute."))
        if self.capacity < 1:
            problems.append(_("A slot needs at least one place."))
        if problems:
            raise PatternInvalid(" ".join(problems))


def local_to_utc(wall_clock: datetime, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time; None if the clock skips it (spring forward)."""
    aware = wall_clock.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall_clock:
        return None
    return utc


def _blocking_break(start: datetime, end: datetime, breaks: list[Span]) -> Span | None:
    return next((b for b in breaks if b[0] < end and start < b[1]), None)


def _day_wall_clock(pattern: SlotPattern, day: date) -> Iterator[Span]:
    """Naive local (start, end) pairs of one day; arithmetic on wall-clock time, so DST-proof."""
    cursor = datetime.combine(day, pattern.window_start)
    window_end = datetime.combine(day, pattern.window_end)
    length = timedelta(minutes=pattern.slot_minutes)
    breaks = [
        (datetime.combine(day, at), datetime.combine(day, at) + timedelta(minutes=minutes))
        for at, minutes in pattern.fixed_breaks
    ]
    run = 0
    while cursor + length <= window_end:
        blocking = _blocking_break(cursor, cursor + length, breaks)
        if blocking is not None:
            cursor, run = blocking[1], 0
            continue
        yield cursor, cursor + length
        cursor += length
        run += 1
        if pattern.break_every and run == pattern.break_every:
            cursor += timedelta(minutes=pattern.break_minutes)
            run = 0


def expand_pattern(pattern: SlotPattern, tz: ZoneInfo) -> list[Span]:
    """Every (starts_at, ends_at) of the pattern in UTC, in order; DST never moves local times."""
    pattern.validate()
    spans: list[Span] = []
    for day in pattern.days():
        for start, end in _day_wall_clock(pattern, day):
            utc_start, utc_end = local_to_utc(start, tz), local_to_utc(end, tz)
            if utc_start is None or utc_end is None:
                continue
            spans.append((utc_start, utc_end))
            if len(spans) > MAX_PATTERN_SLOTS:
                raise PatternTooLarge()
    return spans
