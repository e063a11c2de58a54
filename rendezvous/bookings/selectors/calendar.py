"""Reads for the calendars: slots with their bookings, laid out by day or by teacher on a
time axis, and a month's figures per day. Every read is a fixed number of queries, however
many slots there are."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import User
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.selectors.calendar_layout import (
    THREE_LINES,
    TWO_LINES,
    Axis,
    build_axis,
    wall_span,
)
from rendezvous.lib.dates import on_days
from rendezvous.scheduling.models import Slot, SlotStatus


class SlotState(models.TextChoices):
    """What a slot's block says at a glance; the badge classes of the design system."""

    FREE = "free", _("Free")
    PENDING = BookingStatus.PENDING.value, BookingStatus.PENDING.label
    CONFIRMED = BookingStatus.CONFIRMED.value, BookingStatus.CONFIRMED.label
    TENTATIVE = SlotStatus.TENTATIVE.value, SlotStatus.TENTATIVE.label
    CANCELLED = SlotStatus.CANCELLED.value, SlotStatus.CANCELLED.label


@dataclass(frozen=True)
class Counts:
    slots: int = 0  # not cancelled
    booked: int = 0  # with at least one place taken
    pending: int = 0  # requests waiting for the teacher's answer
    free: int = 0  # with a place left

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.slots + other.slots,
            self.booked + other.booked,
            self.pending + other.pending,
            self.free + other.free,
        )


def _counts(*, cancelled: bool, taken: int, capacity: int, pending: int) -> Counts:
    if cancelled:
        return Counts()
    return Counts(1, int(taken > 0), pending, int(taken < capacity))


@dataclass
class Block:
    """A slot as the calendar shows it; `bookings` are the active ones, `history` the others."""

    slot: Slot
    starts: datetime  # local
    ends: datetime  # local
    state: str
    bookings: list[Booking]
    history: list[Booking]
    placement: str = ""  # CSS classes that put the block on the time axis

    @property
    def state_label(self) -> str:
        return SlotState(self.state).label

    @property
    def pending(self) -> list[Booking]:
        return [booking for booking in self.bookings if booking.is_pending]

    @property
    def counts(self) -> Counts:
        return _counts(
            cancelled=self.slot.is_cancelled,
            taken=self.slot.seats_taken,
            capacity=self.slot.capacity,
            pending=len(self.pending),
        )


def _state(slot: Slot, active: list[Booking]) -> str:
    if slot.is_cancelled:
        return SlotState.CANCELLED
    if any(booking.is_pending for booking in active):
        return SlotState.PENDING
    if active:
        return SlotState.CONFIRMED
    if slot.status == SlotStatus.TENTATIVE:
        return SlotState.TENTATIVE
    return SlotState.FREE


def _block(slot: Slot, tz: ZoneInfo) -> Block:
    bookings = list(slot.bookings.all())  # prefetched
    active = [booking for booking in bookings if booking.is_active]
    return Block(
        slot=slot,
        starts=slot.starts_at.astimezone(tz),
        ends=slot.ends_at.astimezone(tz),
        state=_state(slot, active),
        bookings=active,
        history=[booking for booking in bookings if not booking.is_active],
    )


@dataclass
class Column:
    """One column of a time grid: a day of the teacher's week, or a teacher on the office's
    event day."""

    blocks: list[Block]
    day: date | None = None
    host: User | None = None
    is_today: bool = False

    @property
    def counts(self) -> Counts:
        return sum((block.counts for block in self.blocks), Counts())


