"""The office's reports (R2): teacher and subject load for an event or a period, with bars
drawn on the server, and an event's summary with a reminder to families not booked yet."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required, safe_next
from rendezvous.office.forms import ReportFilterForm
from rendezvous.office.views.appointments import default_event
from rendezvous.reports.selectors import event_summary, slots_in, subject_load, teacher_load, total
from rendezvous.reports.services import remind_families
from rendezvous.scheduling.access import events_visible_to, get_event_for_user

FILTERS = ("event", "date_from", "date_to")


@role_required(Role.ADMIN)
def reports(request):
    events = events_visible_to(request.user).order_by("-starts_on", "-pk")
    data = request.GET.copy()
    if not any(data.get(name) for name in FILTERS):
        latest = default_event(events)
        data["event"] = latest.pk if latest else ""
    form = ReportFilterForm(data, events=events)
    context = {"form": form}
    if form.is_valid():
        event = form.cleaned_data["event"]
        slots = slots_in(
            request.user.organisation_id,
            event=event,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
        teachers = teacher_load(slots)
        context |= {
            "teachers": teachers,
            "subjects": subject_load(slots),
            "total": total(teachers),
            "summary": event_summary(event) if event else None,
        }
    return render(request, "office/reports.html", context)


@require_POST
@role_required(Role.ADMIN)
def event_remind(request, pk: int):
    event = get_event_for_user(request.user, pk, write=True)
    try:
        count = remind_families(event=event)
    except DomainError as error:
        report_error(request, error)
    else:
        text = ngettext(
            "A reminder has gone to %(count)d family.",
            "Reminders have gone to %(count)d families.",
            count,
        )
        messages.success(request, text % {"count": count})
    report = f"{reverse('office:reports')}?{urlencode({'event': event.pk})}"
    return redirect(safe_next(request, report))
