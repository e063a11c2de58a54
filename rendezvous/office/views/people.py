"""Office pages for people: staff accounts and parents' credentials."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rendezvous.accounts import services
from rendezvous.accounts.access import get_parents_for_user, get_user_for_user, people_visible_to
from rendezvous.accounts.forms import StaffCreateForm, StaffEditForm
from rendezvous.accounts.models import STAFF_ROLES, Role
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error, role_required
from rendezvous.office.forms import ParentFilterForm, SendCredentialsForm
from rendezvous.school.credentials import request_parent_credentials
from rendezvous.school.selectors import parents_of, with_children

STAFF_FIELDS = ("first_name", "last_name", "email", "role", "language")


def _get_staff(request, user_id):
    return get_user_for_user(request.user, user_id, write=True, roles=STAFF_ROLES)


@role_required(Role.ADMIN)
def users(request):
    staff = people_visible_to(request.user, roles=STAFF_ROLES).order_by("last_name", "first_name")
    return render(request, "office/staff_list.html", {"staff": staff})


@role_required(Role.ADMIN)
def user_create(request):
    form = StaffCreateForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_staff_user(
                organisation=request.user.organisation, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": user.full_name})
            return redirect("office:users")
    return render(request, "office/staff_form.html", {"form": form, "person": None})


@role_required(Role.ADMIN)
def user_edit(request, user_id: int):
    person = _get_staff(request, user_id)
    initial = {field: getattr(person, field) for field in (*STAFF_FIELDS, "is_active")}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff_user(user=person, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": person.full_name})
            return redirect("office:users")
    return render(request, "office/staff_form.html", {"form": form, "person": person})


@require_POST
@role_required(Role.ADMIN)
def user_deactivate(request, user_id: int):
    person = _get_staff(request, user_id)
    try:
        services.deactivate_staff_user(user=person, acting_user=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request, _("%(name)s can no longer sign in.") % {"name": person.full_name}
        )
    return redirect("office:users")


@require_POST
@role_required(Role.ADMIN)
def user_send_link(request, user_id: int):
    person = _get_staff(request, user_id)
    services.send_staff_welcome(user=person)
    messages.success(
        request,
        _("A link to choose a password has been sent to %(email)s.") % {"email": person.email},
    )
    return redirect("office:users")


@role_required(Role.ADMIN)
def user_delete(request, user_id: int):
    person = _get_staff(request, user_id)
    if request.method != "POST":
        return render(request, "office/staff_delete.html", {"person": person})
    try:
        services.delete_staff_user(user=person, acting_user=request.user)
    except DomainError as error:
        report_error(request, error)
        return render(request, "office/staff_delete.html", {"person": person}, status=409)
    messages.success(request, _("%(name)s has been deleted.") % {"name": person.full_name})
    return redirect("office:users")


def _filtered_parents(user, cleaned: dict, *, without_credentials: bool = False):
    parents = parents_of(
        people_visible_to(user, roles=[Role.PARENT]),
        school_class=cleaned.get("school_class"),
        event=cleaned.get("event"),
        without_credentials=without_credentials or cleaned.get("status") == "new",
    )
    if cleaned.get("status") == "sent":
        parents = parents.filter(credentials_sent_at__isnull=False)
    return parents


@role_required(Role.ADMIN)
def parent_credentials(request):
    form = ParentFilterForm(request.GET or None, user=request.user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    parents = with_children(_filtered_parents(request.user, cleaned))
    context = {"form": form, "parents": parents, "filters": cleaned}
    return render(request, "office/parents_credentials.html", context)


def _parents_to_send(request, form: SendCredentialsForm) -> list:
    cleaned = form.cleaned_data
    if cleaned["scope"] == "selected":
        return get_parents_for_user(request.user, cleaned["parents"])
    parents = _filtered_parents(request.user, cleaned, without_credentials=not cleaned["resend"])
    return list(parents.select_related("organisation"))


@require_POST
@role_required(Role.ADMIN)
def parent_credentials_send(request):
    """Answers with the letters: their passwords exist nowhere else, so no redirect.
    Emails are left to the worker (bcrypt for a whole event would outlast the request)."""
    form = SendCredentialsForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = [*form.non_field_errors(), *form.errors.get("parents", [])]
        for error in errors or [_("Choose the parents first.")]:
            messages.error(request, error)
        return redirect("office:parent-credentials")
    parents = _parents_to_send(request, form)
    try:
        result = request_parent_credentials(parents=parents, sent_by=request.user)
    except DomainError as error:
        report_error(request, error)
        return redirect("office:parent-credentials")
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
    context = {"result": result, "organisation": request.user.organisation}
    return render(request, "office/credentials_letters.html", context)
