"""Office pages for events (E4): list, create, edit, phases, and an overview of one event."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.bookings.models import ACTIVE_STATUSES
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required
from rendezvous.scheduling import selectors, services
from rendezvous.scheduling.access import get_event_for_user
from rendezvous.scheduling.forms import EventForm
from rendezvous.scheduling.models import Phase

admin_only = role_required(Role.ADMIN)

# The buttons offered for each phase; services.set_event_phase has the final word.
PHASE_ACTIONS = {
    Phase.DRAFT: [Phase.OPEN],
    Phase.OPEN: [Phase.CLOSED, Phase.DRAFT],
    Phase.CLOSED: [Phase.ARCHIVED],
    Phase.ARCHIVED: [],
}


@admin_only
def event_list(request):
    events = selectors.events_with_counts(request.user.organisation_id)
    return render(request, "office/event_list.html", {"events": events})


def _fields(form: EventForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("classes")
    return data


@admin_only
def event_create(request):
    form = EventForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                organisation=request.user.organisation,
                classes=form.cleaned_data["classes"],
                **_fields(form),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The event has been created as a draft."))
            return redirect("office:event-detail", pk=event.pk)
    return render(request, "office/event_form.html", {"form": form, "event": None})


@admin_only
def event_edit(request, pk: int):
    event = get_event_for_user(request.user, pk, write=True)
    form = EventForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial=EventForm.initial_for(event),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                event=event, classes=form.cleaned_data["classes"], **_fields(form)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("office:event-detail", pk=event.pk)
    return render(request, "office/event_form.html", {"form": form, "event": event})


@admin_only
def event_detail(request, pk: int):
    event = get_event_for_user(request.user, pk, write=True)
    phases = PHASE_ACTIONS[Phase(event.phase)]
    if Phase.DRAFT in phases and event.bookings.exists():
        phases = [phase for phase in phases if phase != Phase.DRAFT]
    context = {
        "event": event,
        "classes": event.classes.all(),
        "teachers": selectors.slot_counts_per_teacher(event),
        "bookings_count": event.bookings.filter(status__in=ACTIVE_STATUSES).count(),
        "phase_actions": [(phase, phase.label) for phase in phases],
    }
    return render(request, "office/event_detail.html", context)


@require_POST
@admin_only
def event_phase(request, pk: int):
    event = get_event_for_user(request.user, pk, write=True)
    phase = request.POST.get("phase", "")
    if phase not in Phase.values:
        messages.error(request, _("Unknown phase."))
        return redirect("office:event-detail", pk=event.pk)
    try:
        event = services.set_event_phase(event=event, phase=phase)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request, _("The event is now: %(phase)s.") % {"phase": event.get_phase_display()}
        )
    return redirect("office:event-detail", pk=event.pk)
