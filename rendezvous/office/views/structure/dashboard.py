"""The office's start page: how far the next parents' evening has come, what to do next, and
the everyday tasks."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, Role
from rendezvous.bookings.selectors.dashboard import EventProgress, event_progress, next_event
from rendezvous.lib.views import role_required
from rendezvous.notifications.models import EmailState
from rendezvous.notifications.selectors import emails_for_office
from rendezvous.scheduling.models import Phase
from rendezvous.school.access import (
    classes_visible_to,
    departments_visible_to,
    pupils_visible_to,
)
from rendezvous.school.selectors import parents_of


@dataclass(frozen=True)
class Step:
    label: str
    url: str


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _counts(user) -> dict:
    return {
        "departments": departments_visible_to(user).count(),
        "classes": classes_visible_to(user).count(),
        "pupils": pupils_visible_to(user).count(),
        "parents": people_visible_to(user, roles=[Role.PARENT]).count(),
        "staff": people_visible_to(user, roles=STAFF_ROLES).filter(is_active=True).count(),
    }


def _credentials_step(user, progress: EventProgress) -> Step | None:
    parents = people_visible_to(user, roles=[Role.PARENT])
    waiting = parents_of(parents, event=progress.event, without_credentials=True).count()
    if not waiting:
        return None
    label = ngettext(
        "Send sign-in details to %(count)d parent",
        "Send sign-in details to %(count)d parents",
        waiting,
    ) % {"count": waiting}
    url = _url("office:parent-credentials", event=progress.event.pk, status="new")
    return Step(label, url)


def _failed_step(failed: int) -> Step:
    label = ngettext(
        "Check %(count)d email that could not be delivered",
        "Check %(count)d emails that could not be delivered",
        failed,
    ) % {"count": failed}
    return Step(label, _url("office:emails", state=EmailState.FAILED))


def next_steps(user, counts: dict, progress: EventProgress | None, failed: int) -> list[Step]:
    """What the office should do next: mail that did not arrive first, then the steps in the
    order a parents' evening needs them."""
    steps = [_failed_step(failed)] if failed else []
    if not counts["classes"]:
        steps.append(
            Step(_("Import your classes from a class list"), _url("office:roster-import"))
        )
    if progress is None:
        steps.append(Step(_("Plan a parents’ evening"), _url("office:event-create")))
        return steps
    event = progress.event
    credentials = _credentials_step(user, progress)
    if credentials:
        steps.append(credentials)
    if event.phase == Phase.DRAFT:
        steps.append(
            Step(_("Open the evening for booking"), _url("office:event-detail", event.pk))
        )
    return steps


@role_required(Role.ADMIN)
def dashboard(request):
    user = request.user
    event = next_event(user, timezone.localdate())
    progress = event_progress(user, event) if event is not None else None
    counts = _counts(user)
    failed = emails_for_office(user, state=EmailState.FAILED).count()
    context = {
        "progress": progress,
        "failed_emails": failed,
        "steps": next_steps(user, counts, progress, failed),
        "counts": counts,
    }
    return render(request, "office/dashboard.html", context)
