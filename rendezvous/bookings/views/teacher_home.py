"""The teacher's start page: today's appointments with the next one marked, the requests to
confirm or reject, the times still free in the current event, and the choice of request
mails."""

from datetime import datetime, time

from django.shortcuts import render
from django.utils import timezone

from rendezvous.bookings.decision_forms import RequestMailsForm
from rendezvous.bookings.models import Booking
from rendezvous.bookings.selectors.dashboard import (
    appointments_between,
    coming_up,
    free_times,
    next_event,
    requests_to_decide,
)
from rendezvous.bookings.services.digest import digest_hour
from rendezvous.lib.dates import day_bounds
from rendezvous.scheduling.views import calendar_url, staff_only


def mark_next(appointments: list[Booking], now: datetime) -> None:
    """Mark the appointment to get ready for (the first that has not ended yet) and those
    that are over."""
    for booking in appointments:
        booking.is_past = booking.slot.ends_at <= now
    upcoming = [booking for booking in appointments if not booking.is_past]
    if upcoming:
        upcoming[0].is_next = True


@staff_only
def teacher_home(request):
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    start, end = day_bounds(today)
    appointments = appointments_between(user, start, end)
    mark_next(appointments, now)
    event = next_event(user, today)
    context = {
        "today": today,
        "now": now,
        "appointments": appointments,
        "coming_up": coming_up(user, end),
        "requests": requests_to_decide(user, now),
        "event": event,
        "free": free_times(user, event, now) if event is not None else None,
        "mails_form": RequestMailsForm(initial={"request_mails": user.request_mails}),
        "digest_time": time(digest_hour()),
        "calendar_url": calendar_url(today),
        "here": request.get_full_path(),
    }
    return render(request, "bookings/teacher_home.html", context)
