"""Where a slot sits on a calendar's time axis, worked out in Python so that the page needs no
JavaScript and no inline style: each block gets CSS classes (static/css/calendar.css) that
name its offset and length in hours and minutes.

Positions follow the wall clock, not the time elapsed since midnight: on the night the clocks
go back, a slot at 02:30 is drawn at 02:30 even though three and a half hours have passed
since midnight.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

MINUTES_PER_DAY = 24 * 60
# The working day every time grid shows at least, so that a quiet week still looks like a week.
DAY_STARTS, DAY_ENDS = 8, 18
# How tall the shortest block should be, in pixels: two lines (a wide column puts the time,
# status and name on one), or three in narrow columns (time, status, name).
TWO_LINES, THREE_LINES = 40, 56
# Pixels per minute, as CSS classes cal-scale-1 … cal-scale-8 provide them.
MAX_SCALE = 8
# Stretches of at least this many hours without any slot are drawn as one thin band.
SHORTEST_GAP = 2


def wall_span(starts: datetime, ends: datetime) -> tuple[int, int]:
    """(first minute, last minute) of a slot on its local day's clock, both counted from
    midnight; a slot running past midnight is cut there. Both datetimes are local."""
    start = starts.hour * 60 + starts.minute
    end = ends.hour * 60 + ends.minute if ends.date() == starts.date() else MINUTES_PER_DAY
    if end <= start:
        # The clocks went back during the slot: its end reads earlier than its start. (In UTC:
        # Python subtracts two times of one zone as if the clock had not changed.)
        real = math.ceil((ends.astimezone(UTC) - starts.astimezone(UTC)).total_seconds() / 60)
        end = min(start + max(real, 1), MINUTES_PER_DAY)
    return start, end


@dataclass(frozen=True)
class AxisRow:
    """One hour of the axis, or a longer stretch without slots (a gap)."""

    start: int  # hour of the day
    end: int
    is_gap: bool = False

    @property
    def label(self) -> str:
        return f"{self.start:02d}:00"

    @property
    def end_label(self) -> str:
        return f"{self.end:02d}:00"


@dataclass(frozen=True)
class Axis:
    rows: tuple[AxisRow, ...]
    scale: int  # pixels per minute

    @property
    def end_minute(self) -> int:
        return self.rows[-1].end * 60

    def place(self, start: int, end: int) -> str:
        """The CSS classes that put a block from minute `start` to `end` on this axis."""
        hour = start // 60
        hours_before = sum(1 for row in self.rows if not row.is_gap and row.start < hour)
        gaps_before = sum(1 for row in self.rows if row.is_gap and row.start < hour)
        length = max(min(end, self.end_minute) - start, 1)
        return (
            f"cal-h{hours_before} cal-g{gaps_before} cal-m{start % 60} "
            f"cal-lh{length // 60} cal-lm{length % 60}"
        )


def _busy_hours(spans: list[tuple[int, int]]) -> set[int]:
    hours: set[int] = set()
    for start, end in spans:
        hours.update(range(start // 60, (end - 1) // 60 + 1))
    return hours


def _rows(first: int, last: int, busy: set[int]) -> list[AxisRow]:
    rows: list[AxisRow] = []
    hour = first
    while hour < last:
        if hour in busy:
            rows.append(AxisRow(hour, hour + 1))
            hour += 1
            continue
        quiet_until = hour
        while quiet_until < last and quiet_until not in busy:
            quiet_until += 1
        if quiet_until - hour >= SHORTEST_GAP:
            rows.append(AxisRow(hour, quiet_until, is_gap=True))
        else:
            rows.extend(AxisRow(h, h + 1) for h in range(hour, quiet_until))
        hour = quiet_until
    return rows


def build_axis(spans: list[tuple[int, int]], block_height: int = TWO_LINES) -> Axis:
    """The hours to show for blocks spanning these minutes: the working day, widened to
    every slot, with long empty stretches folded, and a scale at which the shortest block is
    `block_height` pixels tall. Without slots, the plain working day."""
    if not spans:
        return Axis(tuple(AxisRow(h, h + 1) for h in range(DAY_STARTS, DAY_ENDS)), scale=1)
    busy = _busy_hours(spans)
    first = min(DAY_STARTS, *busy)
    last = max(DAY_ENDS, *(hour + 1 for hour in busy))
    shortest = min(end - start for start, end in spans)
    scale = min(max(math.ceil(block_height / max(shortest, 1)), 1), MAX_SCALE)
    return Axis(tuple(_rows(first, last, busy)), scale=scale)
