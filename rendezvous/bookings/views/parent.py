"""The parent's pages: book, list, plan, cancel, move and download appointments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from rendezvous.bookings.decision_forms import DecisionMessageForm
from rendezvous.bookings.forms import BookForm, MoveForm
from rendezvous.bookings.models import Booking
from rendezvous.bookings.selectors import (
    booker_may_change,
    booking_overview_for_parent,
    by_day,
    free_slots_for_move,
)
from rendezvous.bookings.selectors.parent import appointments_of_family, family_plan
from rendezvous.bookings.services import (
    book_slot,
    booking_calendar,
    cancel_booking,
    move_booking,
)
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import parse_id, report_error, role_required, safe_next
from rendezvous.scheduling.models import Slot

# Names the booking just made, which the appointments page then shows once with a way to undo
# it. A short-lived cookie rather than the session: saving the session would add a database
# write to every booking in the rush. A forged value shows nothing the family cannot see.
JUST_BOOKED = "just_booked"
JUST_BOOKED_SECONDS = 300


def when(slot: Slot) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {formats.time_format(start, 'H:i')}"


@role_required(Role.PARENT)
def home(request):
    overview = booking_overview_for_parent(request.user)
    # After a failed booking the page comes back with that teacher's times open.
    context = {"overview": overview, "open_offer": request.GET.get("open", "")}
    return render(request, "bookings/parent_home.html", context)


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
            idempotency_key=form.booking_key(),
        )
    except DomainError as error:
        report_error(request, error)
        return redirect(back)
    response = redirect("bookings:parent-appointments")
    response.set_cookie(
        JUST_BOOKED,
        str(booking.pk),
        max_age=JUST_BOOKED_SECONDS,
        path=reverse("bookings:parent-appointments"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@role_required(Role.PARENT)
def appointments(request):
    family = appointments_of_family(request.user)
    just_booked_id = parse_id(request.COOKIES.get(JUST_BOOKED))
    just_booked = next((a for a in family.upcoming if a.booking.pk == just_booked_id), None)
    context = {
        "upcoming": family.upcoming,
        "past": family.past,
        "just_booked": just_booked,
        "now": timezone.now(),
    }
    response = render(request, "bookings/parent_appointments.html", context)
    if JUST_BOOKED in request.COOKIES:
        response.delete_cookie(JUST_BOOKED, path=reverse("bookings:parent-appointments"))
    return response


@role_required(Role.PARENT)
def plan(request):
    return render(request, "bookings/parent_plan.html", {"days": family_plan(request.user)})


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
    form = DecisionMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        context = {"booking": booking, "form": form}
        status = 400 if form.errors else 200
        return render(request, "bookings/booking_cancel.html", context, status=status)
    try:
        cancel_booking(booking=booking, actor=request.user, message=form.cleaned_data["message"])
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
    # A file the parent opens is added to their calendar (METHOD:PUBLISH); the mails carry
    # the invitations that update it.
    calendar = booking_calendar(booking, download=True)
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{booking.pk}.ics"'
    return response
