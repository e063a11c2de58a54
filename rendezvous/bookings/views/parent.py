"""The parent's pages: book, list, cancel, move and download appointments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rendezvous.accounts.models import Role
from rendezvous.bookings.access import (
    get_booking_for_user,
    get_child_for_parent,
    get_move_target,
    get_slot_for_parent,
)
from rendezvous.bookings.forms import BookForm, MoveForm
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.selectors import (
    booker_may_change,
    booking_overview_for_parent,
    bookings_of_parent,
    by_day,
    free_slots_for_move,
)
from rendezvous.bookings.services import (
    book_slot,
    booking_calendar,
    cancel_booking,
    move_booking,
)
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required, safe_next
from rendezvous.scheduling.models import Slot


def when(slot: Slot) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {formats.time_format(start, 'H:i')}"


def success_message(booking: Booking) -> str:
    context = {"teacher": booking.host.full_name, "when": when(booking.slot)}
    if booking.status == BookingStatus.CONFIRMED:
        return _("Your appointment with %(teacher)s on %(when)s is confirmed.") % context
    return (
        _("Your request for %(teacher)s on %(when)s has been sent; the teacher will confirm it.")
        % context
    )


@role_required(Role.PARENT)
def home(request):
    overview = booking_overview_for_parent(request.user)
    return render(request, "bookings/parent_home.html", {"overview": overview})


@require_POST
@role_required(Role.PARENT)
def book(request):
    back = safe_next(request, "bookings:parent-home")
    form = BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a time from the list."))
        return redirect(back)
    pupil = get_child_for_parent(request.user, form.cleaned_data["pupil"])
    slot = get_slot_for_parent(request.user, pupil, form.cleaned_data["slot"])
    try:
        booking = book_slot(
            booker=request.user,
            slot=slot,
            pupil=pupil,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except DomainError as error:
        report_error(request, error)
        return redirect(back)
    messages.success(request, success_message(booking))
    return redirect("bookings:parent-appointments")


@role_required(Role.PARENT)
def appointments(request):
    now = timezone.now()
    bookings = list(bookings_of_parent(request.user))
    for booking in bookings:
        booking.changeable = booker_may_change(booking, now)
    upcoming = [b for b in bookings if b.slot.ends_at >= now]
    past = [b for b in bookings if b.slot.ends_at < now]
    return render(
        request,
        "bookings/parent_appointments.html",
        {"upcoming": upcoming, "past": past, "now": now},
    )


def _parents_booking(request, booking_id: int, *, write: bool) -> Booking:
    """404 for a booking the user may not see; staff who may see it change it on their own
    pages (403 here)."""
    booking = get_booking_for_user(request.user, booking_id, write=write)
    if request.user.role != Role.PARENT:
        raise PermissionDenied
    return booking


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, booking_id: int):
    booking = _parents_booking(request, booking_id, write=True)
    if request.method == "GET":
        return render(request, "bookings/booking_cancel.html", {"booking": booking})
    try:
        cancel_booking(booking=booking, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("Your appointment has been cancelled."))
    return redirect("bookings:parent-appointments")


def _move_from_post(request, booking: Booking) -> Booking | None:
    """Parse the chosen slot, look it up (404 unless it is the same teacher's in the same
    event) and move. None after telling why not."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a time from the list."))
        return None
    to_slot = get_move_target(request.user, booking, form.cleaned_data["slot"])
    try:
        return move_booking(booking=booking, to_slot=to_slot, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return None


def _moved(request, booking: Booking):
    moved = _move_from_post(request, booking)
    if moved is None:
        return redirect("bookings:parent-booking-move", booking_id=booking.pk)
    messages.success(
        request, _("Your appointment has been moved to %(when)s.") % {"when": when(moved.slot)}
    )
    return redirect("bookings:parent-appointments")


@login_required
@require_http_methods(["GET", "POST"])
def move(request, booking_id: int):
    booking = _parents_booking(request, booking_id, write=True)
    if request.method == "POST":
        return _moved(request, booking)
    if not booker_may_change(booking):
        messages.error(request, _("This appointment can no longer be changed online."))
        return redirect("bookings:parent-appointments")
    days = by_day(free_slots_for_move(booking))
    return render(request, "bookings/booking_move.html", {"booking": booking, "days": days})


@login_required
def ics(request, booking_id: int):
    booking = _parents_booking(request, booking_id, write=False)
    response = HttpResponse(booking_calendar(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{booking.pk}.ics"'
    return response
