"""The teacher's calendar: their slots and who booked them, by day, week or month, on a time
axis in the organisation's time zone. Plain links and GET forms, so it works without
JavaScript; on a phone the same items show as an agenda."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.bookings.selectors import calendar as selectors
from rendezvous.scheduling.access import slots_visible_to
from rendezvous.scheduling.forms import is_plausible_day
from rendezvous.scheduling.selectors import next_event_day
from rendezvous.scheduling.views import calendar_url, staff_only

VIEWS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}


@dataclass(frozen=True)
class Period:
    view: str
    day: date  # the day asked for; it stays chosen when the view changes
    first: date
    last: date
    previous: date
    next: date


def _month_period(day: date) -> Period:
    first = day.replace(day=1)
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return Period("month", day, first, last, previous, last + timedelta(days=1))


def period_of(view: str, day: date) -> Period:
    if view == "month":
        return _month_period(day)
    if view == "day":
        return Period("day", day, day, day, day - timedelta(days=1), day + timedelta(days=1))
    monday = day - timedelta(days=day.weekday())
    return Period(
        "week", day, monday, monday + timedelta(days=6), day - timedelta(7), day + timedelta(7)
    )


def _default_day(user) -> date:
    today = timezone.localdate()
    next_day = next_event_day(user.organisation_id, today)
    return next_day if next_day and next_day > today else today


def _parse_calendar(request) -> tuple[str, date]:
    view = request.GET.get("view")
    view = view if view in VIEWS else "week"
    try:
        day = date.fromisoformat(request.GET["date"])
    except (KeyError, ValueError):
        day = None
    # Far-off years would overflow the week's arithmetic; nobody plans meetings there.
    if day is None or not is_plausible_day(day):
        day = _default_day(request.user)
    return view, day


def _step_url(day: date, view: str) -> str:
    return calendar_url(day, view) if is_plausible_day(day) else ""


def _navigation(period: Period, today: date) -> dict:
    return {
        "previous_url": _step_url(period.previous, period.view),
        "next_url": _step_url(period.next, period.view),
        "today_url": calendar_url(today, period.view),
        "view_links": [
            (name, label, calendar_url(period.day, name)) for name, label in VIEWS.items()
        ],
    }


def _time_grid(slots, period: Period, today: date) -> dict:
    tz = timezone.get_current_timezone()
    days = selectors.calendar_days(slots, period.first, period.last, tz)
    grid = selectors.grid_by_day(days, tz, today)
    return {"days": days, "grid": grid, "counts": grid.counts}


def _month(slots, period: Period, today: date) -> dict:
    tz = timezone.get_current_timezone()
    weeks = selectors.month_weeks(slots, period.first, tz, today)
    in_month = [day.counts for week in weeks for day in week if day.in_month]
    return {"weeks": weeks, "counts": sum(in_month, selectors.Counts())}


@staff_only
def teacher_calendar(request):
    view, day = _parse_calendar(request)
    period = period_of(view, day)
    today = timezone.localdate()
    slots = slots_visible_to(request.user).filter(host=request.user)
    build = _month if view == "month" else _time_grid
    context = {
        "view": view,
        "day": day,
        "first": period.first,
        "last": period.last,
        "today": today,
        "time_zone": timezone.get_current_timezone_name(),
        "here": request.get_full_path(),
        **_navigation(period, today),
        **build(slots, period, today),
    }
    return render(request, "bookings/teacher_calendar.html", context)
