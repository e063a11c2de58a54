"""Teacher pages that create slots: one at a time or from a pattern. Admins create their own
slots here too. The calendar and the pages that edit booked slots are in
bookings.views.teacher."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rendezvous.accounts.models import STAFF_ROLES
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import role_required
from rendezvous.scheduling import selectors, services
from rendezvous.scheduling.forms import PatternForm, SlotCreateForm

staff_only = role_required(*STAFF_ROLES)


def calendar_url(day: date, view: str = "week") -> str:
    query = urlencode({"view": view, "date": day.isoformat()})
    return f"{reverse('bookings:teacher-calendar')}?{query}"


@staff_only
def slot_create(request):
    tz = timezone.get_current_timezone()
    events = selectors.events_for_slots(request.user)
    initial = {"event": events.first(), "date": request.GET.get("date")}
    form = SlotCreateForm(request.POST or None, tz=tz, events=events, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.create_slot(
                host=request.user, event=form.cleaned_data["event"], **form.slot_values()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The slot has been created."))
            return redirect(calendar_url(timezone.localdate(slot.starts_at)))
    return render(request, "scheduling/slot_form.html", {"form": form, "slot": None})


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
