"""Parents' sign-in: who has a login code and password, sending them, printing letters."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from rendezvous.accounts.access import get_parents_for_user, people_visible_to
from rendezvous.accounts.models import Role
from rendezvous.lib.errors import DomainError
from rendezvous.lib.sorting import person_key, sorted_page
from rendezvous.lib.views import report_error, role_required
from rendezvous.office.forms import CredentialsFilterForm, CredentialsScope, SendCredentialsForm
from rendezvous.school.credentials import request_parent_credentials
from rendezvous.school.selectors import (
    CredentialsState,
    credentials_state_of,
    in_credentials_state,
    parents_of,
    with_children,
)

PER_PAGE = 50
FILTERS = ("school_class", "event", "state")


def matching_parents(user, cleaned: dict):
    """The parents the filter's class, event and state choose."""
    parents = parents_of(
        people_visible_to(user, roles=[Role.PARENT]),
        school_class=cleaned.get("school_class"),
        event=cleaned.get("event"),
    )
    return in_credentials_state(parents, cleaned.get("state") or "")


def _without_credentials(parents):
    return parents.filter(credentials_sent_at__isnull=True)


@require_GET
@role_required(Role.ADMIN)
def credentials(request):
    form = CredentialsFilterForm(request.GET or None, user=request.user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    matching = matching_parents(request.user, cleaned)
    page = sorted_page(
        with_children(matching),
        fields=("last_name", "first_name"),
        key=person_key,
        number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    for parent in page.object_list:
        parent.credentials_state = credentials_state_of(parent)
    context = {
        "form": form,
        "page": page,
        "filters": cleaned,
        "matching_count": page.paginator.count,
        "new_count": _without_credentials(matching).count(),
        "states": CredentialsState,
        "scopes": CredentialsScope,
    }
    return render(request, "office/credentials_list.html", context)


@require_GET
@role_required(Role.ADMIN)
def old_address(request):
    """The page's address before it became an office page of its own."""
    query = request.GET.urlencode()
    return redirect(reverse("office:credentials") + (f"?{query}" if query else ""))


def _parents_to_send(request, form: SendCredentialsForm) -> list:
    cleaned = form.cleaned_data
    if cleaned["scope"] == CredentialsScope.SELECTED:
        return get_parents_for_user(request.user, cleaned["parents"])
    parents = matching_parents(request.user, cleaned)
    if not cleaned["resend"]:
        parents = _without_credentials(parents)
    return list(parents.select_related("organisation"))


def _back_to_the_list(request):
    """The list with the filter the admin came from."""
    query = {name: request.POST[name] for name in FILTERS if request.POST.get(name)}
    suffix = f"?{urlencode(query)}" if query else ""
    return redirect(reverse("office:credentials") + suffix)


def _report_requested(request, result, parents) -> None:
    if not parents:
        messages.warning(request, _("No parent was chosen: nobody is waiting for credentials."))
    elif result.requested:
        count = len(result.requested)
        messages.success(
            request,
            ngettext(
                "Credentials for %(count)d parent are being sent by email; "
                "this takes a few minutes.",
                "Credentials for %(count)d parents are being sent by email; "
                "this takes a few minutes.",
                count,
            )
            % {"count": count},
        )


@require_POST
@role_required(Role.ADMIN)
def credentials_send(request):
    """Answers with the letters: their passwords exist nowhere else, so no redirect.
    Emails are left to the worker (bcrypt for a whole event would outlast the request)."""
    form = SendCredentialsForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = [*form.non_field_errors(), *form.errors.get("parents", [])]
        for error in errors or [_("Choose the parents first.")]:
            messages.error(request, error)
        return _back_to_the_list(request)
    parents = _parents_to_send(request, form)
    try:
        result = request_parent_credentials(parents=parents, sent_by=request.user)
    except DomainError as error:
        report_error(request, error)
        return _back_to_the_list(request)
    _report_requested(request, result, parents)
    context = {
        "result": result,
        "organisation": request.user.organisation,
        "event": form.cleaned_data.get("event"),
    }
    return render(request, "office/credentials_letters.html", context)
