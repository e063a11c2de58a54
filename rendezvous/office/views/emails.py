"""The office's view of the outbox: what is stuck or failed, and a Resend button."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required
from rendezvous.notifications.access import get_email_for_user
from rendezvous.notifications.models import EmailState
from rendezvous.notifications.selectors import STATE_FILTERS, emails_for_office
from rendezvous.notifications.services import resend_email

PER_PAGE = 50

STATE_CHOICES = [
    ("open", gettext_lazy("Failed and waiting")),
    *EmailState.choices,
    ("all", gettext_lazy("All")),
]


@role_required(Role.ADMIN)
def email_list(request):
    state = request.GET.get("state", "open")
    if state not in STATE_FILTERS:
        state = "open"
    page = Paginator(emails_for_office(request.user, state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "office/email_list.html",
        {"page": page, "state": state, "state_choices": STATE_CHOICES},
    )


@role_required(Role.ADMIN)
def email_detail(request, pk: int):
    email = get_email_for_user(request.user, pk)
    return render(request, "office/email_detail.html", {"email": email})


@require_POST
@role_required(Role.ADMIN)
def email_resend(request, pk: int):
    email = get_email_for_user(request.user, pk)
    try:
        resend_email(email=email)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The email to %(to)s is queued again.") % {"to": email.to})
    return redirect(_back(request, email))


def _back(request, email) -> str:
    """Back to the page the button was on: the detail page or the list with its filter."""
    if request.POST.get("back") == "detail":
        return reverse("office:email-detail", args=[email.pk])
    state = request.POST.get("state", "open")
    if state not in STATE_FILTERS:
        state = "open"
    return f"{reverse('office:emails')}?{urlencode({'state': state})}"
