"""A teacher (or the office) confirms or rejects a booking request."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.bookings import services
from rendezvous.bookings.access import get_booking_for_user
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, safe_next
from rendezvous.scheduling.views import calendar_url, staff_only


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
