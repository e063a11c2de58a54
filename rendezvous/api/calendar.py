"""Calendars: a day, a week or a month of slots with the bookings the person may see, for
the signed-in person or, for the office, any teacher; a teacher's week for whoever sees them."""

import calendar
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from rendezvous.accounts.access import get_user_for_user
from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.api.bookings import BookingOut, booking_body
from rendezvous.api.errors import Forbidden, require_admin, responses
from rendezvous.api.fields import Day, Id
from rendezvous.api.slots import SlotOut, slot_body
from rendezvous.bookings.access import bookings_visible_to
from rendezvous.bookings.models import ACTIVE_STATUSES
from rendezvous.lib.dates import on_days
from rendezvous.scheduling.access import slots_visible_to
from rendezvous.scheduling.forms import FIRST_YEAR, LAST_YEAR
from rendezvous.school.access import get_teacher_for_user

router = Router(tags=["calendar"])


class CalendarSlot(SlotOut):
    bookings: list[BookingOut] = Field(description="those the signed-in person may see")


class CalendarDay(Schema):
    date: date
    slots: list[CalendarSlot]


class CalendarOut(Schema):
    first: date
    last: date
    teacher_id: int | None
    days: list[CalendarDay]


class Whose(Schema):
    teacher: Id | None = Field(
        None, description="the office: any teacher's calendar; others see their own"
    )


def _own_slots(user: User, teacher_id: int | None) -> tuple[QuerySet, int | None]:
    """Staff: their own slots or, for the office, a teacher's; parents: their family's
    appointments."""
    if user.role in STAFF_ROLES:
        if teacher_id is not None and teacher_id != user.pk:
            require_admin(user)
            get_user_for_user(user, teacher_id, roles=STAFF_ROLES)
        host = teacher_id or user.pk
        return slots_visible_to(user).filter(host_id=host), host
    if teacher_id is not None:
        raise Forbidden()
    booked = bookings_visible_to(user).filter(status__in=ACTIVE_STATUSES).values("slot_id")
    return slots_visible_to(user).filter(pk__in=booked), None


def calendar_body(user: User, slots: QuerySet, first: date, last: date, teacher_id) -> dict:
    zone = timezone.get_current_timezone()
    shown = bookings_visible_to(user).select_related("slot", "host", "pupil").order_by("pk")
    rows = (
        on_days(slots, "starts_at", first, last, zone)
        .select_related("host", "subject")
        .prefetch_related(Prefetch("bookings", queryset=shown, to_attr="shown"))
        .order_by("starts_at", "pk")
    )
    days = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    for slot in rows:
        days[timezone.localtime(slot.starts_at, zone).date()].append(
            {**slot_body(slot), "bookings": [booking_body(b) for b in slot.shown]}
        )
    return {
        "first": first,
        "last": last,
        "teacher_id": teacher_id,
        "days": [{"date": day, "slots": slots} for day, slots in days.items()],
    }


def _calendar(request, whose: Whose, first: date, last: date) -> dict:
    slots, teacher_id = _own_slots(request.user, whose.teacher)
    return calendar_body(request.user, slots, first, last, teacher_id)


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@router.get(
    "/day/{day}",
    response=responses({200: CalendarOut}, 401, 403, 404),
    operation_id="calendar_day",
)
def calendar_day(request, day: Day, whose: Query[Whose]):
    return _calendar(request, whose, day, day)


@router.get(
    "/week/{day}",
    response=responses({200: CalendarOut}, 401, 403, 404),
    operation_id="calendar_week",
)
def calendar_week(request, day: Day, whose: Query[Whose]):
    """Monday to Sunday of the week with that day."""
    return _calendar(request, whose, *week_of(day))


@router.get(
    "/month/{int:year}/{int:month}",
    response=responses({200: CalendarOut}, 401, 403, 404),
    operation_id="calendar_month",
)
def calendar_month(
    request,
    whose: Query[Whose],
    year: int = Path(..., ge=FIRST_YEAR, le=LAST_YEAR),
    month: int = Path(..., ge=1, le=12),
):
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return _calendar(request, whose, first, last)


class WeekQuery(Schema):
    week: Day | None = Field(None, description="a day of the week; by default today")


schedule_router = Router(tags=["people"])


@schedule_router.get(
    "/teachers/{int:teacher_id}/schedule",
    response=responses({200: CalendarOut}, 401, 404),
    operation_id="teachers_schedule",
)
def teacher_schedule(request, teacher_id: int, query: Query[WeekQuery]):
    """A week of the teacher's times that the signed-in person may see (a parent: those in
    their children's evenings), with the bookings the person may see."""
    teacher = get_teacher_for_user(request.user, teacher_id)
    first, last = week_of(query.week or timezone.localdate())
    slots = slots_visible_to(request.user).filter(host=teacher)
    return calendar_body(request.user, slots, first, last, teacher.pk)
