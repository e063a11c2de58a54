"""Office pages for events: list, create, edit, phases, and an overview of one event."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.bookings.selectors import active_bookings_of_event, with_counts
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required
from rendezvous.reports.selectors import event_summary
from rendezvous.scheduling import selectors, services
from rendezvous.scheduling.access import events_visible_to, get_event_for_user
from rendezvous.scheduling.forms import EventForm
from rendezvous.scheduling.models import PHASE_STEPS, Phase

admin_only = role_required(Role.ADMIN)


@admin_only
def event_list(request):
    events = with_counts(events_visible_to(request.user))
    return render(request, "office/event_list.html", {"events": events})


@admin_only
def event_create(request):
    form = EventForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                organisation=request.user.organisation,
                classes=form.cleaned_data["classes"],
                **form.event_values(),
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
                event=event, classes=form.cleaned_data["classes"], **form.event_values()
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
    bookings_count = active_bookings_of_event(event).count()
    # The buttons offered; services.set_event_phase has the final word.
    phases = [
        phase
        for phase in PHASE_STEPS[Phase(event.phase)]
        if not (phase == Phase.DRAFT and event.bookings.exists())
    ]
    context = {
        "event": event,
        # Who has booked, with the reminder, while parents can book.
        "summary": event_summary(event) if event.phase == Phase.OPEN else None,
        "classes": event.classes.all(),
        "teachers": selectors.slot_counts_per_teacher(event),
        "bookings_count": bookings_count,
        "phase_actions": [(phase, phase.label, phase == Phase.DRAFT) for phase in phases],
        # The office's wording for other languages, in the order of settings.LANGUAGES.
        "translations": [
            (label, event.translations[code])
            for code, label in settings.LANGUAGES
            if code in event.translations
        ],
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
