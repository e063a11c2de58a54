"""Teacher pages: calendar (K1), slots one at a time (E1, E3) and from a pattern (E2), and
confirming or rejecting bookings (B2). Admins may use them for slots they host themselves."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.bookings.access import get_booking_for_user
from rendezvous.bookings.models import ACTIVE_STATUSES
from rendezvous.bookings.services import decide_booking
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required, safe_next
from rendezvous.scheduling import selectors, services
from rendezvous.scheduling.access import get_slot_for_user
from rendezvous.scheduling.forms import PatternForm, SlotCreateForm, SlotForm, is_plausible_day

staff_only = role_required(Role.TEACHER, Role.ADMIN)


def calendar_url(day: date, view: str = "week") -> str:
    query = urlencode({"view": view, "date": day.isoformat()})
    return f"{reverse('scheduling:teacher-calendar')}?{query}"


def _default_day(user) -> date:
    today = timezone.localdate()
    next_day = selectors.next_event_day(user.organisation_id, today)
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
        "days": selectors.calendar_days(request.user, first, last, tz),
        "previous_url": calendar_url(day - step, view),
        "next_url": calendar_url(day + step, view),
        "day_url": calendar_url(day, "day"),
        "week_url": calendar_url(day, "week"),
        "today_url": calendar_url(timezone.localdate(), view),
        "here": request.get_full_path(),
        "active_statuses": ACTIVE_STATUSES,
    }
    return render(request, "scheduling/calendar_view.html", context)


def _back(request, fallback: str):
    return redirect(safe_next(request, fallback))


@require_POST
@staff_only
def booking_decide(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    confirm = request.POST.get("decision") == "confirm"
    try:
        decide_booking(booking=booking, confirm=confirm)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("The appointment is confirmed.") if confirm else _("The appointment is rejected."),
        )
    return _back(request, calendar_url(timezone.localdate(booking.slot.starts_at)))


@staff_only
def slot_create(request):
    tz = timezone.get_current_timezone()
    events = selectors.events_for_slots(request.user)
    initial = {"event": events.first(), "date": request.GET.get("date")}
    form = SlotCreateForm(request.POST or None, tz=tz, events=events, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slot = services.create_slot(
                host=request.user,
                event=data["event"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                mode=data["mode"],
                room=data["room"],
                video_url=data["video_url"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The slot has been created."))
            return redirect(calendar_url(timezone.localdate(slot.starts_at)))
    return render(request, "scheduling/slot_form.html", {"form": form, "slot": None})


def _slot_initial(slot) -> dict:
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return {
        "date": starts.date(),
        "start": starts.time(),
        "end": ends.time(),
        "capacity": slot.capacity,
        "mode": slot.mode,
        "room": slot.room,
        "video_url": slot.video_url,
    }


@staff_only
def slot_edit(request, pk: int):
    slot = get_slot_for_user(request.user, pk, write=True)
    tz = timezone.get_current_timezone()
    form = SlotForm(request.POST or None, tz=tz, initial=_slot_initial(slot))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slot = services.update_slot(
                slot=slot,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                mode=data["mode"],
                room=data["room"],
                video_url=data["video_url"],
                subject=slot.subject,
            )
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
    told = slot.bookings.filter(status__in=ACTIVE_STATUSES).exists()
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
        services.check_slot_changeable(slot=slot)
    except DomainError as error:
        refusal = error.message
    else:
        refusal = None
    context = {
        "slot": slot,
        "bookings": slot.bookings.filter(status__in=ACTIVE_STATUSES).select_related(
            "booker", "pupil"
        ),
        "has_history": slot.bookings.exists(),
        "refusal": refusal,
    }
    return render(request, "scheduling/slot_delete.html", context)


def _generate(request, form):
    try:
        slots = services.generate_slots(
            host=request.user, event=form.cleaned_data["event"], pattern=form.to_pattern()
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    count = len(slots)
    messages.success(
        request,
        ngettext("%(count)d slot has been created.", "%(count)d slots have been created.", count)
        % {"count": count},
    )
    return redirect(calendar_url(timezone.localdate(slots[0].starts_at)))


def _preview(request, form):
    try:
        preview = services.preview_slots(
            host=request.user, event=form.cleaned_data["event"], pattern=form.to_pattern()
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    # The same data again, as hidden inputs without ids, for the confirm button.
    hidden = PatternForm(request.POST, events=form.fields["event"].queryset, auto_id=False)
    context = {"form": form, "hidden": hidden, "preview": preview}
    return render(request, "scheduling/slot_preview.html", context)


@staff_only
def slot_generate(request):
    events = selectors.events_for_slots(request.user)
    first = events.first()
    initial = {"event": first}
    if first is not None:
        initial.update(first_day=first.starts_on, slot_minutes=first.default_slot_minutes)
    form = PatternForm(request.POST or None, events=events, initial=initial)
    if request.method == "POST" and form.is_valid():
        step = _generate if "confirm" in request.POST else _preview
        response = step(request, form)
        if response is not None:
            return response
    return render(request, "scheduling/slot_generate.html", {"form": form})
