"""Editing and deleting slots that may be booked: the bookers are told, and a booked slot
is cancelled rather than deleted. Admins may change any slot of their organisation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rendezvous.bookings import selectors, services
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error
from rendezvous.scheduling.access import get_slot_for_user
from rendezvous.scheduling.forms import SlotForm
from rendezvous.scheduling.services import check_slot_changeable
from rendezvous.scheduling.views import calendar_url, staff_only


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
