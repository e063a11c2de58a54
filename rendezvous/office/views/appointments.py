"""The office's overview of an event's appointments, with the power to cancel or move any."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rendezvous.accounts.models import Role
from rendezvous.bookings.access import get_booking_for_user, get_move_target
from rendezvous.bookings.decision_forms import DecisionMessageForm
from rendezvous.bookings.exports import booking_header, booking_rows
from rendezvous.bookings.forms import MoveForm
from rendezvous.bookings.selectors import bookings_for_office, by_day, free_slots_for_move
from rendezvous.bookings.services import cancel_booking, move_booking
from rendezvous.lib.csv_export import csv_response
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required, safe_next
from rendezvous.office.forms import AppointmentFilterForm
from rendezvous.scheduling.access import events_visible_to
from rendezvous.scheduling.models import Phase

PAGE_SIZE = 50


def default_event(events):
    return events.filter(phase=Phase.OPEN).order_by("-starts_on", "-pk").first() or events.first()


def _list_url(request) -> str:
    return safe_next(request, "office:appointments")


def _filtered(request):
    """The filter form of the query string (the latest open event by default) and the
    bookings it selects, or None when there is no event or a filter is not valid."""
    events = events_visible_to(request.user).order_by("-starts_on", "-pk")
    data = request.GET.copy()
    if not data.get("event"):
        default = default_event(events)
        data["event"] = default.pk if default else ""
    form = AppointmentFilterForm(data, user=request.user, events=events)
    if not form.is_valid() or form.cleaned_data["event"] is None:
        return form, None
    bookings = bookings_for_office(
        event=form.cleaned_data["event"],
        teacher=form.cleaned_data["teacher"],
        school_class=form.cleaned_data["school_class"],
        status=form.cleaned_data["status"],
    )
    return form, bookings


@role_required(Role.ADMIN)
def appointments(request):
    form, bookings = _filtered(request)
    page = None
    if bookings is not None:
        page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/appointment_list.html", {"form": form, "page": page})


@role_required(Role.ADMIN)
def appointments_export(request):
    """The appointments the filters select, as a CSV file for a spreadsheet."""
    form, bookings = _filtered(request)
    if bookings is None:
        raise Http404
    filename = f"appointments-{form.cleaned_data['event'].starts_on.isoformat()}.csv"
    return csv_response(filename, booking_header(), booking_rows(bookings))


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def appointment_cancel(request, booking_id: int):
    booking = get_booking_for_user(request.user, booking_id, write=True)
    back = _list_url(request)
    form = DecisionMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        context = {"booking": booking, "next": back, "form": form}
        status = 400 if form.errors else 200
        return render(request, "office/appointment_cancel.html", context, status=status)
    try:
        cancel_booking(booking=booking, actor=request.user, message=form.cleaned_data["message"])
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The appointment has been cancelled and the parent told."))
    return redirect(back)


def _move_page(request, booking):
    url = reverse("office:appointment-move", args=[booking.pk])
    return redirect(f"{url}?{urlencode({'next': _list_url(request)})}")


def _move(request, booking):
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a time from the list."))
        return _move_page(request, booking)
    to_slot = get_move_target(request.user, booking, form.cleaned_data["slot"])
    try:
        move_booking(booking=booking, to_slot=to_slot, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return _move_page(request, booking)
    messages.success(request, _("The appointment has been moved and the parent told."))
    return redirect(_list_url(request))


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def appointment_move(request, booking_id: int):
    booking = get_booking_for_user(request.user, booking_id, write=True)
    if request.method == "POST":
        return _move(request, booking)
    if not booking.is_active:
        messages.error(request, _("Only pending or confirmed appointments can be moved."))
        return redirect(_list_url(request))
    days = by_day(free_slots_for_move(booking))
    return render(
        request,
        "office/appointment_move.html",
        {"booking": booking, "days": days, "next": _list_url(request)},
    )