@dataclass
class TimeGrid:
    columns: list[Column]
    axis: Axis = field(init=False)

    def __post_init__(self) -> None:
        blocks = [block for column in self.columns for block in column.blocks]
        # Side by side, columns are narrow and their blocks need a line more.
        height = TWO_LINES if len(self.columns) == 1 else THREE_LINES
        self.axis = build_axis([wall_span(block.starts, block.ends) for block in blocks], height)
        for block in blocks:
            block.placement = self.axis.place(*wall_span(block.starts, block.ends))

    @property
    def counts(self) -> Counts:
        return sum((column.counts for column in self.columns), Counts())

    @property
    def blocks(self) -> list[Block]:
        return [block for column in self.columns for block in column.blocks]

    @property
    def requests(self) -> list[tuple[Block, Booking]]:
        """Pending requests in time order, for the list of answers waiting."""
        found = [(block, booking) for block in self.blocks for booking in block.pending]
        return sorted(found, key=lambda pair: pair[0].slot.starts_at)


def _with_bookings(slots: QuerySet[Slot]) -> QuerySet[Slot]:
    bookings = Booking.objects.select_related("booker", "pupil__school_class").order_by(
        "created_at", "pk"
    )
    return slots.select_related("event", "host").prefetch_related(
        Prefetch("bookings", queryset=bookings)
    )


def slots_between(slots: QuerySet[Slot], first_day: date, last_day: date, tz: ZoneInfo):
    """The slots starting on the local days first_day … last_day, bookings prefetched."""
    return _with_bookings(on_days(slots, "starts_at", first_day, last_day, tz)).order_by(
        "starts_at", "pk"
    )


def calendar_days(slots: QuerySet[Slot], first_day: date, last_day: date, tz: ZoneInfo):
    """[(day, [slots with bookings prefetched])] for each local day from first_day to last_day."""
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots_between(slots, first_day, last_day, tz):
        by_day[slot.starts_at.astimezone(tz).date()].append(slot)
    count = (last_day - first_day).days + 1
    days = (first_day + timedelta(days=n) for n in range(count))
    return [(day, by_day.get(day, [])) for day in days]


def grid_by_day(days: list[tuple[date, list[Slot]]], tz: ZoneInfo, today: date) -> TimeGrid:
    """The teacher's day or week: a column per day (calendar_days' answer)."""
    return TimeGrid(
        [
            Column(blocks=[_block(slot, tz) for slot in slots], day=day, is_today=day == today)
            for day, slots in days
        ]
    )


def grid_by_host(slots: list[Slot], tz: ZoneInfo) -> TimeGrid:
    """The office's event day: a column per teacher, by name (slots from slots_between)."""
    by_host: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_host[slot.host_id].append(slot)
    hosts = sorted(
        (slots[0].host for slots in by_host.values()),
        key=lambda host: (host.last_name.lower(), host.first_name.lower(), host.pk),
    )
    return TimeGrid(
        [
            Column(blocks=[_block(slot, tz) for slot in by_host[host.pk]], host=host)
            for host in hosts
        ]
    )


@dataclass(frozen=True)
class MonthDay:
    day: date
    counts: Counts
    in_month: bool
    is_today: bool


def month_weeks(slots: QuerySet[Slot], month: date, tz: ZoneInfo, today: date):
    """The weeks (Monday to Sunday) covering the month of `month`, each a list of seven
    MonthDay with that day's figures; one query."""
    weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
    first, last = weeks[0][0], weeks[-1][-1]
    rows = (
        on_days(slots, "starts_at", first, last, tz)
        .annotate(pending=Count("bookings", filter=Q(bookings__status=BookingStatus.PENDING)))
        .values_list("starts_at", "status", "seats_taken", "capacity", "pending")
    )
    per_day: dict[date, Counts] = defaultdict(Counts)
    for starts_at, status, taken, capacity, pending in rows:
        per_day[starts_at.astimezone(tz).date()] += _counts(
            cancelled=status == SlotStatus.CANCELLED,
            taken=taken,
            capacity=capacity,
            pending=pending,
        )
    return [
        [
            MonthDay(day, per_day[day], in_month=day.month == month.month, is_today=day == today)
            for day in week
        ]
        for week in weeks
    ]


def rooms_of(slots: QuerySet[Slot]) -> list[str]:
    """The rooms these slots are in, by name."""
    rooms = slots.exclude(room="").values_list("room", flat=True).distinct().order_by("room")
    return list(rooms)
