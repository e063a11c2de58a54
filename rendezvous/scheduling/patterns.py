"""Bulk slot patterns: local wall-clock times, expanded with zoneinfo and stored in UTC."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    """The UTC instant of a local wall-clock time; None if the clock skips it (spring forward).

    A time the clock shows twice (autumn) is its first occurrence."""
    aware = wall_clock.replace(tzinfo=tz, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall_clock:
        return None
    return utc


def local_span(day: date, start: time, length: timedelta, tz: ZoneInfo) -> Span | None:
    """(starts_at, ends_at) in UTC of a meeting starting at `start` local time on `day`.

    It lasts `length` of real time, even when the clocks change during it: reading the end off
    the clock would make a half-hour meeting in the repeated autumn hour last ninety minutes.
    None if the clock skips the start, so there is no such meeting."""
    starts_at = local_to_utc(datetime.combine(day, start), tz)
    if starts_at is None:
        return None
    return starts_at, starts_at + length


def clock_change_on(day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """Where the clock jumps on `day`, as naive local times: (the time it leaves, the time it
    shows right after), e.g. 02:00 → 03:00 in spring. None on an ordinary day."""
    first = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    last = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    before, after = first.astimezone(tz).utcoffset(), last.astimezone(tz).utcoffset()
    if before is None or after is None or before == after:
        return None
    # zoneinfo does not list its transitions, so find the first minute with the new offset.
    low, high = 0, (last - first) // timedelta(minutes=1)
    while high - low > 1:
        middle = (low + high) // 2
        if (first + timedelta(minutes=middle)).astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    moment = (first + timedelta(minutes=high)).replace(tzinfo=None)
    return moment + before, moment + after


@dataclass(frozen=True)
class ClockChange:
    """A day on which the pattern's daily window meets a clock change, so the preview can say
    what happened to the slots there. `leaves` and `shows` are naive local times: the clock
    leaves 02:00 and shows 03:00 in spring, leaves 03:00 and shows 02:00 in autumn."""

    day: date
    leaves: datetime
    shows: datetime
    left_out: int = 0

    @property
    def forward(self) -> bool:
        return self.shows > self.leaves

    @property
    def message(self) -> str:
        values = {
            "day": f"{date_format(self.day, 'l')}, {date_format(self.day)}",
            "leaves": f"{self.leaves:%H:%M}",
            "shows": f"{self.shows:%H:%M}",
            "count": self.left_out,
        }
        if self.forward:
            return (
                ngettext(
                    "On %(day)s the clocks go forward from %(leaves)s to %(shows)s, "
                    "so %(count)d slot was left out.",
                    "On %(day)s the clocks go forward from %(leaves)s to %(shows)s, "
                    "so %(count)d slots were left out.",
                    self.left_out,
                )
                % values
            )
        return (
            _(
                "On %(day)s the clocks go back from %(leaves)s to %(shows)s: the slots between "
                "%(shows)s and %(leaves)s are in the first of the two hours."
            )
            % values
        )


@dataclass(frozen=True)
class Expansion:
    spans: list[Span]
    clock_changes: list[ClockChange]


def _blocking_break(start: datetime, end: datetime, breaks: list[Span]) -> Span | None:
    return next((b for b in breaks if b[0] < end and start < b[1]), None)


def _day_wall_clock(pattern: SlotPattern, day: date) -> Iterator[datetime]:
    """Naive local start times of one day; arithmetic on wall-clock time, so DST never moves
    them."""
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
        yield cursor
        cursor += length
        run += 1
        if pattern.break_every and run == pattern.break_every:
            cursor += timedelta(minutes=pattern.break_minutes)
            run = 0


def _window_meets(pattern: SlotPattern, day: date, change: tuple[datetime, datetime]) -> bool:
    """Whether the daily window overlaps the hour the clock skips or shows twice."""
    low, high = sorted(change)
    window_start = datetime.combine(day, pattern.window_start)
    window_end = datetime.combine(day, pattern.window_end)
    return window_start < high and low < window_end


def _add_day(pattern: SlotPattern, day: date, tz: ZoneInfo, spans: list[Span]) -> int:
    """Append the day's slots to `spans`; return how many had to be left out."""
    length = timedelta(minutes=pattern.slot_minutes)
    left_out = 0
    for start in _day_wall_clock(pattern, day):
        span = local_span(day, start.time(), length, tz)
        # Left out: a start the clock skips, and, after the clock went forward, a start that
        # comes before the slot running across the jump has ended.
        if span is None or (spans and span[0] < spans[-1][1]):
            left_out += 1
            continue
        spans.append(span)
        if len(spans) > MAX_PATTERN_SLOTS:
            raise PatternTooLarge()
    return left_out


def expand(pattern: SlotPattern, tz: ZoneInfo) -> Expansion:
    """Every (starts_at, ends_at) of the pattern in UTC, in order, each lasting slot_minutes,
    and the days on which a clock change touched the daily window."""
    pattern.validate()
    spans: list[Span] = []
    changes: list[ClockChange] = []
    for day in pattern.days():
        left_out = _add_day(pattern, day, tz, spans)
        change = clock_change_on(day, tz)
        if change is not None and _window_meets(pattern, day, change):
            changes.append(ClockChange(day, *change, left_out=left_out))
    return Expansion(spans, changes)


def expand_pattern(pattern: SlotPattern, tz: ZoneInfo) -> list[Span]:
    """Every (starts_at, ends_at) of the pattern in UTC, in order; DST never moves local times."""
    return expand(pattern, tz).spans
