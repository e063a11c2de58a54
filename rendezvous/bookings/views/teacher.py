"""Teacher pages that show or change bookings: the calendar, confirming or rejecting
requests, and editing or deleting slots that may be booked. Admins see their own calendar
here, and may change any slot or booking of their organisation."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.bookings import selectors, services
from rendezvous.bookings.access import get_booking_for_user
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, safe_next
from rendezvous.scheduling.access import get_slot_for_user, slots_visible_to
from rendezvous.scheduling.forms import SlotForm, is_plausible_day
from rendezvous.scheduling.selectors import next_event_day
from rendezvous.scheduling.services import check_slot_changeable
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


def _back(request, fallback: str):
    return redirect(safe_next(request, fallback))


@require_POST
@staff_only
def booking_decide(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.decide_booking(booking=booking, confirm=confirm)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("The appointment is confirmed.") if confirm else _("The appointment is rejected."),
        )
    return _back(request, calendar_url(timezone.localdate(booking.slot.starts_at)))


@staff_only
def slot_edit(request, pk: int):
    slot = get_slot_for_user(request.user, pk, write=True)
    tz = timezone.get_current_timezone()
    form = SlotForm(request.POST or None, tz=tz, initial=SlotForm.initial_for(slot))
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.update_slot(slot=slot, subject=slot.subject, **form.slot_values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The slot has been saved."))
            return redirect(calendar_url(timezone.localdate(slot.starts_at)))
    return render(request, "scheduling/slot_form.html", {"form": form, "slot": slot})


def _deleted_message(deleted: bool, told: bool) -> str:
    if deleted:
        return _("The slot has been deleted.")
    if told:
        return _("The slot has been cancelled and its bookers told.")
    return _("The slot has been cancelled; it stays in the appointment history.")


def _delete(request, slot):
    day = timezone.localdate(slot.starts_at)
    told = selectors.active_bookings_of_slot(slot).exists()
    try:
        deleted = services.delete_slot(slot=slot)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _deleted_message(deleted, told))
    return redirect(calendar_url(day))


@staff_only
def slot_delete(request, pk: int):
    slot = get_slot_for_user(request.user, pk, write=True)
    if request.method == "POST":
        return _delete(request, slot)
    try:
        check_slot_changeable(slot=slot)
    except DomainError as error:
        refusal = error.message
    else:
        refusal = None
    context = {
        "slot": slot,
        "bookings": selectors.active_bookings_of_slot(slot).select_related("booker", "pupil"),
        "has_history": slot.bookings.exists(),
        "refusal": refusal,
    }
    return render(request, "bookings/slot_delete.html", context)
