"""The teacher's calendar: their slots and who booked them, a day or a week at a time."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone

from rendezvous.bookings import selectors
from rendezvous.scheduling.access import slots_visible_to
from rendezvous.scheduling.forms import is_plausible_day
from rendezvous.scheduling.selectors import next_event_day
from rendezvous.scheduling.views import calendar_url, staff_only


def _default_day(user) -> date:
    today = timezone.localdate()
    next_day = next_event_day(user.organisation_id, today)
    return next_day if next_day and next_day > today else today


def _parse_calendar(request) -> tuple[str, date]:
    view = request.GET.get("view")
    view = view if view in ("day", "week") else "week"
    try:
        day = date.fromisoformat(request.GET["date"])
    except (KeyError, ValueError):
        day = None
    # Far-off years would overflow the week's arithmetic; nobody plans meetings there.
    if day is None or not is_plausible_day(day):
        day = _default_day(request.user)
    return view, day


@staff_only
def teacher_calendar(request):
    view, day = _parse_calendar(request)
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    last = first + timedelta(days=6 if view == "week" else 0)
    step = timedelta(days=7 if view == "week" else 1)
    tz = timezone.get_current_timezone()
    context = {
        "view": view,
        "day": day,
        "first": first,
        "last": last,
        "days": selectors.calendar_days(
            slots_visible_to(request.user).filter(host=request.user), first, last, tz
        ),
        "previous_url": calendar_url(day - step, view),
        "next_url": calendar_url(day + step, view),
        "day_url": calendar_url(day, "day"),
        "week_url": calendar_url(day, "week"),
        "today_url": calendar_url(timezone.localdate(), view),
        "here": request.get_full_path(),
    }
    return render(request, "bookings/teacher_calendar.html", context)
