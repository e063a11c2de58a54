"""A teacher (or the office) decides on booking requests: confirm one or several at once, or
reject or cancel one after a confirmation page that takes a message to the parent."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rendezvous.bookings import errors, services
from rendezvous.bookings.access import bookings_visible_to, get_booking_for_user
from rendezvous.bookings.decision_forms import (
    ConfirmManyForm,
    DecisionMessageForm,
    RequestMailsForm,
)
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services.booking import confirm_bookings
from rendezvous.bookings.services.digest import set_request_mails
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, safe_next
from rendezvous.scheduling.views import calendar_url, staff_only

HOME = "bookings:teacher-home"


def _back(request):
    return redirect(safe_next(request, HOME))


@require_POST
@staff_only
def booking_decide(request, pk: int):
    """Confirm at once; a rejection goes to its confirmation page first (the calendar's and the
    start page's Reject buttons post here too)."""
    booking = get_booking_for_user(request.user, pk, write=True)
    back = safe_next(request, calendar_url(timezone.localdate(booking.slot.starts_at)))
    if request.POST.get("decision") != "confirm":
        query = urlencode({"next": back})
        return redirect(f"{reverse('bookings:booking-reject', args=[booking.pk])}?{query}")
    try:
        services.decide_booking(booking=booking, confirm=True, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The appointment is confirmed."))
    return redirect(back)


def _decision_page(request, booking: Booking, *, template: str, allowed: bool):
    """(page, message): on GET the confirmation page; on a valid POST no page and the message
    to send (the caller acts); otherwise the page again with the form's errors. A booking that
    can no longer take the decision goes back with the reason."""
    if not allowed:
        report_error(request, errors.InvalidTransition())
        return _back(request), ""
    form = DecisionMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return None, form.cleaned_data["message"]
    context = {"booking": booking, "form": form, "next": safe_next(request, HOME)}
    return render(request, template, context, status=400 if form.errors else 200), ""


@require_http_methods(["GET", "POST"])
@staff_only
def booking_reject(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    pending = booking.status == BookingStatus.PENDING
    template = "bookings/booking_reject.html"
    page, message = _decision_page(request, booking, template=template, allowed=pending)
    if page is not None:
        return page
    try:
        services.decide_booking(
            booking=booking, confirm=False, message=message, actor=request.user
        )
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The request is rejected and the parent has been told."))
    return _back(request)


@require_http_methods(["GET", "POST"])
@staff_only
def booking_cancel(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    template = "bookings/booking_staff_cancel.html"
    page, message = _decision_page(request, booking, template=template, allowed=booking.is_active)
    if page is not None:
        return page
    try:
        services.cancel_booking(booking=booking, actor=request.user, message=message)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The appointment is cancelled and the parent has been told."))
    return _back(request)


def _confirmed_message(request, confirmed: int, asked: int) -> None:
    if confirmed:
        messages.success(
            request,
            ngettext("%(count)d request confirmed.", "%(count)d requests confirmed.", confirmed)
            % {"count": confirmed},
        )
    if asked > confirmed:
        missed = asked - confirmed
        messages.warning(
            request,
            ngettext(
                "%(count)d request was not confirmed: it was cancelled or decided meanwhile.",
                "%(count)d requests were not confirmed: they were cancelled or decided meanwhile.",
                missed,
            )
            % {"count": missed},
        )


@require_POST
@staff_only
def booking_confirm_many(request):
    """The ticked requests of the start page, each confirmed on its own."""
    requests = bookings_visible_to(request.user).filter(host=request.user)
    form = ConfirmManyForm(request.POST, requests=requests)
    if not form.is_valid():
        for error in form.errors.get("bookings", []):
            messages.error(request, error)
        return _back(request)
    chosen = list(form.cleaned_data["bookings"].select_related("organisation"))
    confirmed = confirm_bookings(bookings=chosen, actor=request.user)
    _confirmed_message(request, len(confirmed), len(chosen))
    return _back(request)


@require_POST
@staff_only
def request_mails(request):
    form = RequestMailsForm(request.POST)
    if form.is_valid():
        set_request_mails(user=request.user, choice=form.cleaned_data["request_mails"])
        messages.success(request, _("Your choice of emails has been saved."))
    else:
        messages.error(request, _("Please choose one of the options."))
    return _back(request)
